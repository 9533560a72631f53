/**
 * Issue 15's acceptance: with the demo weights, Gatys on the bundled samples (128 px, the engine's
 * defaults, 150 iterations) visibly transfers the style. Several minutes on 2 cores (wasm backend).
 * The samples are also the weights' calibration images, so a pair they never saw is measured too
 * (issue 23; smaller, to keep the suite short).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RECIPE_NAME } from '../src/model/demo/recipe';
import { parseModelJson } from '../src/model/format';
import { measureDemoQuality, PAIRS, readModelDir } from './demo-quality';
import { DEMO_MODEL_DIR, generateDemoModel } from './generate-test-model';

describe('demo weights on the samples (issue 15)', () => {
  beforeAll(async () => {
    // The served model, as the app loads it; made here when missing or from an older recipe.
    const json = join(DEMO_MODEL_DIR, 'model.json');
    const current =
      existsSync(json) &&
      (
        parseModelJson(JSON.parse(readFileSync(json, 'utf8'))).userDefinedMetadata.recipe as
          { name?: string } | undefined
      )?.name === DEMO_RECIPE_NAME;
    if (!current) await generateDemoModel();
  });

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
