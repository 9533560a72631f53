import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MAX_REGIONS, type RegionJob } from '../../worker/protocol';
import { HiddenFilePicker } from '../components/HiddenFilePicker';
import { useStore } from '../store';
import { MaskCanvas } from './MaskCanvas';
import { exportMaskPng, importMaskPng } from './maskFiles';
import { initMaskSession } from './maskSession';
import { coverage, REGION_NAMES, regionCss } from './maskOps';
import {
  clearMask,
  fitMaskTo,
  MIN_REGIONS,
  redoMask,
  setActiveRegion,
  setBrushSize,
  setDefaultRegion,
  setMaskEnabled,
  setRegionCount,
  setRegionJob,
  setTool,
  undoMask,
  useMask,
  type MaskTool,
} from './maskStore';

const TOOLS: { tool: MaskTool; label: string }[] = [
  { tool: 'brush', label: 'Brush' },
  { tool: 'eraser', label: 'Eraser' },
  { tool: 'fill', label: 'Fill' },
];

function jobValue(j: RegionJob): string {
  return j.kind === 'content' ? 'content' : `style:${j.style}`;
}

function parseJob(v: string): RegionJob {
  return v === 'content' ? { kind: 'content' } : { kind: 'style', style: Number(v.slice(6)) };
}

/**
 * Spatial control (Gatys et al. 2017): paint regions over the content and give each a job, one of
 * the loaded styles or "keep content". A running run takes every change at its next iteration.
 */
export function MaskPanel() {
  const { content, style, extras } = useStore(
    useShallow((s) => ({ content: s.content, style: s.style, extras: s.extraStyles })),
  );
  const styles = [style, ...extras];
  const m = useMask(
    useShallow((s) => ({
      enabled: s.enabled,
      regions: s.regions,
      defaultRegion: s.defaultRegion,
      active: s.active,
      tool: s.tool,
      brushSize: s.brushSize,
      labels: s.labels,
      canUndo: s.undo.length > 0,
      canRedo: s.redo.length > 0,
      applied: s.applied,
    })),
  );
  const picker = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void initMaskSession();
  }, []);
  useEffect(() => {
    if (content) fitMaskTo(content.width, content.height);
  }, [content]);
  const shares = coverage(m.labels, m.regions.length, m.defaultRegion);
  const styleCount = styles.filter((s) => s !== null).length || 1;
  const fail = (e: unknown) => useStore.getState().setError(`Mask: ${(e as Error).message}`);

  return (
    <section className="mask-panel" aria-labelledby="mask-title" data-testid="mask-panel">
      <h2 id="mask-title">Spatial control</h2>
      <p className="hint">
        Paint where each style goes (Gatys et al. 2017, guided Gram matrices). A running run takes
        changes at its next iteration.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={m.enabled}
          onChange={(e) => setMaskEnabled(e.target.checked)}
        />{' '}
        Use the mask in runs
      </label>
      <p className="hint" role="status" data-testid="mask-applied">
        {m.applied &&
          (m.applied.regions > 0
            ? `The run took the mask as of iteration ${m.applied.iteration}.`
            : `The run goes without a mask from iteration ${m.applied.iteration}.`)}
      </p>
      {!content ? (
        <p className="hint">Pick a content image to paint a mask over it.</p>
      ) : (
        <>
          <MaskCanvas contentUrl={content.url} contentName={content.name} />
          <p id="mask-keys" className="hint">
            Keys on the mask: arrows move the cursor, 1–{m.regions.length} pick a region, F or Enter
            fills, Space paints, B brush, E eraser, Ctrl+Z undo, Ctrl+Y redo.
          </p>
        </>
      )}
      <div className="mask-tools" role="radiogroup" aria-label="Mask tool">
        {TOOLS.map(({ tool, label }) => (
          <label key={tool}>
            <input
              type="radio"
              name="mask-tool"
              checked={m.tool === tool}
              onChange={() => setTool(tool)}
            />{' '}
            {label}
          </label>
        ))}
        <label>
          Brush size{' '}
          <input
            type="range"
            min={1}
            max={48}
            value={m.brushSize}
            onChange={(e) => setBrushSize(Number(e.target.value))}
          />{' '}
          <output>{m.brushSize}</output>
        </label>
      </div>
      <div className="mask-actions">
        <button type="button" disabled={!m.canUndo} onClick={undoMask}>
          Undo
        </button>
        <button type="button" disabled={!m.canRedo} onClick={redoMask}>
          Redo
        </button>
        <button type="button" onClick={clearMask}>
          Clear
        </button>
        <button type="button" disabled={!content} onClick={() => picker.current?.click()}>
          Import mask PNG…
        </button>
        <button type="button" onClick={() => exportMaskPng(content?.name ?? 'content').catch(fail)}>
          Export mask PNG
        </button>
        <HiddenFilePicker
          ref={picker}
          accept="image/png,image/*"
          label="Mask PNG file"
          onFiles={(f) => void importMaskPng(f[0]).catch(fail)}
        />
      </div>
      <fieldset className="mask-regions">
        <legend>Regions</legend>
        <label>
          Number of regions{' '}
          <select value={m.regions.length} onChange={(e) => setRegionCount(Number(e.target.value))}>
            {Array.from({ length: MAX_REGIONS - MIN_REGIONS + 1 }, (_, i) => (
              <option key={i}>{MIN_REGIONS + i}</option>
            ))}
          </select>
        </label>
        <div role="radiogroup" aria-label="Region to paint">
          {m.regions.map((job, r) => (
            <div key={r} className="mask-region" data-testid={`mask-region-${r + 1}`}>
              <label>
                <input
                  type="radio"
                  name="mask-region"
                  checked={m.active === r}
                  onChange={() => setActiveRegion(r)}
                />{' '}
                <span className="swatch" aria-hidden="true" style={{ background: regionCss(r) }} />{' '}
                Region {r + 1} ({REGION_NAMES[r]})
              </label>{' '}
              <select
                aria-label={`Job of region ${r + 1}`}
                value={jobValue(job)}
                onChange={(e) => setRegionJob(r, parseJob(e.target.value))}
              >
                {Array.from({ length: styleCount }, (_, i) => (
                  <option key={i} value={`style:${i}`}>
                    Style {i + 1}
                    {styles[i] ? ` (${styles[i]!.name})` : ''}
                  </option>
                ))}
                <option value="content">Keep content</option>
              </select>{' '}
              <span data-testid={`mask-share-${r + 1}`}>{Math.round(shares[r] * 100)}%</span>
            </div>
          ))}
        </div>
        <label>
          Unpainted pixels follow{' '}
          <select
            value={m.defaultRegion}
            onChange={(e) => setDefaultRegion(Number(e.target.value))}
          >
            {m.regions.map((_, r) => (
              <option key={r} value={r}>
                Region {r + 1}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
    </section>
  );
}
