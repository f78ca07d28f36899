import * as tf from '@tensorflow/tfjs-core';
import { type DatasetSplit, type DatasetV1, InvalidArgumentError, type LikelihoodV1, type ModelV1, stepSeed } from '@tame/core';
import type { FloatingPriorModel } from './bilbo-vae-model.js';

export interface FixedPriorElboOptions {
  /** A model whose `kl` is against a FIXED prior (the BILBO VAE's N(0, diag v), an ordinary VAE's N(0, I)). */
  readonly model: ModelV1;
  readonly likelihood: LikelihoodV1;
  readonly dataset: DatasetV1;
  /** Default 'test'. */
  readonly split?: DatasetSplit;
  /** Any size: the bound is per example (default 100). */
  readonly batchSize?: number;
  /** Monte Carlo draws of z ~ q(z|x) per example for E_q[log p(x|z)] (default 1). */
  readonly samples?: number;
  /** Seed of the draws (draw k of batch b uses stepSeed(seed, b, k)). */
  readonly seed?: number;
  /** Evaluate only the first this many examples of the split (default all). */
  readonly maxExamples?: number;
}

export interface FixedPriorElboResult {
  /** Mean over examples of E_q[log p(x|z)] - KL(q(z|x) || p(z)), nats per example (higher is better). */
  readonly elbo: number;
  /** Mean negative log-likelihood E_q[-log p(x|z)], nats per example. */
  readonly nll: number;
  /** Mean analytic KL to the model's fixed prior, nats per example. */
  readonly kl: number;
  /** -elbo / (D ln 2), with D the number of data dimensions (no discretisation offset). */
  readonly bitsPerDimension: number;
  readonly examples: number;
  readonly dimensions: number;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`fixedPriorElbo ${name}`, `must be an integer >= 1, got ${value}`);
}

/**
 * The honest evaluation (README, note S6): the standard per-example ELBO under a fixed generative model,
 * with the BILBO VAE's prior frozen at its moving (or re-estimated) variances v, at any batch size. Unlike the
 * floating-prior BILBO, this is a lower bound on log p(x) for every example. The draws use `forward` with
 * `training: true` (a sample z ~ q(z|x)); `kl` is the model's analytic KL.
 */
export async function fixedPriorElbo(options: FixedPriorElboOptions): Promise<FixedPriorElboResult> {
  const { model, likelihood, dataset } = options;
  const split = options.split ?? 'test';
  const batchSize = options.batchSize ?? 100;
  const samples = options.samples ?? 1;
  const seed = options.seed ?? 0;
  const maxExamples = options.maxExamples ?? Number.POSITIVE_INFINITY;
  checkPositiveInteger('batchSize', batchSize);
  checkPositiveInteger('samples', samples);
  if (!(maxExamples >= 1)) throw new InvalidArgumentError('fixedPriorElbo maxExamples', `must be >= 1, got ${maxExamples}`);
  let examples = 0;
  let nllSum = 0;
  let klSum = 0;
  let dimensions = 0;
  let batchIndex = 0;
  for await (const batch of dataset.batches({ split, batchSize, seed, epoch: 0, shuffle: false, dropRemainder: false })) {
    try {
      const size = batch.inputs.shape[0] as number;
      dimensions = batch.inputs.size / size;
      const keep = Math.min(size, maxExamples - examples);
      const perExample = tf.tidy(() => {
        let nll = tf.zeros([size]);
        let kl = tf.zeros([size]);
        for (let draw = 0; draw < samples; draw += 1) {
          const output = model.forward(batch, { seed: stepSeed(seed, batchIndex, draw), training: true });
          nll = tf.add(nll, likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction));
          kl = tf.add(kl, output.kl);
        }
        return tf.div(tf.stack([nll, kl]), samples);
      });
      const values = perExample.arraySync() as number[][];
      perExample.dispose();
      for (let row = 0; row < keep; row += 1) {
        nllSum += values[0]?.[row] as number;
        klSum += values[1]?.[row] as number;
      }
      examples += keep;
      batchIndex += 1;
    } finally {
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    }
    if (examples >= maxExamples) break;
  }
  if (examples === 0) throw new InvalidArgumentError('fixedPriorElbo dataset', `split '${split}' of '${dataset.info.name}' has no examples`);
  const nll = nllSum / examples;
  const kl = klSum / examples;
  const elbo = -(nll + kl);
  if (!Number.isFinite(elbo)) throw new InvalidArgumentError('fixedPriorElbo result', `the ELBO is not finite (nll ${nll}, kl ${kl})`);
  return { elbo, nll, kl, bitsPerDimension: -elbo / (dimensions * Math.LN2), examples, dimensions };
}

export interface EstimatePriorVarianceOptions {
  /** A constant-posterior model exposing `extras.posteriorMean` (the BILBO VAE). */
  readonly model: ModelV1 & FloatingPriorModel;
  readonly dataset: DatasetV1;
  /** Default 'train'. */
  readonly split?: DatasetSplit;
  readonly batchSize?: number;
  /** Also write the estimate into the model's prior (default false). */
  readonly assign?: boolean;
}

/**
 * README note S6 (a): v_j = E[mu_j^2] + s^2 over a whole split (the floating prior of one batch holding the
 * entire split), as an alternative to the moving estimate kept during training. Accumulated in float64.
 */
export async function estimatePriorVariance(options: EstimatePriorVarianceOptions): Promise<number[]> {
  const { model, dataset } = options;
  const batchSize = options.batchSize ?? 100;
  checkPositiveInteger('batchSize', batchSize);
  if (model.posterior !== 'constant') {
    throw new InvalidArgumentError('estimatePriorVariance model', `needs posterior 'constant', got '${model.posterior}'`);
  }
  const sums = new Float64Array(model.latentSize);
  let examples = 0;
  for await (const batch of dataset.batches({ split: options.split ?? 'train', batchSize, seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    try {
      const output = model.forward(batch, { seed: 0, training: false });
      const mean = output.extras?.posteriorMean;
      if (mean === undefined) throw new InvalidArgumentError('estimatePriorVariance model', 'exposes no extras.posteriorMean');
      const squares = tf.tidy(() => tf.sum(tf.square(mean), 0));
      squares.dataSync().forEach((value, dimension) => {
        sums[dimension] = (sums[dimension] ?? 0) + value;
      });
      examples += mean.shape[0] as number;
      tf.dispose([squares, output.reconstruction, output.kl, output.latent, ...Object.values(output.extras ?? {})].filter((tensor) => tensor !== undefined));
    } finally {
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    }
  }
  if (examples === 0) throw new InvalidArgumentError('estimatePriorVariance dataset', `split has no examples`);
  const s = model.posteriorScale;
  const variance = Array.from(sums, (sum) => sum / examples + s * s);
  if (options.assign === true) model.setPriorVariance(variance);
  return variance;
}
