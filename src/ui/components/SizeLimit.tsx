import { useEffect, useRef } from 'react';
import { useStore } from '../store';
import { usePagePlan } from '../cost/pagePlan';
import { limitFor } from '../cost/fitLimitKey';

/**
 * Next to the size field: the largest output that fits on this device (measured by the worker for
 * the backend the next run goes to, Auto's pick included), said before Start; Start's refusal of
 * a larger size appears here too, and takes the focus to the field.
 */
export function SizeLimit() {
  const stored = useStore((s) => s.fitLimit);
  const content = useStore((s) => s.content);
  const settings = useStore((s) => s.settings);
  const refusal = useStore((s) => s.sizeRefusal);
  const longSide = useStore((s) => s.outputLongSide);
  const p = usePagePlan();
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (refusal) ref.current?.closest('.field')?.querySelector('input')?.focus();
  }, [refusal]);
  // Only the answer for this backend, shape and layers (a new image is asked again).
  const limit = limitFor({ fitLimit: stored, content, settings }, p.backend);
  const largest = limit ? limit.largestLongSide : undefined;
  const tooLarge = largest != null && longSide > largest;
  const tiledAbove = largest !== undefined ? (limit?.untiledLongSide ?? null) : null;
  return (
    <span ref={ref}>
      {largest !== undefined ? (
        <span
          className={tooLarge ? 'hint field-error' : 'hint'}
          data-testid="size-limit"
          data-value={largest ?? ''}
        >
          {largest === null
            ? ` Every size up to the field's maximum fits here (${limit!.backend}).`
            : ` Largest that fits on this device: ${largest} px (${limit!.backend}).`}
        </span>
      ) : null}
      {tiledAbove !== null ? (
        <span className="hint" data-testid="size-tiled" data-value={tiledAbove}>
          {` Larger than ${tiledAbove} px runs in tiles${longSide > tiledAbove && !tooLarge ? ' (this size does: slower per iteration)' : ''}.`}
        </span>
      ) : null}
      {refusal ? (
        <span className="field-error" role="alert" data-testid="size-refusal">
          {' '}
          {refusal}
        </span>
      ) : null}
    </span>
  );
}
