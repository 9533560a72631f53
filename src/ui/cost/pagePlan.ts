/**
 * The page's plan for the next run, from the store: the output size, the backend it will run on
 * (the person's choice, or Auto's pick for this size) and that backend's cost model. Every time
 * figure on the page (estimate, suggestion, status line, time left) is read from this one object.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { deepestLayer } from '../../model/topology';
import type { BackendName, StyleSettings } from '../../worker/protocol';
import { outputSize, type Size } from '../geometry';
import type { AppState } from '../store';
import { useStore } from '../store';
import { estimateRun, type RunEstimate, type RunPlan } from './costModel';
import { limitFor } from './fitLimitKey';
import { chooseBackend, deviceModels, type BackendModel } from './deviceCost';
import { SHAPE_BEFORE_CONTENT, suggestRun, type RunSuggestion } from './suggest';

export interface PagePlan {
  size: Size;
  plan: RunPlan;
  backend: BackendName;
  /** The chosen backend's model (null only for a backend never measured here). */
  model: BackendModel | null;
  models: BackendModel[];
  estimate: RunEstimate | null;
  suggestion: RunSuggestion | null;
}

type PlanInputs = Pick<
  AppState,
  | 'calibration'
  | 'runSamples'
  | 'stageSetup'
  | 'content'
  | 'outputLongSide'
  | 'maxIterations'
  | 'backend'
  | 'fitLimit'
> & { settings: StyleSettings };

export function deepestOf(settings: StyleSettings) {
  return deepestLayer([settings.contentLayer, ...settings.styleLayers.map((l) => l.name)]);
}

export function planFrom(s: PlanInputs): PagePlan {
  // Before a content image, the shape the suggestion plans for: both figures agree.
  const size = outputSize(s.content ?? SHAPE_BEFORE_CONTENT, s.outputLongSide);
  const plan: RunPlan = {
    ...size,
    iterations: s.maxIterations,
    multiscale: s.settings.multiscale,
  };
  const models = deviceModels(s.calibration, s.runSamples, deepestOf(s.settings), s.stageSetup);
  const backend = chooseBackend(s.backend, models, plan);
  const model = models.find((m) => m.backend === backend) ?? null;
  const fit = limitFor(s, backend);
  const limit = fit?.largestLongSide ?? Infinity;
  // Stages above what fits untiled run in tiles (issue 21): their passes cost more.
  if (fit?.untiledLongSide) plan.tiledAbove = fit.untiledLongSide;
  return {
    size,
    plan,
    backend,
    model,
    models,
    estimate: model ? estimateRun(model.cost, plan) : null,
    suggestion: model ? suggestRun(model.cost, s.content, plan.multiscale, limit) : null,
  };
}

/** The plan for the store as it is now (outside React: Start, defaults), or with another size. */
export function currentPlan(override?: { outputLongSide: number; multiscale: boolean }): PagePlan {
  const s = useStore.getState();
  if (!override) return planFrom(s);
  return planFrom({
    ...s,
    outputLongSide: override.outputLongSide,
    settings: { ...s.settings, multiscale: override.multiscale },
  });
}

export function usePagePlan(): PagePlan {
  const inputs = useStore(
    useShallow((s): PlanInputs => ({
      calibration: s.calibration,
      runSamples: s.runSamples,
      stageSetup: s.stageSetup,
      content: s.content,
      outputLongSide: s.outputLongSide,
      maxIterations: s.maxIterations,
      backend: s.backend,
      fitLimit: s.fitLimit,
      settings: s.settings,
    })),
  );
  return useMemo(() => planFrom(inputs), [inputs]);
}
