import * as tf from '@tensorflow/tfjs-core';
import { type BatchV1, type ConstraintV1, type DatasetV1, estimateMarginalKl, gaussianLogDensityMatrix, type LikelihoodV1, type MarginalKlEstimate, type ModelV1 } from '@tame/core';
import { type ReconstructionPair, sigmaIndependentNll } from '@tame/likelihoods';
import { checkConstraint, type ConstraintCheck } from './constraint-status.js';

export interface RunEvaluation {
  /** Mean squared error per data dimension, reconstructing from the posterior mean. */
  readonly reconstructionMse: number;
  /** Mean KL(q(z|x) || p(z)) per example, nats. */
  readonly kl: number;
  /** KL of the aggregate posterior of the test set to the prior (Table 2), with its standard error; null when the model does not expose its posterior. */
  readonly marginalKl: MarginalKlEstimate | null;
  /** Appendix D: NLL per pixel (nats) under a quantized normal whose sigma* is fitted on the training reconstructions. */
  readonly nllPerPixel: number;
  readonly sigmaStar: number;
  /** Single-sample ELBO per example (nats) under the run's likelihood: -(NLL + KL). */
  readonly elbo: number;
  /**
   * Each constraint's test-set measure in its units (RE: per-pixel RMSE): toUnits of the test-set mean C, so for RE
   * the RMSE of the whole set, sqrt(reconstructionMse).
   */
  readonly constraints: Readonly<Record<string, number>>;
  /** Each constraint's test-set mean C against κ (status, value, unit-free violation, tolerance: constraint-status.ts). */
  readonly constraintChecks: Readonly<Record<string, ConstraintCheck & { readonly name: string; readonly units: string; readonly kappa: number }>>;
  readonly examples: number;
}

function disposeBatch(batch: BatchV1): void {
  tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
}

