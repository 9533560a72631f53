/** Which setting changes a running worker can take without a restart. */
import { LIVE_SETTING_KEYS, type LiveSettingsPatch, type StyleSettings } from '../worker/protocol';

/** The live settings that differ between `prev` and `next`, or null when none does. */
export function liveDiff(prev: StyleSettings, next: StyleSettings): LiveSettingsPatch | null {
  const patch: LiveSettingsPatch = {};
  let any = false;
  for (const k of LIVE_SETTING_KEYS) {
    if (prev[k] !== next[k]) {
      Object.assign(patch, { [k]: next[k] });
      any = true;
    }
  }
  return any ? patch : null;
}
