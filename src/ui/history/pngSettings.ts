/**
 * Settings carried inside a downloaded PNG: one tEXt chunk (keyword "style-transfer") holding JSON
 * with every setting, the iteration, the weights' label and the app's version, so a result can be
 * shared and its settings restored by dropping it back on the page. Chunks are written by
 * png-chunks-encode / png-chunk-text; read chunk by chunk here, each CRC checked with crc-32
 * (png-chunks-extract gives up on the file at the first bad CRC, which hid a damaged settings
 * chunk as "no settings").
 */
import { buf as crc32 } from 'crc-32';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import * as pngText from 'png-chunk-text';
import { version as APP_VERSION } from '../../../package.json';
import { CONV_LAYER_NAMES, isConvLayerName, type ConvLayerName } from '../../model/topology';
import { DEFAULT_SETTINGS, type StyleSettings } from '../../worker/protocol';

export { APP_VERSION };

/** tEXt keyword of the settings chunk (Latin-1, under 80 characters, per the PNG spec). */
export const SETTINGS_KEYWORD = 'style-transfer';

export interface PngRunRecord {
  /** Version of the app that wrote the file (package.json). */
  appVersion: string;
  iteration: number;
  weights: 'pretrained' | 'demo' | null;
  settings: StyleSettings;
  outputLongSide: number;
  maxIterations: number;
}

/**
 * tEXt is Latin-1; JSON keeps any other character as a \u escape, so the chunk is plain ASCII
 * whatever a value holds.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Returns `png` with the record as its settings chunk (an older settings chunk is replaced). */
export function embedRunRecord(png: Uint8Array, record: PngRunRecord): Uint8Array {
  const chunks = extractChunks(png).filter((c) => !isSettingsChunk(c));
  const end = chunks.findIndex((c) => c.name === 'IEND');
  if (end < 0) throw new Error('PNG without an IEND chunk');
  chunks.splice(end, 0, pngText.encode(SETTINGS_KEYWORD, asciiJson(record)));
  return encodeChunks(chunks);
}

function isSettingsChunk(c: { name: string; data: Uint8Array }): boolean {
  return c.name === 'tEXt' && pngText.decode(c.data).keyword === SETTINGS_KEYWORD;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The settings chunk of `png` as stored, with whether its CRC holds; null when the file is no PNG
 * or has none before its end (or before it is cut short).
 */
export function findSettingsChunk(png: Uint8Array): { data: Uint8Array; crcOk: boolean } | null {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at + 12 <= png.length;) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > png.length) return null; // cut short
    const name = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (name === 'IEND') return null;
    const data = png.subarray(at + 8, at + 8 + length);
    if (name === 'tEXt' && isSettingsChunk({ name, data })) {
      // CRC over the chunk's type and data; crc-32 returns it signed.
      const crcOk = crc32(png.subarray(at + 4, at + 8 + length)) === view.getInt32(at + 8 + length);
      return { data, crcOk };
    }
    at = end;
  }
  return null;
}

/**
 * The record in `png`, or null when the file is no PNG or carries none. Throws (with a message for
 * the page) when the chunk is there but damaged or does not hold valid settings.
 */
export function readRunRecord(png: Uint8Array): PngRunRecord | null {
  const chunk = findSettingsChunk(png);
  if (!chunk) return null;
  if (!chunk.crcOk) throw new Error('its settings chunk is damaged (its CRC does not match)');
  let raw: unknown;
  try {
    raw = JSON.parse(pngText.decode(chunk.data).text);
  } catch {
    throw new Error('its settings chunk is not valid JSON');
  }
  return parseRecord(raw);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new Error(`its settings have an invalid ${what}`);
  }
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Error(`its settings have an unknown ${what} (${String(v)})`);
  }
  return v as T;
}

function layerName(v: unknown, what: string): ConvLayerName {
  if (typeof v !== 'string' || !isConvLayerName(v)) {
    throw new Error(
      `its settings name an unknown ${what} (${String(v)}); known: ${CONV_LAYER_NAMES.join(', ')}`,
    );
  }
  return v;
}

/**
 * Checks every field a restore would write: a hand-edited file cannot put junk into the page.
 * Known fields get their own check; a field this build does not know the range of must at least
 * have the default's type; a field the file lacks (written by an older build) takes the default.
 */
function parseSettings(s: Record<string, unknown>): StyleSettings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const v = s[key] ?? fallback;
    switch (key) {
      case 'contentLayer':
        out[key] = layerName(v, 'content layer');
        break;
      case 'styleLayers':
        if (!Array.isArray(v)) throw new Error('its settings have no style layers');
        out[key] = v.map((l: unknown) => {
          if (!isRecord(l)) throw new Error('its settings have an invalid style layer');
          return {
            name: layerName(l.name, 'style layer'),
            weight: finite(l.weight, 'layer weight', 0),
          };
        });
        break;
      case 'styleBlend':
        if (!Array.isArray(v) || v.length === 0)
          throw new Error('its settings have no style blend');
        out[key] = v.map((w: unknown) => finite(w, 'style blend weight', 0));
        break;
      case 'optimizer':
        out[key] = oneOf(v, ['adam', 'lbfgs'], 'optimiser');
        break;
      case 'init':
        out[key] = oneOf(v, ['content+noise', 'noise', 'content', 'style'], 'initial image');
        break;
      case 'colourMode':
        out[key] = oneOf(v, ['none', 'luminance', 'match'], 'colour mode');
        break;
      case 'seed':
        out[key] = finite(v, key);
        break;
      default:
        if (typeof fallback === 'number') out[key] = finite(v, key, 0);
        else if (typeof v === typeof fallback) out[key] = v;
        else throw new Error(`its settings have an invalid ${key}`);
    }
  }
  return out as unknown as StyleSettings;
}

function parseRecord(raw: unknown): PngRunRecord {
  if (!isRecord(raw) || !isRecord(raw.settings)) {
    throw new Error('its settings chunk has no settings');
  }
  const settings = parseSettings(raw.settings);
  return {
    appVersion: typeof raw.appVersion === 'string' ? raw.appVersion : 'unknown',
    iteration: finite(raw.iteration, 'iteration', 0),
    weights: raw.weights === 'pretrained' || raw.weights === 'demo' ? raw.weights : null,
    settings,
    outputLongSide: finite(raw.outputLongSide, 'output size', 1),
    maxIterations: finite(raw.maxIterations, 'iteration budget', 1),
  };
}
