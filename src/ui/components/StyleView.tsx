import { useStore } from '../store';
import { pickFiles, pickSamples } from '../pickImage';
import { LIMITS_TEXT } from '../imageIntake';
import { HistoryStrip } from '../history/HistoryStrip';
import { KeptWork } from '../session/KeptWork';
import { DropZone } from './DropZone';
import { ResultPanel } from './ResultPanel';
import { RunControls } from './RunControls';
import { InputsChanged } from './InputsChanged';
import { RunEstimate } from './RunEstimate';
import { RunStats } from './RunStats';
import { LossChart } from './LossChart';
import { SettingsPanel } from './SettingsPanel';
import { StyleBlend } from './StyleBlend';
import { WeightsPanel } from './WeightsPanel';
import './result.css';
import { MaskPanel } from '../mask/MaskPanel';

/**
 * The style transfer view, result first: the result with its controls and counters (held in view
 * on a wide screen while the side column scrolls), then images, settings, weights, history, chart.
 */
export function StyleView({ hidden }: { hidden: boolean }) {
  const content = useStore((s) => s.content);
  const style = useStore((s) => s.style);
  return (
    // Hidden, not unmounted: the preview canvas belongs to the style worker.
    <main className="layout" hidden={hidden}>
      <section className="result-area" aria-label="Result">
        <ResultPanel />
        <KeptWork />
        <RunControls />
        <RunEstimate />
        <InputsChanged />
        <RunStats />
      </section>
      <div className="side">
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
          <button
            type="button"
            onClick={() =>
              pickSamples().catch((e: unknown) => useStore.getState().setError(String(e)))
            }
          >
            Try samples
          </button>
          <p className="limits" data-testid="image-limits">
            {LIMITS_TEXT}
          </p>
          <StyleBlend />
        </div>
        <MaskPanel />
        <SettingsPanel />
        <WeightsPanel />
        <HistoryStrip />
        <section className="chart" aria-label="Loss chart">
          <LossChart />
        </section>
      </div>
    </main>
  );
}
