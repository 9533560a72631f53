import { useStore } from '../store';
// Its own class: "stage" is the result's picture frame (checkerboard and border).

const SWEEPS = {
  style: 'style targets',
  measure: 'Gram matrices',
  gradient: 'gradient',
} as const;

/** "stage 2 of 4 · 256 px" while a coarse-to-fine run goes on; a tiled step's tile as it goes. */
export function StageStatus() {
  const stage = useStore((s) => s.run.stage);
  const tile = useStore((s) => s.run.tile);
  return (
    <>
      {stage ? (
        <span
          className="stage-badge"
          data-testid="stage"
          data-number={stage.number}
          data-count={stage.count}
        >
          stage {stage.number} of {stage.count} · {stage.longSide} px
          {stage.tiled ? ' · in tiles' : ''}
        </span>
      ) : null}
      {tile ? (
        <span
          className="stage-badge"
          data-testid="tile-progress"
          data-tile={tile.tile + 1}
          data-tiles={tile.tiles}
        >
          iteration {tile.iteration}: {SWEEPS[tile.sweep]}, tile {tile.tile + 1} of {tile.tiles}
        </span>
      ) : null}
    </>
  );
}
