import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { workerClient } from '../workerClient';

/**
 * A run keeps the images and size it started with. When the person changed them since, say so (the
 * thumbnail alone suggested the new image was in use) and offer to start again with them.
 */
export function InputsChanged() {
  const changed = useStore(
    useShallow((s) => {
      const inputs = s.run.inputs;
      if (!inputs || s.run.state === 'idle') return [];
      const what: string[] = [];
      if (s.content && s.content !== inputs.content) what.push('content image');
      if (s.style && s.style !== inputs.style) what.push('style image');
      // Only a size the person chose: one the speed suggestion set after a run is no news.
      if (s.runChosen && s.outputLongSide !== inputs.longSide) {
        what.push(`output size (${s.outputLongSide} px)`);
      }
      return what;
    }),
  );
  const longSide = useStore((s) => s.run.inputs?.longSide);
  if (changed.length === 0) return null;
  const list = changed.join(' and ');
  return (
    <div className="notice inputs-changed" role="status" data-testid="inputs-changed">
      <p>
        This run still uses the previous{' '}
        {changed.map((c) => c.replace(/ \(.*\)/, '')).join(' and ')}
        {changed.some((c) => c.startsWith('output size')) ? ` (${longSide} px)` : ''}: the new{' '}
        {list} {changed.length > 1 ? 'apply' : 'applies'} when a run starts.
      </p>
      <button type="button" onClick={() => workerClient.start()}>
        Restart with the new {changed.length > 1 ? 'inputs' : changed[0].replace(/ \(.*\)/, '')}
      </button>
    </div>
  );
}
