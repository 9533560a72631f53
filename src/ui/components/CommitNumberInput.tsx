import { useId, useState, type KeyboardEvent } from 'react';

export interface CommitNumberInputProps {
  value: number;
  min: number;
  max: number;
  /** Whole numbers only (sizes, counts, seeds). */
  integer?: boolean;
  onCommit(value: number): void;
  id?: string;
  'aria-label'?: string;
  disabled?: boolean;
  className?: string;
}

/** Parses what was typed ("1e3", " 64 ", "0,5"); null when it is not a number. */
export function parseTyped(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Why `v` cannot be committed, in words for the person who typed it; null when it can. */
export function rangeProblem(
  v: number | null,
  text: string,
  min: number,
  max: number,
  integer: boolean,
): string | null {
  // In the field's own notation: a seed's limit reads 999999, not 1.00e+6.
  const range =
    max >= Number.MAX_VALUE ? `${String(min)} or more` : `${String(min)} to ${String(max)}`;
  if (v === null) return `"${text.trim()}" is not a number: enter ${range}.`;
  if (integer && !Number.isInteger(v)) return `Enter a whole number from ${range}.`;
  if (v < min || v > max) return `${String(v)} is out of range: enter ${range}.`;
  return null;
}

/**
 * A number field that takes keystrokes as typed and validates only on commit (Enter or leaving the
 * field): clamping every keystroke turned "64" into 644 (6 clamped up to 64, then the 4 appended).
 * An invalid value is not applied; the message says why and the field shows the value in force.
 * Escape drops the draft.
 */
export function CommitNumberInput({
  value,
  min,
  max,
  integer = false,
  onCommit,
  id,
  disabled,
  className,
  'aria-label': ariaLabel,
}: CommitNumberInputProps) {
  const errorId = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const commit = () => {
    if (draft === null) return;
    const v = parseTyped(draft);
    const why = rangeProblem(v, draft, min, max, integer);
    setDraft(null);
    if (why) {
      setProblem(`${why} Kept ${String(value)}.`);
      return;
    }
    setProblem(null);
    if (v !== value) onCommit(v!);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      setDraft(null);
      setProblem(null);
    }
  };

  return (
    <>
      <input
        id={id}
        className={className}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        aria-label={ariaLabel}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? errorId : undefined}
        value={draft ?? String(value)}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
      {problem && (
        <span className="field-error" id={errorId} role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
