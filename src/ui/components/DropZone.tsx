import { useRef, useState, type DragEvent } from 'react';
import type { ImageSlot, PickedImage } from '../store';

export interface DropZoneProps {
  slot: ImageSlot;
  title: string;
  image: PickedImage | null;
  onFile(file: File): void;
}

function firstImageFile(list: FileList | null | undefined): File | null {
  if (!list) return null;
  for (const f of Array.from(list)) if (f.type.startsWith('image/') || f.type === '') return f;
  return null;
}

/** One image input: drop a file on it, pick one with the button, or paste while it has focus. */
export function DropZone({ slot, title, image, onFile }: DropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const accept = (e: DragEvent) => {
    if (Array.from(e.dataTransfer.types).includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    }
  };

  return (
    <section
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      aria-label={`${title} image`}
      data-slot={slot}
      data-testid={`dropzone-${slot}`}
      tabIndex={-1}
      onDragEnter={accept}
      onDragOver={accept}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = firstImageFile(e.dataTransfer.files);
        if (file) onFile(file);
      }}
    >
      <h2>{title}</h2>
      {image ? (
        <figure className="thumb">
          <img src={image.url} alt={`${title}: ${image.name}`} />
          <figcaption data-testid={`size-${slot}`}>
            {image.name} · {image.width}×{image.height} px
          </figcaption>
        </figure>
      ) : (
        <p className="hint">Drop an image here, paste one, or pick a file.</p>
      )}
      <button type="button" onClick={() => input.current?.click()}>
        Choose {title.toLowerCase()} image…
      </button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        hidden
        aria-label={`${title} image file`}
        onChange={(e) => {
          const file = firstImageFile(e.target.files);
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
    </section>
  );
}
