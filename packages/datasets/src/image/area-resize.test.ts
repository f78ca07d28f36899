import { describe, expect, it } from 'vitest';
import { centreCropBox, cropAndResizeRgba, resizeArea } from './area-resize.js';

function pattern(height: number, width: number, channels: number): Float32Array {
  return Float32Array.from({ length: height * width * channels }, (_, index) => Math.abs(Math.sin(index * 0.37)) * (1 + (index % channels)));
}

/**
 * The area resize computed another way: integrate over every (source pixel, output pixel) pair the area of their
 * overlap in continuous coordinates, in 2-D at once.
 */
function bruteForceArea(source: Float32Array, height: number, width: number, channels: number, outHeight: number, outWidth: number): Float64Array {
  const output = new Float64Array(outHeight * outWidth * channels);
  const scaleY = height / outHeight;
  const scaleX = width / outWidth;
  for (let oy = 0; oy < outHeight; oy += 1) {
    for (let ox = 0; ox < outWidth; ox += 1) {
      for (let sy = 0; sy < height; sy += 1) {
        const overlapY = Math.max(0, Math.min(sy + 1, (oy + 1) * scaleY) - Math.max(sy, oy * scaleY));
        if (overlapY === 0) continue;
        for (let sx = 0; sx < width; sx += 1) {
          const overlapX = Math.max(0, Math.min(sx + 1, (ox + 1) * scaleX) - Math.max(sx, ox * scaleX));
          for (let channel = 0; channel < channels; channel += 1) {
            const at = (oy * outWidth + ox) * channels + channel;
            output[at] = (output[at] as number) + (overlapX * overlapY * (source[(sy * width + sx) * channels + channel] as number)) / (scaleX * scaleY);
          }
        }
      }
    }
  }
  return output;
}

describe('resizeArea', () => {
  it('equals the mean of each block for an integer factor', () => {
    const source = pattern(8, 6, 2);
    const resized = resizeArea(source, { height: 8, width: 6, channels: 2 }, 4, 2);
    for (let oy = 0; oy < 4; oy += 1) {
      for (let ox = 0; ox < 2; ox += 1) {
        for (let channel = 0; channel < 2; channel += 1) {
          let sum = 0;
          for (let dy = 0; dy < 2; dy += 1) for (let dx = 0; dx < 3; dx += 1) sum += source[((oy * 2 + dy) * 6 + ox * 3 + dx) * 2 + channel] as number;
          expect(resized[(oy * 2 + ox) * 2 + channel]).toBeCloseTo(sum / 6, 5);
        }
      }
    }
  });

  it('matches a 2-D overlap integration for the CelebA ratios (148 -> 64 and -> 32, here scaled down) and for upscaling', () => {
    for (const [height, width, outHeight, outWidth] of [
      [37, 37, 16, 16],
      [37, 37, 8, 8],
      [11, 7, 4, 5],
      [5, 5, 7, 7],
    ] as const) {
      const source = pattern(height, width, 3);
      const fast = resizeArea(source, { height, width, channels: 3 }, outHeight, outWidth);
      const slow = bruteForceArea(source, height, width, 3, outHeight, outWidth);
      slow.forEach((value, index) => expect(fast[index]).toBeCloseTo(value, 4));
    }
  });

  it('keeps constants and the mean intensity', () => {
    const constant = new Float32Array(30 * 30).fill(0.25);
    expect(resizeArea(constant, { height: 30, width: 30, channels: 1 }, 13, 13).every((value) => Math.abs(value - 0.25) < 1e-6)).toBe(true);
    const source = pattern(30, 30, 1);
    const resized = resizeArea(source, { height: 30, width: 30, channels: 1 }, 13, 13);
    const mean = (values: Float32Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(resized)).toBeCloseTo(mean(source), 5);
  });
});

describe('centre crop', () => {
  it('takes the centred 148 square of a 178 x 218 aligned CelebA image', () => {
    expect(centreCropBox(218, 178, 148)).toEqual({ top: 35, left: 15, size: 148 });
    expect(centreCropBox(100, 80, 148)).toEqual({ top: 10, left: 0, size: 80 });
  });

  it('crops, scales bytes to [0, 1], drops alpha and resizes', () => {
    const width = 6;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let pixel = 0; pixel < width * height; pixel += 1) rgba.set([pixel * 5, 255 - pixel, 7, 128], pixel * 4);
    // Crop 4 at top 2, left 1, then halve: output (0, 0) averages rows 2-3, columns 1-2.
    const output = cropAndResizeRgba(rgba, height, width, 4, 2);
    const pixels = [2 * width + 1, 2 * width + 2, 3 * width + 1, 3 * width + 2];
    expect(output[0]).toBeCloseTo(pixels.reduce((sum, pixel) => sum + pixel * 5, 0) / 4 / 255, 5);
    expect(output[1]).toBeCloseTo(pixels.reduce((sum, pixel) => sum + 255 - pixel, 0) / 4 / 255, 5);
    expect(output[2]).toBeCloseTo(7 / 255, 5);
    expect(output).toHaveLength(2 * 2 * 3);
  });
});
