import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rotateImage } from './rotate-image.js';

const side = 28;
const geometry = { height: side, width: side, channels: 1 };

function randomImage(seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([side * side], 0, 1, 'float32', seed).dataSync() as Float32Array).slice();
}

/** A Gaussian bump of width `width` centred at (x, y) in pixel coordinates. */
function bump(x: number, y: number, width = 2.5): Float32Array {
  const image = new Float32Array(side * side);
  for (let row = 0; row < side; row += 1) {
    for (let column = 0; column < side; column += 1) {
      image[row * side + column] = Math.exp(-((column - x) ** 2 + (row - y) ** 2) / (2 * width * width));
    }
  }
  return image;
}

describe('rotateImage', () => {
  it('turns a quarter turn into the exact pixel permutation reverse(transpose(x)) computed with tf ops', () => {
    const image = randomImage(1);
    const expected = tf.tidy(() => tf.reverse(tf.transpose(tf.tensor2d(image, [side, side])), 0).dataSync());
    expect(Array.from(rotateImage(image, geometry, 90))).toEqual(Array.from(expected));
    // A half turn reverses the pixel order; a full turn is the identity.
    expect(Array.from(rotateImage(image, geometry, 180))).toEqual(Array.from(image).reverse());
    expect(Array.from(rotateImage(image, geometry, 360))).toEqual(Array.from(image));
  });

  it('turns counter-clockwise as displayed: a pixel right of the centre goes above it', () => {
    const image = new Float32Array(side * side);
    // Centre (13.5, 13.5); the pixel at row 13.5 - 0.5, column 13.5 + 10.5 ...
    image[13 * side + 24] = 1;
    const rotated = rotateImage(image, geometry, 90);
    const moved = rotated.indexOf(1);
    // ... lands 10.5 above the centre: row 3, column 13.
    expect([Math.floor(moved / side), moved % side]).toEqual([3, 13]);
  });

  it('matches the closed form of a rotated Gaussian bump for an arbitrary angle', () => {
    const angle = 37;
    const radians = (angle * Math.PI) / 180;
    const centre = (side - 1) / 2;
    const [x, y] = [centre + 6, centre + 2];
    // Forward counter-clockwise turn on screen (y down): (dx, dy) -> (dx cos + dy sin, -dx sin + dy cos).
    const dx = x - centre;
    const dy = y - centre;
    const expected = bump(centre + dx * Math.cos(radians) + dy * Math.sin(radians), centre - dx * Math.sin(radians) + dy * Math.cos(radians));
    const rotated = rotateImage(bump(x, y), geometry, angle);
    let worst = 0;
    rotated.forEach((value, index) => (worst = Math.max(worst, Math.abs(value - (expected[index] as number)))));
    // Bilinear interpolation of a bump of width 2.5 px errs by at most ~1/(8 w^2) of its peak.
    expect(worst).toBeLessThan(0.03);
  });

  it('rotating by an angle and back restores a smooth image inside the frame', () => {
    const image = bump(15, 12, 4);
    const restored = rotateImage(rotateImage(image, geometry, 23), geometry, -23);
    let worst = 0;
    restored.forEach((value, index) => (worst = Math.max(worst, Math.abs(value - (image[index] as number)))));
    // Two bilinear passes smooth twice: about 2 / (8 w^2) of the peak for a bump of width w = 4 px.
    expect(worst).toBeLessThan(0.035);
  });

  it('rotates every channel of an HWC image alike and writes at an offset', () => {
    const red = randomImage(2);
    const green = randomImage(3);
    const rgb = new Float32Array(side * side * 2);
    red.forEach((value, pixel) => {
      rgb[2 * pixel] = value;
      rgb[2 * pixel + 1] = green[pixel] as number;
    });
    const target = new Float32Array(5 + rgb.length);
    rotateImage(rgb, { height: side, width: side, channels: 2 }, 31, target, 5);
    const redAlone = rotateImage(red, geometry, 31);
    const greenAlone = rotateImage(green, geometry, 31);
    for (let pixel = 0; pixel < side * side; pixel += 1) {
      expect(target[5 + 2 * pixel]).toBeCloseTo(redAlone[pixel] as number, 6);
      expect(target[5 + 2 * pixel + 1]).toBeCloseTo(greenAlone[pixel] as number, 6);
    }
  });
});
