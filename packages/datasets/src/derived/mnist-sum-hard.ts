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
 * MNIST-sum-hard (conditional), the inverse of MNIST-sum: context = x_c, [28, 28, 1]; target (`inputs`) = a pair
 * (x_a, x_b) with a + b = c, as the two channels of [28, 28, 2]. Harder because the target is multi-modal: a sum c
 * has c + 1 decompositions, and the model must generate both digits consistently. Label = 10 a + b.
 * (The seed's text lost which digits are context and target for this variant; this choice is documented in the
 * README.)
 */
export function createMnistSumHardDataset(base: LabelledImageSplits, options: DerivedDatasetOptions = {}): DatasetV1 {
  const name = 'mnist-sum-hard';
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
      inputSize: pixelCount * 2,
      contextSize: pixelCount,
      write(random, _index, inputs, inputOffset, context, contextOffset) {
        const { labels, examples } = sampleDigitTriplet(random, byLabel);
        images.copyImage(examples[0], operands[0] as Float32Array, 0);
        images.copyImage(examples[1], operands[1] as Float32Array, 0);
        interleaveChannels(operands, pixelCount, inputs, inputOffset);
        images.copyImage(examples[2], context as Float32Array, contextOffset);
        return labels[0] * 10 + labels[1];
      },
    });
  };
  const [height, width] = base.train.shape;
  return createIndexedDataset({
    id: '@tame/datasets/mnist-sum-hard',
    info: { name, count: counts, shape: [height, width, 2], contextShape: [height, width, 1], classCount: 100, range: [0, 1] },
    splits: { train: source('train'), test: source('test') },
  });
}
