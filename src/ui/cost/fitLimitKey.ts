/**
 * What a size limit was worked out for: the backend, the content's shape, the settings' layers and
 * whether they can run in tiles (brightness-only colours or L-BFGS cannot: the untiled limit holds).
 * A stored limit counts only for the question it answered (another shape has another largest long
 * side); until the worker answers the new one, nothing is shown or refused by the page.
 */
import type { AppState, FitLimit } from '../store';
import type { BackendName } from '../../worker/protocol';
import { SHAPE_BEFORE_CONTENT } from './suggest';
import { whyNotTiled } from '../../common/tiling';

export function fitLimitKey(
  s: Pick<AppState, 'content' | 'settings'>,
  backend: BackendName,
): string {
  const shape = s.content ?? SHAPE_BEFORE_CONTENT;
  const layers = [s.settings.contentLayer, ...s.settings.styleLayers.map((l) => l.name)].sort();
  // A mask is not in the key: the worker's own check at Start refuses a masked size (next to the field).
  const tiles = whyNotTiled(s.settings, false) === null ? 'tiles' : 'untiled';
  return `${backend}|${shape.width}x${shape.height}|${layers.join(',')}|${tiles}`;
}

/** The stored limit, when it answers this backend, shape and layers; else null. */
export function limitFor(
  s: Pick<AppState, 'fitLimit' | 'content' | 'settings'>,
  backend: BackendName,
): FitLimit | null {
  return s.fitLimit?.key === fitLimitKey(s, backend) ? s.fitLimit : null;
}
