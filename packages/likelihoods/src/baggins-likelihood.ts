import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, InvalidArgumentError, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker, dimensionsPerExample } from './input-checks.js';

const id = '@tame/likelihoods/baggins';

export const bagginsLikelihoodConfigSchema = z.object({
  /**
   * I_max, the bound on the information per data dimension, in nats: the variance is floored so that the Gaussian
   * channel capacity 0.5 log(1 + v_data / sigma^2) never exceeds I_max, i.e.
   * sigma^2 >= v_data / (exp(2 I_max) - 1). The default ln 256 (8 bits) puts the noise floor at about 1/256 of the
   * data's standard deviation: no dimension is credited with more information than an 8-bit pixel holds.
   * This parameter is tame's reconstruction; the paper's value and form are unknown (see README).
   */
  maxInformationPerDimension: z.number().positive().finite().default(Math.log(256)),
  /**
   * v_data, the data variance the floor is relative to. 'across-batch': the variance of each dimension across the
   * batch's examples, averaged over dimensions (the signal power a code has to carry; needs batch >= 2).
   * 'pooled': the variance of all values in the batch together (defined for batch 1, but counts the mean image too).
   */
  dataVariance: z.enum(['across-batch', 'pooled']).default('across-batch'),
  /**
   * Absolute floor on sigma^2 in squared data units, only reached when the batch's data are constant (v_data = 0)
   * and reconstructed exactly; the one term that is not scale-invariant. 0 disables it (the NLL may then be -Infinity).
   */
  varianceEpsilon: z.number().nonnegative().finite().default(1e-12),
  /** When to read the inputs back to check they are finite (one read, see README). */
  checkInputs: checkInputsSchema,
});
export type BagginsLikelihoodConfig = z.output<typeof bagginsLikelihoodConfigSchema>;
export type BagginsLikelihoodOptions = z.input<typeof bagginsLikelihoodConfigSchema>;

/** The BAGGINS variance of a batch and its parts, all scalars in squared data units. Tensors belong to the caller. */
export interface BagginsVariance {
  /** sigma^2 = max(meanSquaredError, floor, varianceEpsilon): the one variance every example of the batch uses. */
  readonly variance: tf.Scalar;
  /** The unconstrained closed form: mean squared error per dimension over the batch, (1 / (B D)) sum ||x - x_hat||^2. */
  readonly meanSquaredError: tf.Scalar;
  /** v_data / (exp(2 I_max) - 1). */
  readonly floor: tf.Scalar;
  /** v_data, see `dataVariance`. */
  readonly dataVariance: tf.Scalar;
}

/**
 * Computes the BAGGINS variance of a batch. sigma^2 = max(MSE, floor) is the minimiser of the batch's mean Gaussian
 * NLL over sigma^2 subject to the information bound sigma^2 >= floor (the mean NLL is unimodal in sigma^2 with its
 * minimum at the MSE), so it is "closed form" in the sense of the paper's v1 title. Differentiable w.r.t.
 * `reconstruction` through the MSE; the floor depends on the data only.
 */
export function computeBagginsVariance(data: tf.Tensor, reconstruction: tf.Tensor, options: BagginsLikelihoodOptions = {}): BagginsVariance {
  const config = parsePluginConfig({ id, configSchema: bagginsLikelihoodConfigSchema }, options);
  assertSameShape(id, data, reconstruction);
  return bagginsVarianceOf(data, reconstruction, config);
}

function bagginsVarianceOf(data: tf.Tensor, reconstruction: tf.Tensor, config: BagginsLikelihoodConfig): BagginsVariance {
  const batch = data.shape[0] as number;
  if (config.dataVariance === 'across-batch' && batch < 2) {
    throw new InvalidArgumentError(
      `${id} dataVariance`,
      `'across-batch' needs a batch of at least 2 examples (got ${batch}): the variance across one example is 0 and the bound vanishes; use 'pooled' for single examples`,
    );
  }
  return tf.tidy(() => {
    const meanSquaredError = tf.mean(tf.squaredDifference(data, reconstruction)) as tf.Scalar;
    const flat = tf.reshape(data, [batch, dimensionsPerExample(data)]);
    const dataVariance = (
      config.dataVariance === 'across-batch' ? tf.mean(tf.moments(flat, 0).variance) : tf.moments(flat).variance
    ) as tf.Scalar;
    const floor = tf.div(dataVariance, Math.expm1(2 * config.maxInformationPerDimension)) as tf.Scalar;
    const variance = tf.maximum(meanSquaredError, tf.maximum(floor, config.varianceEpsilon)) as tf.Scalar;
    return { variance, meanSquaredError, floor, dataVariance };
  });
}

/**
 * BAGGINS ("Bounded Aggregate Information Sampling", Fyffe, arXiv:1912.10309 v3): a bounded Gaussian likelihood
 * whose variance is not a network output but computed in closed form from the batch. THE PAPER'S EXACT FORMULA IS
 * NOT AVAILABLE (only its abstract could be read); this is tame's documented reconstruction (the package README,
 * section BAGGINS, says what comes from the abstract and what is tame's choice):
 *
 *   sigma^2 = max( (1 / (B D)) sum_i ||x_i - x_hat_i||^2 ,  v_data / (exp(2 I_max) - 1) )
 *   NLL_i   = ||x_i - x_hat_i||^2 / (2 sigma^2) + (D / 2) log(2 pi sigma^2)            [nats, per example]
 *
 * - Closed form: without the floor, sigma^2 is the optimal shared variance and the batch mean NLL is
 *   (D/2)(1 + log(2 pi MSE)).
 * - Scale-invariant: x -> a x, x_hat -> a x_hat scales sigma^2 by a^2, so each NLL_i shifts by D log a and the
 *   gradients w.r.t. the network do not change.
 * - Bounded: the floor caps the information per dimension at I_max (`maxInformationPerDimension`), so the NLL stays
 *   >= (D/2) log(2 pi floor) as the reconstruction error goes to 0, where the unbounded closed form goes to -Infinity
 *   (the instability of the sigma -> 0 limit the paper describes).
 *
 * NLL_i depends on the whole batch through sigma^2 (a batch statistic, like BILBO's KL term): use the batch mean.
 */
export function createBagginsLikelihood(options: BagginsLikelihoodOptions = {}): LikelihoodV1 {
  const config = parsePluginConfig({ id, configSchema: bagginsLikelihoodConfigSchema }, options);
  const check = createInputChecker(id, config.checkInputs);
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: [],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      check(data, reconstruction);
      return tf.tidy(() => {
        const { variance } = bagginsVarianceOf(data, reconstruction, config);
        const dimensions = dimensionsPerExample(data);
        const squaredError = tf.sum(tf.reshape(tf.squaredDifference(data, reconstruction), [data.shape[0] as number, dimensions]), 1);
        const logNormaliser = tf.mul(0.5 * dimensions, tf.log(tf.mul(2 * Math.PI, variance)));
        return tf.add(tf.div(squaredError, tf.mul(2, variance)), logNormaliser) as tf.Tensor1D;
      });
    },
    dispose() {},
  };
}

export const bagginsLikelihoodPlugin = defineLikelihoodPlugin({
  id,
  configSchema: bagginsLikelihoodConfigSchema,
  create: createBagginsLikelihood,
});
