import * as tf from '@tensorflow/tfjs-core';
import {
  type BatchV1,
  defineModelPlugin,
  InvalidArgumentError,
  type JSONObject,
  type ModelOutputV1,
  type ModelV1,
  parsePluginConfig, tfjsSeed } from '@tame/core';
import { type ConditionalFlow, createConditionalFlow } from './conditional-flow.js';
import { createConvEncoder, type VaeNvpPosterior } from './conv-encoder.js';
import { createDcganDecoder } from './dcgan-decoder.js';
import { diagonalGaussianLogDensity, standardNormalLogDensity } from './gaussian-log-density.js';
import { pairwiseLogPosterior, type PairwiseLogPosteriorOptions } from './pairwise-log-posterior.js';
import { type VaeNvpConfig, type VaeNvpConfigInput, vaeNvpConfigSchema } from './vae-nvp-config.js';
import { createVariableFactory } from './variable-factory.js';

export const vaeNvpModelId = '@tame/vae-nvp';

/** A draw z ~ q(z|x) with its log-densities, all per example. */
export interface VaeNvpPosteriorSample {
  /** z = z_K, [N, d]. */
  readonly latent: tf.Tensor2D;
  /** log q(z|x) = log q_0(z_0|x) - Σ_k log|det J_k|, [N]. */
  readonly logPosterior: tf.Tensor1D;
  /** log p(z) under N(0, I), [N]. */
  readonly logPrior: tf.Tensor1D;
}

/** ModelV1 plus the pieces an evaluation needs (marginal KL, decoding given latents). */
export interface VaeNvpModel extends ModelV1 {
  /** The resolved config (same as getConfig(), typed). */
  readonly config: VaeNvpConfig;
  /** The coupling layers, for inspection and tests. */
  readonly flow: ConditionalFlow;
  /** Context h(x) and base Gaussian of q(z|x) for inputs [N, H, W, C]. */
  encode(inputs: tf.Tensor): VaeNvpPosterior;
  /** z ~ q(z|x) by the forward pass z_0 = μ + σ ⊙ ε, z = f_K ∘ ... ∘ f_1(z_0; h), seeded. */
  samplePosterior(posterior: VaeNvpPosterior, seed: number): VaeNvpPosteriorSample;
  /** log q(z_i | x_j) for every latent i under every posterior j, [M, N], by the closed-form inverse of the flow. */
  logPosterior(latents: tf.Tensor2D, posterior: VaeNvpPosterior, options?: PairwiseLogPosteriorOptions): tf.Tensor2D;
  /** Mean of p(x|z) in [0, 1], [N, H, W, C]. */
  decode(latents: tf.Tensor2D): tf.Tensor4D;
}

/**
 * VAE with a conditional RealNVP posterior (the "VAE+NVP" of Taming VAEs): conv encoder -> context h and base
 * Gaussian q_0(z_0|x); K conditional affine coupling layers z_0 -> z; p(z) = N(0, I); DCGAN-style decoder.
 * `forward` reports the single-sample Monte Carlo KL log q(z|x) - log p(z) per example: unbiased,
 * but a single value can be negative. `training` changes nothing: the model has no train-only layer, and its KL
 * is only defined through a sample, so evaluation also draws z with the given seed.
 */
