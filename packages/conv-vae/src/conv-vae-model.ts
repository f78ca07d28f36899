import * as tf from '@tensorflow/tfjs-core';
import {
  type BatchV1,
  defineModelPlugin,
  InvalidArgumentError,
  type JSONObject,
  type ModelForwardOptionsV1,
  type ModelOutputV1,
  type ModelSampleOptionsV1,
  type ModelV1,
  parsePluginConfig,
  tfjsSeed,
} from '@tame/core';
import { type ConvVaeConfig, type ConvVaeConfigInput, convVaeConfigSchema } from './conv-vae-config.js';
import { createConvVaeVariables } from './conv-vae-variables.js';
import { standardNormalKl } from './standard-normal-kl.js';

export const convVaeModelId = '@tame/conv-vae';

/** q(z|x) = N(mean, diag(exp(logVariance))), each [batch, latentSize]. */
export interface ConvVaePosterior {
  readonly mean: tf.Tensor2D;
  readonly logVariance: tf.Tensor2D;
}

/** A conv VAE instance: a ModelV1 plus its resolved config and its two halves. */
export interface ConvVaeModel extends ModelV1 {
  /** The resolved config (the same as getConfig(), typed). */
  readonly config: ConvVaeConfig;
  /** The posterior of inputs [batch, ...dataShape]. The tensors belong to the caller. */
  encode(inputs: tf.Tensor): ConvVaePosterior;
  /** Mean of p(x|z) in (0, 1) for latents [count, latentSize]: [count, ...dataShape]. Belongs to the caller. */
  decode(latents: tf.Tensor2D): tf.Tensor4D;
}

/**
 * The reference conv VAE of tame, on images [H, W, C] in [0, 1] (H, W multiples of 4; [28, 28, 1] by default):
 * encoder conv 4x4/2 c1 ReLU, conv 4x4/2 c2 ReLU, dense 2d (mean | log-variance);
 * decoder dense (H/4)(W/4)c2 ReLU, deconv 4x4/2 c1 ReLU, deconv 4x4/2 C, sigmoid; analytic KL to N(0, I).
 * With the reference preset (c1 = 32, c2 = 64, d = 16) it is the model `npm start` trains and `npm run bench` times.
 */
export function createConvVaeModel(configInput: ConvVaeConfigInput = {}): ConvVaeModel {
  const config = parsePluginConfig({ id: convVaeModelId, configSchema: convVaeConfigSchema }, configInput);
  const { dataShape, latentSize } = config;
  const [height, width, dataChannels] = dataShape;
  const [channels1, channels2] = config.channels;
  const label = `model '${config.name}' (${convVaeModelId})`;
  const variables = createConvVaeVariables(config);
  const trainableVariables = Object.values(variables);
  let disposed = false;

  const checkAlive = () => {
    if (disposed) throw new InvalidArgumentError('model', `${label} was disposed`);
  };
  const checkInputs = (inputs: tf.Tensor, argument: string): tf.Tensor4D => {
    const expected = [inputs.shape[0], ...dataShape];
    if (inputs.rank !== 4 || inputs.shape.some((size, axis) => size !== expected[axis])) {
      throw new InvalidArgumentError(argument, `${label} expects [batch, ${dataShape}] (config.dataShape), got [${inputs.shape}]`);
    }
    return inputs as tf.Tensor4D;
  };
  const checkLatents = (latents: tf.Tensor, argument: string) => {
    if (latents.rank !== 2 || latents.shape[1] !== latentSize) {
      throw new InvalidArgumentError(argument, `${label} expects [count, ${latentSize}] (config.latentSize), got [${latents.shape}]`);
    }
  };

  // The operations and their order are those of the reference model since its first run: seeded runs depend on them.
  const encodeInTidy = (inputs: tf.Tensor4D): ConvVaePosterior => {
    const batchSize = inputs.shape[0];
    const hidden1 = tf.relu(tf.add(tf.conv2d(inputs, variables.conv1 as tf.Tensor4D, 2, 'same'), variables.conv1Bias)) as tf.Tensor4D;
    const hidden2 = tf.relu(tf.add(tf.conv2d(hidden1, variables.conv2 as tf.Tensor4D, 2, 'same'), variables.conv2Bias));
    const statistics = tf.add(tf.matMul(tf.reshape(hidden2, [batchSize, -1]) as tf.Tensor2D, variables.encoderDense as tf.Tensor2D), variables.encoderDenseBias);
    const [mean, logVariance] = tf.split(statistics, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVariance };
  };
  const decodeInTidy = (latent: tf.Tensor2D): tf.Tensor4D => {
    const batchSize = latent.shape[0];
    const hidden = tf.relu(tf.add(tf.matMul(latent, variables.decoderDense as tf.Tensor2D), variables.decoderDenseBias));
    const grid = tf.reshape(hidden, [batchSize, height / 4, width / 4, channels2]) as tf.Tensor4D;
    const up = tf.relu(
      tf.add(tf.conv2dTranspose(grid, variables.deconv1 as tf.Tensor4D, [batchSize, height / 2, width / 2, channels1], 2, 'same'), variables.deconv1Bias),
    );
    const logits = tf.add(tf.conv2dTranspose(up as tf.Tensor4D, variables.deconv2 as tf.Tensor4D, [batchSize, height, width, dataChannels], 2, 'same'), variables.deconv2Bias);
    return tf.sigmoid(logits) as tf.Tensor4D;
  };

  return {
    specificationVersion: 'v1',
    id: convVaeModelId,
    config: structuredClone(config),
    trainableVariables,
    forward(batch: BatchV1, options: ModelForwardOptionsV1): ModelOutputV1 {
      checkAlive();
      const inputs = checkInputs(batch.inputs, 'batch.inputs');
      return tf.tidy(() => {
        const { mean, logVariance } = encodeInTidy(inputs);
        // Training draws z = mean + sigma * eps with the call's seed; evaluation decodes the posterior mean.
        const latent = options.training
          ? (tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), tf.randomNormal(mean.shape, 0, 1, 'float32', tfjsSeed(options.seed)))) as tf.Tensor2D)
          : mean;
        const kl = standardNormalKl(mean, logVariance);
        return { reconstruction: decodeInTidy(latent), kl, latent, extras: { posteriorMean: mean, posteriorLogVariance: logVariance } };
      });
    },
    sample(options: ModelSampleOptionsV1): tf.Tensor {
      checkAlive();
      const { count, seed } = options;
      if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('count', `${label}: must be an integer >= 1, got ${count}`);
      return tf.tidy(() => decodeInTidy(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(seed))));
    },
    encode(inputs) {
      checkAlive();
      const checked = checkInputs(inputs, 'inputs');
      const [mean, logVariance] = tf.tidy(() => {
        const posterior = encodeInTidy(checked);
        return [posterior.mean, posterior.logVariance];
      });
      return { mean: mean as tf.Tensor2D, logVariance: logVariance as tf.Tensor2D };
    },
    decode(latents) {
      checkAlive();
      checkLatents(latents, 'latents');
      return tf.tidy(() => decodeInTidy(latents));
    },
    getConfig: () => structuredClone(config) as unknown as JSONObject,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const variable of trainableVariables) variable.dispose();
    },
  };
}

/** The conv VAE as a model plugin (id '@tame/conv-vae'; the `tame` app lists it as `conv-vae`). */
export const convVaePlugin = defineModelPlugin({
  id: convVaeModelId,
  configSchema: convVaeConfigSchema,
  create: (config: ConvVaeConfig) => createConvVaeModel(config),
});
