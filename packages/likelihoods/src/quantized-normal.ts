import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { assertSameShape, dimensionsPerExample } from './input-checks.js';
import { assertPositiveSigma } from './learned-sigma.js';
import { logNormalBinProbability } from './log-normal-cdf.js';

/**
 * How [low, high] is cut into bins. 'partition' (the default, GECO's Appendix D as tame reads it): `bins` equal bins
 * of width (high - low) / bins that tile [low, high]; 8-bit data k/255 then lie inside bin k, off its centre by
 * k/65280 (irrelevant for sigma >> 1/256). 'centred': bins of width (high - low) / (bins - 1) centred on the
 * levels low + k (high - low) / (bins - 1), i.e. on k/255 for 8-bit data (the PixelCNN++ convention).
 * Either way the edge bins extend to -Infinity and +Infinity.
 */
export type BinningScheme = 'partition' | 'centred';

/** The bins of a quantized normal. */
export interface QuantizationOptions {
  /** Number of bins; 256 for 8-bit data. Integer >= 2. */
  readonly bins?: number;
  /** Lower end of the data range (bin 0 absorbs everything below). Default 0. */
  readonly low?: number;
  /** Upper end of the data range (the last bin absorbs everything above). Default 1. */
  readonly high?: number;
  /** Where the bin edges lie; default 'partition'. */
  readonly binning?: BinningScheme;
}

export interface ResolvedQuantization {
  readonly bins: number;
  readonly low: number;
  readonly high: number;
  readonly binning: BinningScheme;
}

const owner = '@tame/likelihoods quantized normal';

/** Applies the defaults (256 bins on [0, 1]) and rejects invalid bins or ranges with InvalidArgumentError. */
export function resolveQuantization(options: QuantizationOptions = {}, who = owner): ResolvedQuantization {
  const bins = options.bins ?? 256;
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!Number.isInteger(bins) || bins < 2) {
    throw new InvalidArgumentError(`${who} bins`, `must be an integer >= 2, got ${bins}`);
  }
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new InvalidArgumentError(`${who} low/high`, `must be finite numbers with low < high, got low=${low}, high=${high}`);
  }
  const binning = options.binning ?? 'partition';
  if (binning !== 'partition' && binning !== 'centred') {
    throw new InvalidArgumentError(`${who} binning`, `must be 'partition' or 'centred', got ${JSON.stringify(binning)}`);
  }
  return { bins, low, high, binning };
}

/**
 * Per-example negative log-likelihood of `data` under a discretised ("quantized") normal with mean
 * `reconstruction` and standard deviation `sigma`, in nats summed over every data dimension, [batch].
 *
 * With the default 'partition' binning, bin k (k = 0..bins-1) is [low + k w, low + (k+1) w), w = (high - low) / bins;
 * a value x falls in bin clamp(floor((x - low) / w), 0, bins - 1), so data outside [low, high] count in the edge
 * bins, and the edge bins absorb the tails of the normal (bin 0 reaches down to -Infinity, the last bin up to
 * +Infinity). 'centred' binning uses w = (high - low) / (bins - 1) and bins centred on low + k w (see BinningScheme):
 *
 *   P(x | mu, sigma) = Phi((upper_k - mu) / sigma) - Phi((lower_k - mu) / sigma),   NLL = -sum_d log P.
 *
 * The probabilities of all bins sum to 1, so the NLL is >= 0 and is a proper discrete NLL (bits/dim comparable
 * with other discrete models). Stable in both tails (log-CDF differences, a midpoint expansion for narrow bins).
 * NaN or infinite inputs give a NaN NLL for that example (never silently a bin).
 * `sigma` is a positive number, or a tensor broadcastable to the data (e.g. a learned scalar). Differentiable with
 * respect to `reconstruction` and a tensor `sigma`; not with respect to `data`. The returned tensor is the caller's.
 */
