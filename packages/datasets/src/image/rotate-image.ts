export interface ImageGeometry {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** cos or sin of a multiple of 90 degrees is exact, so a quarter turn is an exact permutation of the pixels. */
function snap(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value - rounded) < 1e-12 ? rounded : value;
}

/**
 * Rotates a row-major HWC image about its centre ((width - 1) / 2, (height - 1) / 2) by `angleDegrees`,
 * counter-clockwise as displayed (rows grow downwards), with bilinear interpolation; what comes from outside the
 * image is 0. Each output pixel samples the source at the inverse rotation of its position.
 */
export function rotateImage(
  source: Float32Array,
  geometry: ImageGeometry,
  angleDegrees: number,
  target: Float32Array = new Float32Array(source.length),
  targetOffset = 0,
): Float32Array {
  const { height, width, channels } = geometry;
  const radians = (angleDegrees * Math.PI) / 180;
  const cos = snap(Math.cos(radians));
  const sin = snap(Math.sin(radians));
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  const pixel = (row: number, column: number, channel: number) =>
    row >= 0 && row < height && column >= 0 && column < width ? (source[(row * width + column) * channels + channel] as number) : 0;
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      const dx = column - centreX;
      const dy = row - centreY;
      // Inverse of the on-screen counter-clockwise turn (x right, y down): (dx, dy) -> (dx cos - dy sin, dx sin + dy cos).
      const sourceX = centreX + dx * cos - dy * sin;
      const sourceY = centreY + dx * sin + dy * cos;
      const left = Math.floor(sourceX);
      const top = Math.floor(sourceY);
      const fx = sourceX - left;
      const fy = sourceY - top;
      for (let channel = 0; channel < channels; channel += 1) {
        target[targetOffset + (row * width + column) * channels + channel] =
          (1 - fy) * ((1 - fx) * pixel(top, left, channel) + fx * pixel(top, left + 1, channel)) +
          fy * ((1 - fx) * pixel(top + 1, left, channel) + fx * pixel(top + 1, left + 1, channel));
      }
    }
  }
  return target;
}
