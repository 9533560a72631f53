/**
 * A run's states and the transitions between them, as data (RunController follows this table and
 * nothing else). Two states exist only inside the worker: a Pause or Stop that lands while a step
 * is in flight takes effect when that step ends, so the page hears 'paused' or 'stopped' then
 * (and shows "Pausing…" / "Stopping…" meanwhile). Failures have no state of their own: a failed
 * start goes back to idle, a failed step pauses (the image is kept), running out of memory or an
 * unrecoverable lost context stops; each with its error message.
 */
import type { RunState } from './protocol';

export type RunPhase = RunState | 'pausing' | 'stopping';

export type RunEvent =
  /** A Start (the previous run, if any, is freed first). */
  | 'start'
  /** The run's tensors are built and its first image drawn. */
  | 'prepared'
  /** The start failed or was refused (too large, no memory, bad input). */
  | 'startFailed'
  /** A kept result is shown as a stopped run (after a reload). */
  | 'showResult'
  | 'pause'
  | 'resume'
  | 'stop'
  /** The step that was in flight ended (a Pause or Stop waiting for it takes effect). */
  | 'stepEnded'
  /** The iteration budget is used up. */
  | 'finish'
  /** A step failed, or its loss was not finite or diverged: paused on the last good image. */
  | 'stepFailed'
  /** A step ran out of memory: the run's tensors are freed, the last good image stays. */
  | 'outOfMemory'
  /** The run was rebuilt after a lost context and goes on. */
  | 'recovered'
  /** The backend could not be rebuilt after a lost context. */
  | 'recoveryFailed'
  /** The backend changed under the run: it is freed. */
  | 'backendChanged'
  /** Other weights are in: the run on the old ones is freed. */
  | 'weightsChanged';

/** From every state: a new run may start, and a change of backend or weights ends this one. */
const ALWAYS: Partial<Record<RunEvent, RunPhase>> = {
  start: 'starting',
  showResult: 'stopped',
  backendChanged: 'stopped',
  weightsChanged: 'idle',
};

export const RUN_TRANSITIONS: Record<RunPhase, Partial<Record<RunEvent, RunPhase>>> = {
  idle: { ...ALWAYS },
  starting: { ...ALWAYS, prepared: 'running', startFailed: 'idle', stop: 'stopped' },
  running: {
    ...ALWAYS,
    pause: 'pausing',
    stop: 'stopping',
    finish: 'done',
    stepFailed: 'paused',
    outOfMemory: 'stopped',
    recovered: 'running',
    recoveryFailed: 'stopped',
  },
  // A Pause waits for the step in flight; Resume before it ends simply lets the loop go on.
  pausing: {
    ...ALWAYS,
    stepEnded: 'paused',
    resume: 'running',
    stop: 'stopping',
    stepFailed: 'paused',
    outOfMemory: 'stopped',
  },
  paused: { ...ALWAYS, resume: 'running', stop: 'stopped' },
  // Nothing but the end of the step (or the loss of the run's memory) overtakes a Stop.
  stopping: { ...ALWAYS, stepEnded: 'stopped', outOfMemory: 'stopped' },
  // A finished run goes on when its budget was raised since (the controller checks the budget).
  done: { ...ALWAYS, resume: 'running' },
  // A Stop during the start leaves the run stopped; should the start then fail, it ends idle.
  stopped: { ...ALWAYS, startFailed: 'idle' },
};

/** The state after `event`, or null when the event means nothing in `phase` (it is ignored). */
export function nextPhase(phase: RunPhase, event: RunEvent): RunPhase | null {
  return RUN_TRANSITIONS[phase][event] ?? null;
}

/** What the page is told (it has no Pausing/Stopping of the worker's: it shows its own). */
export function announcedState(phase: RunPhase): RunState | null {
  return phase === 'pausing' || phase === 'stopping' ? null : phase;
}

/** The state as the rest of the worker reads it: a Pause or Stop in waiting counts as done. */
export function settledState(phase: RunPhase): RunState {
  return phase === 'pausing' ? 'paused' : phase === 'stopping' ? 'stopped' : phase;
}
