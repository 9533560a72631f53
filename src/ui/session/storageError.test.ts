import { describe, expect, it } from 'vitest';
import { isQuotaError, storageProblem } from './storageError';

describe('storage problems in plain words', () => {
  it('recognises a full storage by the error name, not by its message', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new DOMException('quota exceeded', 'AbortError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });

  it('says what could not be kept, and that the page still works', () => {
    const full = storageProblem('the style image', new DOMException('x', 'QuotaExceededError'));
    expect(full).toContain('storage is full: the style image cannot be kept across a reload');
    const other = storageProblem(
      'the content image',
      new DOMException('gone', 'InvalidStateError'),
    );
    expect(other).toBe(
      'The content image cannot be kept across a reload (InvalidStateError: gone). Everything else works.',
    );
    const closed = storageProblem(null, new DOMException('denied', 'SecurityError'));
    expect(closed).toContain('cannot be kept across reloads here');
    expect(closed).toContain('IndexedDB: SecurityError: denied');
  });
});
