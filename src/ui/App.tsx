import { useEffect } from 'react';
import { useStore } from './store';
import { pasteTarget, pickImage, pickSamples } from './pickImage';
import { DropZone } from './components/DropZone';
import { PreviewCanvas } from './components/PreviewCanvas';
import { RunControls } from './components/RunControls';
import { RunStats } from './components/RunStats';
import { LossChart } from './components/LossChart';
import { SettingsPanel } from './components/SettingsPanel';
import { WeightsPanel } from './components/WeightsPanel';
import { BackendNotice } from './components/BackendNotice';
import './app.css';

function usePaste(): void {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = Array.from(e.clipboardData?.files ?? []).find((f) =>
        f.type.startsWith('image/'),
      );
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
  const content = useStore((s) => s.content);
  const style = useStore((s) => s.style);
  const error = useStore((s) => s.error);
  const runWidth = useStore((s) => s.run.width);
  const runHeight = useStore((s) => s.run.height);
  return (
    <div className="app">
      <header>
        <h1>Style transfer</h1>
        <p className="tagline">
          Gatys-style neural style transfer with VGG16, entirely in your browser.
        </p>
      </header>
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
      <BackendNotice />
      <main className="layout">
        <div className="inputs">
          <div className="zones">
            <DropZone
              slot="content"
              title="Content"
              image={content}
              onFile={(f) => void pickImage('content', f)}
            />
            <DropZone
              slot="style"
              title="Style"
              image={style}
              onFile={(f) => void pickImage('style', f)}
            />
          </div>
          <button
            type="button"
            onClick={() =>
              pickSamples().catch((e: unknown) => useStore.getState().setError(String(e)))
            }
          >
            Try samples
          </button>
          <WeightsPanel />
        </div>
        <div className="output">
          <PreviewCanvas width={runWidth} height={runHeight} />
          <RunControls />
          <RunStats />
          <LossChart />
        </div>
        <SettingsPanel />
      </main>
    </div>
  );
}
