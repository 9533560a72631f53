/**
 * Where one full step's time goes (issue 24), for the bench only: tf.profile of the step on wasm
 * (its kernel timer is the wall time of each synchronous kernel), each conv attributed to its layer
 * and direction by its shapes, the external (FMA) conv's calls timed by a wrapper, and the copies
 * between tfjs' heap and the FMA conv's memory (dataSync of x, a tensor of y) timed on the same
 * shapes right after. What no kernel or copy accounts for is the step's own JS (tape, tidy).
 */
import * as tf from '@tensorflow/tfjs';
import { getExternalConv, setExternalConv, type ExternalConv } from '../engine/vgg16';
import { maxPool2x2Grad } from '../engine/hostPoolGrad';
import { type ConvLayerName, layersUpTo } from '../model/topology';

export interface StepProfileRow {
  part: string;
  ms: number;
  calls: number;
}

export interface LayerProfileRow {
  layer: ConvLayerName;
  /** 'fma' where the external conv ran it, else 'tfjs'. */
  by: 'fma' | 'tfjs';
  gflop: number;
  forwardMs: number;
  gradientMs: number;
}

export interface StepProfile {
  mode: string;
  /** The profiled step's wall time (the profiler's bookkeeping included). */
  wallMs: number;
  layers: LayerProfileRow[];
  /** Every other share of wallMs, largest first; they and the layers' convs add up to wallMs. */
  rows: StepProfileRow[];
}

interface ConvShape {
  layer: ConvLayerName;
  h: number;
  w: number;
  c: number;
  n: number;
}

