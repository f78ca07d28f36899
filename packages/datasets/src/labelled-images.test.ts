import { describe, expect, it } from 'vitest';
import { indicesByLabel, labelledImagesFromBytes, labelledImagesFromFloats, labelledImagesSource } from './labelled-images.js';
import type { ExampleBlock } from './example-source.js';

describe('labelled images', () => {
  it('scales bytes to [0, 1] on read and writes at the offset asked for', () => {
    const images = labelledImagesFromBytes(Uint8Array.from([0, 51, 255, 102, 204, 153, 1, 2]), Int32Array.from([4, 1]), [2, 2, 1]);
    const target = new Float32Array(6).fill(-1);
    images.copyImage(1, target, 2);
    expect(Array.from(target)).toEqual([-1, -1, Math.fround(204 / 255), Math.fround(153 / 255), Math.fround(1 / 255), Math.fround(2 / 255)]);
    const block = labelledImagesSource(images).read(Int32Array.from([1, 0, 1])) as ExampleBlock;
    expect(Array.from(block.labels ?? [])).toEqual([1, 4, 1]);
    expect(block.inputs[4]).toBeCloseTo(0, 7);
    expect(block.inputs[6]).toBeCloseTo(1, 7);
  });

  it('lists the examples of each class in ascending order', () => {
    const images = labelledImagesFromFloats(new Float32Array(6), Int32Array.from([2, 0, 2, 2, 0, 1]), [1, 1, 1]);
    expect(indicesByLabel(images, 4).map((list) => Array.from(list))).toEqual([[1, 4], [5], [0, 2, 3], []]);
  });

  it('refuses labels that do not match the images', () => {
    expect(() => labelledImagesFromBytes(new Uint8Array(8), Int32Array.from([1]), [2, 2, 1])).toThrow(/1 labels for 2 images/);
    expect(() => labelledImagesFromFloats(new Float32Array(7), Int32Array.from([1]), [2, 2, 1])).toThrow(/not a multiple of the image size 4/);
  });
});
