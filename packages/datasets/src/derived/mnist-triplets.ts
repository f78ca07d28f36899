import type { DatasetSplit, DatasetV1 } from '@tame/core';
import { createIndexedDataset } from '../indexed-dataset.js';
import type { LabelledImageSplits } from '../labelled-images.js';
import { randomInteger, type RandomSource } from '../random/seeded-random.js';
import {
  checkGreyscaleBase,
  createDerivedSource,
  type DerivedDatasetOptions,
  derivedCounts,
  interleaveChannels,
  pickInstance,
  requireClasses,
} from './derived-source.js';

/** The 55 digit pairs (a, b) with a + b = c <= 9, a-major. */
export const digitPairs: readonly (readonly [number, number])[] = Array.from({ length: 10 }, (_, a) =>
  Array.from({ length: 10 - a }, (_, b) => [a, b] as const),
).flat();

export interface DigitTriplet {
  /** Labels with a + b = c. */
  readonly labels: readonly [number, number, number];
  /** Indices of the chosen examples in the base split. */
  readonly examples: readonly [number, number, number];
}

/**
 * (a, b) uniform over the 55 pairs with a + b <= 9, c = a + b, then one uniformly chosen example of each label.
 * The three examples are independent draws (a and b may be the same digit class; with a = b they may even be the
 * same example, as in drawing with replacement).
 */
export function sampleDigitTriplet(random: RandomSource, byLabel: readonly Int32Array[]): DigitTriplet {
  const [a, b] = digitPairs[randomInteger(random, digitPairs.length)] as readonly [number, number];
  const c = a + b;
  return { labels: [a, b, c], examples: [pickInstance(random, byLabel, a), pickInstance(random, byLabel, b), pickInstance(random, byLabel, c)] };
}

/**
 * MNIST-triplets: digits (x_a, x_b, x_c) with a + b = c in label space, modelled jointly, stacked as the three
 * channels of one [28, 28, 3] example. Label = 10 a + b (which fixes c).
 */
export function createMnistTripletsDataset(base: LabelledImageSplits, options: DerivedDatasetOptions = {}): DatasetV1 {
  const name = 'mnist-triplets';
  const pixelCount = checkGreyscaleBase(name, base, 10);
  const counts = derivedCounts(name, base, options);
  const source = (split: DatasetSplit) => {
    const images = base[split];
    const byLabel = requireClasses(name, images, split, 10);
    const channels = [0, 1, 2].map(() => new Float32Array(pixelCount));
    return createDerivedSource({
      count: counts[split],
      seed: options.seed ?? 0,
      split,
      inputSize: pixelCount * 3,
      write(random, _index, inputs, offset) {
        const { labels, examples } = sampleDigitTriplet(random, byLabel);
        examples.forEach((example, channel) => images.copyImage(example, channels[channel] as Float32Array, 0));
        interleaveChannels(channels, pixelCount, inputs, offset);
        return labels[0] * 10 + labels[1];
      },
    });
  };
  const [height, width] = base.train.shape;
  return createIndexedDataset({
    id: '@tame/datasets/mnist-triplets',
    info: { name, count: counts, shape: [height, width, 3], classCount: 100, range: [0, 1] },
    splits: { train: source('train'), test: source('test') },
  });
}
