import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MAX_STYLES } from '../../worker/protocol';
import { blendFor, isRunActive, useStore } from '../store';
import { pickExtraStyles } from '../extraStyles';
import { HiddenFilePicker } from './HiddenFilePicker';
import { SliderField } from './SliderField';
import { useFileDrop } from '../useFileDrop';

/**
 * Styles 2 to 4 and the blend weights of all styles (neural-style's -style_blend_weights). The
 * images are fixed while a run goes on; the weights apply live.
 */
export function StyleBlend() {
  const s = useStore(
    useShallow((st) => ({
      first: st.style,
      extras: st.extraStyles,
      blend: st.settings.styleBlend,
      applied: st.run.applied?.styleBlend ?? null,
      runState: st.run.state,
      setBlendWeight: st.setBlendWeight,
      removeExtraStyle: st.removeExtraStyle,
    })),
  );
  const input = useRef<HTMLInputElement>(null);
  const active = isRunActive(s.runState);
  const styles = [s.first, ...s.extras];
  const blend = blendFor(styles.length, s.blend);
  const full = s.extras.length >= MAX_STYLES - 1;
  const { over, handlers } = useFileDrop((files) => void pickExtraStyles(files), !active && !full);
  return (
    <section
      className={`style-blend dropzone${over ? ' dropzone-over' : ''}`}
      aria-label="More styles"
      data-testid="style-blend"
      {...handlers}
    >
      <h2>More styles</h2>
      <p className="hint">
        Up to {MAX_STYLES} styles, blended by weight (their Gram matrices are mixed). Drop images
        here.
      </p>
      {s.extras.length > 0 && (
        <ul className="extra-styles">
          {s.extras.map((img, i) => (
            <li key={img.url}>
              <img src={img.url} alt={`Style ${i + 2}: ${img.name}`} />
              <span data-testid={`size-style${i + 2}`}>
                {img.name} · {img.width}×{img.height} px
              </span>
              <button
                type="button"
                disabled={active}
                aria-label={`Remove style ${i + 2}`}
                onClick={() => s.removeExtraStyle(i)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" disabled={active || full} onClick={() => input.current?.click()}>
        Add a style image…
      </button>
      <HiddenFilePicker
        ref={input}
        multiple
        accept="image/*"
        label="Another style image file"
        onFiles={(files) => void pickExtraStyles(files)}
      />
      {styles.length > 1 && (
        <div className="blend-weights">
          {styles.map((img, i) => (
            <SliderField
              key={i}
              label={`Blend weight, style ${i + 1}${img ? ` (${img.name})` : ''}`}
              value={blend[i]}
              min={0}
              max={10}
              step={0.1}
              onChange={(w) => s.setBlendWeight(i, w)}
              applied={active ? (s.applied?.[i] ?? null) : undefined}
              testId={`blend-${i + 1}`}
            />
          ))}
        </div>
      )}
    </section>
  );
}