function convShapes(h: number, w: number, deepest: ConvLayerName): ConvShape[] {
  const out: ConvShape[] = [];
  for (const l of layersUpTo(deepest)) {
    if (l.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else out.push({ layer: l.name, h, w, c: l.inChannels, n: l.outChannels });
  }
  return out;
}

/** [h, w, c] of each pool's input on the way to `deepest`. */
function poolInputs(h: number, w: number, deepest: ConvLayerName): [number, number, number][] {
  const out: [number, number, number][] = [];
  let c = 3;
  for (const l of layersUpTo(deepest)) {
    if (l.kind === 'conv') c = l.outChannels;
    else {
      out.push([h, w, c]);
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  return out;
}

/** ms of the pools' gradients over read-back arrays (mode 'fma': no kernel to profile). */
function hostPoolGradMs(shapes: [number, number, number][]): number {
  let ms = 0;
  for (const [h, w, c] of shapes) {
    const x = tf.randomUniform([1, h, w, c]);
    const dy = tf.randomUniform([1, h >> 1, w >> 1, c]);
    const t0 = performance.now();
    const dx = maxPool2x2Grad(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, h, w, c);
    const t = tf.tensor4d(dx, [1, h, w, c]);
    ms += performance.now() - t0;
    tf.dispose([x, dy, t]);
  }
  return ms;
}

/** ms of `f` on these shapes, once each (the copies an external conv call costs in tfjs). */
function tfjsCopiesMs(calls: { h: number; w: number; c: number; n: number }[]): number {
  let ms = 0;
  for (const { h, w, c, n } of calls) {
    const x = tf.zeros([1, h, w, c]);
    const y = new Float32Array(h * w * n);
    const t0 = performance.now();
    x.dataSync();
    const t = tf.tensor4d(y, [1, h, w, n]);
    // A tensor's values move into the heap when made (tfjs-wasm's write); add() would be a kernel.
    ms += performance.now() - t0;
    tf.dispose([x, t]);
  }
  return ms;
}

/** Profiles `step` (one full step, no preview, read back) of an h x w image to `deepest`. */
export async function profileStep(
  step: () => Promise<number>,
  mode: string,
  h: number,
  w: number,
  deepest: ConvLayerName,
): Promise<StepProfile> {
  const shapes = convShapes(h, w, deepest);
  // Layers of one shape (block3_conv2 and conv3, ...) are told apart by order: each runs one
  // forward and one gradient per step, forwards first to last, gradients last to first.
  const seen = { forward: new Set<ConvLayerName>(), gradient: new Set<ConvLayerName>() };
  const byKey = (dir: 'forward' | 'gradient', hh: number, ww: number, c: number, n: number) => {
    const all = shapes.filter((s) => s.h === hh && s.w === ww && s.c === c && s.n === n);
    const s = (dir === 'forward' ? all : all.reverse()).find((x) => !seen[dir].has(x.layer));
    if (s) seen[dir].add(s.layer);
    return s;
  };
  const layers = new Map<ConvLayerName, LayerProfileRow>(
    shapes.map((s) => [
      s.layer,
      {
        layer: s.layer,
        by: 'tfjs',
        gflop: (2 * s.h * s.w * 9 * s.c * s.n) / 1e9,
        forwardMs: 0,
        gradientMs: 0,
      },
    ]),
  );
  const ext = getExternalConv();
  const extCalls: { h: number; w: number; c: number; n: number }[] = [];
  let extCopyMs = 0;
  let extOtherMs = 0;
  if (ext) {
    const timed: ExternalConv = {
      takes: (l) => ext.takes(l),
      run: (x, hh, ww, c, src, n, relu) => {
        const t0 = performance.now();
        const y = ext.run(x, hh, ww, c, src, n, relu);
        const ms = performance.now() - t0;
        // The gradient conv maps n channels back to c: the layer's shape read the other way.
        const s = relu ? byKey('forward', hh, ww, c, n) : byKey('gradient', hh, ww, n, c);
        const t = ext.lastCall;
        const kernelMs = t ? t.kernelMs : ms;
        if (s) {
          const row = layers.get(s.layer)!;
          row.by = 'fma';
          if (relu) row.forwardMs += kernelMs;
          else row.gradientMs += kernelMs;
        } else extOtherMs += kernelMs;
        if (t) extCopyMs += t.copyInMs + t.copyOutMs;
        extOtherMs += t ? ms - t.copyInMs - t.kernelMs - t.copyOutMs : 0;
        extCalls.push({ h: hh, w: ww, c, n });
        return y;
      },
    };
    setExternalConv(timed);
  }
  let wallMs = NaN;
  let profile: Awaited<ReturnType<typeof tf.profile>>;
  try {
    profile = await tf.profile(async () => {
      wallMs = await step();
    });
  } finally {
    if (ext) setExternalConv(ext);
  }
  const other = new Map<string, StepProfileRow>();
  const add = (part: string, ms: number) => {
    const r = other.get(part) ?? { part, ms: 0, calls: 0 };
    r.ms += ms;
    r.calls++;
    other.set(part, r);
  };
  const ks = profile.kernels;
  // The image's gradient ends at block1_conv1's input-gradient Conv2D (always tfjs'): what follows
  // is the preprocessing's gradient, Adam and the clip.
  let lastConv = -1;
  ks.forEach((k, i) => {
    if (k.name === 'Conv2D') lastConv = i;
  });
  for (const [i, k] of ks.entries()) {
    // A custom gradient's forward is a scope around kernels listed on their own: not counted twice.
    if (k.name === 'unnamed scope') continue;
    const ms = k.kernelTimeMs as number;
    const [x, f] = k.inputShapes;
    if ((k.name === 'FusedConv2D' || k.name === 'Conv2D') && x && f) {
      const s =
        k.name === 'FusedConv2D'
          ? byKey('forward', x[1], x[2], f[2], f[3])
          : byKey('gradient', x[1], x[2], f[3], f[2]);
      if (s) {
        const row = layers.get(s.layer)!;
        if (k.name === 'FusedConv2D') row.forwardMs += ms;
        else row.gradientMs += ms;
        continue;
      }
    }
    if (k.name === 'Step' || (k.name === 'Multiply' && ks[i - 1]?.name === 'Step')) {
      add('ReLU masks of the gradient (Step, Multiply)', ms);
    } else if (k.name.startsWith('MaxPool')) add('pools (MaxPool, MaxPoolGrad)', ms);
    else if (k.name === 'BatchMatMul') add('Grams and their gradients (BatchMatMul)', ms);
    else if (i > lastConv) add(`after the last conv: preprocessing gradient, Adam, clip`, ms);
    else add(`other kernels: ${k.name}`, ms);
  }
  if (extCalls.length) {
    add('FMA conv: copies into and out of its memory', extCopyMs);
    other.get('FMA conv: copies into and out of its memory')!.calls = extCalls.length;
    add('FMA conv: tfjs side (dataSync of x, tensor of y)', tfjsCopiesMs(extCalls));
    other.get('FMA conv: tfjs side (dataSync of x, tensor of y)')!.calls = extCalls.length;
    add('FMA conv: call overhead', extOtherMs);
    other.get('FMA conv: call overhead')!.calls = extCalls.length;
  }
  if (ext && mode === 'fma') {
    const pools = poolInputs(h, w, deepest);
    const part = 'pool gradients over read-back arrays (timed on the same shapes after)';
    add(part, hostPoolGradMs(pools));
    other.get(part)!.calls = pools.length;
  }
  const layerRows = [...layers.values()];
  const accounted =
    layerRows.reduce((a, r) => a + r.forwardMs + r.gradientMs, 0) +
    [...other.values()].reduce((a, r) => a + r.ms, 0);
  // Small kernels under 1% of the step are folded into one row to keep the table short.
  const rows = [...other.values()].sort((a, b) => b.ms - a.ms);
  const small = rows.filter((r) => r.part.startsWith('other kernels') && r.ms < wallMs / 100);
  const kept = rows.filter((r) => !small.includes(r));
  if (small.length) {
    kept.push({
      part: `other kernels under 1% each (${small.map((r) => r.part.slice(15)).join(', ')})`,
      ms: small.reduce((a, r) => a + r.ms, 0),
      calls: small.reduce((a, r) => a + r.calls, 0),
    });
  }
  kept.push({ part: 'outside kernels and copies (JS, tape)', ms: wallMs - accounted, calls: 0 });
  return { mode, wallMs, layers: layerRows, rows: kept };
}

/** The profile as markdown: per-layer convs, then the rest. */
export function stepProfileMarkdown(p: StepProfile, size: number): string[] {
  const ms = (x: number) => x.toFixed(1);
  const pc = (x: number) => `${((100 * x) / p.wallMs).toFixed(1)}%`;
  const out = [
    `Step at ${size} px, mode ${p.mode}: ${p.wallMs.toFixed(0)} ms (one profiled step).`,
    '',
    '| layer | by | GFLOP | forward ms | gradient ms | GFLOP/s (both) | share |',
    '|---|---|---|---|---|---|---|',
  ];
  let convMs = 0;
  for (const r of p.layers) {
    const both = r.forwardMs + r.gradientMs;
    convMs += both;
    out.push(
      `| ${r.layer} | ${r.by} | ${r.gflop.toFixed(2)} | ${ms(r.forwardMs)} | ${ms(r.gradientMs)} | ` +
        `${((2 * r.gflop) / (both / 1000)).toFixed(1)} | ${pc(both)} |`,
    );
  }
  out.push(`| all convs | | | | | | ${pc(convMs)} (${convMs.toFixed(0)} ms) |`, '');
  out.push('| rest of the step | calls | ms | share |', '|---|---|---|---|');
  for (const r of p.rows) out.push(`| ${r.part} | ${r.calls || ''} | ${ms(r.ms)} | ${pc(r.ms)} |`);
  return out;
}
