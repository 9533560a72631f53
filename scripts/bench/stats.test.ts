import { describe, expect, it } from 'vitest';
import { firstWithin, lowest, median, ratio } from './stats';

describe('bench statistics', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const xs = [9, 1, 5];
    expect(median(xs)).toBe(5);
    expect(xs).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('divides only finite numbers by a non-zero one', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(NaN, 2)).toBeNaN();
  });

  it('finds the lowest finite loss over several series', () => {
    expect(lowest([5, 4, NaN], [Infinity, 4.5, 3.9])).toBe(3.9);
    expect(lowest([NaN])).toBe(Infinity);
  });

  it('counts iterations until a loss is within the tolerance of the best', () => {
    expect(firstWithin([100, 50, 22, 20.9, 20], 20, 0.05)).toBe(4);
    expect(firstWithin([100, 21.1, 20.99], 20, 0.05)).toBe(3);
    expect(firstWithin([100, 30], 20, 0.05)).toBeNull();
    expect(firstWithin([100, NaN, 20], 20, 0.05)).toBe(3);
  });
});
