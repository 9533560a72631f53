import { useEffect, useRef, useState } from 'react';
import { useStore } from '../store';
import { HiddenFilePicker } from './HiddenFilePicker';
import { workerClient } from '../workerClient';

function megabytes(bytes: number | undefined): string {
  return `${((bytes ?? 0) / 1e6).toFixed(1)} MB`;
}

async function sendH5(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  workerClient.loadWeights({ kind: 'h5', bytes, fileName: file.name });
}

function MissingHelp() {
  return (
    <p>
      <strong>No pretrained VGG16 weights were found.</strong> To get them, run{' '}
      <code>npm run weights</code> where there is internet and reload, or drop the Keras file{' '}
      <code>vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5</code> here.
    </p>
  );
}

/** Which VGG16 weights are loaded, their loading progress, and the ways to get real ones. */
export function WeightsPanel() {
  const w = useStore((s) => s.weights);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  /** Which button asked for weights: its answer takes the focus (the button itself may vanish). */
  const [asked, setAsked] = useState<'demo' | 'pretrained' | null>(null);
  const answer = useRef<HTMLDivElement>(null);
  const settled = w.status !== 'loading' && w.status !== 'idle' && !w.pending;
  useEffect(() => {
    if (asked && settled) answer.current?.focus();
  }, [asked, settled]);
  const pickH5 = (file: File | undefined) => {
    if (file) sendH5(file).catch((e: unknown) => useStore.getState().setError(String(e)));
  };
  const ask = (kind: 'demo' | 'pretrained') => {
    setAsked(kind);
    workerClient.loadWeights({ kind });
  };
  const pretrainedMissing =
    w.status === 'missing' ||
    (w.status === 'ready' && (w.problem?.kind === 'not-found' || !!w.pretrainedMissing));

  return (
    <section
      className={`weights-panel${over ? ' dropzone-over' : ''}`}
      aria-label="Model weights"
      onDragOver={(e) => {
        if (Array.from(e.dataTransfer.types).includes('Files')) {
          e.preventDefault();
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        pickH5(e.dataTransfer.files[0]);
      }}
    >
      <h2>Model weights</h2>
      {w.status === 'loading' && (
        <div>
          <label>
            Loading weights{w.phase ? ` (${w.phase})` : ''}: {megabytes(w.loaded)}
            {w.total ? ` of ${megabytes(w.total)}` : ''}
            <progress
              aria-label="Weights loading"
              max={w.total || 1}
              value={w.total ? w.loaded : undefined}
            />
          </label>
        </div>
      )}
      <div ref={answer} tabIndex={-1} className="weights-answer">
        {w.status === 'ready' && (
          <p data-testid="weights-status">
            {w.label === 'demo' ? 'Demo weights' : 'Pretrained VGG16 weights'} loaded from{' '}
            {w.origin} ({megabytes(w.bytes)}).
          </p>
        )}
        {w.status === 'ready' && w.label === 'demo' && (
          <p className="warning" role="note" data-testid="demo-label">
            Untrained demo weights (random): results are texture-like, not real style transfer.
          </p>
        )}
        {w.pending && (
          <p role="status" data-testid="weights-pending">
            Checking {w.pending.what}
            {w.pending.total
              ? ` (${megabytes(w.pending.loaded)} of ${megabytes(w.pending.total)})`
              : ''}
            …; the weights in use stay until it proves to be VGG16.
          </p>
        )}
        {pretrainedMissing && (
          <div className="notice" role="status">
            <MissingHelp />
            {asked === 'pretrained' && (
              <p data-testid="pretrained-checked">
                Looked again just now: none on this server and none cached in this browser.
                {w.status === 'ready' ? ' The weights in use stay.' : ''}
              </p>
            )}
          </div>
        )}
        {w.status === 'ready' && w.problem && w.problem.kind !== 'not-found' && (
          <div className="error" role="alert" data-testid="weights-problem">
            <p>
              Weights could not be loaded
              {w.problem.fileName ? ` from "${w.problem.fileName}"` : ''}
              {w.problem.fileName && w.problem.kind === 'format'
                ? ' (it is not Keras VGG16 weights)'
                : ''}
              : {w.problem.message}. The weights in use are kept.
            </p>
          </div>
        )}
        {w.status === 'error' && (
          <div className="error" role="alert">
            <p>
              Weights could not be loaded{w.fileName ? ` from "${w.fileName}"` : ''}: {w.message}
            </p>
            <p>
              Pretrained weights come from <code>npm run weights</code> (then reload), or drop the
              Keras <code>.h5</code> file here; the demo weights always work.
            </p>
          </div>
        )}
      </div>
      <div className="weights-actions">
        <button type="button" onClick={() => input.current?.click()}>
          Load .h5 weights file…
        </button>
        <HiddenFilePicker
          ref={input}
          accept=".h5,.hdf5"
          label="VGG16 .h5 weights file"
          onFiles={(files) => pickH5(files[0])}
        />
        {!(w.status === 'ready' && w.label === 'demo') && (
          <button
            type="button"
            disabled={w.status === 'loading' || !!w.pending}
            onClick={() => ask('demo')}
          >
            Use demo weights (untrained, random)
          </button>
        )}
        {!(w.status === 'ready' && w.label === 'pretrained') && (
          <button
            type="button"
            disabled={w.status === 'loading' || !!w.pending}
            onClick={() => ask('pretrained')}
          >
            Use pretrained weights
          </button>
        )}
      </div>
    </section>
  );
}
