// Test fixture (not exported by the package): a tiny labelled "digit" collection whose images say what they are.
import { type LabelledImageSplits, labelledImagesFromFloats } from '../labelled-images.js';

/** Pixel 0 of every fixture image encodes its label, pixel 1 its index in the split (1-based, / 1000). */
export const labelPixel = 0;
export const idPixel = 1;

export function encodeLabel(label: number): number {
  return (label + 1) / 16;
}

export function decodeLabel(value: number): number {
  return Math.round(value * 16) - 1;
}

export function decodeId(value: number): number {
  return Math.round(value * 1000) - 1;
}

/**
 * `perClass` examples of each of 10 labels per split (labels cycle 0..9), side x side x 1. Besides the two code
 * pixels each image has a small asymmetric bar, so a rotation changes it.
 */
export function syntheticDigits(perClass: { train: number; test: number } = { train: 4, test: 3 }, side = 28): LabelledImageSplits {
  const make = (count: number) => {
    const values = new Float32Array(count * side * side);
    const labels = new Int32Array(count);
    for (let index = 0; index < count; index += 1) {
      const label = index % 10;
      labels[index] = label;
      const offset = index * side * side;
      values[offset + labelPixel] = encodeLabel(label);
      values[offset + idPixel] = (index + 1) / 1000;
      for (let column = 8; column < 8 + 4 + label; column += 1) values[offset + 10 * side + column] = 0.9;
    }
    return labelledImagesFromFloats(values, labels, [side, side, 1]);
  };
  return { name: 'synthetic', classCount: 10, train: make(10 * perClass.train), test: make(10 * perClass.test) };
}
