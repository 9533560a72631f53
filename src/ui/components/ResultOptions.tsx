import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STYLE_SCALE_RANGE, type ColourMode } from '../../worker/protocol';
import { isRunActive, useStore } from '../store';
import { SliderField } from './SliderField';

/** Short enough for a phone's select; the hint under it says how each keeps the colours. */
const COLOUR_LABELS: [ColourMode, string][] = [
  ['none', "Style's colours"],
  ['luminance', "Content's colours: style on brightness"],
  ['match', "Content's colours: style recoloured"],
];

const COLOUR_HINTS: Record<ColourMode, string> = {
  none: 'The result takes the style’s palette.',
  luminance: 'The style is transferred to the brightness only; the content’s colours stay.',
  match: 'The style is first recoloured to the content’s palette, then transferred.',
};

/** Keep the content's colours: applies at the next start. */
export function ColourModeField() {
  const id = useId();
  const [mode, setSettings] = useStore(useShallow((s) => [s.settings.colourMode, s.setSettings]));
  return (
    <div className="field">
      <label htmlFor={id}>Colours</label>
      <select
        id={id}
        value={mode}
        onChange={(e) => setSettings({ colourMode: e.target.value as ColourMode })}
      >
        {COLOUR_LABELS.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      <p className="hint">{COLOUR_HINTS[mode]}</p>
    </div>
  );
}

/** Style scale (live: recomputes the style targets only) and coarse-to-fine (at the next start). */
export function ScaleOptions() {
  const id = useId();
  const s = useStore(
    useShallow((st) => ({
      styleScale: st.settings.styleScale,
      multiscale: st.settings.multiscale,
      applied: st.run.applied?.styleScale ?? null,
      active: isRunActive(st.run.state),
      setSettings: st.setSettings,
    })),
  );
  return (
    <>
      <SliderField
        label="Style scale (× output size)"
        value={s.styleScale}
        min={STYLE_SCALE_RANGE.min}
        max={STYLE_SCALE_RANGE.max}
        step={0.05}
        onChange={(v) =>
          s.setSettings({
            styleScale: Math.min(STYLE_SCALE_RANGE.max, Math.max(STYLE_SCALE_RANGE.min, v)),
          })
        }
        applied={s.active ? s.applied : undefined}
        testId="style-scale"
      />
      <div className="field checkbox-field">
        <input
          id={id}
          type="checkbox"
          checked={s.multiscale}
          onChange={(e) => s.setSettings({ multiscale: e.target.checked })}
        />
        <label htmlFor={id}>Coarse to fine (stages doubling up to the output size)</label>
      </div>
    </>
  );
}
