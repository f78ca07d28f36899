import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors/tame-error.js';
import type { LikelihoodV1 } from '../spec/likelihood-v1.js';
import type { TrainingObjective } from './training-objective.js';

export interface ElboObjectiveOptions {
  readonly likelihood: LikelihoodV1;
  /** Weight of the KL term: 1 is the ELBO, other values a beta-VAE. */
  readonly beta?: number;
}

/** Negative ELBO per example, batch-averaged: E[-log p(x|z)] + beta * KL(q(z|x) || p(z)). */
export function createElboObjective(options: ElboObjectiveOptions): TrainingObjective {
  const beta = options.beta ?? 1;
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new InvalidArgumentError('beta', `must be a finite number >= 0, got ${beta}`);
  return {
    name: beta === 1 ? 'elbo' : `beta:${beta}`,
    trainableVariables: options.likelihood.trainableVariables,
    computeLoss({ batch, output }) {
      const reconstruction = tf.mean(options.likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction)) as tf.Scalar;
      const kl = tf.mean(output.kl) as tf.Scalar;
      return { loss: tf.add(reconstruction, tf.mul(beta, kl)), metrics: { nll: reconstruction } };
    },
    afterStep: () => ({}),
    getState: () => ({}),
    setState: () => {},
  };
}
