import type { ImageGeometry } from './rotate-image.js';

interface AxisWeights {
  readonly first: Int32Array;
  readonly weights: Float64Array[];
}

/**
 * Output cell o covers the source interval [o r, (o + 1) r), r = inputSize / outputSize; source cell j contributes
 * its overlap with that interval, divided by r (so the weights of one output cell sum to 1).
 */
function axisWeights(inputSize: number, outputSize: number): AxisWeights {
  const ratio = inputSize / outputSize;
  const first = new Int32Array(outputSize);
  const weights: Float64Array[] = [];
  for (let output = 0; output < outputSize; output += 1) {
    const low = output * ratio;
    const high = (output + 1) * ratio;
    const start = Math.floor(low);
    const end = Math.min(inputSize, Math.ceil(high - 1e-9));
    first[output] = start;
    weights.push(Float64Array.from({ length: end - start }, (_, offset) => (Math.min(high, start + offset + 1) - Math.max(low, start + offset)) / ratio));
  }
  return { first, weights };
}

/**
 * Area-averaging resize of a row-major HWC image (each output pixel is the mean of the source area it covers,
 * fractional pixels weighted by their overlap): the anti-aliased downscale of image libraries' 'area'/'box' mode.
 */
export function resizeArea(source: Float32Array, geometry: ImageGeometry, outputHeight: number, outputWidth: number): Float32Array {
  const { height, width, channels } = geometry;
  const horizontal = axisWeights(width, outputWidth);
  const vertical = axisWeights(height, outputHeight);
  const rows = new Float32Array(height * outputWidth * channels);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < outputWidth; column += 1) {
      const first = horizontal.first[column] as number;
      const weights = horizontal.weights[column] as Float64Array;
      for (let channel = 0; channel < channels; channel += 1) {
        let sum = 0;
        for (let tap = 0; tap < weights.length; tap += 1) sum += (weights[tap] as number) * (source[(row * width + first + tap) * channels + channel] as number);
        rows[(row * outputWidth + column) * channels + channel] = sum;
      }
    }
  }
  const output = new Float32Array(outputHeight * outputWidth * channels);
  for (let row = 0; row < outputHeight; row += 1) {
    const first = vertical.first[row] as number;
    const weights = vertical.weights[row] as Float64Array;
    for (let index = 0; index < outputWidth * channels; index += 1) {
      let sum = 0;
      for (let tap = 0; tap < weights.length; tap += 1) sum += (weights[tap] as number) * (rows[(first + tap) * outputWidth * channels + index] as number);
      output[row * outputWidth * channels + index] = sum;
    }
  }
  return output;
}

export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly size: number;
}

/** The centred square of side min(cropSize, height, width); an odd margin puts the extra pixel below/right. */
export function centreCropBox(height: number, width: number, cropSize: number): CropBox {
  const size = Math.min(cropSize, height, width);
  return { top: Math.floor((height - size) / 2), left: Math.floor((width - size) / 2), size };
}

/**
 * Centre-crops an 8-bit RGBA image (as JPEG decoders return it) to a square, scales it to [0, 1] RGB and
 * area-resizes it to outputSize x outputSize: the usual CelebA preprocessing (crop the face, then shrink).
 */
export function cropAndResizeRgba(rgba: Uint8Array, height: number, width: number, cropSize: number, outputSize: number): Float32Array {
  const { top, left, size } = centreCropBox(height, width, cropSize);
  const cropped = new Float32Array(size * size * 3);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      const from = ((top + row) * width + left + column) * 4;
      const to = (row * size + column) * 3;
      cropped[to] = (rgba[from] as number) / 255;
      cropped[to + 1] = (rgba[from + 1] as number) / 255;
      cropped[to + 2] = (rgba[from + 2] as number) / 255;
    }
  }
  return size === outputSize ? cropped : resizeArea(cropped, { height: size, width: size, channels: 3 }, outputSize, outputSize);
}
