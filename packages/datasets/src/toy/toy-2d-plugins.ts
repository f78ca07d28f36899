import { defineDatasetPlugin } from '@tame/core';
import { z } from 'zod';
import { createBlobsDataset, createCirclesDataset, createLinesDataset, createTwoBlobsDataset } from './toy-2d-datasets.js';

const count = z.number().int().nonnegative();
const seed = z.number().int().default(0);
const point = z.tuple([z.number().finite(), z.number().finite()]);

export const twoBlobsConfigSchema = z.object({
  /** Train points (half per blob). */
  count: count.default(200),
  /** Test points; default `count`. */
  testCount: count.optional(),
  seed,
  /** Blob centres at (+-separation, 0). */
  separation: z.number().positive().finite().default(1),
  /** Standard deviation per axis. */
  std: z.number().positive().finite().default(0.15),
});

export const blobsConfigSchema = z.object({
  count: count.optional(),
  testCount: count.optional(),
  seed,
  centres: z.array(point).min(1).optional(),
  std: z.number().positive().finite().default(0.15),
});

export const linesConfigSchema = z.object({
  count: count.optional(),
  testCount: count.optional(),
  seed,
  lineCount: z.number().int().positive().default(3),
  spacing: z.number().positive().finite().default(1),
  length: z.number().positive().finite().default(2),
  noise: z.number().nonnegative().finite().default(0.02),
});

export const circlesConfigSchema = z.object({
  count: count.optional(),
  testCount: count.optional(),
  seed,
  radii: z.array(z.number().positive().finite()).min(1).default([0.5, 1]),
  noise: z.number().nonnegative().finite().default(0.02),
});

/** Two Gaussian blobs (Figure 2's regression case). */
export const twoBlobsDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/two-blobs', configSchema: twoBlobsConfigSchema, create: createTwoBlobsDataset });
/** A mixture of Gaussian blobs. */
export const blobsDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/blobs', configSchema: blobsConfigSchema, create: createBlobsDataset });
/** A mixture of parallel line segments (Figures 2 and 7). */
export const linesDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/lines', configSchema: linesConfigSchema, create: createLinesDataset });
/** A mixture of concentric circles (Figures 2 and 7). */
export const circlesDatasetPlugin = defineDatasetPlugin({ id: '@tame/datasets/circles', configSchema: circlesConfigSchema, create: createCirclesDataset });
