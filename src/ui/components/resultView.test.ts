import { describe, expect, it } from 'vitest';
import type { PickedImage, RunInfo } from '../store';
import { compareContent, downloadSize, shownSize, sizeCaption } from './resultView';

const content = { name: 'c.png', width: 60, height: 40 } as PickedImage;
const inputs = { content, style: content, longSide: 64 };

describe('the result panel', () => {
  it('compares a result restored after a reload with the content restored with it', () => {
    expect(compareContent({ inputs: null, restored: true }, content)).toBe(content);
    expect(compareContent({ inputs: null, restored: false }, content)).toBeNull();
    const other = { ...content, name: 'new.png' };
    expect(compareContent({ inputs, restored: false }, other)).toBe(content);
  });

  it('says the shown size and the size a download gives when a run stopped in a coarse stage', () => {
    // Stopped in stage 1 of 2 of a 64 px run of a 3:2 content: 32×22 shown, 64×43 downloaded.
    const run = {
      state: 'stopped',
      inputs,
      width: 32,
      height: 22,
      stage: { number: 1, count: 2, longSide: 32, width: 32, height: 22, ended: false },
    } as unknown as RunInfo;
    expect(shownSize(run)).toEqual({ width: 32, height: 22 });
    expect(downloadSize(run)).toEqual({ width: 64, height: 43 });
    expect(sizeCaption(shownSize(run), downloadSize(run))).toBe(
      '32×22 px shown (a coarse stage) · Download PNG gives 64×43 px, scaled up',
    );
    expect(sizeCaption({ width: 64, height: 43 }, { width: 64, height: 43 })).toBe(
      '64×43 px · Download PNG gives this size',
    );
    expect(sizeCaption(null, null)).toBe('No run yet');
  });
});
