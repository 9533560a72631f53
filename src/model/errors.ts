/**
 * Errors of weights loading, shared by the converters, the cache and the loader so the worker can
 * tell "nothing to load" from "this file is wrong" and say which to the user.
 */

/** The server has no model at the expected URL (404) and nothing is cached. */
export class WeightsNotFoundError extends Error {
  override name = 'WeightsNotFoundError';
}

/** A model file or .h5 is malformed or does not match VGG16; the message names what is wrong. */
export class WeightsFormatError extends Error {
  override name = 'WeightsFormatError';
}
