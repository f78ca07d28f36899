import * as tf from '@tensorflow/tfjs-core';
import { defineModelPlugin, InvalidArgumentError, type JSONObject, type ModelV1, parsePluginConfig, tfjsSeed } from '@tame/core';
import { createDenseLayer, type DenseLayer } from './dense-layer.js';
import { type MlpVaeConfigInput, mlpVaeConfigSchema } from './mlp-vae-config.js';

/** The npm package name: the id a registry and the model-weights files know this model by. */
export const mlpVaeModelId = '@tame-example/model-mlp-vae';

/**
 * A fully connected Gaussian VAE: flatten, hidden ReLU layers, a linear layer to (mean, log-variance) of q(z|x);
 * the mirrored decoder ends in a sigmoid, the mean of p(x|z) in [0, 1]. The prior is N(0, I), so the KL is analytic.
 */
export function createMlpVaeModel(input: MlpVaeConfigInput = {}): ModelV1 {
  const config = parsePluginConfig({ id: mlpVaeModelId, configSchema: mlpVaeConfigSchema }, input);
  const { name, seed, dataShape, hiddenSizes, latentSize } = config;
  const inputSize = dataShape.reduce((product, size) => product * size, 1);
  const label = `model '${name}' (${mlpVaeModelId})`;

  // Encoder [D, h1, ..., hn, 2 latent], decoder [latent, hn, ..., h1, D].
  const encoderSizes = [inputSize, ...hiddenSizes, 2 * latentSize];
  const decoderSizes = [latentSize, ...[...hiddenSizes].reverse(), inputSize];
  const encoder: DenseLayer[] = [];
  const decoder: DenseLayer[] = [];
  const build = (layers: DenseLayer[], part: string, sizes: number[]) => {
    for (let index = 0; index + 1 < sizes.length; index += 1) {
      const last = index + 2 === sizes.length;
      // A distinct seed per layer; tfjsSeed because tfjs reads a seed of 0 as "no seed" (not reproducible).
      const layerSeed = tfjsSeed(seed * 64 + encoder.length + decoder.length);
      layers.push(createDenseLayer(`${name}/${part}/dense${index + 1}`, sizes[index]!, sizes[index + 1]!, { seed: layerSeed, gain: last ? 1 : 2 }));
    }
  };
  try {
    build(encoder, 'encoder', encoderSizes);
    build(decoder, 'decoder', decoderSizes);
  } catch (error) {
    // A failed construction (usually a name a live model already uses) frees what it had created.
    for (const layer of [...encoder, ...decoder]) tf.dispose([layer.kernel, layer.bias]);
    if (error instanceof Error && /already registered/.test(error.message)) {
      throw new InvalidArgumentError(`name of ${label}`, 'a live model already uses this name: dispose it first or give this model another name');
    }
    throw error;
  }

  // ReLU after every layer but the last, which the caller finishes (split into statistics, or sigmoid).
  const run = (layers: readonly DenseLayer[], inputs: tf.Tensor2D) =>
    layers.reduce((hidden, layer, index) => (index + 1 < layers.length ? tf.relu(layer.apply(hidden)) : layer.apply(hidden)), inputs);
  const decode = (latent: tf.Tensor2D, count: number) => tf.reshape(tf.sigmoid(run(decoder, latent)), [count, ...dataShape]);

  const resolvedConfig = JSON.parse(JSON.stringify(config)) as JSONObject;
  return {
    specificationVersion: 'v1',
    id: mlpVaeModelId,
    trainableVariables: [...encoder, ...decoder].flatMap((layer) => [layer.kernel, layer.bias]),
    forward(batch, { seed: drawSeed, training }) {
      const { inputs } = batch;
      if (inputs.rank !== dataShape.length + 1 || dataShape.some((size, axis) => inputs.shape[axis + 1] !== size)) {
        throw new InvalidArgumentError(`batch.inputs of ${label}`, `shape [${inputs.shape}] is not [batch, ${dataShape}] (config.dataShape)`);
      }
      const batchSize = inputs.shape[0] as number;
      // Everything inside tidy that is not returned is freed; what is returned belongs to the caller.
      return tf.tidy(() => {
        const statistics = run(encoder, tf.reshape(inputs, [batchSize, inputSize]) as tf.Tensor2D);
        const [mean, logVariance] = tf.split(statistics, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        // Reparametrisation z = mean + sigma * epsilon while training; the posterior mean at evaluation.
        const latent = training
          ? (tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), tf.randomNormal([batchSize, latentSize], 0, 1, 'float32', tfjsSeed(drawSeed)))) as tf.Tensor2D)
          : // A clone, not the same tensor twice: the caller may dispose latent and posteriorMean separately.
            tf.clone(mean);
        // KL(N(mean, sigma^2) || N(0, I)) = 1/2 sum(mean^2 + sigma^2 - log sigma^2 - 1), nats per example.
        const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVariance)), tf.add(logVariance, 1)), 1)) as tf.Tensor1D;
        return {
          reconstruction: decode(latent, batchSize),
          kl,
          latent,
          // The convention for diagonal Gaussian posteriors: evaluation reads them for the marginal KL.
          extras: { posteriorMean: mean, posteriorLogVariance: logVariance },
        };
      });
    },
    sample({ count, seed: drawSeed }) {
      if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`count of ${label}.sample`, `must be a positive integer, got ${count}`);
      return tf.tidy(() => decode(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(drawSeed)) as tf.Tensor2D, count));
    },
    // A copy, so a caller that edits it cannot change what this model reports.
    getConfig: () => JSON.parse(JSON.stringify(resolvedConfig)) as JSONObject,
    dispose() {
      for (const layer of [...encoder, ...decoder]) tf.dispose([layer.kernel, layer.bias]);
      // Idempotent: a second call finds nothing left to free.
      encoder.length = 0;
      decoder.length = 0;
    },
  };
}

/** The model plugin: `mlpVaeModel.create(parsePluginConfig(mlpVaeModel, json))`, or a registry's create. */
export const mlpVaeModel = defineModelPlugin({
  id: mlpVaeModelId,
  configSchema: mlpVaeConfigSchema,
  create: (config) => createMlpVaeModel(config),
});