/** (data, posterior-mean reconstruction) pairs of a split, for the sigma-independent NLL (which disposes them). */
async function* reconstructionPairs(model: ModelV1, dataset: DatasetV1, split: 'train' | 'test', batchSize: number, maxExamples: number): AsyncGenerator<ReconstructionPair> {
  let examples = 0;
  for await (const batch of dataset.batches({ split, batchSize: Math.min(batchSize, maxExamples), seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    const reconstruction = tf.tidy(() => model.forward(batch, { seed: 0, training: false }).reconstruction);
    tf.dispose([batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    examples += batch.inputs.shape[0] as number;
    yield { data: batch.inputs, reconstruction };
    if (examples >= maxExamples) return;
  }
}

/**
 * The evaluation of `tame eval`, on the test split: reconstruction error, KL, marginal KL, the sigma-independent NLL
 * of Appendix D, the ELBO under the run's likelihood, and each constraint's measure.
 */
export async function evaluateRun(
  run: { readonly model: ModelV1; readonly likelihood: LikelihoodV1; readonly constraints: readonly ConstraintV1[]; readonly dataset: DatasetV1 },
  options: {
    readonly batchSize?: number;
    readonly seed?: number;
    /** Evaluate on at most this many examples of each split (whole batches; smoke runs). Default: all. */
    readonly maxExamples?: number;
    /** log q(z_i | x_j) for models whose posterior is not a diagonal Gaussian in `extras` (e.g. vae-nvp). */
    readonly posteriorLogDensities?: (inputs: tf.Tensor, latents: tf.Tensor2D) => tf.Tensor2D;
  } = {},
): Promise<RunEvaluation> {
  const { model, likelihood, constraints, dataset } = run;
  const batchSize = options.batchSize ?? 250;
  const seed = options.seed ?? 0;
  const maxExamples = options.maxExamples ?? Number.POSITIVE_INFINITY;
  const dimensions = dataset.info.shape.reduce((product, size) => product * size, 1);
  let squaredError = 0;
  let klSum = 0;
  let elboSum = 0;
  let examples = 0;
  const constraintSums = new Map<string, number>();
  const posterior: { means: Float32Array[]; logVariances: Float32Array[]; samples: Float32Array[]; inputs: Float32Array[]; logPrior: number[] } = {
    means: [],
    logVariances: [],
    samples: [],
    inputs: [],
    logPrior: [],
  };
  const byDensity = options.posteriorLogDensities;
  let latentSize = 0;
  let exposesPosterior = true;
  let batchIndex = 0;
  for await (const batch of dataset.batches({ split: 'test', batchSize: Math.min(batchSize, maxExamples), seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    if (examples >= maxExamples) {
      disposeBatch(batch);
      break;
    }
    const count = batch.inputs.shape[0] as number;
    const values = tf.tidy(() => {
      const mean = model.forward(batch, { seed, training: false });
      const sampled = model.forward(batch, { seed: seed + 1 + batchIndex, training: true });
      const nll = likelihood.negativeLogLikelihood(batch.inputs, sampled.reconstruction);
      const constraintValues = constraints.map((constraint) => {
        const evaluation = constraint.evaluate({ batch, output: mean });
        return evaluation.measure ?? evaluation.value;
      });
      const scalars = [tf.sum(tf.squaredDifference(batch.inputs, mean.reconstruction)), tf.sum(mean.kl), tf.sum(tf.add(nll, sampled.kl)), ...constraintValues];
      const extras = sampled.extras ?? {};
      const latent = sampled.latent;
      const logPrior = () => extras.logPrior ?? tf.sum(tf.mul(-0.5, tf.add(tf.square(latent!), Math.log(2 * Math.PI))), 1);
      const gaussian = extras.posteriorMean !== undefined && extras.posteriorLogVariance !== undefined && latent !== undefined;
      return {
        scalars: tf.stack(scalars.map((scalar) => tf.reshape(scalar, []))),
        posterior:
          byDensity !== undefined && latent !== undefined
            ? [batch.inputs, latent, logPrior()].map((tensor) => tf.clone(tensor))
            : gaussian
              ? [extras.posteriorMean!, extras.posteriorLogVariance!, latent, logPrior()]
              : undefined,
      };
    });
    const [error, kl, negativeElbo, ...constraintValues] = Array.from(values.scalars.dataSync());
    values.scalars.dispose();
    squaredError += error!;
    klSum += kl!;
    elboSum -= negativeElbo!;
    // Sum C itself (a batch mean) weighted by the batch size: the test-set mean C is then exact, and its value in κ's
    // units (RE: the RMSE of the whole set) is what is checked against κ, not a mean of per-batch RMSEs.
    constraints.forEach((constraint, index) => constraintSums.set(constraint.name, (constraintSums.get(constraint.name) ?? 0) + constraintValues[index]! * count));
    if (values.posterior === undefined) exposesPosterior = false;
    else if (byDensity !== undefined) {
      const [inputs, samples, logPrior] = values.posterior;
      latentSize = samples!.shape[1] as number;
      posterior.inputs.push(inputs!.dataSync() as Float32Array);
      posterior.samples.push(samples!.dataSync() as Float32Array);
      posterior.logPrior.push(...logPrior!.dataSync());
      tf.dispose(values.posterior);
    } else {
      const [means, logVariances, samples, logPrior] = values.posterior;
      latentSize = means!.shape[1] as number;
      posterior.means.push(means!.dataSync() as Float32Array);
      posterior.logVariances.push(logVariances!.dataSync() as Float32Array);
      posterior.samples.push(samples!.dataSync() as Float32Array);
      posterior.logPrior.push(...logPrior!.dataSync());
      tf.dispose(values.posterior);
    }
    examples += count;
    batchIndex += 1;
    disposeBatch(batch);
  }

  let marginalKl: MarginalKlEstimate | null = null;
  if (exposesPosterior && examples >= 2) {
    const concatenate = (parts: Float32Array[]) => {
      const flat = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
      let offset = 0;
      for (const part of parts) flat.set(part, (offset += part.length) - part.length);
      return flat;
    };
    const samples = tf.tensor2d(concatenate(posterior.samples), [examples, latentSize]);
    if (byDensity !== undefined) {
      const inputs = tf.tensor(concatenate(posterior.inputs), [examples, ...dataset.info.shape]);
      try {
        marginalKl = estimateMarginalKl({
          count: examples,
          logPosteriorRows: (start, end) => tf.tidy(() => byDensity(inputs, tf.slice(samples, start, end - start))),
          logPrior: posterior.logPrior,
        });
      } finally {
        tf.dispose([inputs, samples]);
      }
    } else {
      const means = tf.tensor2d(concatenate(posterior.means), [examples, latentSize]);
      const logVariances = tf.tensor2d(concatenate(posterior.logVariances), [examples, latentSize]);
      try {
        marginalKl = estimateMarginalKl({
          count: examples,
          logPosteriorRows: (start, end) => tf.tidy(() => gaussianLogDensityMatrix(tf.slice(samples, start, end - start), means, logVariances)),
          logPrior: posterior.logPrior,
        });
      } finally {
        tf.dispose([means, logVariances, samples]);
      }
    }
  }

  const nll = await sigmaIndependentNll({
    train: reconstructionPairs(model, dataset, 'train', batchSize, maxExamples),
    test: reconstructionPairs(model, dataset, 'test', batchSize, maxExamples),
  });
  const meanConstraint = (constraint: ConstraintV1) => (constraintSums.get(constraint.name) ?? Number.NaN) / examples;
  return {
    reconstructionMse: squaredError / (examples * dimensions),
    kl: klSum / examples,
    marginalKl,
    nllPerPixel: nll.natsPerDimension,
    sigmaStar: nll.sigma,
    elbo: elboSum / examples,
    constraints: Object.fromEntries(constraints.map((constraint) => [constraint.name, (constraint.toUnits ?? ((value: number) => value))(meanConstraint(constraint))])),
    constraintChecks: Object.fromEntries(
      constraints.map((constraint) => [constraint.name, { name: constraint.name, units: constraint.units, kappa: constraint.kappa, ...checkConstraint(constraint, meanConstraint(constraint)) }]),
    ),
    examples,
  };
}
