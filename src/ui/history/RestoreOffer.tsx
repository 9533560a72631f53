import { useEffect } from 'react';
import { useStore } from '../store';
import './history.css';
import { dismissOffer, offerSettingsFrom, restoreOffered, useRestoreOffer } from './restore';

/**
 * Drops anywhere on the page outside the image zones: a PNG carrying settings is offered for
 * restore; anything else gets a hint instead of the browser navigating away to the file.
 */
function usePageDrop(): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      // A drop zone took it (and checks it for settings itself).
      if (e.defaultPrevented) return;
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault();
      void offerSettingsFrom(files).then((offered) => {
        if (!offered) {
          useStore
            .getState()
            .setNotice(
              'Drop images on the Content or Style box; a PNG made here restores its settings.',
            );
        }
      });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

/** The "restore these settings" offer of a dropped PNG made by this app. */
export function RestoreOffer() {
  usePageDrop();
  const offer = useRestoreOffer((s) => s.offer);
  if (!offer) return null;
  const { record, fileName } = offer;
  const s = record.settings;
  const made = [record.weights && `${record.weights} weights`, `app ${record.appVersion}`]
    .filter(Boolean)
    .join(', ');
  return (
    <div
      className="restore-offer"
      role="region"
      aria-label="Settings in the image"
      data-testid="restore-offer"
    >
      <p>
        “{fileName}” carries the settings of iteration {record.iteration} ({made}): α {s.alpha}, β{' '}
        {s.beta}, {s.optimizer === 'lbfgs' ? 'L-BFGS' : 'Adam'}, {s.styleLayers.length} style
        layers, {record.outputLongSide} px, {record.maxIterations} iterations.
      </p>
      <button type="button" className="primary" onClick={restoreOffered}>
        Restore these settings
      </button>{' '}
      <button type="button" onClick={dismissOffer}>
        Dismiss
      </button>
    </div>
  );
}
