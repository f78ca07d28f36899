import * as tf from '@tensorflow/tfjs-core';
import { type BatchV1, defineModelPlugin, type ModelV1, tfjsSeed } from '@tame/core';
import { z } from 'zod';

export interface ReferenceConvVaeOptions {
  readonly latentSize?: number;
  readonly seed?: number;
}

/**
 * The reference conv VAE of the foundation benchmark, on 28x28x1 images in [0, 1]:
 * encoder conv 4x4/2 32 relu, conv 4x4/2 64 relu, dense 2*latent (mean, log-variance);
 * decoder dense 7*7*64 relu, deconv 4x4/2 32 relu, deconv 4x4/2 1, sigmoid. Analytic KL to N(0, I).
 * The model `npm start` and `npm run bench` train: small and fast (about 73 ms per step of 64 on wasm).
 */
export function createReferenceConvVae(options: ReferenceConvVaeOptions = {}): ModelV1 {
  const latentSize = options.latentSize ?? 16;
  const seed = options.seed ?? 0;
  let index = 0;
  // He-normal initialisation, seeded per variable so a model is a pure function of its seed.
  const weight = (name: string, shape: number[], fanIn: number) =>
    // tidy frees the initial values (variables survive it).
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed * 1000 + (index += 1)), true, `reference-conv-vae/${name}`));
  const bias = (name: string, size: number) => tf.tidy(() => tf.variable(tf.zeros([size]), true, `reference-conv-vae/${name}`));
  const variables = {
    conv1: weight('encoder/conv1/kernel', [4, 4, 1, 32], 16),
    conv1Bias: bias('encoder/conv1/bias', 32),
    conv2: weight('encoder/conv2/kernel', [4, 4, 32, 64], 16 * 32),
    conv2Bias: bias('encoder/conv2/bias', 64),
    encoderDense: weight('encoder/dense/kernel', [7 * 7 * 64, 2 * latentSize], 7 * 7 * 64),
    encoderDenseBias: bias('encoder/dense/bias', 2 * latentSize),
    decoderDense: weight('decoder/dense/kernel', [latentSize, 7 * 7 * 64], latentSize),
    decoderDenseBias: bias('decoder/dense/bias', 7 * 7 * 64),
    deconv1: weight('decoder/deconv1/kernel', [4, 4, 32, 64], 4 * 64),
    deconv1Bias: bias('decoder/deconv1/bias', 32),
    deconv2: weight('decoder/deconv2/kernel', [4, 4, 1, 32], 4 * 32),
    deconv2Bias: bias('decoder/deconv2/bias', 1),
  };

  const decode = (latent: tf.Tensor2D): tf.Tensor4D => {
    const batchSize = latent.shape[0];
    const hidden = tf.relu(tf.add(tf.matMul(latent, variables.decoderDense as tf.Tensor2D), variables.decoderDenseBias));
    const grid = tf.reshape(hidden, [batchSize, 7, 7, 64]) as tf.Tensor4D;
    const up = tf.relu(tf.add(tf.conv2dTranspose(grid, variables.deconv1 as tf.Tensor4D, [batchSize, 14, 14, 32], 2, 'same'), variables.deconv1Bias));
    const logits = tf.add(tf.conv2dTranspose(up as tf.Tensor4D, variables.deconv2 as tf.Tensor4D, [batchSize, 28, 28, 1], 2, 'same'), variables.deconv2Bias);
    return tf.sigmoid(logits) as tf.Tensor4D;
  };

  return {
    specificationVersion: 'v1',
    id: '@tame/lab/reference-conv-vae',
    trainableVariables: Object.values(variables),
    forward(batch: BatchV1, forwardOptions) {
      return tf.tidy(() => {
        const inputs = batch.inputs as tf.Tensor4D;
        const batchSize = inputs.shape[0];
        const hidden1 = tf.relu(tf.add(tf.conv2d(inputs, variables.conv1 as tf.Tensor4D, 2, 'same'), variables.conv1Bias)) as tf.Tensor4D;
        const hidden2 = tf.relu(tf.add(tf.conv2d(hidden1, variables.conv2 as tf.Tensor4D, 2, 'same'), variables.conv2Bias));
        const statistics = tf.add(tf.matMul(tf.reshape(hidden2, [batchSize, -1]) as tf.Tensor2D, variables.encoderDense as tf.Tensor2D), variables.encoderDenseBias);
        const [mean, logVariance] = tf.split(statistics, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        const latent = forwardOptions.training
          ? (tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), tf.randomNormal(mean.shape, 0, 1, 'float32', tfjsSeed(forwardOptions.seed)))) as tf.Tensor2D)
          : mean;
        // KL(N(mu, sigma^2) || N(0, I)) = 0.5 sum(mu^2 + sigma^2 - log sigma^2 - 1), per example.
        const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVariance)), tf.add(logVariance, 1)), 1)) as tf.Tensor1D;
        return { reconstruction: decode(latent), kl, latent, extras: { posteriorMean: mean, posteriorLogVariance: logVariance } };
      });
    },
    sample({ count, seed: drawSeed }) {
      return tf.tidy(() => decode(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(drawSeed))));
    },
    getConfig: () => ({ latentSize, seed, dataShape: [28, 28, 1] }),
    dispose() {
      for (const variable of Object.values(variables)) variable.dispose();
    },
  };
}

export const convVaeConfigSchema = z
  .object({
    latentSize: z.number().int().positive().default(16),
    seed: z.number().int().min(0).default(0),
    /** The architecture is fixed to 28x28 grey images (two stride-2 convolutions down to 7x7). */
    dataShape: z
      .array(z.number().int().positive())
      .default([28, 28, 1])
      .refine((shape) => shape.join('x') === '28x28x1', 'conv-vae handles [28, 28, 1] images only; use vae-nvp, bilbo-vae or convdraw for other shapes'),
  })
  .strict();

/** The reference conv VAE as a model plugin (id `conv-vae` in the app's catalog). */
export const convVaePlugin = defineModelPlugin({
  id: '@tame/lab/reference-conv-vae',
  configSchema: convVaeConfigSchema,
  create: (config) => createReferenceConvVae(config),
});
