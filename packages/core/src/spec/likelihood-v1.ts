import type { Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';
import type { PluginV1 } from './plugin-v1.js';

export interface LikelihoodV1 {
  readonly specificationVersion: 'v1';
  readonly id: string;
  /** Learned likelihood parameters (e.g. a global log-sigma); empty for fixed likelihoods. */
  readonly trainableVariables: readonly Variable[];
  /**
   * -log p(data | reconstruction) per example in nats, summed over every data dimension, [batch]. Differentiable
   * with respect to `reconstruction` and the likelihood's own variables. The returned tensor belongs to the caller.
   */
  negativeLogLikelihood(data: Tensor, reconstruction: Tensor): Tensor1D;
  dispose(): void;
}

export type LikelihoodPluginV1<CONFIG = unknown> = PluginV1<'likelihood', CONFIG, LikelihoodV1>;
