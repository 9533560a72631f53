/** The top-nine search: layer, run with progress, and the grid of units with paging. */
import { useMemo, useRef, useState } from 'react';
import { CONV_LAYER_NAMES, type ConvLayerName } from '../../model/topology';
import type { PatchHitInfo } from '../../worker/explorerProtocol';
import { explorerClient } from './explorerClient';
import { useExplorer, type SearchResult, type UnitOrder } from './explorerStore';
import { currentPool, scalePool } from './pool';
import { PatchCanvas } from './PatchCanvas';
import { FieldScale } from './FieldScale';

const PER_PAGE_CHOICES = [8, 16, 32, 64];

async function startSearch(): Promise<void> {
  const st = useExplorer.getState();
  try {
    const entries = await currentPool();
    if (entries.length === 0) {
      st.setError('The pool is empty: pick images on the Style transfer view or add some here.');
      return;
    }
    const { pixels, images } = await scalePool(entries, st.workingSize);
    explorerClient.search(st.layer, pixels, images);
  } catch (e) {
    st.setError(`The search could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Units in display order: by index, or by their best activation over the pool. */
function orderedUnits(result: SearchResult, order: UnitOrder): number[] {
  const ids = result.units.map((_, u) => u);
  if (order === 'top') {
    const best = (u: number) => result.units[u][0]?.value ?? 0;
    ids.sort((a, b) => best(b) - best(a) || a - b);
  }
  return ids;
}

function hitLabel(result: SearchResult, hit: PatchHitInfo): string {
  return `${result.images[hit.image].name}, unit at row ${hit.row} column ${hit.col}, activation ${hit.value.toPrecision(4)}`;
}

function UnitCard({
  result,
  unit,
  onOpen,
}: {
  result: SearchResult;
  unit: number;
  onOpen: (u: number) => void;
}) {
  const hits = result.units[unit];
  return (
    <li className="unit">
      <button
        type="button"
        className="unit-button"
        data-testid="unit"
        data-unit={unit}
        aria-label={`Unit ${unit}: best activation ${(hits[0]?.value ?? 0).toPrecision(4)}. Enlarge`}
        onClick={() => onOpen(unit)}
      >
        <span className="unit-grid">
          {hits.map((h, i) => (
            <PatchCanvas
              key={i}
              bitmap={result.images[h.image].bitmap}
              hit={h}
              fieldSize={result.field.size}
              displaySize={30}
              label={hitLabel(result, h)}
            />
          ))}
        </span>
        <span className="unit-name">unit {unit}</span>
      </button>
    </li>
  );
}

function UnitDialog({
  result,
  unit,
  onClose,
}: {
  result: SearchResult;
  unit: number | null;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // showModal gives focus trapping and Escape; called when a unit is set.
  const open = (el: HTMLDialogElement | null) => {
    ref.current = el;
    if (el && unit !== null && !el.open) el.showModal();
  };
  if (unit === null) return null;
  return (
    <dialog
      ref={open}
      className="unit-dialog"
      aria-labelledby="unit-dialog-title"
      data-testid="unit-dialog"
      onClose={onClose}
    >
      <h4 id="unit-dialog-title">
        {result.layer}, unit {unit} — receptive field {result.field.size} px
      </h4>
      <ol className="unit-large">
        {result.units[unit].map((h, i) => (
          <li key={i}>
            <PatchCanvas
              bitmap={result.images[h.image].bitmap}
              hit={h}
              fieldSize={result.field.size}
              displaySize={128}
              label={hitLabel(result, h)}
            />
            <span data-testid="patch-source">{result.images[h.image].name}</span>
            <span data-testid="patch-activation">activation {h.value.toPrecision(4)}</span>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => ref.current?.close()} autoFocus>
        Close
      </button>
    </dialog>
  );
}

export function TopNinePanel() {
  const fields = useExplorer((s) => s.fields);
  const layer = useExplorer((s) => s.layer);
  const worker = useExplorer((s) => s.worker.status);
  const search = useExplorer((s) => s.search);
  const result = useExplorer((s) => s.result);
  const order = useExplorer((s) => s.order);
  const perPage = useExplorer((s) => s.perPage);
  const page = useExplorer((s) => s.page);
  const workingSize = useExplorer((s) => s.workingSize);
  const st = useExplorer.getState();
  const [open, setOpen] = useState<number | null>(null);

  const units = useMemo(() => (result ? orderedUnits(result, order) : []), [result, order]);
  const pages = Math.max(1, Math.ceil(units.length / perPage));
  const shown = units.slice(page * perPage, (page + 1) * perPage);
  const f = fields?.[layer];

  return (
    <section className="explorer-panel" aria-labelledby="topnine-title">
      <h3 id="topnine-title">Top nine patches per unit</h3>
      <div className="topnine-controls">
        <label htmlFor="explore-layer">Layer to explore</label>
        <select
          id="explore-layer"
          value={layer}
          onChange={(e) => st.setLayer(e.target.value as ConvLayerName)}
        >
          {CONV_LAYER_NAMES.map((l) => (
            <option key={l} value={l}>
              {l}
              {fields ? ` (field ${fields[l].size} px)` : ''}
            </option>
          ))}
        </select>
        {/* aria-disabled while searching: a disabled button drops the keyboard's focus. */}
        <button
          type="button"
          disabled={worker !== 'ready' && search === null}
          aria-disabled={search !== null ? true : undefined}
          onClick={() => {
            if (worker === 'ready' && search === null) void startSearch();
          }}
        >
          Find the top nine
        </button>
        {search && (
          <button type="button" onClick={() => explorerClient.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {f && (
        <div className="field-info">
          <p className="hint" data-testid="field-info">
            {layer}: receptive field {f.size}×{f.size} px, jump {f.jump} px, first centre at{' '}
            {f.start} px. Each patch below is the whole field, drawn at one size.
          </p>
          <FieldScale field={f.size} workingSize={result?.workingSize ?? workingSize} />
        </div>
      )}
      {search && (
        <p className="search-progress">
          <label>
            Searching the pool{' '}
            <progress
              value={search.done}
              max={search.total}
              data-testid="search-progress"
              aria-label="Top-nine search progress"
            />
          </label>{' '}
          {search.done} of {search.total} images
        </p>
      )}
      {result && (
        <>
          <p data-testid="search-summary" data-ms={Math.round(result.elapsedMs)}>
            {result.layer}: {result.units.length} units over {result.images.length} images (
            {result.workingSize} px working size) in {(result.elapsedMs / 1000).toFixed(1)} s.
          </p>
          <div className="topnine-controls" role="group" aria-label="Units shown">
            <fieldset>
              <legend>Units</legend>
              {(['first', 'top'] as const).map((o) => (
                <label key={o}>
                  <input
                    type="radio"
                    name="unit-order"
                    checked={order === o}
                    onChange={() => st.setOrder(o)}
                  />{' '}
                  {o === 'first' ? 'In order' : 'Highest activation first'}
                </label>
              ))}
            </fieldset>
            <label htmlFor="units-per-page">Units per page</label>
            <select
              id="units-per-page"
              value={perPage}
              onChange={(e) => st.setPerPage(Number(e.target.value))}
            >
              {PER_PAGE_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <button type="button" disabled={page === 0} onClick={() => st.setPage(page - 1)}>
              Previous page
            </button>
            <span data-testid="page-info">
              Page {page + 1} of {pages}
            </span>
            <button type="button" disabled={page >= pages - 1} onClick={() => st.setPage(page + 1)}>
              Next page
            </button>
          </div>
          <ul className="unit-list" aria-label={`Units of ${result.layer}`}>
            {shown.map((u) => (
              <UnitCard key={u} result={result} unit={u} onOpen={setOpen} />
            ))}
          </ul>
          <UnitDialog result={result} unit={open} onClose={() => setOpen(null)} />
        </>
      )}
    </section>
  );
}
