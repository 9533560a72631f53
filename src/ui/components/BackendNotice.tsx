import { formatStepTime } from '../format';
import { iterationMs } from '../cost/costModel';
import { usePagePlan } from '../cost/pagePlan';
import { useStore } from '../store';
import { calibrationRunner } from '../cost/calibrationRunner';

/**
 * A quiet status line: the tfjs backend in use, its threads, and the time an iteration takes at
 * the chosen size (from the same cost model as the estimate); what is still being measured; why
 * this backend and what calibration measured for each are one click away.
 */
export function BackendNotice() {
  const info = useStore((s) => s.backendInfo);
  const calibration = useStore((s) => s.calibration);
  const calibrating = useStore((s) => s.calibrating);
  const p = usePagePlan();
  if (!info) return <p className="backend">Starting the compute backend…</p>;
  const perIteration = p.model ? iterationMs(p.model.cost, p.size.width * p.size.height) : null;
  const software = calibration?.entries.filter((e) => e.software).map((e) => e.backend) ?? [];
  return (
    <div className="backend" data-testid="backend" data-backend={info.backend}>
      <p className="backend-line">
        Backend: <strong>{info.backend}</strong>
        {info.backend === 'wasm' ? (
          <span data-testid="threads" data-value={info.threads}>
            {' '}
            · {info.threads} thread{info.threads === 1 ? '' : 's'}
          </span>
        ) : null}
        {p.backend !== info.backend ? (
          <span data-testid="next-backend">
            {' '}
            · the next run goes to <strong>{p.backend}</strong> (faster at this size)
          </span>
        ) : null}
        {perIteration != null ? (
          <span data-testid="iteration-estimate" data-value={perIteration}>
            {' '}
            · about {formatStepTime(perIteration)} per iteration at {p.size.width}×{p.size.height}
          </span>
        ) : null}
        {info.warning ? <span className="backend-caveat"> · see details</span> : null}
      </p>
      {calibrating ? (
        <p
          className="backend-line"
          role="status"
          data-testid="calibrating"
          data-backend={calibrating.backend}
          data-waiting={calibrating.waiting}
        >
          Measuring {calibrating.backend} in the background ({calibrating.index + 1} of{' '}
          {calibrating.count}
          {calibrating.software ? ', a software renderer' : ''})
          {calibrating.waiting
            ? ': waits while the run uses the device, so as not to slow it down; it goes on when the run ends.'
            : '… it pauses whenever a run starts.'}
        </p>
      ) : null}
      {/* One click away: why this backend, what each measured, and measuring again. */}
      <details className="backend-details">
        <summary>Details</summary>
        {info.warning ? <p data-testid="backend-warning">{info.warning}</p> : null}
        {calibration ? (
          <table data-testid="calibration">
            <caption>
              Measured here: one VGG16 forward+backward per size,{' '}
              {new Date(calibration.measuredAt).toLocaleString()}. Auto picks, for each run's size,
              the backend whose figures give the shortest run.
            </caption>
            <thead>
              <tr>
                <th scope="col">backend</th>
                <th scope="col">ms per pass</th>
                <th scope="col">first pass ms</th>
                <th scope="col">threads</th>
              </tr>
            </thead>
            <tbody>
              {calibration.entries.map((e) => (
                <tr key={e.backend} data-backend={e.backend} data-ms={e.ms ?? ''}>
                  <td>
                    {e.backend}
                    {e.software ? ' (software renderer)' : ''}
                  </td>
                  <td>
                    {e.points?.length
                      ? e.points.map((pt) => `${Math.round(pt.ms)} at ${pt.longSide} px`).join(', ')
                      : e.ms != null
                        ? Math.round(e.ms)
                        : (e.note ?? '–')}
                  </td>
                  <td>{e.warmupMs != null ? Math.round(e.warmupMs) : '–'}</td>
                  <td>{e.threads}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>The backends have not been measured on this device yet.</p>
        )}
        {calibration?.pending?.length ? (
          <p data-testid="calibration-pending">
            Still to measure: {calibration.pending.join(', ')}
            {calibrating?.waiting ? ' (waiting for the run to end)' : ''}.
          </p>
        ) : null}
        {info.renderer ? (
          <p data-testid="renderer">
            WebGL renderer: {info.renderer}
            {software.length > 0
              ? ` — a software renderer: ${software.join(' and ')} run on the CPU here, so they were measured last.`
              : ''}
          </p>
        ) : null}
        <button
          type="button"
          disabled={calibrating !== null}
          onClick={() => calibrationRunner.measure(true)}
        >
          Measure again
        </button>
      </details>
    </div>
  );
}
