/**
 * Issue 23: the demo weights on a pair their calibration never saw (the samples are also their
 * calibration images), smaller than the samples' case to keep the suite short.
 */
import { describe, expect, it } from 'vitest';
import { measureDemoQuality, PAIRS, readModelDir } from './demo-quality';
import { DEMO_MODEL_DIR } from './generate-test-model';

describe('demo weights on an unseen pair (issue 23)', () => {
  it(
    'on a pair the calibration never saw (96 px, 100 iterations): colours move, the content stays',
    async () => {
      const raw = readModelDir(DEMO_MODEL_DIR);
      const { figures: q } = await measureDemoQuality(raw, 96, 100, undefined, PAIRS.unseen);
      console.log('demo quality, unseen pair', JSON.stringify(q));
      // Looser than on the samples, where the weights were calibrated: measured 0.72 and 1.57 here
      // (the samples at this size and budget: 0.56 and 0.85), README "Demo weights".
      expect(q.colourRatio).toBeLessThanOrEqual(0.8);
      expect(q.laplacianRatio).toBeLessThanOrEqual(2);
      expect(q.contentCorrelation).toBeGreaterThanOrEqual(0.5);
      expect(q.maxLossJump).toBeLessThan(10);
    },
    40 * 60_000,
  );
});
