import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { assertSameShape, dimensionsPerExample } from './input-checks.js';
import {
  createQuantizedNormalAccumulator,
  type QuantizationOptions,
  type QuantizedNormalReport,
  resolveQuantization,
} from './quantized-normal.js';

const owner = '@tame/likelihoods sigmaIndependentNll';

/** One batch of data and the fixed model's reconstruction of it (same shape, [batch, ...]). */
export interface ReconstructionPair {
  readonly data: tf.Tensor;
  readonly reconstruction: tf.Tensor;
}

/** Batches of (data, reconstruction), e.g. an async generator that runs the trained model over a split. */
export type ReconstructionSource = AsyncIterable<ReconstructionPair> | Iterable<ReconstructionPair>;

/** Sum of squared reconstruction errors over a set of examples. */
export interface SquaredErrorSummary {
  /** sum over examples and dimensions of (x - x_hat)^2, in squared data units. */
  readonly sumSquaredError: number;
  readonly examples: number;
  /** Data dimensions D per example. */
  readonly dimensions: number;
}

/** Per-example squared errors, each summed over the example's D dimensions. */
export interface PerExampleSquaredErrors {
  readonly perExampleSquaredError: ArrayLike<number>;
  readonly dimensions: number;
}

function isSummary(value: unknown): value is SquaredErrorSummary {
  return typeof value === 'object' && value !== null && 'sumSquaredError' in value;
}

function isPerExample(value: unknown): value is PerExampleSquaredErrors {
  return typeof value === 'object' && value !== null && 'perExampleSquaredError' in value;
}

/** Totals per-example squared errors in float64 and validates them. */
export function summarizePerExampleSquaredErrors(errors: PerExampleSquaredErrors): SquaredErrorSummary {
  if (!Number.isInteger(errors.dimensions) || errors.dimensions < 1) {
    throw new InvalidArgumentError(`${owner} dimensions`, `must be an integer >= 1 (data dimensions per example), got ${errors.dimensions}`);
  }
  let sumSquaredError = 0;
  for (let index = 0; index < errors.perExampleSquaredError.length; index += 1) {
    const value = errors.perExampleSquaredError[index] as number;
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new InvalidArgumentError(`${owner} perExampleSquaredError`, `entry ${index} is ${value}; squared errors must be finite and >= 0`);
    }
    sumSquaredError += value;
  }
  return { sumSquaredError, examples: errors.perExampleSquaredError.length, dimensions: errors.dimensions };
}

/**
 * Reads every batch of `source` and totals the squared errors (per-example sums read back and added in float64).
 * Disposes each batch's tensors after reading them unless `disposeBatches` is false (the consumer of a batch
 * disposes it, as with BatchV1).
 */
export async function summarizeSquaredError(
  source: ReconstructionSource,
  options: { readonly disposeBatches?: boolean } = {},
): Promise<SquaredErrorSummary> {
  let sumSquaredError = 0;
  let examples = 0;
  let dimensions: number | undefined;
  for await (const pair of source) {
    try {
      assertSameShape(owner, pair.data, pair.reconstruction);
      const batchDimensions = dimensionsPerExample(pair.data);
      if (dimensions !== undefined && batchDimensions !== dimensions) {
        throw new InvalidArgumentError(`${owner} train data`, `batches have ${batchDimensions} dimensions per example, earlier ones ${dimensions}`);
      }
      dimensions = batchDimensions;
      const perExample = tf.tidy(() =>
        tf.sum(tf.reshape(tf.squaredDifference(pair.data, pair.reconstruction), [pair.data.shape[0] as number, batchDimensions]), 1),
      );
      const values = perExample.dataSync();
      perExample.dispose();
      for (const value of values) sumSquaredError += value;
      examples += values.length;
    } finally {
      if (options.disposeBatches !== false) tf.dispose([pair.data, pair.reconstruction]);
    }
  }
  if (!Number.isFinite(sumSquaredError)) {
    throw new InvalidArgumentError(`${owner} train data/reconstruction`, 'contain NaN or infinite values; every value must be finite');
  }
  if (examples === 0 || dimensions === undefined) {
    throw new InvalidArgumentError(`${owner} train`, 'is empty; sigma* needs at least one training example');
  }
  return { sumSquaredError, examples, dimensions };
}

