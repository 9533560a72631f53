import { useEffect } from 'react';
import { useStore } from '../store';
import { dismissProblem, initSession, useSession } from './session';
import { installLeaveGuard } from './leaveGuard';

/**
 * Restores the work kept from before a reload, guards unsaved progress on leaving, and says so:
 * which result is shown and what Resume does with it, or why nothing can be kept here.
 */
export function KeptWork() {
  useEffect(() => {
    installLeaveGuard();
    void initSession();
  }, []);
  const problem = useSession((s) => s.problem);
  const restored = useStore((s) => s.run.restored && s.run.state === 'stopped');
  const iteration = useStore((s) => s.run.iteration);
  const budget = useStore((s) => s.maxIterations);
  const hasInputs = useStore((s) => !!s.content && !!s.style);
  return (
    <>
      {restored && (
        <p className="notice restored-note" role="status" data-testid="restored-note">
          <strong>Iteration {iteration} (restored)</strong>: the latest result kept from before the
          reload. Resume goes on from this image, counting on from iteration {iteration}; the
          optimiser starts afresh from it (Adam&apos;s moment estimates are not kept).
          {iteration >= budget && ` Raise Iterations above ${iteration} to resume.`}
          {!hasInputs && ' Pick a content and a style image to resume.'}
        </p>
      )}
      {problem && (
        <p className="notice" role="status" data-testid="session-problem">
          {problem.message}{' '}
          <button type="button" aria-label="Dismiss storage notice" onClick={dismissProblem}>
            ×
          </button>
        </p>
      )}
    </>
  );
}
