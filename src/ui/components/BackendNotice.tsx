import { outputSize } from '../geometry';
import { formatStepTime } from '../format';
import { estimateIterationMs } from '../speedEstimate';
import { useStore } from '../store';
import { workerClient } from '../workerClient';

/**
 * A quiet status line: the tfjs backend in use, its threads, and what the calibration measured
 * (one VGG16 forward+backward per backend); the figures for every backend are one click away.
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
      <p>
        Backend: <strong>{info.backend}</strong>
        {info.backend === 'wasm' ? (
          <span data-testid="threads" data-value={info.threads}>
            {' '}
            · {info.threads} thread{info.threads === 1 ? '' : 's'}
          </span>
        ) : null}
        {own?.ms != null && calibration ? (
          <span data-testid="pass-ms" data-value={own.ms}>
            {' '}
            · {Math.round(own.ms)} ms per forward+backward at {calibration.size} px
          </span>
        ) : null}
        {perIteration != null ? (
          <span data-testid="iteration-estimate" data-value={perIteration}>
            {' '}
            · about {formatStepTime(perIteration)} per iteration at {size.width}×{size.height}
          </span>
        ) : null}
        {info.warning ? <span className="backend-warning"> — {info.warning}</span> : null}
      </p>
      {calibration ? (
        <details>
          <summary>How Auto chose</summary>
          <table data-testid="calibration">
            <caption>
              One VGG16 forward+backward at {calibration.size} px, measured{' '}
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
          {info.renderer ? <p>WebGL renderer: {info.renderer}</p> : null}
          <button type="button" disabled={!weightsReady} onClick={() => workerClient.calibrate()}>
            Measure again
          </button>
        </details>
      ) : null}
    </div>
  );
}
