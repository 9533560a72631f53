import { useEffect } from 'react';
import { useStore } from './store';
import { pasteTarget, pickFiles, pickImage, pickSamples } from './pickImage';
import { LIMITS_TEXT } from './imageIntake';
import { DropZone } from './components/DropZone';
import { PreviewCanvas } from './components/PreviewCanvas';
import { RunControls } from './components/RunControls';
import { InputsChanged } from './components/InputsChanged';
import { RunEstimate } from './components/RunEstimate';
import { RunStats } from './components/RunStats';
import { LossChart } from './components/LossChart';
import { SettingsPanel } from './components/SettingsPanel';
import { StyleBlend } from './components/StyleBlend';
import { WeightsPanel } from './components/WeightsPanel';
import { BackendNotice } from './components/BackendNotice';
import { RestoreOffer } from './history/RestoreOffer';
import { LazyExplorer, useView, ViewNav } from './explorer/ViewSwitch';
import { HistoryStrip } from './history/HistoryStrip';
import { KeptWork } from './session/KeptWork';
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
  const content = useStore((s) => s.content);
  const style = useStore((s) => s.style);
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const runWidth = useStore((s) => s.run.width);
  const runHeight = useStore((s) => s.run.height);
  const workerGeneration = useStore((s) => s.workerGeneration);
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
      {/* Hidden, not unmounted: the preview canvas belongs to the style worker. */}
      <main className="layout" hidden={view !== 'main'}>
        <div className="inputs">
          <div className="zones">
            <DropZone
              slot="content"
              title="Content"
              image={content}
              onFiles={(f) => void pickFiles('content', f)}
            />
            <DropZone
              slot="style"
              title="Style"
              image={style}
              onFiles={(f) => void pickFiles('style', f)}
            />
          </div>
          <StyleBlend />
          <p className="limits" data-testid="image-limits">
            {LIMITS_TEXT}
          </p>
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
          {/* A new worker needs a canvas it can take over: the key gives it a fresh element. */}
          <PreviewCanvas key={workerGeneration} width={runWidth} height={runHeight} />
          <KeptWork />
          <RunControls />
          <HistoryStrip />
          <RunEstimate />
          <InputsChanged />
          <RunStats />
          <LossChart />
        </div>
        <SettingsPanel />
      </main>
      {view === 'explorer' && <LazyExplorer />}
    </div>
  );
}
