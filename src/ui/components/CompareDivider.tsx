import type { KeyboardEvent } from 'react';

const STEP = 5;
const PAGE_STEP = 25;

function keyTarget(key: string, value: number): number | null {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return value - STEP;
    case 'ArrowRight':
    case 'ArrowUp':
      return value + STEP;
    case 'PageDown':
      return value - PAGE_STEP;
    case 'PageUp':
      return value + PAGE_STEP;
    case 'Home':
      return 0;
    case 'End':
      return 100;
    default:
      return null;
  }
}

/**
 * The compare view's divider: content on its left, result on its right (Squoosh's two-up). A
 * slider for assistive technology and the keyboard (arrows, Page Up/Down, Home/End); the pointer
 * drags it through the stage it sits on.
 */
export function CompareDivider({
  value,
  onChange,
}: {
  /** Percent of the width that shows the content, 0..100. */
  value: number;
  onChange(value: number): void;
}) {
  const onKeyDown = (e: KeyboardEvent) => {
    const next = keyTarget(e.key, value);
    if (next === null) return;
    e.preventDefault();
    onChange(Math.min(100, Math.max(0, next)));
  };
  return (
    <div
      className="compare-divider"
      style={{ left: `${value}%` }}
      role="slider"
      tabIndex={0}
      aria-label="Compare with the content image"
      aria-orientation="horizontal"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={`${value}% content, ${100 - value}% result`}
      onKeyDown={onKeyDown}
    >
      <span className="compare-knob" aria-hidden="true">
        ◀▶
      </span>
    </div>
  );
}
