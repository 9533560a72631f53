/**
 * This device's cost model per backend, from what was measured here: the calibration's timed
 * passes at two sizes (src/worker/calibration.ts), refined by every real run's own steps. Runs
 * win over passes: they are the thing being predicted (the optimiser, the preview, the real
 * layers). Before anything was measured, a prior from this project's build machine.
 */
import type { ConvLayerName } from '../../model/topology';
import type { BackendChoice, BackendName, Calibration } from '../../worker/protocol';
import {
  estimateRun,
  fitIterationCost,
  rescaleThroughAll,
  type CostPoint,
  type IterationCost,
  type RunCost,
  type RunPlan,
} from './costModel';

/** A stage of a real run: its median step time at its size. */
export interface RunSample extends CostPoint {
  backend: BackendName;
  /** The deepest layer the run evaluated: the network's depth sets the cost as much as the size. */
  deepest: ConvLayerName;
}

/** How many of a backend's latest run samples the fit uses (older ones may predate an update). */
const RECENT_SAMPLES = 12;
/** Run samples whose pixel counts span this ratio fit their own line. */
const RUNS_SPREAD = 8;
/** A full iteration over one bare forward+backward pass (npm run bench: 1.00-1.06). */
const FULL_OVER_BARE = 1.05;
/** A stage's start until runs measured it: targets (about one forward) and the first step's extras. */
export const DEFAULT_STAGE_SETUP = 1;

/**
 * Before any measurement: wasm on this project's build machine (2 shared cores, in the page):
 * 0.69 s per iteration at 128×128 and 2.1 s at 256×256 (README, "Speed").
 */
export const PRIOR_WASM: IterationCost = fitIterationCost([
  { pixels: 128 * 128, ms: 690 },
  { pixels: 256 * 256, ms: 2100 },
])!;

export interface BackendModel {
  backend: BackendName;
  cost: RunCost;
  /** What the figures rest on, for the page to say. */
  basis: 'runs' | 'run' | 'calibration' | 'prior';
}

/** The cost model of one backend, or null when nothing is known about it. */
export function backendModel(
  backend: BackendName,
  calibration: Calibration | null,
  samples: readonly RunSample[],
  deepest: ConvLayerName,
  stageSetup: number = DEFAULT_STAGE_SETUP,
): BackendModel | null {
  const runs = samples.filter((s) => s.backend === backend && s.deepest === deepest);
  const recent = runs.slice(-RECENT_SAMPLES);
  const entry = calibration?.entries.find((e) => e.backend === backend);
  const passes = (entry?.points ?? []).map((p) => ({
    pixels: p.pixels,
    ms: p.ms * FULL_OVER_BARE,
  }));
  const fromPasses = fitIterationCost(passes);
  const fromRuns = fitIterationCost(recent);
  // A flat line from the passes (noise at two sizes on a loaded machine) is no shape: VGG16's
  // convolutions grow with the pixel count. The CPU then keeps the prior's shape.
  const cpu = backend === 'wasm' || backend === 'cpu';
  const rising = fromPasses && fromPasses.perPixelMs > 0 ? fromPasses : null;
  const shape = rising ?? (cpu ? PRIOR_WASM : fromPasses);
  const with_ = (c: IterationCost, basis: BackendModel['basis']): BackendModel => ({
    backend,
    cost: { ...c, stageSetupIterations: stageSetup },
    basis,
  });
  // Runs' own line only where their sizes are far apart and it rises with the size: stages of a
  // small run are close, and on a loaded machine their noise can tilt the line flat. Otherwise the
  // passes' shape (fixed part against part per pixel), scaled to the runs' steps.
  const px = recent.map((r) => r.pixels);
  const spread = px.length > 0 ? Math.max(...px) / Math.min(...px) : 1;
  if (fromRuns && fromRuns.perPixelMs > 0 && (spread >= RUNS_SPREAD || !shape)) {
    return with_(fromRuns, 'runs');
  }
  if (recent.length > 0 && shape) return with_(rescaleThroughAll(shape, recent), 'run');
  if (fromRuns) return with_(fromRuns, 'runs');
  if (fromPasses) return with_(fromPasses, 'calibration');
  if (backend === 'wasm' && !entry) return with_(PRIOR_WASM, 'prior');
  return null;
}

/** Every backend with a model, by name. */
export function deviceModels(
  calibration: Calibration | null,
  samples: readonly RunSample[],
  deepest: ConvLayerName,
  stageSetup: Partial<Record<BackendName, number>> = {},
): BackendModel[] {
  const names: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
  return names
    .map((b) => backendModel(b, calibration, samples, deepest, stageSetup[b]))
    .filter((m): m is BackendModel => m !== null);
}

/**
 * The backend a run of `plan` goes to: the person's choice, or for Auto the one whose model says
 * this run (at its size, through its stages) ends soonest. Only a backend that was measured here
 * can win over the CPU: the prior is no measurement.
 */
export function chooseBackend(
  choice: BackendChoice,
  models: readonly BackendModel[],
  plan: RunPlan,
): BackendName {
  if (choice !== 'auto') return choice;
  let best: { backend: BackendName; ms: number } | null = null;
  for (const m of models) {
    const ms = estimateRun(m.cost, plan).totalMs;
    if (!best || ms < best.ms) best = { backend: m.backend, ms };
  }
  return best?.backend ?? 'wasm';
}
