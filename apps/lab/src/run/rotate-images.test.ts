import * as tf from '@tensorflow/tfjs-core';
import { rotateImage } from '@tame/datasets';
import { describe, expect, it } from 'vitest';
import { rotateImages } from './rotate-images.js';

const size = 15;
const centre = (size - 1) / 2;
const geometry = { height: size, width: size, channels: 1 };

/** An image with no symmetry a wrong turn could hide behind: value = f(column, row). */
function imageOf(value: (column: number, row: number) => number): Float32Array {
  return Float32Array.from({ length: size * size }, (_, pixel) => value(pixel % size, Math.floor(pixel / size)));
}

// Bilinear interpolation reproduces an affine function exactly, so on a ramp a turn and its inverse cancel wherever
// every pixel read came from inside the frame; a different slope along x and y makes a turn of the wrong sign visible.
const ramp = imageOf((column, row) => 0.2 + 0.03 * column + 0.05 * row);
// A few isolated pixels: asymmetric, not affine, and off the diagonal.
const dots = imageOf((column, row) => (column === 3 && row === 2 ? 1 : column === 11 && row === 4 ? 0.5 : column === 6 && row === 12 ? 0.25 : 0));

/** Largest |a - b| over pixels within `radius` of the centre. */
function interiorError(a: Float32Array, b: Float32Array, radius: number): number {
  let largest = 0;
  a.forEach((value, pixel) => {
    if (Math.hypot((pixel % size) - centre, Math.floor(pixel / size) - centre) <= radius) largest = Math.max(largest, Math.abs(value - (b[pixel] as number)));
  });
  return largest;
}

const backAgain = (image: Float32Array, angle: number) =>
  tf.tidy(() => rotateImages(tf.tensor4d(rotateImage(image, geometry, angle), [1, size, size, 1]), -angle).dataSync() as Float32Array);

describe('rotateImages', () => {
  it('turns a quarter turn back clockwise, as tf.reverse(tf.transpose(x), 1) does, undoing the dataset turn exactly', () => {
    const clockwise = tf.tidy(() => tf.reverse(tf.transpose(tf.tensor2d(dots, [size, size])), 1).dataSync() as Float32Array);
    const ours = tf.tidy(() => rotateImages(tf.tensor4d(dots, [1, size, size, 1]), -90).dataSync() as Float32Array);
    expect(Array.from(ours)).toEqual(Array.from(clockwise));
    // The dataset's +90 then our -90: the image itself, everywhere.
    expect(Array.from(backAgain(dots, 90))).toEqual(Array.from(dots));
    expect(Array.from(backAgain(ramp, -90))).toEqual(Array.from(ramp));
  });

  it('undoes the dataset turn by any angle in the interior (exact on an affine image) and a wrong sign would not', () => {
    for (const angle of [30, -45, 17, 135]) {
      // Within centre - 2 the source of every read pixel and its bilinear neighbours lie inside the frame.
      expect(interiorError(backAgain(ramp, angle), ramp, centre - 2)).toBeLessThan(1e-5);
      const twice = tf.tidy(() => rotateImages(tf.tensor4d(rotateImage(ramp, geometry, angle), [1, size, size, 1]), angle).dataSync() as Float32Array);
      expect(interiorError(twice, ramp, centre - 2)).toBeGreaterThan(0.05);
    }
    // Isolated pixels are blurred by two bilinear passes but stay where they were.
    const recovered = backAgain(dots, 30);
    expect(recovered.indexOf(Math.max(...recovered))).toBe(2 * size + 3);
  });

  it('turns each image and channel of a batch on its own and keeps the memory flat', () => {
    const before = tf.memory().numTensors;
    const batch = tf.tidy(() => {
      // [2, 15, 15, 2]: image 0 = (ramp, dots), image 1 = (dots, ramp) as channels.
      const first = tf.stack([tf.tensor2d(ramp, [size, size]), tf.tensor2d(dots, [size, size])], 2);
      const second = tf.stack([tf.tensor2d(dots, [size, size]), tf.tensor2d(ramp, [size, size])], 2);
      return rotateImages(tf.stack([first, second]) as tf.Tensor4D, 30).arraySync();
    });
    expect(tf.memory().numTensors).toBe(before);
    const channel = (image: number, index: number) => Float32Array.from(batch[image]!.flatMap((row) => row.map((pixel) => pixel[index]!)));
    const rampTurned = Array.from(rotateImage(ramp, geometry, 30));
    const dotsTurned = Array.from(rotateImage(dots, geometry, 30));
    expect(Array.from(channel(0, 0))).toEqual(rampTurned);
    expect(Array.from(channel(0, 1))).toEqual(dotsTurned);
    expect(Array.from(channel(1, 0))).toEqual(dotsTurned);
    expect(Array.from(channel(1, 1))).toEqual(rampTurned);
  });
});
