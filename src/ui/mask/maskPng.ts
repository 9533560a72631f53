/**
 * The mask inside a downloaded PNG (and so in every history snapshot): its own private ancillary
 * chunk "maSk" (ancillary, private, safe to copy), holding an ASCII JSON header, a 0 byte, then the
 * labels run-length encoded (./maskOps). Chunk framing and CRCs: png-chunks-extract/-encode.
 */
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import { assertMask, MAX_STYLES, type RegionJob } from '../../worker/protocol';
import { decodeRuns, encodeRuns } from './maskOps';
import type { KeptMask } from './maskStore';

export const MASK_CHUNK = 'maSk';
const FORMAT = 1;

/** Returns `png` with the mask chunk before IEND (an older mask chunk is replaced). */
export function embedMask(png: Uint8Array, kept: KeptMask): Uint8Array {
  const chunks = extractChunks(png).filter((c) => c.name !== MASK_CHUNK);
  const end = chunks.findIndex((c) => c.name === 'IEND');
  if (end < 0) throw new Error('PNG without an IEND chunk');
  const { width, height, regions, defaultRegion, labels } = kept.mask;
  const header = JSON.stringify({
    format: FORMAT,
    enabled: kept.enabled,
    width,
    height,
    regions,
    defaultRegion,
  });
  const runs = encodeRuns(labels);
  const data = new Uint8Array(header.length + 1 + runs.length);
  for (let i = 0; i < header.length; i++) data[i] = header.charCodeAt(i);
  data.set(runs, header.length + 1);
  chunks.splice(end, 0, { name: MASK_CHUNK, data });
  return encodeChunks(chunks);
}

function job(v: unknown): RegionJob {
  const j = v as { kind?: unknown; style?: unknown } | null;
  if (j?.kind === 'content') return { kind: 'content' };
  if (j?.kind === 'style' && typeof j.style === 'number') return { kind: 'style', style: j.style };
  throw new Error('its mask has a region without a valid job');
}

/**
 * The mask in `png`, or null when it has none (or is no PNG). Throws, with a message for the
 * page, when the chunk is there but damaged.
 */
export function readMask(png: Uint8Array): KeptMask | null {
  let chunks;
  try {
    chunks = extractChunks(png);
  } catch {
    return null;
  }
  const chunk = chunks.find((c) => c.name === MASK_CHUNK);
  if (!chunk) return null;
  const zero = chunk.data.indexOf(0);
  if (zero < 0) throw new Error('its mask chunk has no header');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(String.fromCharCode(...chunk.data.subarray(0, zero))) as Record<string, unknown>;
  } catch {
    throw new Error('its mask header is not valid JSON');
  }
  if (h.format !== FORMAT)
    throw new Error(`its mask is in an unknown format (${String(h.format)})`);
  const [width, height] = [Number(h.width), Number(h.height)];
  if (!Array.isArray(h.regions)) throw new Error('its mask has no regions');
  const mask = {
    width,
    height,
    labels: decodeRuns(chunk.data.subarray(zero + 1), width * height),
    regions: h.regions.map(job),
    defaultRegion: Number(h.defaultRegion),
  };
  try {
    assertMask(mask, MAX_STYLES);
  } catch (e) {
    throw new Error(`its mask is not valid: ${(e as Error).message}`);
  }
  return { enabled: h.enabled === true, mask };
}