export function quantizedNormalNegativeLogLikelihood(
  data: tf.Tensor,
  reconstruction: tf.Tensor,
  sigma: number | tf.Tensor,
  options: QuantizationOptions = {},
): tf.Tensor1D {
  const { bins, low, high, binning } = resolveQuantization(options);
  if (typeof sigma === 'number') assertPositiveSigma(owner, sigma);
  assertSameShape(owner, data, reconstruction);
  return tf.tidy(() => {
    const centred = binning === 'centred';
    const width = (high - low) / (centred ? bins - 1 : bins);
    const position = tf.div(tf.sub(data, low), width);
    const bin = tf.clipByValue(centred ? tf.round(position) : tf.floor(position), 0, bins - 1);
    const lowerEdge = tf.add(low, tf.mul(centred ? tf.sub(bin, 0.5) : bin, width));
    const innerLower = tf.div(tf.sub(lowerEdge, reconstruction), sigma);
    const innerUpper = tf.div(tf.sub(tf.add(lowerEdge, width), reconstruction), sigma);
    // The edge bins reach to -/+Infinity. Bin 0's lower edge goes 40 standard deviations below min(upper, 0): the
    // mass left out, Phi(min(upper, 0) - 40), is below exp(-800) times the bin's mass Phi(upper), zero in float32
    // (likewise for the last bin's upper edge). So one CDF difference covers every bin, with finite gradients
    // everywhere. The conditions depend on the data only.
    const first = tf.logicalNot(tf.greaterEqual(bin, 1));
    const last = tf.greaterEqual(bin, bins - 1);
    const lower = tf.where(first, tf.sub(tf.minimum(innerUpper, 0), 40), innerLower);
    const upper = tf.where(last, tf.add(tf.maximum(innerLower, 0), 40), innerUpper);
    // The inner bins' width in standard deviations is computed directly (upper - lower would cancel for large sigma).
    // (tf.fill, not broadcastTo: broadcasting a scalar runs wasm's slow Tile kernel.)
    const standardWidth = tf.where(tf.logicalOr(first, last), tf.sub(upper, lower), tf.div(tf.fill(bin.shape, width), sigma));
    const logProbability = logNormalBinProbability(lower, upper, standardWidth);
    const batch = data.shape[0] as number;
    const dimensions = dimensionsPerExample(data);
    // floor/clip would put a NaN or infinite datum silently into a bin; 0 * x is NaN exactly for those, so adding
    // it makes such an example's NLL NaN instead (no gradient: data are not differentiated).
    const poison = tf.sum(tf.reshape(tf.mul(0, data), [batch, dimensions]), 1);
    return tf.sub(poison, tf.sum(tf.reshape(logProbability, [batch, dimensions]), 1)) as tf.Tensor1D;
  });
}

/** NLL of a set of examples under the quantized normal, in the units papers report. */
export interface QuantizedNormalReport {
  /** Mean NLL per data dimension (per pixel and channel), in nats. */
  readonly natsPerDimension: number;
  /** The same in bits: natsPerDimension / ln 2. */
  readonly bitsPerDimension: number;
  /** Mean NLL per example (summed over its dimensions), in nats. */
  readonly natsPerExample: number;
  readonly examples: number;
  /** Data dimensions D per example. */
  readonly dimensions: number;
}

/**
 * Running sum of quantized-normal NLLs over batches, for reporting per dimension (nats and bits/dim). Sums in
 * float64 on the JS side, so a test set of any size accumulates without float32 round-off.
 */
export function createQuantizedNormalAccumulator(sigma: number, options: QuantizationOptions = {}) {
  assertPositiveSigma(owner, sigma);
  const quantization = resolveQuantization(options);
  let total = 0;
  let examples = 0;
  let dimensions: number | undefined;
  return {
    /** Adds one batch; reads its per-example NLLs back (one read). Does not dispose its inputs. */
    add(data: tf.Tensor, reconstruction: tf.Tensor): void {
      assertSameShape(owner, data, reconstruction);
      const batchDimensions = dimensionsPerExample(data);
      if (dimensions !== undefined && batchDimensions !== dimensions) {
        throw new InvalidArgumentError(`${owner} data`, `batches have ${batchDimensions} dimensions per example, earlier ones ${dimensions}`);
      }
      dimensions = batchDimensions;
      const nll = quantizedNormalNegativeLogLikelihood(data, reconstruction, sigma, quantization);
      const values = nll.dataSync();
      nll.dispose();
      let sum = 0;
      for (const value of values) sum += value;
      if (!Number.isFinite(sum)) {
        // The NLL itself is finite for every finite input, so a non-finite sum means NaN/Inf came in.
        throw new InvalidArgumentError(`${owner} data/reconstruction`, 'contain NaN or infinite values; every value must be finite');
      }
      total += sum;
      examples += values.length;
    },
    report(): QuantizedNormalReport {
      if (examples === 0 || dimensions === undefined) {
        throw new InvalidArgumentError(`${owner} test set`, 'is empty; at least one example is needed for a report');
      }
      const natsPerExample = total / examples;
      const natsPerDimension = natsPerExample / dimensions;
      return { natsPerDimension, bitsPerDimension: natsPerDimension / Math.LN2, natsPerExample, examples, dimensions };
    },
  };
}

/**
 * Reports the quantized-normal NLL of one batch per dimension (nats and bits/dim) and per example. Reads the
 * result back (one read); throws InvalidArgumentError if the inputs contain NaN or infinities.
 */
export function quantizedNormalReport(
  data: tf.Tensor,
  reconstruction: tf.Tensor,
  sigma: number,
  options: QuantizationOptions = {},
): QuantizedNormalReport {
  const accumulator = createQuantizedNormalAccumulator(sigma, options);
  accumulator.add(data, reconstruction);
  return accumulator.report();
}
