/**
 * Start's check of the size against the largest output that fits (measured by the worker for the
 * backend the run goes to): a refusal is said next to the size field, before anything is dropped.
 */
import type { Size } from '../geometry';
import type { AppState } from '../store';
import type { BackendName } from '../../worker/protocol';
import { limitFor } from './fitLimitKey';

export function sizeRefusal(
  s: Pick<AppState, 'fitLimit' | 'content' | 'settings'>,
  backend: BackendName,
  longSide: number,
  size: Size,
): string | null {
  const largest = limitFor(s, backend)?.largestLongSide ?? null;
  if (largest == null || longSide <= largest) return null;
  return largest > 0
    ? `A ${size.width}×${size.height} output will not fit on this device (${backend}): the largest that fits is ${largest} px on the long side. The result on screen is kept.`
    : `Not even the smallest output fits on this device (${backend}).`;
}
