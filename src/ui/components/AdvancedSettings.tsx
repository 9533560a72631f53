import { useShallow } from 'zustand/react/shallow';
import { CONV_LAYER_NAMES, type ConvLayerName } from '../../model/topology';
import type { BackendChoice, InitMode, OptimizerName } from '../../worker/protocol';
import { isRunActive, useStore } from '../store';
import { useRememberedFlag } from '../useRememberedFlag';
import { SliderField } from './SliderField';
import { LayerWeights } from './LayerWeights';
import { NumberField, Select } from './Fields';
import { ScaleOptions } from './ResultOptions';

const INIT_LABELS: Record<InitMode, string> = {
  'content+noise': 'Content + noise',
  noise: 'Noise',
  content: 'Content',
  style: 'Style',
};

/** Typed learning rates (pixel values move by about this much per Adam step). */
export const LEARNING_RATE = { min: 1e-3, max: 1000 };
/** Seeds are labels for a noise pattern: six digits give a million of them. */
export const SEED_MAX = 999_999;

/** Whether Advanced is unfolded: a view preference of its own (e2e returning visitors have it open). */
export const ADVANCED_FOLD_KEY = 'style-transfer:advanced';

/** Every setting beyond the basic ones, folded until asked for. */
export function AdvancedSettings() {
  const [open, setOpen] = useRememberedFlag(ADVANCED_FOLD_KEY);
  // Only what this panel shows: a whole-store subscription would re-render it every iteration.
  const s = useStore(
    useShallow((st) => ({
      settings: st.settings,
      maxIterations: st.maxIterations,
      backend: st.backend,
      runState: st.run.state,
      runApplied: st.run.applied,
      setSettings: st.setSettings,
      setStyleLayerWeight: st.setStyleLayerWeight,
      addStyleLayer: st.addStyleLayer,
      removeStyleLayer: st.removeStyleLayer,
      resetSettings: st.resetSettings,
      setMaxIterations: st.setMaxIterations,
      setBackend: st.setBackend,
    })),
  );
  const active = isRunActive(s.runState);
  const applied = active ? (s.runApplied ?? null) : undefined;
  const set = s.setSettings;
  return (
    <details
      className="advanced"
      open={open}
      onToggle={(e) => {
        // React re-renders with the same value: only a real change is remembered.
        if (e.currentTarget.open !== open) setOpen(e.currentTarget.open);
      }}
    >
      <summary>Advanced settings</summary>
      <div className="grid2">
        <SliderField
          label="Content weight α"
          value={s.settings.alpha}
          min={0.01}
          max={1e4}
          scale="log"
          typedMax={Number.MAX_VALUE}
          onChange={(alpha) => set({ alpha })}
          applied={applied === undefined ? undefined : (applied?.alpha ?? null)}
          testId="alpha"
        />
        <SliderField
          label="Style weight β"
          value={s.settings.beta}
          min={0.01}
          max={1e5}
          scale="log"
          typedMax={Number.MAX_VALUE}
          onChange={(beta) => set({ beta })}
          applied={applied === undefined ? undefined : (applied?.beta ?? null)}
          testId="beta"
        />
        <SliderField
          label="Total variation weight"
          value={s.settings.tvWeight}
          min={1e-7}
          max={1}
          scale="log"
          typedMax={Number.MAX_VALUE}
          onChange={(tvWeight) => set({ tvWeight })}
          applied={applied === undefined ? undefined : (applied?.tvWeight ?? null)}
          testId="tv"
        />
        <SliderField
          label="Learning rate"
          value={s.settings.learningRate}
          min={0.01}
          max={100}
          scale="log"
          // A step of 0 never moves; typed, a decade past either end of the slider.
          typedMin={LEARNING_RATE.min}
          typedMax={LEARNING_RATE.max}
          onChange={(learningRate) => set({ learningRate })}
          applied={applied === undefined ? undefined : (applied?.learningRate ?? null)}
          testId="lr"
        />
      </div>
      <LayerWeights
        layers={s.settings.styleLayers}
        applied={applied?.styleLayers ?? null}
        showApplied={active}
        onWeight={s.setStyleLayerWeight}
        onAdd={s.addStyleLayer}
        onRemove={s.removeStyleLayer}
      />
      <div className="grid2">
        <ScaleOptions />
      </div>
      <p className="hint">
        Iterations, coarse to fine, initial image and seed apply when a run starts; the rest apply
        live.
      </p>
      <div className="grid3">
        <NumberField
          label="Iterations"
          value={s.maxIterations}
          min={1}
          max={10000}
          onChange={s.setMaxIterations}
        />
        <Select<ConvLayerName>
          label="Content layer"
          value={s.settings.contentLayer}
          options={CONV_LAYER_NAMES.map((n) => [n, n] as const)}
          onChange={(contentLayer) => set({ contentLayer })}
        />
        <Select<OptimizerName>
          label="Optimiser"
          value={s.settings.optimizer}
          options={[
            ['adam', 'Adam'],
            ['lbfgs', 'L-BFGS'],
          ]}
          onChange={(optimizer) => set({ optimizer })}
        />
        <Select<InitMode>
          label="Initial image"
          value={s.settings.init}
          options={Object.entries(INIT_LABELS) as [InitMode, string][]}
          onChange={(init) => set({ init })}
        />
        <NumberField
          label="Seed"
          value={s.settings.seed}
          min={0}
          max={SEED_MAX}
          onChange={(seed) => set({ seed })}
        />
        <Select<BackendChoice>
          label="Backend"
          value={s.backend}
          disabled={active}
          options={[
            ['auto', 'Auto (fastest here, measured)'],
            ['webgpu', 'WebGPU'],
            ['webgl', 'WebGL'],
            ['wasm', 'WebAssembly'],
            ['cpu', 'CPU (slow)'],
          ]}
          onChange={s.setBackend}
        />
      </div>
      <button type="button" onClick={s.resetSettings}>
        Reset settings to defaults
      </button>
    </details>
  );
}
