/**
 * Style at a layer: the Gram matrices of the style and of the generated image side by side, and
 * their difference, following a run live; and one bar per style layer of lambda * J_style^[l].
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConvLayerName } from '../../model/topology';
import { bitmapToPixels } from '../imagePixels';
import { useStore, type PickedImage } from '../store';
import { explorerClient, toGramView } from './explorerClient';
import { useExplorer, type GramView } from './explorerStore';
import { generatedBitmap } from './pool';
import { difference, heatmapRgba, legendGradient, sharedScale } from './heatmap';
import { logBars } from './scales';

/** The colour scale under a heatmap: what a colour means, in the Gram's own values. */
function ColourScale({ kind, scale }: { kind: 'sequential' | 'diverging'; scale: number }) {
  const v = scale.toExponential(1);
  return (
    <div className="colour-scale" data-testid="colour-scale">
      <span className="colour-scale-bar" style={{ background: legendGradient(kind) }} />
      <span className="colour-scale-ticks">
        {kind === 'sequential' ? (
          <>
            <span>0</span>
            <span>≥ {v}</span>
          </>
        ) : (
          <>
            <span>≤ −{v}</span>
            <span>0</span>
            <span>≥ {v}</span>
          </>
        )}
      </span>
    </div>
  );
}

/** Asks the style worker for its image, then the explorer worker for both Grams at `layer`. */
async function fetchGram(layer: ConvLayerName, style: PickedImage): Promise<void> {
  const g = await generatedBitmap();
  const size = { width: g.bitmap.width, height: g.bitmap.height };
  const generated = bitmapToPixels(g.bitmap, size);
  g.bitmap.close();
  // The style as the run sees it: cover-cropped to the generated image's size.
  const stylePixels = bitmapToPixels(style.bitmap, size);
  const key = `${style.url}@${size.width}x${size.height}`;
  const reply = await explorerClient.gram(layer, key, stylePixels, generated);
  useExplorer.getState().setGram(toGramView(reply, g.iteration));
}

function Heatmap({
  values,
  channels,
  scale,
  kind,
  title,
  testId,
  iteration,
  legend,
}: {
  values: Float32Array;
  channels: number;
  scale: number;
  kind: 'sequential' | 'diverging';
  title: string;
  testId: string;
  iteration: number;
  legend?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(heatmapRgba(values, scale, kind), channels, channels), 0, 0);
  }, [values, channels, scale, kind]);
  return (
    <figure className="heatmap">
      <canvas
        ref={ref}
        width={channels}
        height={channels}
        role="img"
        aria-label={`${title}, ${channels}×${channels}`}
        data-testid={testId}
        data-iteration={iteration}
      />
      <ColourScale kind={kind} scale={scale} />
      <figcaption>
        {title}
        {legend && <span className="heatmap-legend">{legend}</span>}
      </figcaption>
    </figure>
  );
}

function GramHeatmaps({ gram }: { gram: GramView }) {
  const scale = useMemo(() => sharedScale(gram.style, gram.generated), [gram]);
  const diff = useMemo(() => difference(gram.style, gram.generated), [gram]);
  const diffScale = useMemo(() => sharedScale(diff, diff), [diff]);
  const common = { channels: gram.channels, iteration: gram.iteration };
  return (
    <div className="heatmaps" data-testid="gram-heatmaps" data-iteration={gram.iteration}>
      <Heatmap
        {...common}
        values={gram.style}
        scale={scale}
        kind="sequential"
        title={`Style Gram at ${gram.layer}`}
        testId="gram-style"
      />
      <Heatmap
        {...common}
        values={gram.generated}
        scale={scale}
        kind="sequential"
        title={`Generated Gram at ${gram.layer}, iteration ${gram.iteration}`}
        testId="gram-generated"
      />
      <Heatmap
        {...common}
        values={diff}
        scale={diffScale}
        kind="diverging"
        title="Difference (style − generated)"
        legend="Red: the style has more of that pair of channels' co-activation; blue: the generated image has more; white: they agree. Colours saturate at the 99th percentile of |difference|."
        testId="gram-difference"
      />
      <p className="hint">
        Style and generated share one scale (to their 99th percentile of |value|), so equal values
        look equal; a few large diagonal entries show at the top colour.
      </p>
    </div>
  );
}

export function GramPanel() {
  const ready = useExplorer((s) => s.worker.status === 'ready');
  const gram = useExplorer((s) => s.gram);
  const gramLayer = useExplorer((s) => s.gramLayer);
  const runState = useStore((s) => s.run.state);
  const iteration = useStore((s) => s.run.iteration);
  const losses = useStore((s) => s.run.losses);
  const applied = useStore((s) => s.run.applied);
  const settings = useStore((s) => s.settings);
  const style = useStore((s) => s.style);
  const layers = (applied ?? settings).styleLayers;
  const layer =
    gramLayer && layers.some((l) => l.name === gramLayer) ? gramLayer : (layers[0]?.name ?? null);
  const inFlight = useRef(false);
  const [done, setDone] = useState(0);
  const hasImage = runState !== 'idle' && runState !== 'starting';

  // Follows the run: a new Gram whenever the iteration or layer moved and none is being made.
  useEffect(() => {
    if (!ready || !layer || !style || !hasImage || inFlight.current) return;
    if (gram && gram.layer === layer && gram.iteration === iteration) return;
    inFlight.current = true;
    fetchGram(layer, style)
      .then(() => setDone((n) => n + 1))
      .catch((e: unknown) =>
        useExplorer.getState().setError(`Gram view: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => {
        inFlight.current = false;
      });
  }, [ready, layer, style, hasImage, iteration, gram, done]);

  const bars = layers.map((l) => ({
    name: l.name,
    value: l.weight * (losses?.styleLayers[l.name] ?? NaN),
  }));
  const { widths, decades } = logBars(bars.map((b) => b.value));
  const hasValues = bars.some((b) => Number.isFinite(b.value));

  return (
    <section className="explorer-panel" aria-labelledby="gram-title">
      <h3 id="gram-title">Style at a layer</h3>
      {!hasImage ? (
        <p className="hint">
          Start a run on the Style transfer view: the Gram matrices of its style and of its result
          appear here and follow the run.
        </p>
      ) : (
        <>
          <label htmlFor="gram-layer">Style layer to compare</label>{' '}
          <select
            id="gram-layer"
            value={layer ?? ''}
            onChange={(e) => useExplorer.getState().setGramLayer(e.target.value as ConvLayerName)}
          >
            {layers.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
          {gram && gram.layer === layer ? (
            <GramHeatmaps gram={gram} />
          ) : (
            <p className="hint">Computing the Gram matrices…</p>
          )}
          <h4>
            λ·J_style per style layer{' '}
            {hasValues
              ? `(iteration ${iteration}; log scale, ${decades} decade${decades === 1 ? '' : 's'} wide)`
              : ''}
          </h4>
          {!hasValues && (
            <p className="hint" data-testid="bars-waiting">
              No losses yet at this iteration: they come with the run&apos;s next iteration.
            </p>
          )}
          <ul className="layer-bars" data-testid="style-layer-bars">
            {bars.map((b, i) => (
              <li key={b.name} className={b.name === layer ? 'selected' : undefined}>
                <span className="bar-name">{b.name}</span>
                <span className="bar-track">
                  <span
                    className="bar"
                    style={{
                      width: `${widths[i]}%`,
                    }}
                  />
                </span>
                <span className="bar-value" data-testid="bar-value" data-layer={b.name}>
                  {Number.isFinite(b.value) ? b.value.toExponential(2) : '–'}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
