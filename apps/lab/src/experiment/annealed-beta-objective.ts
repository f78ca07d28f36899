import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type LikelihoodV1, type TrainingObjective } from '@tame/core';

export interface AnnealedBetaOptions {
  readonly likelihood: LikelihoodV1;
  /** beta at step 0. */
  readonly from: number;
  /** beta from `steps` on. */
  readonly to: number;
  /** Length of the linear ramp. */
  readonly steps: number;
}

/** beta(t) = from + (to - from) min(1, t / steps): the hand-annealed beta-VAE baseline of the GECO sweep. */
export function annealedBeta(options: Pick<AnnealedBetaOptions, 'from' | 'to' | 'steps'>, step: number): number {
  return options.from + (options.to - options.from) * Math.min(1, step / options.steps);
}

/**
 * E[-log p(x|z)] + beta(t) KL with a linear beta schedule. The schedule is a function of the step only, so the
 * objective has no state and a resumed run continues it exactly.
 */
export function createAnnealedBetaObjective(options: AnnealedBetaOptions): TrainingObjective {
  for (const key of ['from', 'to'] as const) {
    if (!(options[key] >= 0) || !Number.isFinite(options[key])) throw new InvalidArgumentError(`beta-anneal ${key}`, `must be a finite number >= 0, got ${options[key]}`);
  }
  if (!Number.isInteger(options.steps) || options.steps <= 0) throw new InvalidArgumentError('beta-anneal steps', `must be a positive integer, got ${options.steps}`);
  return {
    name: 'beta-anneal',
    trainableVariables: options.likelihood.trainableVariables,
    computeLoss({ batch, output, step }) {
      const beta = annealedBeta(options, step);
      const nll = tf.mean(options.likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction)) as tf.Scalar;
      return { loss: tf.add(nll, tf.mul(beta, tf.mean(output.kl))) as tf.Scalar, metrics: { nll, beta: tf.scalar(beta) } };
    },
    afterStep: () => ({}),
    getState: () => ({}),
    setState: () => {},
  };
}
