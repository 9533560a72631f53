import { useShallow } from 'zustand/react/shallow';
import { isRunActive, useStore } from '../store';
import { SliderField } from './SliderField';

/**
 * β/α from 1/1000 to 10,000: the slider's log scale spans every balance worth trying; typed, up
 * to a million (a β a hundred times the slider's end already leaves no content).
 */
const RANGE = { min: 1e-3, max: 1e4, typedMax: 1e6 };

function ratio(alpha: number, beta: number): number | null {
  return alpha > 0 ? Number((beta / alpha).toPrecision(3)) : null;
}

/**
 * The one basic control of the look: the balance of style against content, β/α, on a log scale.
 * It moves β and leaves α alone, so the advanced α and β fields show what it did; like them it
 * applies live.
 */
export function StyleStrength() {
  const s = useStore(
    useShallow((st) => ({
      alpha: st.settings.alpha,
      beta: st.settings.beta,
      applied: st.run.applied,
      active: isRunActive(st.run.state),
      setSettings: st.setSettings,
    })),
  );
  const value = ratio(s.alpha, s.beta);
  const applied = s.applied ? ratio(s.applied.alpha, s.applied.beta) : null;
  return (
    <div className="style-strength">
      <SliderField
        label="Style strength (β/α)"
        value={value ?? RANGE.max}
        min={RANGE.min}
        max={RANGE.max}
        scale="log"
        typedMax={RANGE.typedMax}
        disabled={value === null}
        onChange={(r) => s.setSettings({ beta: Number((r * s.alpha).toPrecision(3)) })}
        applied={s.active ? applied : undefined}
        testId="strength"
      />
      <p className="hint">
        {value === null
          ? 'The content weight α is 0 (Advanced): only the style counts.'
          : 'Left keeps more of the content, right takes more of the style. It sets β (Advanced).'}
      </p>
    </div>
  );
}
