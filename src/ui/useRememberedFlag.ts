import { useState } from 'react';

/**
 * An on/off view preference (a fold, a display mode) remembered in localStorage under a key of
 * its own: not a run setting, so "Reset settings to defaults" leaves it alone.
 */
export function useRememberedFlag(key: string): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => {
    try {
      return localStorage.getItem(key) === 'on';
    } catch {
      return false;
    }
  });
  const remember = (next: boolean) => {
    try {
      localStorage.setItem(key, next ? 'on' : 'off');
    } catch {
      // Storage refused (private mode): the choice is simply not remembered.
    }
    setOn(next);
  };
  return [on, remember];
}
