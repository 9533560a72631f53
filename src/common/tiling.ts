/**
 * Why settings cannot run in tiles (null when they can): tiled stages are Adam on RGB, unmasked
 * (issue 21). Plain logic, so the page's size limit and the engine's stages use one rule.
 */
export function whyNotTiled(
  s: { optimizer: string; colourMode: string },
  masked: boolean,
): string | null {
  if (s.optimizer !== 'adam') return 'tiled stages use Adam only';
  if (s.colourMode === 'luminance') {
    return 'tiled stages cannot transfer the style to the brightness only';
  }
  if (masked) return 'tiled stages do not take a spatial mask';
  return null;
}
