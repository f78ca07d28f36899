import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { BatchV1 } from './batch-v1.js';
import type { JSONObject } from './json-value.js';
import type { PluginV1 } from './plugin-v1.js';

export interface ModelForwardOptionsV1 {
  /** Seed for every random draw of this call (reparametrisation noise). Same seed, same weights: same output. */
  readonly seed: number;
  /** False at evaluation: models may then use the posterior mean instead of a sample. */
  readonly training: boolean;
}

/**
 * Per-example outputs of one encode / sample / decode pass. Everything the objectives need (GECO, ELBO, BILBO)
 * without model-specific code in core. All tensors belong to the caller.
 */
export interface ModelOutputV1 {
  /** Mean of p(x|z) in data space, same shape as batch.inputs. */
  readonly reconstruction: Tensor;
  /** KL(q(z|x) || p(z)) per example in nats, [batch]: analytic where it exists, a Monte Carlo sample otherwise. */
  readonly kl: Tensor1D;
  /** Per-step KL for sequential models (ConvDRAW), [batch, steps]; sums to `kl` over steps. */
  readonly klPerStep?: Tensor2D;
  /** The latent sample z, [batch, latentSize] (flattened), for information-plane and marginal-KL evaluation. */
  readonly latent?: Tensor2D;
  /**
   * Model-specific extra outputs, each [batch, ...]. Convention: diagonal-Gaussian posteriors expose
   * `posteriorMean` and `posteriorLogVariance` ([batch, latentSize]); evaluation uses them for the marginal KL.
   */
  readonly extras?: Readonly<Record<string, Tensor>>;
}

export interface ModelSampleOptionsV1 {
  readonly count: number;
  readonly seed: number;
  /** Conditioning for conditional models, [count, ...contextShape]. */
  readonly context?: Tensor;
}

export interface ModelV1 {
  readonly specificationVersion: 'v1';
  /** The plugin id that created this instance. */
  readonly id: string;
  /** Every variable the optimizer updates; names are prefixed with the model's short name and unique. */
  readonly trainableVariables: readonly Variable[];
  /**
   * State that is not optimised but belongs to the weights (e.g. a moving estimate of prior variances): saved in
   * checkpoints and model-weights files, restored with them, never given to the optimizer.
   */
  readonly nonTrainableVariables?: readonly Variable[];
  forward(batch: BatchV1, options: ModelForwardOptionsV1): ModelOutputV1;
  /** Decoded samples from the prior, [count, ...dataShape]. */
  sample(options: ModelSampleOptionsV1): Tensor;
  /** The resolved config that recreates this model (saved in checkpoints). */
  getConfig(): JSONObject;
  /** Frees the variables this instance created. */
  dispose(): void;
}

export type ModelPluginV1<CONFIG = unknown> = PluginV1<'model', CONFIG, ModelV1>;
