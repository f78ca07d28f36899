import { type DatasetSplit, InvalidArgumentError } from '@tame/core';
import type { ExampleSource } from '../example-source.js';
import { indicesByLabel, type LabelledImageSplits, type LabelledImages } from '../labelled-images.js';
import { createRandom, mixSeed, randomInteger, type RandomSource } from '../random/seeded-random.js';

/** Options every derived MNIST dataset takes. */
export interface DerivedDatasetOptions {
  /**
   * Seed of the construction (which digits are combined into example i); independent of the shuffle seed given
   * to `batches`. Example i of a split is a function of (seed, split, i) only. Default 0.
   */
  readonly seed?: number;
  /** Examples in the train split; default: as many as the base's train split. */
  readonly trainCount?: number;
  /** Examples in the test split; default: as many as the base's test split. */
  readonly testCount?: number;
}

/** Writes example `index` into the output arrays at the given offsets and returns its label. */
export type WriteExample = (
  random: RandomSource,
  index: number,
  inputs: Float32Array,
  inputOffset: number,
  context: Float32Array | undefined,
  contextOffset: number,
) => number;

const splitTags: Record<DatasetSplit, number> = { train: 1, test: 2 };

/** A source whose example i is written by `write` from a generator seeded by (seed, split, i). */
export function createDerivedSource(options: {
  readonly count: number;
  readonly seed: number;
  readonly split: DatasetSplit;
  readonly inputSize: number;
  readonly contextSize?: number;
  readonly write: WriteExample;
}): ExampleSource {
  const { count, seed, split, inputSize, contextSize, write } = options;
  return {
    count,
    read(indices) {
      const inputs = new Float32Array(indices.length * inputSize);
      const context = contextSize === undefined ? undefined : new Float32Array(indices.length * contextSize);
      const labels = new Int32Array(indices.length);
      indices.forEach((index, row) => {
        const random = createRandom(mixSeed(seed, splitTags[split], index));
        labels[row] = write(random, index, inputs, row * inputSize, context, row * (contextSize ?? 0));
      });
      return { inputs, labels, ...(context !== undefined ? { context } : {}) };
    },
  };
}

/** Checks the base is a labelled single-channel image collection and returns the size of one image. */
export function checkGreyscaleBase(datasetName: string, base: LabelledImageSplits, requiredClassCount?: number): number {
  const [height, width, channels] = base.train.shape;
  if (channels !== 1 || base.test.shape.join() !== base.train.shape.join()) {
    throw new InvalidArgumentError(
      `base of ${datasetName}`,
      `'${base.name}' has images of shape [${base.train.shape}] (test [${base.test.shape}]); ${datasetName} needs single-channel images of one shape`,
    );
  }
  if (requiredClassCount !== undefined && base.classCount !== requiredClassCount) {
    throw new InvalidArgumentError(
      `base of ${datasetName}`,
      `'${base.name}' has ${base.classCount} classes; ${datasetName} does arithmetic on digit labels and needs ${requiredClassCount} (0-9)`,
    );
  }
  return height * width;
}

/** Resolved example counts; a derived split draws only from the same split of its base (no test leak). */
export function derivedCounts(datasetName: string, base: LabelledImageSplits, options: DerivedDatasetOptions): Record<DatasetSplit, number> {
  const counts = { train: options.trainCount ?? base.train.count, test: options.testCount ?? base.test.count };
  for (const [split, count] of Object.entries(counts)) {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`${split}Count of ${datasetName}`, `${count}; expected a non-negative integer`);
    }
  }
  return counts;
}

/** Per-class example lists of a split, failing clearly when a class the construction needs has no example. */
export function requireClasses(datasetName: string, images: LabelledImages, split: DatasetSplit, classCount: number, minimum = 1): Int32Array[] {
  const lists = indicesByLabel(images, classCount);
  const short = lists.map((list, label) => ({ label, count: list.length })).filter(({ count }) => count < minimum);
  if (short.length > 0 && images.count > 0) {
    throw new InvalidArgumentError(
      `base of ${datasetName}`,
      `its ${split} split has fewer than ${minimum} example(s) of class(es) ${short.map(({ label }) => label).join(', ')}, which the construction draws from`,
    );
  }
  return lists;
}

/** A uniformly chosen example of class `label`. */
export function pickInstance(random: RandomSource, byLabel: readonly Int32Array[], label: number): number {
  const list = byLabel[label] as Int32Array;
  return list[randomInteger(random, list.length)] as number;
}

/** Writes `images` (each `pixelCount` long) as the channels of one HWC image: target[offset + p k + c] = images[c][p]. */
export function interleaveChannels(images: readonly Float32Array[], pixelCount: number, target: Float32Array, offset: number): void {
  const channels = images.length;
  images.forEach((image, channel) => {
    for (let pixel = 0; pixel < pixelCount; pixel += 1) target[offset + pixel * channels + channel] = image[pixel] as number;
  });
}
