/**
 * What a size limit was worked out for: the backend, the content's shape and the settings' layers.
 * A stored limit counts only for the question it answered (another shape has another largest long
 * side); until the worker answers the new one, nothing is shown or refused by the page.
 */
import type { AppState, FitLimit } from '../store';
import type { BackendName } from '../../worker/protocol';
import { SHAPE_BEFORE_CONTENT } from './suggest';

export function fitLimitKey(
  s: Pick<AppState, 'content' | 'settings'>,
  backend: BackendName,
): string {
  const shape = s.content ?? SHAPE_BEFORE_CONTENT;
  const layers = [s.settings.contentLayer, ...s.settings.styleLayers.map((l) => l.name)].sort();
  return `${backend}|${shape.width}x${shape.height}|${layers.join(',')}`;
}

/** The stored limit, when it answers this backend, shape and layers; else null. */
export function limitFor(
  s: Pick<AppState, 'fitLimit' | 'content' | 'settings'>,
  backend: BackendName,
): FitLimit | null {
  return s.fitLimit?.key === fitLimitKey(s, backend) ? s.fitLimit : null;
}
