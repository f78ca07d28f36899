import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, InvalidArgumentError, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker } from './input-checks.js';
import {
  createLogSigmaVariable,
  effectiveLogSigma,
  initialSigmaAboveMinimum,
  initialSigmaAboveMinimumMessage,
  learnedSigmaFields,
} from './learned-sigma.js';

const id = '@tame/likelihoods/gaussian-per-pixel-sigma';

export const gaussianPerPixelSigmaLikelihoodConfigSchema = z
  .object({
    /** Shape of one example (every axis after the batch axis), e.g. [28, 28, 1]; one sigma per element. */
    shape: z.array(z.number().int().positive()).min(1),
    ...learnedSigmaFields,
    checkInputs: checkInputsSchema,
  })
  .refine(initialSigmaAboveMinimum, initialSigmaAboveMinimumMessage);
export type GaussianPerPixelSigmaLikelihoodConfig = z.output<typeof gaussianPerPixelSigmaLikelihoodConfigSchema>;
export type GaussianPerPixelSigmaLikelihoodOptions = z.input<typeof gaussianPerPixelSigmaLikelihoodConfigSchema>;

/**
 * Gaussian with one learned sigma per data dimension (pixel and channel), shared across examples:
 * NLL = sum_d [ (x_d - mu_d)^2 / (2 sigma_d^2) + log sigma_d + log(2 pi) / 2 ] in nats per example, [batch], with
 * sigma_d^2 = exp(2 logSigma_d) + minimumSigma^2. The variable '<name>/log-sigma' has the example shape `shape`.
 * Its optimum for fixed reconstructions is sigma_d^2 = the mean squared error of dimension d over the data.
 */
export function createGaussianPerPixelSigmaLikelihood(options: GaussianPerPixelSigmaLikelihoodOptions): LikelihoodV1 {
  const config = parsePluginConfig({ id, configSchema: gaussianPerPixelSigmaLikelihoodConfigSchema }, options);
  const check = createInputChecker(id, config.checkInputs);
  const logSigma = createLogSigmaVariable(id, config, config.shape);
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: [logSigma],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      const exampleShape = data.shape.slice(1);
      if (exampleShape.length !== config.shape.length || exampleShape.some((size, axis) => size !== config.shape[axis])) {
        throw new InvalidArgumentError(
          `${id} shape`,
          `the likelihood was created for examples of shape [${config.shape}], but the data's examples have shape [${exampleShape}]`,
        );
      }
      check(data, reconstruction);
      return tf.tidy(() => {
        const logScale = effectiveLogSigma(logSigma, config.minimumSigma);
        // Broadcasting over the batch axis: logScale has the example shape.
        const perDimension = tf.add(
          tf.mul(0.5, tf.mul(tf.squaredDifference(data, reconstruction), tf.exp(tf.mul(-2, logScale)))),
          tf.add(logScale, 0.5 * Math.log(2 * Math.PI)),
        );
        return tf.sum(tf.reshape(perDimension, [data.shape[0] as number, -1]), 1) as tf.Tensor1D;
      });
    },
    dispose() {
      logSigma.dispose();
    },
  };
}

export const gaussianPerPixelSigmaLikelihood = defineLikelihoodPlugin({
  id,
  configSchema: gaussianPerPixelSigmaLikelihoodConfigSchema,
  create: createGaussianPerPixelSigmaLikelihood,
});
