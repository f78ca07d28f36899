import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker, dimensionsPerExample } from './input-checks.js';
import {
  createLogSigmaVariable,
  effectiveLogSigma,
  initialSigmaAboveMinimum,
  initialSigmaAboveMinimumMessage,
  learnedSigmaFields,
} from './learned-sigma.js';

const id = '@tame/likelihoods/gaussian-learned-sigma';

export const gaussianLearnedSigmaLikelihoodConfigSchema = z
  .object({ ...learnedSigmaFields, checkInputs: checkInputsSchema })
  .refine(initialSigmaAboveMinimum, initialSigmaAboveMinimumMessage);
export type GaussianLearnedSigmaLikelihoodConfig = z.output<typeof gaussianLearnedSigmaLikelihoodConfigSchema>;
export type GaussianLearnedSigmaLikelihoodOptions = z.input<typeof gaussianLearnedSigmaLikelihoodConfigSchema>;

/**
 * Gaussian with one learned global sigma, shared by every dimension and example:
 * NLL = ||x - mu||^2 / (2 sigma^2) + D (log sigma + log(2 pi) / 2) in nats per example, [batch], with
 * sigma^2 = exp(2 logSigma) + minimumSigma^2. The trainable variable '<name>/log-sigma' (a scalar) is in
 * `trainableVariables`; its optimum for fixed reconstructions is sigma^2 = mean squared error per dimension.
 */
export function createGaussianLearnedSigmaLikelihood(options: GaussianLearnedSigmaLikelihoodOptions = {}): LikelihoodV1 {
  const config = parsePluginConfig({ id, configSchema: gaussianLearnedSigmaLikelihoodConfigSchema }, options);
  const check = createInputChecker(id, config.checkInputs);
  const logSigma = createLogSigmaVariable(id, config, []);
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: [logSigma],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      check(data, reconstruction);
      return tf.tidy(() => {
        const dimensions = dimensionsPerExample(data);
        const perExample = tf.sum(tf.reshape(tf.squaredDifference(data, reconstruction), [data.shape[0] as number, dimensions]), 1);
        const logScale = effectiveLogSigma(logSigma, config.minimumSigma);
        const quadratic = tf.mul(0.5, tf.mul(perExample, tf.exp(tf.mul(-2, logScale))));
        return tf.add(quadratic, tf.mul(dimensions, tf.add(logScale, 0.5 * Math.log(2 * Math.PI)))) as tf.Tensor1D;
      });
    },
    dispose() {
      logSigma.dispose();
    },
  };
}

export const gaussianLearnedSigmaLikelihood = defineLikelihoodPlugin({
  id,
  configSchema: gaussianLearnedSigmaLikelihoodConfigSchema,
  create: createGaussianLearnedSigmaLikelihood,
});
