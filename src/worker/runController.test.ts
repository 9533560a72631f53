/**
 * The run object's transition table, walked as data and then by a real run (16 px, random VGG16
 * to block2_conv2, cpu backend) whose steps the test can hold in flight: the races of a Pause or
 * Stop that lands mid-step, and of a Stop that lands while a Start waits in the job queue.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StagedRun } from '../engine/stages';
import { randomWeights, SHALLOW_SETTINGS } from '../engine/testing';
import { disposeWeights, type Vgg16Weights } from '../model/weights';
import type { FromWorker, PixelImage, RunState, ToWorker } from './protocol';
import { RunController } from './runController';
import { nextPhase, RUN_TRANSITIONS, type RunEvent, type RunPhase } from './runStates';

const PHASES = Object.keys(RUN_TRANSITIONS) as RunPhase[];
const EVENTS: RunEvent[] = [
  ...new Set(PHASES.flatMap((p) => Object.keys(RUN_TRANSITIONS[p]) as RunEvent[])),
];

describe('the transition table', () => {
  it('reaches every state from idle, and every state can start a new run', () => {
    const seen = new Set<RunPhase>(['idle']);
    const todo: RunPhase[] = ['idle'];
    while (todo.length > 0) {
      const p = todo.pop()!;
      for (const e of EVENTS) {
        const n = nextPhase(p, e);
        if (n && !seen.has(n)) {
          seen.add(n);
          todo.push(n);
        }
      }
    }
    expect([...seen].sort()).toEqual([...PHASES].sort());
    for (const p of PHASES) expect(nextPhase(p, 'start')).toBe('starting');
  });

  it('a Pause or Stop in waiting ends with the step, and a Stop always ends stopped', () => {
    expect(nextPhase('pausing', 'stepEnded')).toBe('paused');
    expect(nextPhase('stopping', 'stepEnded')).toBe('stopped');
    for (const p of ['starting', 'running', 'pausing', 'paused'] as RunPhase[]) {
      const after = nextPhase(p, 'stop')!;
      expect(after === 'stopped' || nextPhase(after, 'stepEnded') === 'stopped').toBe(true);
    }
    // Stop during Pausing: the Stop wins; nothing but the step's end leaves Stopping.
    expect(nextPhase('pausing', 'stop')).toBe('stopping');
    for (const e of ['pause', 'resume', 'finish', 'stepFailed', 'prepared'] as RunEvent[]) {
      expect(nextPhase('stopping', e)).toBeNull();
    }
  });

  it('ignores what means nothing in a state (Pause when not running, Resume when stopped)', () => {
    for (const p of PHASES.filter((q) => q !== 'running')) expect(nextPhase(p, 'pause')).toBeNull();
    expect(nextPhase('stopped', 'resume')).toBeNull();
    expect(nextPhase('idle', 'resume')).toBeNull();
    expect(nextPhase('paused', 'finish')).toBeNull();
  });
});

/** A controller whose steps wait, once done, until the test lets them end. */
class HeldController extends RunController {
  private release: (() => void) | null = null;
  private held: Promise<void> | null = null;
  /** Resolves when a held step has done its work and waits. */
  inFlight: Promise<void> = Promise.resolve();
  private markInFlight: () => void = () => {};

  holdNextStep(): void {
    this.held = new Promise((r) => (this.release = r));
    this.inFlight = new Promise((r) => (this.markInFlight = r));
  }

  endHeldStep(): void {
    this.release?.();
    this.release = null;
    this.held = null;
  }

  protected override async step(r: StagedRun, token: number): Promise<boolean> {
    const goOn = await super.step(r, token);
    if (this.held) {
      this.markInFlight();
      await this.held;
    }
    return goOn;
  }
}

const SIZE = 16;

function rgba(seed: number): PixelImage {
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
  return { width: SIZE, height: SIZE, data: data.buffer };
}

function startMessage(maxIterations: number): Extract<ToWorker, { type: 'start' }> {
  return {
    type: 'start',
    content: rgba(1),
    styles: [rgba(2)],
    settings: SHALLOW_SETTINGS,
    maxIterations,
  };
}

