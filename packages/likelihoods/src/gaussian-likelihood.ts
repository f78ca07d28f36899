import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, type LikelihoodV1 } from '@tame/core';
import { z } from 'zod';

export const gaussianLikelihoodConfigSchema = z.object({
  /** Standard deviation sigma of the fixed global Gaussian, in data units. */
  sigma: z.number().positive().finite().default(0.1),
});
export type GaussianLikelihoodConfig = z.output<typeof gaussianLikelihoodConfigSchema>;

/**
 * Fixed global-sigma Gaussian: -log N(x; mu, sigma^2) summed over the D dimensions of each example,
 * = ||x - mu||^2 / (2 sigma^2) + D (log sigma + log(2 pi) / 2).
 */
export function createGaussianLikelihood(config: GaussianLikelihoodConfig): LikelihoodV1 {
  const { sigma } = config;
  return {
    specificationVersion: 'v1',
    id: '@tame/likelihoods/gaussian',
    trainableVariables: [],
    negativeLogLikelihood(data, reconstruction) {
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
  id: '@tame/likelihoods/gaussian',
  configSchema: gaussianLikelihoodConfigSchema,
  create: createGaussianLikelihood,
});
