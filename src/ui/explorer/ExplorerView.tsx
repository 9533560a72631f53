/** "Explore the network": what VGG16's units respond to, and the Grams the style cost compares. */
import { useEffect } from 'react';
import { useStore } from '../store';
import { explorerClient } from './explorerClient';
import { useExplorer } from './explorerStore';
import { PoolPanel } from './PoolPanel';
import { TopNinePanel } from './TopNinePanel';
import { FiltersPanel } from './FiltersPanel';
import { GramPanel } from './GramPanel';
import './explorer.css';

/**
 * Runs the explorer worker on the weights and backend the page uses. It starts when the view first
 * opens and then stays for the session (its weights and results stay ready across view switches).
 */
function useExplorerWorker(): void {
  const weights = useStore((s) => s.weights);
  const choice = useStore((s) => s.backend);
  const active = useStore((s) => s.backendInfo?.backend);
  // Auto: the backend Auto picked for the style transfer (from its calibration, which the
  // explorer worker does not get); started on 'auto' alone it would always take wasm.
  const backend = choice === 'auto' && active ? active : choice;
  const label = weights.status === 'ready' ? weights.label : undefined;
  useEffect(() => {
    if (!label) return;
    explorerClient.connect(label, backend);
  }, [label, backend]);
}

function WorkerLine() {
  const worker = useExplorer((s) => s.worker);
  const pageWeights = useStore((s) => s.weights.status);
  if (pageWeights !== 'ready') {
    return (
      <p className="notice" role="status">
        The explorer uses the weights of the Style transfer view: load them there first.
      </p>
    );
  }
  if (worker.status === 'error') {
    return (
      <p className="error" role="alert">
        {worker.message}
      </p>
    );
  }
  if (worker.status !== 'ready') {
    return (
      <p role="status" data-testid="explorer-status">
        Loading VGG16 into the explorer worker{worker.step ? `: ${worker.step}` : ''}…
      </p>
    );
  }
  return (
    <p role="status" data-testid="explorer-status" data-ready="true">
      {worker.label === 'demo' ? (
        <span className="demo-label" data-testid="explorer-demo-label">
          Demo weights (untrained, random): units respond to noise-like patterns, not to objects.
        </span>
      ) : (
        <span>Pretrained VGG16 weights (ImageNet).</span>
      )}{' '}
      Backend: {worker.backend}.
    </p>
  );
}

export default function ExplorerView() {
  useExplorerWorker();
  const error = useExplorer((s) => s.error);
  return (
    <section className="explorer" aria-labelledby="explorer-title">
      <h2 id="explorer-title">Explore the network</h2>
      <p className="tagline">
        What VGG16's units respond to (after Zeiler and Fergus, 2013): pick a layer and see, for
        each unit, the nine image patches that activate it most, each cut at the unit's receptive
        field.
      </p>
      <WorkerLine />
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button
            type="button"
            aria-label="Dismiss explorer error"
            onClick={() => useExplorer.getState().setError(null)}
          >
            ×
          </button>
        </p>
      )}
      <PoolPanel />
      <TopNinePanel />
      <FiltersPanel />
      <GramPanel />
    </section>
  );
}
