/**
 * What each fuzz case is fed to, and what counts as a correct answer: the image header parser must
 * return (null, or a header of sane numbers) or throw its own ImageHeaderError, and the header then
 * goes through the intake's checks as on the page (refused with an ImageIntakeError message, or
 * passed on to the browser's decoder); the .h5 converter
 * must resolve or reject with WeightsFormatError and leave no file in h5wasm's in-memory FS.
 * Anything else (a RangeError, a wasm abort, NaN dimensions) is a bug the fuzz test reports.
 */
import { ImageHeaderError, readImageHeader, type ImageHeader } from '../../src/ui/imageHeader';
import { ImageIntakeError, checkHeader } from '../../src/ui/imageIntake';
import { convertKerasH5, loadH5wasm } from '../../src/model/kerasH5';
import { WeightsFormatError } from '../../src/model/errors';
import type { FuzzKind } from './mutate';
import { H5_FUZZ_LAYER } from './seeds';

export type Outcome =
  /** Parsed or converted; `summary` says as what. */
  | { status: 'accepted'; summary: string }
  /** Refused with the module's own error type. */
  | { status: 'refused'; summary: string }
  /** Anything else: the fuzz test fails and prints it. */
  | { status: 'bug'; summary: string };

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** A header the intake can trust: counts are whole, finite, in range; NaN would slip past its checks. */
function headerProblem(h: ImageHeader): string | null {
  if (!isCount(h.width) || !isCount(h.height)) return `size ${h.width}×${h.height}`;
  if (!Number.isInteger(h.orientation) || h.orientation < 1 || h.orientation > 8) {
    return `orientation ${h.orientation}`;
  }
  if (!isCount(h.frames) || h.frames < 1) return `frames ${h.frames}`;
  return null;
}

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message.split('\n')[0]}`;
  return `non-Error thrown: ${String(e).slice(0, 200)}`;
}

export function feedImageHeader(bytes: Uint8Array): Outcome {
  try {
    const h = readImageHeader(bytes);
    if (!h) return { status: 'refused', summary: 'not an image (no known signature)' };
    const problem = headerProblem(h);
    if (problem) return { status: 'bug', summary: `${h.format} header with ${problem}` };
    // What the page does next with this header: refuse it with a message, or hand it to the decoder.
    checkHeader(h);
    return { status: 'accepted', summary: `${h.format} ${h.width}×${h.height}, to the decoder` };
  } catch (e) {
    if (e instanceof ImageHeaderError || e instanceof ImageIntakeError) {
      return { status: 'refused', summary: e.message };
    }
    return { status: 'bug', summary: describeThrown(e) };
  }
}

async function h5Files(): Promise<string[]> {
  const { FS } = await (await loadH5wasm()).ready;
  return FS.readdir('/').filter((f: string) => f.endsWith('.h5'));
}

export async function feedKerasH5(bytes: Uint8Array): Promise<Outcome> {
  let outcome: Outcome;
  try {
    const raw = await convertKerasH5(bytes, { upTo: H5_FUZZ_LAYER });
    outcome = { status: 'accepted', summary: `${Object.keys(raw).length} layer(s)` };
  } catch (e) {
    outcome =
      e instanceof WeightsFormatError
        ? { status: 'refused', summary: e.message }
        : { status: 'bug', summary: describeThrown(e) };
  }
  const left = await h5Files();
  if (left.length > 0) return { status: 'bug', summary: `left ${left.join(', ')} in the FS` };
  return outcome;
}

/** Bytes of h5wasm's wasm memory (it only grows): what a huge declared size would inflate. */
export async function h5wasmHeapBytes(): Promise<number> {
  return (await (await loadH5wasm()).ready).HEAPU8.length;
}

export function feed(kind: FuzzKind, bytes: Uint8Array): Outcome | Promise<Outcome> {
  return kind === 'h5' ? feedKerasH5(bytes) : feedImageHeader(bytes);
}
