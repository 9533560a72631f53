import { outputSize } from '../geometry';
import { formatStepTime } from '../format';
import { estimateIterationMs } from '../speedEstimate';
import { useStore } from '../store';
import { workerClient } from '../workerClient';

/**
 * A quiet status line: the tfjs backend in use, its threads, and the time an iteration takes at
 * the chosen size; why this backend and what calibration measured for each are one click away.
 */
export function BackendNotice() {
  const info = useStore((s) => s.backendInfo);
  const calibration = useStore((s) => s.calibration);
  const calibrating = useStore((s) => s.calibrating);
  const weightsReady = useStore((s) => s.weights.status === 'ready');
  const content = useStore((s) => s.content);
  const longSide = useStore((s) => s.outputLongSide);
  if (calibrating) {
    return (
      <p className="backend" role="status" data-testid="calibrating">
        Measuring backends: {calibrating.backend} ({calibrating.index + 1} of {calibrating.count})…
      </p>
    );
  }
  if (!info) return <p className="backend">Starting the compute backend…</p>;
  const own = calibration?.entries.find((e) => e.backend === info.backend);
  const size = content ? outputSize(content, longSide) : { width: longSide, height: longSide };
  const perIteration = estimateIterationMs(calibration, info.backend, size.width, size.height);
  return (
    <div className="backend" data-testid="backend">
      <p className="backend-line">
        Backend: <strong>{info.backend}</strong>
        {info.backend === 'wasm' ? (
          <span data-testid="threads" data-value={info.threads}>
            {' '}
            · {info.threads} thread{info.threads === 1 ? '' : 's'}
          </span>
        ) : null}
        {perIteration != null ? (
          <span data-testid="iteration-estimate" data-value={perIteration}>
            {' '}
            · about {formatStepTime(perIteration)} per iteration at {size.width}×{size.height}
          </span>
        ) : null}
        {info.warning ? <span className="backend-caveat"> · see details</span> : null}
      </p>
      {/* One click away: why this backend, what each measured, and measuring again. */}
      <details className="backend-details">
        <summary>Details</summary>
        {info.warning ? <p data-testid="backend-warning">{info.warning}</p> : null}
        {own?.ms != null && calibration ? (
          <p data-testid="pass-ms" data-value={own.ms}>
            {info.backend}: {Math.round(own.ms)} ms per forward+backward at {calibration.size} px.
          </p>
        ) : null}
        {calibration ? (
          <table data-testid="calibration">
            <caption>
              How Auto chose: one VGG16 forward+backward at {calibration.size} px, measured{' '}
              {new Date(calibration.measuredAt).toLocaleString()}
            </caption>
            <thead>
              <tr>
                <th scope="col">backend</th>
                <th scope="col">ms</th>
                <th scope="col">first pass ms</th>
                <th scope="col">threads</th>
              </tr>
            </thead>
            <tbody>
              {calibration.entries.map((e) => (
                <tr key={e.backend} data-backend={e.backend} data-ms={e.ms ?? ''}>
                  <td>
                    {e.backend}
                    {e.backend === calibration.fastest ? ' (fastest)' : ''}
                  </td>
                  <td>{e.ms != null ? Math.round(e.ms) : (e.note ?? '–')}</td>
                  <td>{e.warmupMs != null ? Math.round(e.warmupMs) : '–'}</td>
                  <td>{e.threads}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>The backends have not been measured on this device yet.</p>
        )}
        {info.renderer ? <p>WebGL renderer: {info.renderer}</p> : null}
        <button type="button" disabled={!weightsReady} onClick={() => workerClient.calibrate()}>
          Measure again
        </button>
      </details>
    </div>
  );
}
