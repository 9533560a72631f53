/**
 * Time-lapse of a run's snapshots: WebM (VP8 through WebCodecs' VideoEncoder, muxed by webm-muxer)
 * where the browser has WebCodecs, else an animated PNG (APNG), whose chunks are framed by
 * png-chunks-extract / png-chunks-encode. Frames are drawn at the output's size and aspect.
 */
import { ArrayBufferTarget, Muxer } from 'webm-muxer';
import extractChunks, { type PngChunk } from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';

export interface TimelapseOptions {
  width: number;
  height: number;
  /** How long each frame shows. */
  frameMs: number;
  onProgress?(done: number, total: number): void;
}

export interface TimelapseFile {
  bytes: Uint8Array;
  mime: 'video/webm' | 'image/png';
  extension: 'webm' | 'png';
}

export const FRAME_MS = 250;

/** Draws a snapshot at the video's size (an earlier coarse stage is scaled up to it). */
async function drawFrame(
  ctx: OffscreenCanvasRenderingContext2D,
  png: Blob,
  width: number,
  height: number,
): Promise<void> {
  const bitmap = await createImageBitmap(png);
  try {
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
  } finally {
    bitmap.close();
  }
}

function canvas2d(
  width: number,
  height: number,
): [OffscreenCanvas, OffscreenCanvasRenderingContext2D] {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas context available');
  return [canvas, ctx];
}

const VP8 = { codec: 'vp8', muxerCodec: 'V_VP8' } as const;

/** Whether this browser can encode the WebM (WebCodecs with VP8 at this size). */
export async function canEncodeWebm(width: number, height: number): Promise<boolean> {
  if (typeof VideoEncoder !== 'function' || typeof VideoFrame !== 'function') return false;
  try {
    const { supported } = await VideoEncoder.isConfigSupported({ codec: VP8.codec, width, height });
    return supported === true;
  } catch {
    return false;
  }
}

export async function encodeWebm(
  frames: readonly Blob[],
  o: TimelapseOptions,
): Promise<Uint8Array> {
  const muxer = new Muxer({
    target: new ArrayBufferTarget(),
    video: { codec: VP8.muxerCodec, width: o.width, height: o.height, frameRate: 1000 / o.frameMs },
  });
  let failure: Error | null = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (e) => {
      failure = e instanceof Error ? e : new Error(String(e));
    },
  });
  encoder.configure({
    codec: VP8.codec,
    width: o.width,
    height: o.height,
    bitrate: Math.max(500_000, o.width * o.height * 8),
    framerate: 1000 / o.frameMs,
  });
  const [canvas, ctx] = canvas2d(o.width, o.height);
  try {
    for (let i = 0; i < frames.length; i++) {
      if (failure) throw failure;
      await drawFrame(ctx, frames[i], o.width, o.height);
      const frame = new VideoFrame(canvas, {
        timestamp: Math.round(i * o.frameMs * 1000),
        duration: Math.round(o.frameMs * 1000),
      });
      // A key frame every 2 s keeps seeking cheap.
      encoder.encode(frame, { keyFrame: i % Math.max(1, Math.round(2000 / o.frameMs)) === 0 });
      frame.close();
      // Encoding keeps pace: a long history does not queue every frame in memory at once.
      while (encoder.encodeQueueSize > 2) {
        await new Promise((r) => encoder.addEventListener('dequeue', r, { once: true }));
      }
      o.onProgress?.(i + 1, frames.length);
    }
    await encoder.flush();
    if (failure) throw failure;
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  muxer.finalize();
  const bytes = new Uint8Array(muxer.target.buffer);
  // webm-muxer records the last frame's start as the duration: the last frame shows too.
  setWebmDuration(bytes, frames.length * o.frameMs);
  return bytes;
}

/** EBML ID and size byte of the Segment Info's Duration as webm-muxer writes it (a float64). */
const DURATION_ELEMENT = [0x44, 0x89, 0x88];

