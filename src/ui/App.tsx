import { useEffect } from 'react';
import { useStore } from './store';
import { pasteTarget, pickImage } from './pickImage';
import { BackendNotice } from './components/BackendNotice';
import { StyleView } from './components/StyleView';
import { RestoreOffer } from './history/RestoreOffer';
import { LazyExplorer, useView, ViewNav } from './explorer/ViewSwitch';
import './app.css';

function usePaste(): void {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      // Any pasted file goes to intake, which says what is wrong with one that is not an image.
      const file = e.clipboardData?.files[0];
      if (!file) return;
      e.preventDefault();
      void pickImage(pasteTarget(document.activeElement), file);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, []);
}

export function App() {
  usePaste();
  const view = useView();
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  return (
    <div className="app">
      <header>
        <h1>Style transfer</h1>
        <p className="tagline">
          Gatys-style neural style transfer with VGG16, entirely in your browser.
        </p>
      </header>
      <ViewNav view={view} />
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button
            type="button"
            aria-label="Dismiss error"
            onClick={() => useStore.getState().setError(null)}
          >
            ×
          </button>
        </p>
      )}
      {notice && (
        <p className="notice" role="status" data-testid="notice">
          {notice}{' '}
          <button
            type="button"
            aria-label="Dismiss notice"
            onClick={() => useStore.getState().setNotice(null)}
          >
            ×
          </button>
        </p>
      )}
      <BackendNotice />
      <RestoreOffer />
      <StyleView hidden={view !== 'main'} />
      {view === 'explorer' && <LazyExplorer />}
    </div>
  );
}
