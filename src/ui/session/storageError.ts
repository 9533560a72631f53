/** Plain words for why the page cannot keep work across reloads (IndexedDB closed or full). */

/** True for the browser's "storage is full" error, whatever its wrapper. */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

function reason(e: unknown): string {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const { name, message } = e as { name?: string; message?: string };
    return [name, message].filter(Boolean).join(': ') || String(e);
  }
  return String(e);
}

/**
 * The line the page shows when `what` (e.g. "the style image") could not be stored, or when
 * IndexedDB could not be opened at all (`what` null). The page keeps working either way.
 */
export function storageProblem(what: string | null, e: unknown): string {
  if (what === null) {
    return (
      'Your images and results cannot be kept across reloads here: the browser refused its ' +
      `storage (IndexedDB: ${reason(e)}). Everything else works; download what you want to keep.`
    );
  }
  if (isQuotaError(e)) {
    return (
      `The browser's storage is full: ${what} cannot be kept across a reload. Everything else ` +
      'works; clearing the history frees space.'
    );
  }
  return `${what[0].toUpperCase()}${what.slice(1)} cannot be kept across a reload (${reason(e)}). Everything else works.`;
}
