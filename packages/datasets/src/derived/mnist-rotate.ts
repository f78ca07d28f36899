import { type DatasetSplit, type DatasetV1, InvalidArgumentError } from '@tame/core';
import { rotateImage } from '../image/rotate-image.js';
import { createIndexedDataset } from '../indexed-dataset.js';
import type { LabelledImageSplits } from '../labelled-images.js';
import { randomInteger } from '../random/seeded-random.js';
import { checkGreyscaleBase, createDerivedSource, type DerivedDatasetOptions, derivedCounts, requireClasses } from './derived-source.js';

export interface MnistRotateOptions extends DerivedDatasetOptions {
  /** Rotation of the target about the image centre, degrees, counter-clockwise as displayed. Default 90. */
  readonly angle?: number;
}

/** Position of `value` in the ascending list (it is there by construction). */
function positionOf(list: Int32Array, value: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * MNIST-rotate (conditional): context = digit x_a (example i mod n of the base split, so an epoch shows every
 * digit once as context), target (`inputs`) = a different example x_c of the same label, rotated about its centre
 * by `angle` (bilinear, zero fill). Both [28, 28, 1]; label = the digit.
 */
export function createMnistRotateDataset(base: LabelledImageSplits, options: MnistRotateOptions = {}): DatasetV1 {
  const name = 'mnist-rotate';
  const angle = options.angle ?? 90;
  if (!Number.isFinite(angle)) throw new InvalidArgumentError(`angle of ${name}`, `${angle}; expected a finite number of degrees`);
  const pixelCount = checkGreyscaleBase(name, base);
  const counts = derivedCounts(name, base, options);
  const [height, width] = base.train.shape;
  const source = (split: DatasetSplit) => {
    const images = base[split];
    const byLabel = counts[split] > 0 ? requireClasses(name, images, split, base.classCount, 2) : [];
    const unrotated = new Float32Array(pixelCount);
    return createDerivedSource({
      count: counts[split],
      seed: options.seed ?? 0,
      split,
      inputSize: pixelCount,
      contextSize: pixelCount,
      write(random, index, inputs, inputOffset, context, contextOffset) {
        const example = index % images.count;
        const label = images.labels[example] as number;
        images.copyImage(example, context as Float32Array, contextOffset);
        const list = byLabel[label] as Int32Array;
        // Uniform over the other examples of the label: draw among n - 1 slots and step over the context's own.
        let slot = randomInteger(random, list.length - 1);
        if (slot >= positionOf(list, example)) slot += 1;
        images.copyImage(list[slot] as number, unrotated, 0);
        rotateImage(unrotated, { height, width, channels: 1 }, angle, inputs, inputOffset);
        return label;
      },
    });
  };
  return createIndexedDataset({
    id: '@tame/datasets/mnist-rotate',
    info: { name, count: counts, shape: [height, width, 1], contextShape: [height, width, 1], classCount: base.classCount, range: [0, 1] },
    splits: { train: source('train'), test: source('test') },
  });
}
