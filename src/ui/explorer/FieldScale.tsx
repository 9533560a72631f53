import { fieldToScale } from './scales';

const SCALE_PX = 96;

/**
 * The layer's receptive field to scale against a pool image (the patches below are all drawn the
 * same size, whatever the field: this shows how much of an image each one covers).
 */
export function FieldScale({ field, workingSize }: { field: number; workingSize: number }) {
  const { image, box } = fieldToScale(field, workingSize, SCALE_PX);
  const at = (SCALE_PX - box) / 2;
  return (
    <figure className="field-scale" data-testid="field-scale" data-image={image} data-box={box}>
      <svg
        width={SCALE_PX}
        height={SCALE_PX}
        viewBox={`0 0 ${SCALE_PX} ${SCALE_PX}`}
        role="img"
        aria-label={`To scale: a ${field} px field on a ${workingSize} px pool image`}
      >
        <rect
          x={(SCALE_PX - image) / 2}
          y={(SCALE_PX - image) / 2}
          width={image}
          height={image}
          className="field-scale-image"
        />
        <rect x={at} y={at} width={box} height={box} className="field-scale-box" />
      </svg>
      <figcaption>
        To scale: the {field} px field (orange) on a {workingSize} px pool image (grey).
      </figcaption>
    </figure>
  );
}
