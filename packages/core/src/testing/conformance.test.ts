import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineDatasetPlugin, defineModelPlugin } from '../plugin/define-plugin.js';
import { createArrayDataset } from './array-dataset.js';
import { describeDatasetPluginConformance, describeModelPluginConformance } from './conformance.js';
import { createTinyVae } from './tiny-vae.js';

// Core's own fixtures pass the same conformance suites third-party plugins run.
describeModelPluginConformance(
  defineModelPlugin({
    id: '@tame/core/tiny-vae',
    configSchema: z.object({ inputSize: z.number().int() }),
    create: (config) => createTinyVae(config),
  }),
  { config: { inputSize: 6 }, batch: () => ({ inputs: tf.randomUniform([5, 6], 0, 1, 'float32', 4) }) },
);

describeDatasetPluginConformance(
  defineDatasetPlugin({
    id: '@tame/core/array-dataset',
    configSchema: z.object({ count: z.number().int() }),
    create: ({ count }) => createArrayDataset({ train: Array.from({ length: count * 3 }, (_, index) => index / (count * 3)), shape: [3] }),
  }),
  { config: { count: 20 }, batchSize: 4 },
);
