/** The image pool of the search: the page's images and any number of images added here. */
import { useRef, useState } from 'react';
import { HiddenFilePicker } from '../components/HiddenFilePicker';
import { useFileDrop } from '../useFileDrop';
import { useStore } from '../store';
import { addFiles } from './pool';
import { MAX_WORKING_SIZE, MIN_WORKING_SIZE, useExplorer } from './explorerStore';

export function PoolPanel() {
  const content = useStore((s) => s.content);
  const style = useStore((s) => s.style);
  const runState = useStore((s) => s.run.state);
  const ex = useExplorer();
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop((dropped) => void addFiles(dropped));
  const [sizeText, setSizeText] = useState(String(ex.workingSize));

  const pageImages = [
    { key: 'content' as const, label: 'Content', name: content?.name, url: content?.url },
    { key: 'style' as const, label: 'Style', name: style?.name, url: style?.url },
    {
      key: 'generated' as const,
      label: 'Generated',
      name: runState !== 'idle' ? 'current result of the run' : undefined,
      url: undefined,
    },
  ];
  const count = pageImages.filter((p) => p.name && ex.include[p.key]).length + ex.extras.length;

  return (
    <section
      className={`explorer-panel pool${over ? ' dropzone-over' : ''}`}
      aria-labelledby="pool-title"
      data-testid="explorer-pool"
      {...handlers}
    >
      <h3 id="pool-title">
        Image pool <span data-testid="pool-count">({count} images)</span>
      </h3>
      <div className="pool-controls">
        <label>
          Working size (px, longer side){' '}
          <input
            type="number"
            min={MIN_WORKING_SIZE}
            max={MAX_WORKING_SIZE}
            step={1}
            value={sizeText}
            onChange={(e) => {
              setSizeText(e.target.value);
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= MIN_WORKING_SIZE && n <= MAX_WORKING_SIZE) {
                ex.setWorkingSize(n);
              }
            }}
          />
        </label>
        <button type="button" onClick={() => files.current?.click()}>
          Add images…
        </button>
        <button type="button" onClick={() => folder.current?.click()}>
          Add a folder…
        </button>
        <HiddenFilePicker
          ref={files}
          multiple
          accept="image/*"
          label="Images to add to the pool"
          onFiles={(picked) => void addFiles(picked)}
        />
        <HiddenFilePicker
          ref={folder}
          multiple
          folder
          label="Folder of images to add to the pool"
          onFiles={(picked) => void addFiles(picked, true)}
        />
      </div>
      <p className="hint">Drop images (or a whole selection) anywhere on this panel to add them.</p>
      <ul className="pool-list">
        {pageImages.map((p) => (
          <li key={p.key}>
            <label>
              <input
                type="checkbox"
                checked={ex.include[p.key] && !!p.name}
                disabled={!p.name}
                onChange={(e) => ex.setInclude(p.key, e.target.checked)}
              />{' '}
              {p.label}: {p.name ?? 'none yet'}
            </label>
            {p.url && <img src={p.url} alt="" />}
          </li>
        ))}
        {ex.extras.map((e) => (
          <li key={e.id} data-testid="pool-extra">
            <img src={e.url} alt={e.name} />
            <span>{e.name}</span>
            <button
              type="button"
              aria-label={`Remove ${e.name} from the pool`}
              onClick={() => ex.removeExtra(e.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
