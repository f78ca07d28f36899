import * as tf from '@tensorflow/tfjs-core';
import type { BatchV1 } from '../spec/batch-v1.js';
import type { ModelV1 } from '../spec/model-v1.js';
import { tfjsSeed } from '../random/step-seed.js';

export interface TinyVaeOptions {
  readonly inputSize: number;
  readonly latentSize?: number;
  readonly hiddenSize?: number;
  readonly seed?: number;
  /** Prefix of variable names, so two instances can coexist. */
  readonly name?: string;
}

/**
 * A minimal dense Gaussian VAE over flat inputs [batch, inputSize] in [0, 1]: one hidden tanh layer each way,
 * analytic KL, sigmoid output. Small enough for fast tests of objectives, trainers and plugins.
 */
export function createTinyVae(options: TinyVaeOptions): ModelV1 {
  const latentSize = options.latentSize ?? 2;
  const hiddenSize = options.hiddenSize ?? 16;
  const seed = options.seed ?? 1;
  const name = options.name ?? 'tiny-vae';
  const weight = (shape: [number, number], index: number, label: string) =>
    // tidy frees the initial values (variables survive it).
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1 / Math.sqrt(shape[0]), 'float32', seed * 97 + index), true, `${name}/${label}`));
  const bias = (size: number, label: string) => tf.tidy(() => tf.variable(tf.zeros([size]), true, `${name}/${label}`));
  const variables = {
    encoderHidden: weight([options.inputSize, hiddenSize], 1, 'encoder/hidden/kernel'),
    encoderHiddenBias: bias(hiddenSize, 'encoder/hidden/bias'),
    encoderOut: weight([hiddenSize, 2 * latentSize], 2, 'encoder/out/kernel'),
    encoderOutBias: bias(2 * latentSize, 'encoder/out/bias'),
    decoderHidden: weight([latentSize, hiddenSize], 3, 'decoder/hidden/kernel'),
    decoderHiddenBias: bias(hiddenSize, 'decoder/hidden/bias'),
    decoderOut: weight([hiddenSize, options.inputSize], 4, 'decoder/out/kernel'),
    decoderOutBias: bias(options.inputSize, 'decoder/out/bias'),
  };
  const dense = (input: tf.Tensor2D, kernel: tf.Variable, biasVariable: tf.Variable) =>
    tf.add(tf.matMul(input, kernel as tf.Tensor2D), biasVariable) as tf.Tensor2D;
  const decode = (latent: tf.Tensor2D) =>
    tf.sigmoid(dense(tf.tanh(dense(latent, variables.decoderHidden, variables.decoderHiddenBias)), variables.decoderOut, variables.decoderOutBias));
  const config = { inputSize: options.inputSize, latentSize, hiddenSize, seed };
  return {
    specificationVersion: 'v1',
    id: '@tame/core/tiny-vae',
    trainableVariables: Object.values(variables),
    forward(batch: BatchV1, { seed: drawSeed, training }) {
      return tf.tidy(() => {
        const inputs = tf.reshape(batch.inputs, [-1, options.inputSize]) as tf.Tensor2D;
        const statistics = dense(tf.tanh(dense(inputs, variables.encoderHidden, variables.encoderHiddenBias)), variables.encoderOut, variables.encoderOutBias);
        const [mean, logVariance] = tf.split(statistics, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        const noise = tf.randomNormal(mean.shape, 0, 1, 'float32', tfjsSeed(drawSeed));
        const latent = training ? tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), noise)) : mean;
        // KL(N(mu, s^2) || N(0, 1)) = 0.5 * sum(mu^2 + s^2 - log s^2 - 1)
        const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVariance)), tf.add(logVariance, 1)), 1)) as tf.Tensor1D;
        const reconstruction = tf.reshape(decode(latent as tf.Tensor2D), batch.inputs.shape);
        return { reconstruction, kl, latent: latent as tf.Tensor2D };
      });
    },
    sample({ count, seed: drawSeed }) {
      return tf.tidy(() => decode(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(drawSeed))));
    },
    getConfig: () => config,
    dispose() {
      for (const variable of Object.values(variables)) variable.dispose();
    },
  };
}
