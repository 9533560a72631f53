/**
 * The custom conv input gradient (a forward conv with the flipped kernel, src/engine/vgg16.ts),
 * which the app ships on webgl, against tfjs' own Conv2DBackpropInput on webgl at two sizes:
 * Node has no webgl, so the unit tests (src/engine/inputGradient.test.ts) cover cpu and wasm only.
 * Runs in the bench page's thread, on the same engine code and tfjs backend as the style worker.
 * Two blocks (a pool between, odd pooled sizes at 10x14) and tiny sizes: SwiftShader compiles
 * every shader per shape, ~7 s a size even so.
 */
import { test, expect } from '@playwright/test';
import type { InputGradientCheck } from '../scripts/bench/inputGradientPage';
import { collectPageErrors } from './helpers';

test('on webgl the forward-conv input gradient equals tfjs Conv2DBackpropInput at 8x8 and 10x14', async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  await page.goto('/bench.html?inputGradientCheck');
  const check: InputGradientCheck = await page.evaluate(() =>
    window.__inputGradientCheck!(
      'webgl',
      [
        [8, 8],
        [10, 14],
      ],
      ['block1_conv2', 'block2_conv2'],
    ),
  );
  expect(check.backend).toBe('webgl');
  expect(check.results).toHaveLength(2);
  // The kernels sum in different orders, so float32 rounding differs (1.1e-6 on SwiftShader); a
  // GPU that tfjs runs on half-precision textures rounds to ~1e-3.
  const bound = check.float32 ? 1e-5 : 1e-2;
  for (const r of check.results) {
    expect(r.maxAbs, `${r.height}x${r.width}`).toBeGreaterThan(0);
    expect(r.relative, `${r.height}x${r.width}`).toBeLessThan(bound);
  }
  expect(check.leakedTensors).toBe(0);
  expect(errors).toEqual([]);
  console.log(
    'webgl input gradient, max |diff| / max |tfjs|:',
    check.results.map((r) => `${r.height}x${r.width} ${r.relative.toExponential(2)}`).join(', '),
  );
});
