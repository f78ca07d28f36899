import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker } from './input-checks.js';

const id = '@tame/likelihoods/gaussian';

export const gaussianLikelihoodConfigSchema = z.object({
  /** Standard deviation sigma of the fixed global Gaussian, in data units. Must be > 0. */
  sigma: z.number().positive().finite().default(0.1),
  /** When to read the inputs back to check they are finite (see README, "Input checks"). */
  checkInputs: checkInputsSchema,
});
export type GaussianLikelihoodConfig = z.output<typeof gaussianLikelihoodConfigSchema>;
export type GaussianLikelihoodOptions = z.input<typeof gaussianLikelihoodConfigSchema>;

/**
 * Fixed global-sigma Gaussian: -log N(x; mu, sigma^2) summed over the D dimensions of each example,
 * = ||x - mu||^2 / (2 sigma^2) + D (log sigma + log(2 pi) / 2), in nats, [batch].
 */
export function createGaussianLikelihood(options: GaussianLikelihoodOptions = {}): LikelihoodV1 {
  const { sigma, checkInputs } = parsePluginConfig({ id, configSchema: gaussianLikelihoodConfigSchema }, options);
  const check = createInputChecker(id, checkInputs);
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: [],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      check(data, reconstruction);
      return tf.tidy(() => {
        const perExample = tf.reshape(tf.squaredDifference(data, reconstruction), [data.shape[0] as number, -1]);
        const dimensions = perExample.shape[1] as number;
        const constant = dimensions * (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI));
        return tf.add(tf.div(tf.sum(perExample, 1), 2 * sigma * sigma), constant) as tf.Tensor1D;
      });
    },
    dispose() {},
  };
}

export const gaussianLikelihood = defineLikelihoodPlugin({
  id,
  configSchema: gaussianLikelihoodConfigSchema,
  create: createGaussianLikelihood,
});
