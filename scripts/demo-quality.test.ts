/**
 * Issue 15's acceptance: with the demo weights, Gatys on the bundled samples (128 px, the engine's
 * defaults, 150 iterations) visibly transfers the style. About 1.5 min on one core (wasm backend).
 * The pair the samples' calibration never saw is scripts/demo-quality-unseen.test.ts: its own file,
 * so the two long cases run side by side on two cores. test/globalSetup.ts makes the model.
 */
import { describe, expect, it } from 'vitest';
import { measureDemoQuality, readModelDir } from './demo-quality';
import { DEMO_MODEL_DIR } from './generate-test-model';

describe('demo weights on the samples (issue 15)', () => {
  it(
    '150 iterations at 128 px: colours move to the style, no pixel noise, the content stays',
    async () => {
      const { figures: q } = await measureDemoQuality(readModelDir(DEMO_MODEL_DIR), 128, 150);
      console.log('demo quality', JSON.stringify(q));
      // Colour mean and covariance distance to the style: at most half of where it started.
      expect(q.colourRatio).toBeLessThanOrEqual(0.5);
      // Mean |Laplacian|: at most 1.5x the larger of the content's and the style's.
      expect(q.laplacianRatio).toBeLessThanOrEqual(1.5);
      // Blurred (sigma 4 px) luminance still correlates with the content's.
      expect(q.contentCorrelation).toBeGreaterThanOrEqual(0.5);
      // And the page would not take it for a diverging run (it pauses at a tenfold jump of J).
      expect(q.maxLossJump).toBeLessThan(10);
    },
    40 * 60_000,
  );
});
