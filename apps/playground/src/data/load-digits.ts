import { createArrayDataset, type DatasetV1 } from '@tame/core';
import { decodeDigitsFile } from './digits-file.js';

export interface PlaygroundDigits {
  /** Train: every digit after the first `testCount`; test: the first `testCount` (class-balanced: the file interleaves classes). */
  readonly dataset: DatasetV1;
  /** The first `previewCount` test digits as floats in [0, 1], [previewCount, 28, 28, 1] flat: the reconstructions' inputs. */
  readonly previewImages: Float32Array;
  readonly previewCount: number;
  readonly shape: readonly [number, number, number];
}

/** Fetches the digits that ship with the page (same origin, no network beyond it) into an in-memory DatasetV1. */
export async function loadDigits(url: string, options: { testCount?: number; previewCount?: number } = {}): Promise<PlaygroundDigits> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the digits from ${url}: HTTP ${response.status}`);
  const file = decodeDigitsFile(await response.arrayBuffer(), url);
  const size = file.height * file.width;
  const testCount = Math.min(options.testCount ?? 200, file.count - 1);
  const previewCount = Math.min(options.previewCount ?? 16, testCount);
  const values = Float32Array.from(file.pixels, (pixel) => pixel / 255);
  const labels = Int32Array.from(file.labels);
  const dataset = createArrayDataset({
    name: 'mnist-embedded',
    test: values.subarray(0, testCount * size),
    testLabels: labels.subarray(0, testCount),
    train: values.subarray(testCount * size),
    trainLabels: labels.subarray(testCount),
    shape: [file.height, file.width, 1],
    range: [0, 1],
  });
  return { dataset, previewImages: values.slice(0, previewCount * size), previewCount, shape: [file.height, file.width, 1] };
}
