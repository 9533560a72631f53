import { useId, useState } from 'react';
import { CONV_LAYER_NAMES, type ConvLayerName } from '../../model/topology';
import type { StyleLayerWeight } from '../../worker/protocol';
import { SliderField } from './SliderField';

export interface LayerWeightsProps {
  layers: StyleLayerWeight[];
  applied: StyleLayerWeight[] | null;
  showApplied: boolean;
  onWeight(name: ConvLayerName, weight: number): void;
  onAdd(name: ConvLayerName): void;
  onRemove(name: ConvLayerName): void;
}

/** One weight slider per style layer, plus adding/removing layers among VGG16's 13 convs. */
export function LayerWeights({
  layers,
  applied,
  showApplied,
  onWeight,
  onAdd,
  onRemove,
}: LayerWeightsProps) {
  const id = useId();
  const unused = CONV_LAYER_NAMES.filter((n) => !layers.some((l) => l.name === n));
  const [pick, setPick] = useState<ConvLayerName | ''>('');
  const chosen = pick && unused.includes(pick) ? pick : (unused[0] ?? '');
  return (
    <fieldset className="layer-weights">
      <legend>Style layers (λ per layer)</legend>
      {layers.length === 0 && <p className="warning">Add at least one style layer.</p>}
      {layers.map((l) => (
        <div key={l.name} className="layer-row">
          <SliderField
            label={l.name}
            value={l.weight}
            min={0}
            max={1}
            step={0.01}
            onChange={(w) => onWeight(l.name, w)}
            applied={
              showApplied ? (applied?.find((a) => a.name === l.name)?.weight ?? null) : undefined
            }
          />
          <button type="button" aria-label={`Remove ${l.name}`} onClick={() => onRemove(l.name)}>
            Remove
          </button>
        </div>
      ))}
      {unused.length > 0 && (
        <div className="add-layer">
          <label htmlFor={id}>Add layer</label>
          <select id={id} value={chosen} onChange={(e) => setPick(e.target.value as ConvLayerName)}>
            {unused.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => chosen && onAdd(chosen)}>
            Add
          </button>
        </div>
      )}
    </fieldset>
  );
}
