// Generates the demo/test VGG16 (public/models/vgg16-demo) only when it is missing or incomplete.
// Plain .mjs so `npm start` and test setup can call it with node alone; the generator runs via tsx.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'public/models/vgg16-demo');
// The recipe the generator writes (DEMO_RECIPE_NAME in src/model/demo/recipe.ts): a model made by
// an older recipe is replaced.
const RECIPE = 'demo-vgg16 v2';

function isComplete() {
  try {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const specs = json.weightsManifest.flatMap((g) => g.weights);
    const want = specs.reduce(
      (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (w.quantization ? 2 : 4),
      0,
    );
    const paths = json.weightsManifest.flatMap((g) => g.paths);
    const have = paths.reduce(
      (s, p) => s + (existsSync(join(dir, p)) ? statSync(join(dir, p)).size : -Infinity),
      0,
    );
    const meta = json.userDefinedMetadata;
    return (
      meta?.label === 'demo' && meta.recipe?.name === RECIPE && specs.length === 26 && have === want
    );
  } catch {
    return false;
  }
}

if (isComplete()) {
  console.error(`demo VGG16 present: ${dir}`);
} else {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/generate-test-model.ts')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) {
    console.error('generating the demo VGG16 failed');
    process.exit(r.status ?? 1);
  }
}
