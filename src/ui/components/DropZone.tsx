import { useId, useRef } from 'react';
import type { ImageSlot, PickedImage } from '../store';
import { useFileDrop } from '../useFileDrop';
import { HiddenFilePicker } from './HiddenFilePicker';

export interface DropZoneProps {
  slot: ImageSlot;
  title: string;
  image: PickedImage | null;
  /** Every file given (not only images: intake names what is wrong with the others). */
  onFiles(files: File[]): void;
}

/** One image input: drop a file on it, pick one with the button, or paste while it has focus. */
export function DropZone({ slot, title, image, onFiles }: DropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop(onFiles);
  const hintId = useId();

  return (
    <section
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      aria-label={`${title} image`}
      data-slot={slot}
      data-testid={`dropzone-${slot}`}
      // Reachable by Tab, so a paste (Ctrl+V) can target this slot without the mouse.
      tabIndex={0}
      aria-describedby={hintId}
      onKeyDown={(e) => {
        if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          input.current?.click();
        }
      }}
      {...handlers}
    >
      <h2>{title}</h2>
      {image ? (
        <figure className="thumb">
          <img src={image.url} alt={`${title}: ${image.name}`} />
          <figcaption data-testid={`size-${slot}`}>
            {image.name} · {image.width}×{image.height} px
          </figcaption>
          {image.notes.length > 0 && (
            <ul className="intake-notes" data-testid={`notes-${slot}`}>
              {image.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </figure>
      ) : (
        <p className="hint">Drop an image here, paste one, or pick a file.</p>
      )}
      <p className="visually-hidden" id={hintId}>
        Press Ctrl+V to paste an image here, or Enter to choose a file.
      </p>
      <button type="button" onClick={() => input.current?.click()}>
        Choose {title.toLowerCase()} image…
      </button>
      <HiddenFilePicker
        ref={input}
        multiple
        accept="image/*"
        label={`${title} image file`}
        onFiles={onFiles}
      />
    </section>
  );
}
