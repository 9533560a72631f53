/**
 * LSUV-style calibration (Mishkin and Matas, "All you need is a good init", 2016): a layer's
 * pre-activations z = W * x over calibration images set each output channel's scale and bias so
 * that scale * z + bias has unit variance and a zero median (about half of it positive, so the
 * ReLU keeps about half).
 */

export interface ChannelStats {
  std: Float64Array;
  median: Float64Array;
}

/**
 * Per-channel standard deviation and median of channel-last values ([..., channels] flattened).
 * Plain float64 sums and a sort: the same data gives the same numbers on every machine.
 */
export function channelStats(values: Float32Array, channels: number): ChannelStats {
  const n = values.length / channels;
  if (!Number.isInteger(n) || n < 2) {
    throw new Error(`channelStats: ${values.length} values do not make >= 2 rows of ${channels}`);
  }
  const std = new Float64Array(channels);
  const median = new Float64Array(channels);
  const column = new Float32Array(n);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i * channels + c];
      column[i] = v;
      sum += v;
    }
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (column[i] - mean) ** 2;
    std[c] = Math.sqrt(ss / n);
    column.sort();
    median[c] = n % 2 ? column[(n - 1) / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
  }
  return { std, median };
}

/** Scale 1/std (1 for a channel that never varies) and bias -median/std, per channel. */
export function lsuvScaleAndBias(stats: ChannelStats): { scale: Float64Array; bias: Float64Array } {
  const scale = stats.std.map((s) => (s > 1e-12 ? 1 / s : 1));
  const bias = stats.median.map((m, c) => -m * scale[c]);
  return { scale, bias };
}
