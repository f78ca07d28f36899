import type { DatasetSplit, DatasetV1 } from '@tame/core';
import { createIndexedDataset } from '../indexed-dataset.js';
import type { LabelledImageSplits } from '../labelled-images.js';
import { randomInteger } from '../random/seeded-random.js';
import { checkGreyscaleBase, createDerivedSource, type DerivedDatasetOptions, derivedCounts, interleaveChannels } from './derived-source.js';

/**
 * Color-MNIST ("stacked MNIST" of the unrolled-GAN paper): three independently drawn digits of the base split in
 * the red, green and blue channels, [28, 28, 3]. Label = 100 r + 10 g + b (the 1,000 modes of that paper).
 */
export function createColorMnistDataset(base: LabelledImageSplits, options: DerivedDatasetOptions = {}): DatasetV1 {
  const name = 'color-mnist';
  const pixelCount = checkGreyscaleBase(name, base);
  const counts = derivedCounts(name, base, options);
  const classCount = base.classCount;
  const source = (split: DatasetSplit) => {
    const images = base[split];
    const channels = [0, 1, 2].map(() => new Float32Array(pixelCount));
    return createDerivedSource({
      count: counts[split],
      seed: options.seed ?? 0,
      split,
      inputSize: pixelCount * 3,
      write(random, _index, inputs, offset) {
        let label = 0;
        for (const channel of channels) {
          const example = randomInteger(random, images.count);
          images.copyImage(example, channel, 0);
          label = label * classCount + (images.labels[example] as number);
        }
        interleaveChannels(channels, pixelCount, inputs, offset);
        return label;
      },
    });
  };
  const [height, width] = base.train.shape;
  return createIndexedDataset({
    id: '@tame/datasets/color-mnist',
    info: { name, count: counts, shape: [height, width, 3], classCount: classCount ** 3, range: [0, 1] },
    splits: { train: source('train'), test: source('test') },
  });
}
