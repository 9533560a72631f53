/** block1_conv1's 64 kernels, drawn from the weights (RGB order, each contrast-stretched). */
import { useEffect, useRef } from 'react';
import { explorerClient } from './explorerClient';
import { useExplorer } from './explorerStore';

function FilterCanvas({
  rgba,
  size,
  index,
}: {
  rgba: Uint8ClampedArray;
  size: number;
  index: number;
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
    <canvas
      ref={ref}
      className="filter"
      width={size}
      height={size}
      role="img"
      aria-label={`Filter ${index}`}
      data-testid="filter"
    />
  );
}

export function FiltersPanel() {
  const ready = useExplorer((s) => s.worker.status === 'ready');
  const filters = useExplorer((s) => s.filters);
  useEffect(() => {
    if (ready && !useExplorer.getState().filters) explorerClient.requestFilters();
  }, [ready]);
  return (
    <section className="explorer-panel" aria-labelledby="filters-title">
      <h3 id="filters-title">First layer: block1_conv1's 64 filters</h3>
      <p className="hint">
        Each 3×3 kernel drawn from the weights themselves: input channels put back from the
        network's BGR to RGB, each kernel stretched to full contrast on its own, enlarged.
      </p>
      {filters ? (
        <div className="filters" data-testid="filters">
          {Array.from({ length: filters.count }, (_, i) => (
            <FilterCanvas key={i} rgba={filters.rgba} size={filters.size} index={i} />
          ))}
        </div>
      ) : (
        <p className="hint">{ready ? 'Reading the weights…' : 'Waiting for the weights…'}</p>
      )}
    </section>
  );
}
