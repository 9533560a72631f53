/** block1_conv1's 64 kernels, drawn from the weights (RGB order, each contrast-stretched). */
import { useEffect, useMemo, useRef } from 'react';
import { constantFilters } from './scales';
import { explorerClient } from './explorerClient';
import { useExplorer } from './explorerStore';

function FilterCanvas({
  rgba,
  size,
  index,
  constant,
}: {
  rgba: Uint8ClampedArray;
  size: number;
  index: number;
  /** Every weight of the kernel is equal: drawn flat grey, and labelled. */
  constant: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const px = size * size * 4;
    const data = new Uint8ClampedArray(rgba.subarray(index * px, (index + 1) * px));
    ctx.putImageData(new ImageData(data, size, size), 0, 0);
  }, [rgba, size, index]);
  return (
    <span className="filter-cell">
      <canvas
        ref={ref}
        className="filter"
        width={size}
        height={size}
        role="img"
        aria-label={`Filter ${index}${constant ? ': constant (every weight equal)' : ''}`}
        data-testid="filter"
        data-constant={constant || undefined}
      />
      {constant && (
        <span className="filter-constant" aria-hidden="true">
          const
        </span>
      )}
    </span>
  );
}

export function FiltersPanel() {
  const ready = useExplorer((s) => s.worker.status === 'ready');
  const filters = useExplorer((s) => s.filters);
  const flat = useMemo(
    () =>
      filters ? constantFilters(filters.rgba, filters.size, filters.count) : new Set<number>(),
    [filters],
  );
  useEffect(() => {
    if (ready && !useExplorer.getState().filters) explorerClient.requestFilters();
  }, [ready]);
  return (
    <section className="explorer-panel" aria-labelledby="filters-title">
      <h3 id="filters-title">First layer: block1_conv1's 64 filters</h3>
      <p className="hint">
        Each 3×3 kernel drawn from the weights themselves: input channels put back from the
        network's BGR to RGB, each kernel stretched to full contrast on its own, enlarged. A kernel
        whose weights are all equal has no contrast to stretch: it is drawn flat grey and marked
        “const”{flat.size > 0 ? ` (${flat.size} of ${filters?.count ?? 0} here)` : ''}.
      </p>
      {filters ? (
        <div className="filters" data-testid="filters">
          {Array.from({ length: filters.count }, (_, i) => (
            <FilterCanvas
              key={i}
              rgba={filters.rgba}
              size={filters.size}
              index={i}
              constant={flat.has(i)}
            />
          ))}
        </div>
      ) : (
        <p className="hint">{ready ? 'Reading the weights…' : 'Waiting for the weights…'}</p>
      )}
    </section>
  );
}
