import type { DatasetSplit, DatasetV1 } from '@tame/core';
import { createIndexedDataset } from '../indexed-dataset.js';
import type { LabelledImageSplits } from '../labelled-images.js';
import {
  checkGreyscaleBase,
  createDerivedSource,
  type DerivedDatasetOptions,
  derivedCounts,
  interleaveChannels,
  requireClasses,
} from './derived-source.js';
import { sampleDigitTriplet } from './mnist-triplets.js';

/**
 * MNIST-sum (conditional): context = (x_a, x_b) as the two channels of [28, 28, 2], target (`inputs`) = x_c,
 * [28, 28, 1], with a + b = c. Label = c, the class of the target.
 */
export function createMnistSumDataset(base: LabelledImageSplits, options: DerivedDatasetOptions = {}): DatasetV1 {
  const name = 'mnist-sum';
  const pixelCount = checkGreyscaleBase(name, base, 10);
  const counts = derivedCounts(name, base, options);
  const source = (split: DatasetSplit) => {
    const images = base[split];
    const byLabel = requireClasses(name, images, split, 10);
    const operands = [new Float32Array(pixelCount), new Float32Array(pixelCount)];
    return createDerivedSource({
      count: counts[split],
      seed: options.seed ?? 0,
      split,
      inputSize: pixelCount,
      contextSize: pixelCount * 2,
      write(random, _index, inputs, inputOffset, context, contextOffset) {
        const { labels, examples } = sampleDigitTriplet(random, byLabel);
        images.copyImage(examples[0], operands[0] as Float32Array, 0);
        images.copyImage(examples[1], operands[1] as Float32Array, 0);
        interleaveChannels(operands, pixelCount, context as Float32Array, contextOffset);
        images.copyImage(examples[2], inputs, inputOffset);
        return labels[2];
      },
    });
  };
  const [height, width] = base.train.shape;
  return createIndexedDataset({
    id: '@tame/datasets/mnist-sum',
    info: { name, count: counts, shape: [height, width, 1], contextShape: [height, width, 2], classCount: 10, range: [0, 1] },
    splits: { train: source('train'), test: source('test') },
  });
}