/**
 * The optimal global standard deviation of a Gaussian likelihood for fixed reconstructions (Taming VAEs, Appendix D):
 * sigma*^2 = sum ||x - x_hat||^2 / (N D), the mean squared error per dimension, which minimises
 * sum_n [ ||x_n - x_hat_n||^2 / (2 sigma^2) + D log sigma ] over sigma. In data units.
 */
export function optimalGlobalSigma(errors: SquaredErrorSummary | PerExampleSquaredErrors): number {
  const summary = isPerExample(errors) ? summarizePerExampleSquaredErrors(errors) : errors;
  if (summary.examples < 1 || summary.dimensions < 1 || !(summary.sumSquaredError >= 0)) {
    throw new InvalidArgumentError(
      `${owner} train`,
      `needs examples >= 1, dimensions >= 1 and a finite sumSquaredError >= 0, got ${JSON.stringify(summary)}`,
    );
  }
  return Math.sqrt(summary.sumSquaredError / (summary.examples * summary.dimensions));
}

export interface SigmaIndependentNllOptions extends QuantizationOptions {
  /**
   * The training set's reconstructions (first pass): batches of (data, reconstruction), or squared errors already
   * totalled (`{ sumSquaredError, examples, dimensions }`) or given per example (`{ perExampleSquaredError, dimensions }`).
   */
  readonly train: ReconstructionSource | SquaredErrorSummary | PerExampleSquaredErrors;
  /** The test set's reconstructions (second pass), scored under the quantized normal with sigma*. */
  readonly test: ReconstructionSource;
  /** Lower bound on sigma* in data units, for a model that reconstructs the training set exactly. Default 1e-6. */
  readonly minimumSigma?: number;
  /** Dispose each batch's tensors after reading them (default true: this function is the batches' consumer). */
  readonly disposeBatches?: boolean;
}

export interface SigmaIndependentNllResult extends QuantizedNormalReport {
  /** sigma* in data units, after the `minimumSigma` floor. */
  readonly sigma: number;
  /** True when the training MSE was below minimumSigma^2 and the floor set sigma. */
  readonly sigmaFloored: boolean;
  /** The first pass: totals and the mean squared error per dimension (= sigma*^2 before the floor). */
  readonly train: SquaredErrorSummary & { readonly meanSquaredError: number };
}

/**
 * The sigma-independent NLL of GECO (Rezende & Viola 2018, Appendix D): with the model fixed, compute one optimal
 * global sigma* on the training set (sigma*^2 = mean squared error per dimension), then report the NLL per dimension
 * of the test set under the quantized normal (256 bins on [0, 1] by default) with mean = reconstruction and sigma*.
 * So models trained with different likelihood scales (or GECO's lambda) compare on one number. Two passes, each
 * reading batches one at a time; memory does not grow with the set size.
 */
export async function sigmaIndependentNll(options: SigmaIndependentNllOptions): Promise<SigmaIndependentNllResult> {
  const quantization = resolveQuantization(options, owner);
  const minimumSigma = options.minimumSigma ?? 1e-6;
  if (!(Number.isFinite(minimumSigma) && minimumSigma > 0)) {
    throw new InvalidArgumentError(`${owner} minimumSigma`, `must be a finite number > 0, got ${minimumSigma}`);
  }
  const disposeBatches = options.disposeBatches ?? true;
  const train = isSummary(options.train)
    ? options.train
    : isPerExample(options.train)
      ? summarizePerExampleSquaredErrors(options.train)
      : await summarizeSquaredError(options.train, { disposeBatches });
  const optimal = optimalGlobalSigma(train);
  const sigma = Math.max(optimal, minimumSigma);
  const accumulator = createQuantizedNormalAccumulator(sigma, quantization);
  let testBatches = 0;
  for await (const pair of options.test) {
    testBatches += 1;
    try {
      const dimensions = dimensionsPerExample(pair.data);
      if (dimensions !== train.dimensions) {
        throw new InvalidArgumentError(
          `${owner} test data`,
          `has ${dimensions} dimensions per example, the training set ${train.dimensions}; both passes must use the same data shape`,
        );
      }
      accumulator.add(pair.data, pair.reconstruction);
    } finally {
      if (disposeBatches) tf.dispose([pair.data, pair.reconstruction]);
    }
  }
  if (testBatches === 0) throw new InvalidArgumentError(`${owner} test`, 'is empty; the report needs at least one test batch');
  const report = accumulator.report();
  return {
    ...report,
    sigma,
    sigmaFloored: optimal < minimumSigma,
    train: { ...train, meanSquaredError: train.sumSquaredError / (train.examples * train.dimensions) },
  };
}