/**
 * Overwrites the Duration (ms, at webm-muxer's 1 ms timestamp scale) in the WebM's header, in
 * place. Throws when the header has no such element.
 */
export function setWebmDuration(webm: Uint8Array, ms: number): void {
  // The Segment Info sits in the first few hundred bytes, before any cluster.
  const end = Math.min(webm.length - 8, 1024);
  for (let at = 0; at < end; at++) {
    if (DURATION_ELEMENT.every((b, k) => webm[at + k] === b)) {
      new DataView(webm.buffer, webm.byteOffset + at + 3, 8).setFloat64(0, ms);
      return;
    }
  }
  throw new Error('The WebM has no Duration to set');
}

function u32(view: DataView, at: number, v: number): void {
  view.setUint32(at, v);
}

/** APNG's frame control chunk (a full-size frame, replacing the last one). */
function fcTL(seq: number, width: number, height: number, frameMs: number): PngChunk {
  const data = new Uint8Array(26);
  const v = new DataView(data.buffer);
  u32(v, 0, seq);
  u32(v, 4, width);
  u32(v, 8, height);
  // x, y offsets 0; delay frameMs/1000 s; dispose none (0), blend source (0).
  v.setUint16(20, Math.round(frameMs));
  v.setUint16(22, 1000);
  return { name: 'fcTL', data };
}

/**
 * Animated PNG: every frame re-encoded by the browser at the same size (so all share one IHDR),
 * its IDAT data moved into fdAT chunks after the first frame.
 */
export async function encodeApng(
  frames: readonly Blob[],
  o: TimelapseOptions,
): Promise<Uint8Array> {
  if (frames.length === 0) throw new Error('No frames to encode');
  const [canvas, ctx] = canvas2d(o.width, o.height);
  const out: PngChunk[] = [];
  let ihdr: Uint8Array | null = null;
  let seq = 0;
  for (let i = 0; i < frames.length; i++) {
    ctx.clearRect(0, 0, o.width, o.height);
    await drawFrame(ctx, frames[i], o.width, o.height);
    const png = new Uint8Array(
      await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer(),
    );
    const chunks = extractChunks(png);
    const head = chunks.find((c) => c.name === 'IHDR');
    if (!head) throw new Error('The browser wrote a PNG without IHDR');
    if (!ihdr) {
      ihdr = head.data;
      const actl = new Uint8Array(8);
      u32(new DataView(actl.buffer), 0, frames.length); // frames; plays 0 = loop forever
      out.push(head, { name: 'acTL', data: actl });
    } else if (head.data.some((b, k) => b !== ihdr![k])) {
      throw new Error('The browser encoded the frames in different PNG formats');
    }
    out.push(fcTL(seq++, o.width, o.height, o.frameMs));
    for (const idat of chunks.filter((c) => c.name === 'IDAT')) {
      if (i === 0) {
        out.push(idat);
      } else {
        const data = new Uint8Array(4 + idat.data.length);
        u32(new DataView(data.buffer), 0, seq++);
        data.set(idat.data, 4);
        out.push({ name: 'fdAT', data });
      }
    }
    o.onProgress?.(i + 1, frames.length);
  }
  out.push({ name: 'IEND', data: new Uint8Array(0) });
  return encodeChunks(out);
}

/**
 * WebM where WebCodecs can encode the result's own size, else APNG: either way the time-lapse is
 * as large as the result (no odd row or column dropped).
 */
export async function encodeTimelapse(
  frames: readonly Blob[],
  o: TimelapseOptions,
): Promise<TimelapseFile> {
  if (await canEncodeWebm(o.width, o.height)) {
    return { bytes: await encodeWebm(frames, o), mime: 'video/webm', extension: 'webm' };
  }
  return { bytes: await encodeApng(frames, o), mime: 'image/png', extension: 'png' };
}
