import * as tf from '@tensorflow/tfjs-core';
import { defineLikelihoodPlugin, type LikelihoodV1, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertSameShape, checkInputsSchema, createInputChecker } from './input-checks.js';
import { createLogSigmaVariable, effectiveLogSigma, learnedSigmaFields } from './learned-sigma.js';
import { quantizedNormalNegativeLogLikelihood } from './quantized-normal.js';

const id = '@tame/likelihoods/quantized-normal';

export const quantizedNormalLikelihoodConfigSchema = z
  .object({
    /** Standard deviation of the normal before discretisation, in data units; the initial value when learnSigma. */
    sigma: z.number().positive().finite().default(0.1),
    /** Learn one global sigma (variable '<name>/log-sigma'); the NLL is bounded below by 0, so it cannot diverge. */
    learnSigma: z.boolean().default(false),
    /** Smooth lower bound on a learned sigma (sigma^2 = exp(2 logSigma) + minimumSigma^2), in data units. */
    minimumSigma: learnedSigmaFields.minimumSigma,
    /** Prefix of the learned variable's name. */
    name: learnedSigmaFields.name,
    /** Number of equal bins over [low, high]; 256 for 8-bit data. */
    bins: z.number().int().min(2).default(256),
    /** Lower end of the data range; bin 0 absorbs the lower tail. */
    low: z.number().finite().default(0),
    /** Upper end of the data range; the last bin absorbs the upper tail. */
    high: z.number().finite().default(1),
    /** Where the bin edges lie: 'partition' (equal bins tiling [low, high]) or 'centred' (bins centred on the levels). */
    binning: z.enum(['partition', 'centred']).default('partition'),
    /** When to read the inputs back to check they are finite and inside [low, high] (one read, see README). */
    checkInputs: checkInputsSchema,
  })
  .refine((config) => config.low < config.high, { message: 'must be greater than low', path: ['high'] })
  .refine((config) => !config.learnSigma || config.sigma > config.minimumSigma, {
    message: 'must be greater than minimumSigma when learnSigma is true',
    path: ['sigma'],
  });
export type QuantizedNormalLikelihoodConfig = z.output<typeof quantizedNormalLikelihoodConfigSchema>;
export type QuantizedNormalLikelihoodOptions = z.input<typeof quantizedNormalLikelihoodConfigSchema>;

/**
 * Discretised Gaussian over `bins` equal bins of [low, high] (edge bins absorb the tails), see
 * `quantizedNormalNegativeLogLikelihood`: -sum_d log(Phi((upper - mu)/sigma) - Phi((lower - mu)/sigma)) in nats per
 * example, [batch], >= 0. Fixed sigma by default; `learnSigma` makes it one trainable global log-sigma.
 */
export function createQuantizedNormalLikelihood(options: QuantizedNormalLikelihoodOptions = {}): LikelihoodV1 {
  const config = parsePluginConfig({ id, configSchema: quantizedNormalLikelihoodConfigSchema }, options);
  const quantization = { bins: config.bins, low: config.low, high: config.high, binning: config.binning };
  // Data are allowed half a bin outside the range (rounding); further out is a scaling mistake.
  const check = createInputChecker(id, config.checkInputs, {
    low: config.low,
    high: config.high,
    parameter: 'low/high',
    tolerance: (config.high - config.low) / (config.binning === 'centred' ? config.bins - 1 : config.bins) / 2,
  });
  const logSigma = config.learnSigma
    ? createLogSigmaVariable(id, { initialSigma: config.sigma, minimumSigma: config.minimumSigma, name: config.name }, [])
    : undefined;
  return {
    specificationVersion: 'v1',
    id,
    trainableVariables: logSigma === undefined ? [] : [logSigma],
    negativeLogLikelihood(data, reconstruction) {
      assertSameShape(id, data, reconstruction);
      check(data, reconstruction);
      if (logSigma === undefined) return quantizedNormalNegativeLogLikelihood(data, reconstruction, config.sigma, quantization);
      return tf.tidy(() =>
        quantizedNormalNegativeLogLikelihood(data, reconstruction, tf.exp(effectiveLogSigma(logSigma, config.minimumSigma)), quantization),
      );
    },
    dispose() {
      logSigma?.dispose();
    },
  };
}

export const quantizedNormalLikelihood = defineLikelihoodPlugin({
  id,
  configSchema: quantizedNormalLikelihoodConfigSchema,
  create: createQuantizedNormalLikelihood,
});
