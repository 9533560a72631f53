import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useStore, type LossHistory } from '../store';

/** Log scales cannot show zero or negative values: leave those points out. */
function positive(values: number[]): (number | null)[] {
  return values.map((v) => (v > 0 && Number.isFinite(v) ? v : null));
}

function toData(h: LossHistory): uPlot.AlignedData {
  return [h.iteration, positive(h.total), positive(h.content), positive(h.style)];
}

/** Live loss curves (total, α·J_content, β·J_style) on a log scale. */
export function LossChart() {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const history = useStore((s) => s.history);
  const restored = useStore((s) => s.run.restored);
  const empty = history.iteration.length === 0;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 200,
      scales: { x: { time: false }, y: { distr: 3 } },
      // The legend names the curves; a live legend shows "--" unless the pointer is on the chart.
      legend: { live: false },
      axes: [
        // Whole iterations only: no 1.5 ticks.
        { label: 'iteration', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
        {
          label: 'loss',
          size: 56,
          values: (_u, ticks) => ticks.map((v) => (v == null ? '' : v.toExponential(0))),
        },
      ],
      series: [
        {},
        { label: 'total', stroke: '#1f6feb', width: 2 },
        { label: 'α·content', stroke: '#2da44e', width: 1.5 },
        { label: 'β·style', stroke: '#cf222e', width: 1.5 },
      ],
    };
    const u = new uPlot(opts, toData(useStore.getState().history), el);
    plot.current = u;
    const resize = new ResizeObserver(() =>
      u.setSize({ width: Math.max(200, el.clientWidth), height: 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(toData(history));
  }, [history]);

  return (
    <figure className="loss-chart">
      <div className="loss-plot">
        <div ref={box} role="img" aria-label="Loss per iteration, log scale" />
        {empty && (
          <p className="loss-empty" data-testid="loss-empty">
            {restored
              ? 'The losses of the run before the reload are not kept: the curves start with the next run.'
              : "The loss curves (total, α·content, β·style) appear here from a run's first iteration."}
          </p>
        )}
      </div>
      <figcaption>Loss per iteration (log scale)</figcaption>
    </figure>
  );
}