export function createVaeNvpModel(input: VaeNvpConfigInput = {}): VaeNvpModel {
  const config = parsePluginConfig({ id: vaeNvpModelId, configSchema: vaeNvpConfigSchema }, input);
  const { dataShape, latentSize } = config;
  const variables = createVariableFactory(config.name, config.seed);
  // A failed construction (e.g. a name already in use) frees the variables it had created.
  const { encoder, flow, decoder } = (() => {
    try {
      return {
        encoder: createConvEncoder(
          { dataShape, channels: config.encoderChannels, kernelSize: config.kernelSize, contextSize: config.contextSize, latentSize },
          variables,
        ),
        flow: createConditionalFlow(
          {
            latentSize,
            contextSize: config.contextSize,
            layers: config.couplingLayers,
            hiddenSizes: config.conditionerHiddenSizes,
            scaleBound: config.scaleBound,
            initScale: config.couplingInitScale,
          },
          variables,
        ),
        decoder: createDcganDecoder({ dataShape, latentSize, channels: config.decoderChannels, kernelSize: config.kernelSize }, variables),
      };
    } catch (error) {
      variables.disposeAll();
      throw error;
    }
  })();

  const checkInputs = (inputs: tf.Tensor, argument: string): tf.Tensor4D => {
    const expected = [inputs.shape[0], ...dataShape];
    if (inputs.rank !== 4 || inputs.shape.some((size, axis) => size !== expected[axis])) {
      throw new InvalidArgumentError(
        `${argument} of model '${config.name}' (${vaeNvpModelId})`,
        `shape [${inputs.shape}] does not match [batch, ${dataShape}] (config.dataShape)`,
      );
    }
    return inputs as tf.Tensor4D;
  };
  const checkLatents = (latents: tf.Tensor2D, argument: string) => {
    if (latents.rank !== 2 || latents.shape[1] !== latentSize) {
      throw new InvalidArgumentError(
        `${argument} of model '${config.name}' (${vaeNvpModelId})`,
        `shape [${latents.shape}] is not [count, ${latentSize}] (config.latentSize)`,
      );
    }
  };

  const samplePosterior = (posterior: VaeNvpPosterior, seed: number): VaeNvpPosteriorSample =>
    tf.tidy(() => {
      const { context, mean, logScale } = posterior;
      // z_0 = μ + σ ⊙ ε, log q_0(z_0) = Σ [-½ε² - log σ - ½ log 2π].
      const noise = tf.randomNormal(mean.shape, 0, 1, 'float32', tfjsSeed(seed)) as tf.Tensor2D;
      const base = tf.add(mean, tf.mul(tf.exp(logScale), noise)) as tf.Tensor2D;
      const logBase = diagonalGaussianLogDensity(base, mean, logScale);
      // Steps 3-5: push through the couplings, log q(z|x) = log q_0 - Σ log|det J_k|, log p(z) = log N(z; 0, I).
      const { latent, logDet } = flow.forward(base, flow.projectContext(context));
      return { latent, logPosterior: tf.sub(logBase, logDet) as tf.Tensor1D, logPrior: standardNormalLogDensity(latent) };
    });

  const resolvedConfig = JSON.parse(JSON.stringify(config)) as VaeNvpConfig;
  return {
    specificationVersion: 'v1',
    id: vaeNvpModelId,
    config: resolvedConfig,
    flow,
    trainableVariables: [...encoder.variables, ...flow.variables, ...decoder.variables],
    encode: (inputs) => encoder.encode(checkInputs(inputs, 'inputs')),
    samplePosterior,
    logPosterior(latents, posterior, options) {
      checkLatents(latents, 'latents');
      return pairwiseLogPosterior(flow, latents, posterior, options);
    },
    decode(latents) {
      checkLatents(latents, 'latents');
      return decoder.decode(latents);
    },
    forward(batch: BatchV1, { seed }): ModelOutputV1 {
      const inputs = checkInputs(batch.inputs, 'batch.inputs');
      return tf.tidy(() => {
        const sample = samplePosterior(encoder.encode(inputs), seed);
        return {
          reconstruction: decoder.decode(sample.latent),
          // Single-sample Monte Carlo KL, one value per example (may be < 0).
          kl: tf.sub(sample.logPosterior, sample.logPrior) as tf.Tensor1D,
          latent: sample.latent,
          extras: { logPosterior: sample.logPosterior, logPrior: sample.logPrior },
        };
      });
    },
    sample({ count, seed }) {
      if (!Number.isInteger(count) || count < 1) {
        throw new InvalidArgumentError(`count of model '${config.name}' (${vaeNvpModelId}).sample`, `must be a positive integer, got ${count}`);
      }
      return tf.tidy(() => decoder.decode(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(seed)) as tf.Tensor2D));
    },
    getConfig: () => JSON.parse(JSON.stringify(resolvedConfig)) as JSONObject,
    // Idempotent: a second call finds no variable left to free.
    dispose: () => variables.disposeAll(),
  };
}

/** The model plugin: `vaeNvpModel.create(parsePluginConfig(vaeNvpModel, json))`, or the registry's create. */
export const vaeNvpModel = defineModelPlugin({
  id: vaeNvpModelId,
  configSchema: vaeNvpConfigSchema,
  create: (config) => createVaeNvpModel(config),
});

/**
 * log q(z_i | x_j) for every latent z_i [M, d] under the posterior of every input x_j [N, H, W, C], [M, N]: the
 * matrix the marginal-KL estimator needs (log q(z) ≈ logmeanexp_j log q(z|x_j), Taming VAEs' Table 2). Encodes the
 * inputs, then runs the flow's inverse for each pair. The caller owns the result.
 */
export function posteriorLogDensities(
  model: VaeNvpModel,
  options: { readonly inputs: tf.Tensor; readonly latents: tf.Tensor2D } & PairwiseLogPosteriorOptions,
): tf.Tensor2D {
  const posterior = model.encode(options.inputs);
  try {
    return model.logPosterior(options.latents, posterior, options);
  } finally {
    tf.dispose([posterior.context, posterior.mean, posterior.logScale]);
  }
}
