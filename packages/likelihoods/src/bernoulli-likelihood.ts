import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker, dimensionsPerExample } from './input-checks.js';

const id = '@tame/likelihoods/bernoulli';

export const bernoulliLikelihoodConfigSchema = z.object({
  /**
   * What the reconstruction holds: 'logits' (real numbers, the stable default: ConvDRAW's canvas, a decoder without
   * a final sigmoid) or 'probabilities' (in [0, 1], e.g. a sigmoid output; clipped to [epsilon, 1 - epsilon] and
   * converted to logits, so saturated outputs lose gradient: prefer logits).
   */
  parameterization: z.enum(['logits', 'probabilities']).default('logits'),
  /** Clip for probabilities (only with parameterization 'probabilities'). In (0, 0.5). */
  epsilon: z.number().positive().lt(0.5).default(1e-6),
  /** When to read the inputs back to check they are finite and the data lie in [0, 1] (one read, see README). */
  checkInputs: checkInputsSchema,
});
export type BernoulliLikelihoodConfig = z.output<typeof bernoulliLikelihoodConfigSchema>;
export type BernoulliLikelihoodOptions = z.input<typeof bernoulliLikelihoodConfigSchema>;

/**
 * Bernoulli likelihood for binarised data x in {0, 1} with logits l:
 * -log p(x | l) = softplus(l) - x l = max(l, 0) - x l + log(1 + exp(-|l|)), in nats summed over dimensions, [batch].
 * Written with softplus, it is exact for any logit (no log(0) at |l| = 100) and its gradient is sigmoid(l) - x.
 * Data strictly inside (0, 1) give the binary cross-entropy, which is not a normalised likelihood for them.
 */
export function createBernoulliLikelihood(options: BernoulliLikelihoodOptions = {}): LikelihoodV1 {
  const config = parsePluginConfig({ id, configSchema: bernoulliLikelihoodConfigSchema }, options);
  const check = createInputChecker(id, config.checkInputs, {
    low: 0,
    high: 1,
    parameter: 'Bernoulli data',
    remedy: 'binarise the data or scale them to [0, 1]',
  });
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: [],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      check(data, reconstruction);
      return tf.tidy(() => {
        const logits =
          config.parameterization === 'logits'
            ? reconstruction
            : (() => {
                const probability = tf.clipByValue(reconstruction, config.epsilon, 1 - config.epsilon);
                return tf.sub(tf.log(probability), tf.log1p(tf.neg(probability)));
              })();
        const perDimension = tf.sub(tf.softplus(logits), tf.mul(data, logits));
        return tf.sum(tf.reshape(perDimension, [data.shape[0] as number, dimensionsPerExample(data)]), 1) as tf.Tensor1D;
      });
    },
    dispose() {},
  };
}

export const bernoulliLikelihood = defineLikelihoodPlugin({
  id,
  configSchema: bernoulliLikelihoodConfigSchema,
  create: createBernoulliLikelihood,
});
