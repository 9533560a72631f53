/**
 * Time per iteration at a given output size, estimated from the backend calibration (one VGG16
 * forward+backward at a small size): the network's cost grows with the pixel count, and a full
 * iteration costs about one such pass (npm run bench: full ÷ bare ≈ 1.0–1.1).
 */
import type { BackendName, Calibration } from '../worker/protocol';

export function estimateIterationMs(
  calibration: Calibration | null,
  backend: BackendName,
  width: number,
  height: number,
): number | null {
  const ms = calibration?.entries.find((e) => e.backend === backend)?.ms;
  if (ms == null || !calibration) return null;
  return (ms * (width * height)) / (calibration.size * calibration.size);
}
