import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError } from '@tame/core';
import { z } from 'zod';

/** Config fields shared by every likelihood with a learned sigma. */
export const learnedSigmaFields = {
  /** Sigma at initialisation, in data units. Must exceed `minimumSigma`. */
  initialSigma: z.number().positive().finite().default(0.1),
  /**
   * Smooth lower bound on sigma, in data units: sigma^2 = exp(2 logSigma) + minimumSigma^2. It keeps the
   * continuous Gaussian NLL bounded below (a learned sigma otherwise collapses to 0 where a pixel is always
   * reconstructed exactly, e.g. MNIST's black border) while every value of logSigma still has a gradient, so Adam
   * can move it back. 1e-3 is about the quantisation noise of 8-bit data on [0, 1] (1/256/sqrt(12)). 0 disables it.
   */
  minimumSigma: z.number().nonnegative().finite().default(1e-3),
  /** Prefix of the variable name ('<name>/log-sigma'); names must be unique among live variables and stable for checkpoints. */
  name: z.string().regex(/^[A-Za-z0-9_./-]+$/).default('likelihood'),
};

/** Zod refinement: initialSigma > minimumSigma (else the initial logSigma is undefined). */
export function initialSigmaAboveMinimum(config: { initialSigma: number; minimumSigma: number }): boolean {
  return config.initialSigma > config.minimumSigma;
}
export const initialSigmaAboveMinimumMessage = {
  message: 'initialSigma must be greater than minimumSigma',
  path: ['initialSigma'],
};

/**
 * Creates the trainable '<name>/log-sigma' variable of the given shape, initialised so that the effective sigma
 * (see `effectiveLogSigma`) equals `initialSigma`. A name clash with a live variable becomes a clear error.
 */
export function createLogSigmaVariable(
  pluginId: string,
  config: { initialSigma: number; minimumSigma: number; name: string },
  shape: readonly number[],
): tf.Variable {
  const variableName = `${config.name}/log-sigma`;
  const initial = 0.5 * Math.log(config.initialSigma ** 2 - config.minimumSigma ** 2);
  const value = tf.fill([...shape], initial);
  try {
    return tf.variable(value, true, variableName);
  } catch (error) {
    if (error instanceof Error && error.message.includes('already registered')) {
      throw new InvalidPluginConfigError(pluginId, [
        `name: a live variable is already called '${variableName}'; give each likelihood instance its own name or dispose the old one`,
      ]);
    }
    throw error;
  } finally {
    value.dispose();
  }
}

/**
 * log sigma with the smooth floor: 0.5 * log(exp(2 logSigma) + minimumSigma^2)
 * = logSigma + 0.5 * softplus(2 (log minimumSigma - logSigma)), smooth everywhere and free of overflow.
 */
export function effectiveLogSigma(logSigma: tf.Tensor, minimumSigma: number): tf.Tensor {
  if (minimumSigma === 0) return tf.clone(logSigma);
  return tf.tidy(() => tf.add(logSigma, tf.mul(0.5, tf.softplus(tf.mul(2, tf.sub(Math.log(minimumSigma), logSigma))))));
}

/** Throws InvalidArgumentError when a number given as sigma is not a positive finite number. */
export function assertPositiveSigma(owner: string, sigma: number): void {
  if (!(Number.isFinite(sigma) && sigma > 0)) {
    throw new InvalidArgumentError(`${owner} sigma`, `must be a finite number > 0, got ${sigma}`);
  }
}
