/**
 * When the page asks the worker for the largest output that fits: weights loaded, no run holding
 * the worker, and a question (backend, content shape, layers) not asked yet.
 */
import { isRunActive, type AppState } from '../store';
import type { StyleSettings } from '../../worker/protocol';
import { SHAPE_BEFORE_CONTENT } from './suggest';

export interface FitLimitQuestion {
  key: string;
  request: { width: number; height: number; settings: StyleSettings };
}

export function fitLimitKey(
  s: Pick<AppState, 'backendInfo' | 'content' | 'settings'>,
): string | null {
  if (!s.backendInfo) return null;
  const shape = s.content ?? SHAPE_BEFORE_CONTENT;
  const layers = [s.settings.contentLayer, ...s.settings.styleLayers.map((l) => l.name)].sort();
  return `${s.backendInfo.backend}|${shape.width}x${shape.height}|${layers.join(',')}`;
}

export function fitLimitWanted(s: AppState): FitLimitQuestion | null {
  if (s.weights.status !== 'ready' || isRunActive(s.run.state)) return null;
  const key = fitLimitKey(s);
  if (!key || s.fitLimit?.key === key) return null;
  const shape = s.content ?? SHAPE_BEFORE_CONTENT;
  return { key, request: { width: shape.width, height: shape.height, settings: s.settings } };
}
