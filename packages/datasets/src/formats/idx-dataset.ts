import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DatasetV1, seededPermutation } from '@tame/core';
import { DatasetError } from '../dataset-error.js';
import { fashionMnistDirectory } from '../dataset-id.js';
import { type LabelledImageSplits, type LabelledImages, labelledImagesDataset, labelledImagesFromBytes } from '../labelled-images.js';
import { parseIdx } from './idx-format.js';
import { readMaybeGzippedFile, requireDirectory } from './read-binary-file.js';

export interface IdxFiles {
  readonly trainImages: string;
  readonly trainLabels: string;
  /** Test pair; without it a seeded holdout of the train files is the test split. */
  readonly testImages?: string;
  readonly testLabels?: string;
}

export interface IdxOptions extends IdxFiles {
  /** Name of the dataset (info.name). Default 'idx'. */
  readonly name?: string;
  /** Without test files: fraction of the train files held out for test. Default 0.1. */
  readonly testFraction?: number;
  /** Seed of that holdout. Default 2018 (the embedded MNIST split's). */
  readonly splitSeed?: number;
  /** Number of classes; labels must lie in [0, classCount). Default: largest label + 1. */
  readonly classCount?: number;
}


/** Reads one images + labels pair, checking each file and that they describe the same number of examples. */
export function readIdxPair(imagesPath: string, labelsPath: string): LabelledImages {
  const images = parseIdx(readMaybeGzippedFile(imagesPath), imagesPath, 'images');
  const labels = parseIdx(readMaybeGzippedFile(labelsPath), labelsPath, 'labels');
  const [count, height, width] = images.dimensions as [number, number, number];
  const labelCount = labels.dimensions[0] as number;
  if (labelCount !== count) {
    throw new DatasetError(
      'count-mismatch',
      labelsPath,
      `${labelCount} labels, but ${imagesPath} holds ${count} images; the files of a pair must describe the same examples`,
    );
  }
  return labelledImagesFromBytes(images.data, Int32Array.from(labels.data), [height, width, 1]);
}

/** The examples `members` of `images`, renumbered (a holdout split). */
function subsetImages(images: LabelledImages, members: Int32Array): LabelledImages {
  return {
    count: members.length,
    shape: images.shape,
    labels: Int32Array.from(members, (member) => images.labels[member] as number),
    copyImage: (index, target, offset) => images.copyImage(members[index] as number, target, offset),
  };
}

function checkLabelRange(images: LabelledImages, classCount: number, location: string): void {
  const index = images.labels.findIndex((label) => label >= classCount);
  if (index >= 0) {
    throw new DatasetError('invalid-content', location, `label ${images.labels[index]} of example ${index} is outside 0..${classCount - 1}`);
  }
}

/** Reads IDX train (and test) files into labelled splits; a file pair that disagrees is an error, never a partial set. */
export function readIdxImages(options: IdxOptions): LabelledImageSplits {
  const { testImages, testLabels } = options;
  if ((testImages === undefined) !== (testLabels === undefined)) {
    throw new DatasetError('invalid-id', testImages ?? (testLabels as string), 'test images and test labels come as a pair; give both or neither');
  }
  const train = readIdxPair(options.trainImages, options.trainLabels);
  let test: LabelledImages;
  let trainSplit = train;
  if (testImages !== undefined && testLabels !== undefined) {
    test = readIdxPair(testImages, testLabels);
    if (test.shape.join() !== train.shape.join()) {
      throw new DatasetError('invalid-content', testImages, `images of shape [${test.shape}] but the train images (${options.trainImages}) are [${train.shape}]`);
    }
  } else {
    const fraction = options.testFraction ?? 0.1;
    if (!(fraction >= 0 && fraction < 1)) throw new DatasetError('invalid-id', options.trainImages, `testFraction ${fraction} must be in [0, 1)`);
    const order = seededPermutation(train.count, options.splitSeed ?? 2018);
    const testCount = Math.round(train.count * fraction);
    test = subsetImages(train, order.slice(0, testCount));
    trainSplit = subsetImages(train, order.slice(testCount));
  }
  const largest = Math.max(-1, ...[trainSplit, test].map((split) => split.labels.reduce((top, label) => Math.max(top, label), -1)));
  const classCount = options.classCount ?? largest + 1;
  checkLabelRange(trainSplit, classCount, options.trainLabels);
  checkLabelRange(test, classCount, testLabels ?? options.trainLabels);
  return { name: options.name ?? 'idx', classCount, train: trainSplit, test };
}

/** A dataset over IDX files: 8-bit images kept as bytes, scaled to [0, 1] per batch. */
export function loadIdxDataset(options: IdxOptions): DatasetV1 {
  return labelledImagesDataset(readIdxImages(options), '@tame/datasets/idx');
}

const standardNames = (split: 'train' | 't10k', kind: 'images' | 'labels') => {
  const stem = `${split}-${kind}`;
  const suffix = kind === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  return [`${stem}-${suffix}.gz`, `${stem}-${suffix}`, `${stem}.${suffix}`, `${stem}.${suffix}.gz`];
};

/**
 * The four files of the MNIST layout in `directory` (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
 * t10k-...; also the '.idx3-ubyte' spelling some unpackers produce).
 */
export function findIdxFiles(directory: string, hint = ''): Required<IdxFiles> {
  requireDirectory(directory, hint);
  const find = (split: 'train' | 't10k', kind: 'images' | 'labels') => {
    const names = standardNames(split, kind);
    const found = names.find((name) => existsSync(join(directory, name)));
    if (found === undefined) throw new DatasetError('missing-file', join(directory, names[0] as string), `file not found (also tried ${names.slice(1).join(', ')})${hint ? `; ${hint}` : ''}`);
    return join(directory, found);
  };
  return { trainImages: find('train', 'images'), trainLabels: find('train', 'labels'), testImages: find('t10k', 'images'), testLabels: find('t10k', 'labels') };
}

/** An MNIST-layout directory (full MNIST, Fashion-MNIST, KMNIST...) as labelled splits with 10 classes. */
export function readIdxDirectory(directory: string, name: string, hint = ''): LabelledImageSplits {
  return readIdxImages({ ...findIdxFiles(directory, hint), name, classCount: 10 });
}

const fashionHint = `install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or pass fashion-mnist:DIR`;

/** Fashion-MNIST (60,000 train / 10,000 test, 28x28, 10 classes) from `directory` (default: the Debian package's). */
export function readFashionMnist(directory: string = fashionMnistDirectory): LabelledImageSplits {
  return readIdxDirectory(directory, 'fashion-mnist', fashionHint);
}

export function loadFashionMnist(directory: string = fashionMnistDirectory): DatasetV1 {
  return labelledImagesDataset(readFashionMnist(directory), '@tame/datasets/fashion-mnist');
}

/** Full MNIST (or any MNIST-layout set) from the four IDX files in `directory`. */
export function loadMnistDirectory(directory: string): DatasetV1 {
  return labelledImagesDataset(readIdxDirectory(directory, 'mnist'), '@tame/datasets/mnist-idx');
}
