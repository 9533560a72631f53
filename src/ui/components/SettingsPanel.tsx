import { useId, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CONV_LAYER_NAMES, type ConvLayerName } from '../../model/topology';
import type { InitMode, OptimizerName } from '../../worker/protocol';
import { isRunActive, useStore } from '../store';
import { MAX_LONG_SIDE, MIN_LONG_SIDE } from '../geometry';
import type { BackendChoice } from '../../worker/protocol';
import { SliderField } from './SliderField';
import { LayerWeights } from './LayerWeights';
import { CommitNumberInput } from './CommitNumberInput';
import { SizeSuggestion } from './RunEstimate';
import { ColourModeField, ScaleOptions } from './ResultOptions';

const INIT_LABELS: Record<InitMode, string> = {
  'content+noise': 'Content + noise',
  noise: 'Noise',
  content: 'Content',
  style: 'Style',
};

function Select<T extends string>({
  label,
  value,
  options,
  onChange,
  disabled,
}: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange(v: T): void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  disabled,
  hint,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(v: number): void;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <CommitNumberInput
        id={id}
        integer
        min={min}
        max={max}
        value={value}
        disabled={disabled}
        onCommit={onChange}
      />
      {hint}
    </div>
  );
}

/** Every run setting. Weights, tv and learning rate apply live; the rest at the next start. */
export function SettingsPanel() {
  // Only what this panel shows: a whole-store subscription would re-render it every iteration.
  const s = useStore(
    useShallow((st) => ({
      settings: st.settings,
      outputLongSide: st.outputLongSide,
      maxIterations: st.maxIterations,
      backend: st.backend,
      runState: st.run.state,
      runApplied: st.run.applied,
      setSettings: st.setSettings,
      setStyleLayerWeight: st.setStyleLayerWeight,
      addStyleLayer: st.addStyleLayer,
      removeStyleLayer: st.removeStyleLayer,
      resetSettings: st.resetSettings,
      setOutputLongSide: st.setOutputLongSide,
      setMaxIterations: st.setMaxIterations,
      setBackend: st.setBackend,
    })),
  );
  const active = isRunActive(s.runState);
  const applied = active ? (s.runApplied ?? null) : undefined;
  const set = s.setSettings;
  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
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
          typedMax={Number.MAX_VALUE}
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
        <ColourModeField />
        <ScaleOptions />
      </div>
      <p className="hint">
        Output size, iterations, colours, coarse to fine, initial image and seed apply when a run
        starts; the rest apply live.
      </p>
      <div className="grid3">
        <NumberField
          label="Output long side (px)"
          value={s.outputLongSide}
          min={MIN_LONG_SIDE}
          max={MAX_LONG_SIDE}
          onChange={s.setOutputLongSide}
          hint={<SizeSuggestion />}
        />
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
          max={2 ** 31 - 1}
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
    </section>
  );
}
