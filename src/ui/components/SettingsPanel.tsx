import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { MAX_LONG_SIDE, MIN_LONG_SIDE } from '../geometry';
import { NumberField } from './Fields';
import { SizeSuggestion } from './RunEstimate';
import { SizeLimit } from './SizeLimit';
import { ColourModeField } from './ResultOptions';
import { StyleStrength } from './StyleStrength';
import { AdvancedSettings } from './AdvancedSettings';

/** The basic settings (look, size, colours), then every other one folded under Advanced. */
export function SettingsPanel() {
  const s = useStore(
    useShallow((st) => ({
      outputLongSide: st.outputLongSide,
      setOutputLongSide: st.setOutputLongSide,
    })),
  );
  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <div className="basic-settings">
        <StyleStrength />
        <NumberField
          label="Output long side (px)"
          value={s.outputLongSide}
          min={MIN_LONG_SIDE}
          max={MAX_LONG_SIDE}
          onChange={s.setOutputLongSide}
          hint={
            <>
              <SizeLimit />
              <SizeSuggestion />
            </>
          }
        />
        <ColourModeField />
        <p className="hint">
          Style strength applies live; size and colours apply when a run starts.
        </p>
      </div>
      <AdvancedSettings />
    </section>
  );
}