describe('RunController on a real run', () => {
  let weights: Vgg16Weights;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = randomWeights('block2_conv2');
  });
  afterAll(() => disposeWeights(weights));

  function controller(): { c: HeldController; posted: FromWorker[]; states: () => RunState[] } {
    const posted: FromWorker[] = [];
    const c = new HeldController({
      post: (m) => posted.push(m),
      weights: () => weights,
      draw: () => {},
      contextLost: () => {
        throw new Error('no context to lose on cpu');
      },
      close: () => {},
    });
    const states = () =>
      posted.flatMap((m) => (m.type === 'state' ? [m.state] : ([] as RunState[])));
    return { c, posted, states };
  }

  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 5));
  };

  it('starts, runs its budget and ends done, freeing what it held', async () => {
    const before = tf.memory().numTensors;
    const { c, posted, states } = controller();
    await c.start(startMessage(2));
    await until(() => c.phase === 'done');
    expect(states()).toEqual(['starting', 'running', 'done']);
    expect(posted.filter((m) => m.type === 'iteration').map((m) => m.iteration)).toEqual([1, 2]);
    await c.disposeRun();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Pause during a step takes effect when the step ends', async () => {
    const { c, states } = controller();
    c.holdNextStep();
    await c.start(startMessage(5));
    await c.inFlight;
    c.pause();
    expect(c.phase).toBe('pausing');
    expect(c.runState()).toBe('paused');
    expect(states()).toEqual(['starting', 'running']);
    c.endHeldStep();
    await until(() => c.phase === 'paused');
    expect(states()).toEqual(['starting', 'running', 'paused']);
    await c.disposeRun();
  });

  it('Resume during Pausing lets the loop go on', async () => {
    const { c, posted, states } = controller();
    c.holdNextStep();
    await c.start(startMessage(3));
    await c.inFlight;
    c.pause();
    c.resume();
    expect(c.phase).toBe('running');
    c.endHeldStep();
    await until(() => c.phase === 'done');
    expect(states()).toEqual(['starting', 'running', 'running', 'done']);
    expect(posted.filter((m) => m.type === 'iteration')).toHaveLength(3);
    await c.disposeRun();
  });

  it('Stop during Pausing: the Stop wins when the step ends, no Paused is heard', async () => {
    const { c, states } = controller();
    c.holdNextStep();
    await c.start(startMessage(5));
    await c.inFlight;
    c.pause();
    c.stop();
    expect(c.phase).toBe('stopping');
    c.resume(); // nothing overtakes a Stop
    expect(c.phase).toBe('stopping');
    c.endHeldStep();
    await until(() => c.phase === 'stopped');
    await c.settle();
    expect(states()).toEqual(['starting', 'running', 'stopped']);
    c.resume();
    expect(c.phase).toBe('stopped');
    await c.disposeRun();
  });

  it('Stop while a Start is queued cancels the Start; the run before it stays', async () => {
    const { c, posted, states } = controller();
    await c.start(startMessage(1));
    await until(() => c.phase === 'done');
    const ticket = c.startTicket(); // the router takes it when the Start arrives
    c.stop(); // lands while the Start waits behind another job
    await c.start(startMessage(4), ticket);
    expect(states()).toEqual(['starting', 'running', 'done', 'done']);
    expect(c.hasRun()).toBe(true);
    expect(posted.filter((m) => m.type === 'iteration')).toHaveLength(1);
    // A Start queued after the Stop goes ahead.
    await c.start(startMessage(1), c.startTicket());
    await until(() => c.phase === 'done');
    expect(states().slice(-3)).toEqual(['starting', 'running', 'done']);
    await c.disposeRun();
  });

  it('Stop while paused stops at once; a raised budget lets a finished run resume', async () => {
    const { c, posted, states } = controller();
    await c.start(startMessage(1));
    await until(() => c.phase === 'done');
    c.setMaxIterations(2);
    c.resume();
    await until(
      () => c.phase === 'done' && posted.filter((m) => m.type === 'iteration').length === 2,
    );
    c.holdNextStep();
    c.setMaxIterations(4);
    c.resume();
    await c.inFlight;
    c.pause();
    c.endHeldStep();
    await until(() => c.phase === 'paused');
    c.stop();
    expect(c.phase).toBe('stopped');
    expect(states()).toEqual([
      'starting',
      'running',
      'done',
      'running',
      'done',
      'running',
      'paused',
      'stopped',
    ]);
    await c.disposeRun();
  });
});
