/**
 * Asks before the page is left while the run has progress that is neither downloaded nor kept
 * (../store hasUnsavedProgress). The listener is there only while it is needed: a page with a
 * beforeunload listener is kept out of the browser's back/forward cache.
 */
import { hasUnsavedProgress, useStore } from '../store';

function onBeforeUnload(e: BeforeUnloadEvent): void {
  e.preventDefault();
  // Chromium before 119 asks only when returnValue is set (MDN's legacy advice).
  e.returnValue = true;
}

let installed = false;
let armed = false;

function arm(on: boolean): void {
  if (on === armed) return;
  armed = on;
  if (on) window.addEventListener('beforeunload', onBeforeUnload);
  else window.removeEventListener('beforeunload', onBeforeUnload);
}

/** Follows the run from now on. Safe to call more than once. */
export function installLeaveGuard(): void {
  if (installed) return;
  installed = true;
  arm(hasUnsavedProgress(useStore.getState().run));
  useStore.subscribe((s) => arm(hasUnsavedProgress(s.run)));
}
