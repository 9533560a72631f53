import { useId } from 'react';
import { formatNumber } from '../format';
import { CommitNumberInput } from './CommitNumberInput';

export interface SliderFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  /** Linear step; ignored on a log scale (the slider moves in 1/100 decades). */
  step?: number;
  /** 'log' for weights spanning decades (alpha, beta, tv, learning rate). */
  scale?: 'linear' | 'log';
  onChange(value: number): void;
  /** The value the running worker last reported as applied; shown when given. */
  applied?: number | null;
  disabled?: boolean;
  /** Stable suffix of test ids (applied read-out). */
  testId?: string;
  /** Largest value the number field takes when typed (default max; the slider stops at max). */
  typedMax?: number;
  /** Smallest value typed (default: 0 on a log scale, a weight's "term off"; else min). */
  typedMin?: number;
}

const LOG_STEPS_PER_DECADE = 100;

function toSlider(v: number, min: number, scale: 'linear' | 'log'): number {
  if (scale === 'linear') return v;
  return Math.round(Math.log10(Math.max(v, min) / min) * LOG_STEPS_PER_DECADE);
}

function fromSlider(pos: number, min: number, scale: 'linear' | 'log'): number {
  if (scale === 'linear') return pos;
  return Number((min * 10 ** (pos / LOG_STEPS_PER_DECADE)).toPrecision(3));
}

/** A labelled range slider with an editable number input and an optional "applied" read-out. */
export function SliderField({
  label,
  value,
  min,
  max,
  step = 0.01,
  scale = 'linear',
  onChange,
  applied,
  disabled,
  testId,
  typedMax,
  typedMin,
}: SliderFieldProps) {
  const id = useId();
  const sliderMax = scale === 'log' ? toSlider(max, min, 'log') : max;
  const sliderMin = scale === 'log' ? 0 : min;
  return (
    <div className="field slider-field">
      <label htmlFor={`${id}-range`}>{label}</label>
      <div className="slider-row">
        <input
          id={`${id}-range`}
          type="range"
          min={sliderMin}
          max={sliderMax}
          step={scale === 'log' ? 1 : step}
          value={toSlider(value, min, scale)}
          disabled={disabled}
          aria-valuetext={formatNumber(value)}
          onChange={(e) => onChange(fromSlider(Number(e.target.value), min, scale))}
        />
        <CommitNumberInput
          aria-label={`${label} value`}
          // A log-scale weight may be typed anywhere from 0 (term off) up; the slider shows min..max.
          min={typedMin ?? (scale === 'log' ? 0 : min)}
          max={typedMax ?? max}
          value={value}
          disabled={disabled}
          onCommit={onChange}
        />
      </div>
      {applied !== undefined && (
        <output className="applied" data-testid={testId ? `applied-${testId}` : undefined}>
          {/* In the field's own notation ("10000", not "1.00e+4"). */}
          applied: {applied === null ? '–' : String(applied)}
        </output>
      )}
    </div>
  );
}
