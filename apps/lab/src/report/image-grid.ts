import type { RasterImage } from './png.js';

export interface ImageGridOptions {
  /** Images per row; defaults to the square root of the count, rounded up. */
  readonly columns?: number;
  /** Pixels of background between images. */
  readonly padding?: number;
  /** Data range mapped to 0..255 (values outside are clipped). */
  readonly range?: readonly [number, number];
  /** Integer upscaling so small images stay visible in reports. */
  readonly scale?: number;
}

/**
 * Tiles images [count, height, width, channels] (flat, example after example) into one raster. Grey images stay
 * grey, 3-channel images stay RGB; other channel counts are an error (they are not images).
 */
export function imageGrid(values: Float32Array, shape: readonly number[], options: ImageGridOptions = {}): RasterImage {
  const [count, height, width, channels] = shape as [number, number, number, number];
  if (shape.length !== 4 || (channels !== 1 && channels !== 3)) {
    throw new RangeError(`imageGrid: expected [count, height, width, 1 or 3] images, got shape [${shape}]`);
  }
  if (values.length !== count * height * width * channels) {
    throw new RangeError(`imageGrid: ${values.length} values for shape [${shape}]`);
  }
  const columns = Math.max(1, Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.ceil(count / columns);
  const padding = options.padding ?? 1;
  const scale = options.scale ?? 1;
  const [low, high] = options.range ?? [0, 1];
  const cellWidth = width * scale + padding;
  const cellHeight = height * scale + padding;
  const gridWidth = columns * cellWidth + padding;
  const gridHeight = rows * cellHeight + padding;
  const pixels = new Uint8Array(gridWidth * gridHeight * channels).fill(40);
  for (let image = 0; image < count; image += 1) {
    const left = padding + (image % columns) * cellWidth;
    const top = padding + Math.floor(image / columns) * cellHeight;
    for (let y = 0; y < height * scale; y += 1) {
      for (let x = 0; x < width * scale; x += 1) {
        for (let channel = 0; channel < channels; channel += 1) {
          const value = values[((image * height + Math.floor(y / scale)) * width + Math.floor(x / scale)) * channels + channel] as number;
          const level = Math.round((255 * (value - low)) / (high - low));
          pixels[((top + y) * gridWidth + left + x) * channels + channel] = Number.isFinite(level) ? Math.min(255, Math.max(0, level)) : 0;
        }
      }
    }
  }
  return { width: gridWidth, height: gridHeight, channels, pixels };
}
