/**
 * When the page asks the worker for the largest output that fits: weights loaded, no run holding
 * the worker, and a question (the backend the next run goes to, content shape, layers) not asked
 * yet. The backend is the plan's, not the active one: when Auto would switch at Start, the new
 * backend's limit is what Start must check before anything of the run on screen is dropped.
 */
import { isRunActive, type AppState } from '../store';
import type { BackendName, StyleSettings } from '../../worker/protocol';
import { fitLimitKey } from './fitLimitKey';
import { planFrom } from './pagePlan';
import { SHAPE_BEFORE_CONTENT } from './suggest';

export interface FitLimitQuestion {
  key: string;
  request: { width: number; height: number; settings: StyleSettings; backend: BackendName };
}

export function fitLimitWanted(s: AppState): FitLimitQuestion | null {
  if (s.weights.status !== 'ready' || isRunActive(s.run.state)) return null;
  if (!s.backendInfo) return null;
  const backend = planFrom(s).backend;
  const key = fitLimitKey(s, backend);
  if (s.fitLimit?.key === key) return null;
  const shape = s.content ?? SHAPE_BEFORE_CONTENT;
  return {
    key,
    request: { width: shape.width, height: shape.height, settings: s.settings, backend },
  };
}
