import * as tf from '@tensorflow/tfjs-core';
import { createAdamOptimizer, encodeModelWeights, InvalidArgumentError, loadModelWeights, parsePluginConfig } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaeNvpConfigInput } from './vae-nvp-config.js';
import { createVaeNvpModel, type VaeNvpModel, vaeNvpModel } from './vae-nvp-model.js';

const tinyConfig = {
  name: 'nvp-test',
  dataShape: [8, 8, 1],
  latentSize: 4,
  encoderChannels: [4, 8],
  kernelSize: 3,
  contextSize: 16,
  couplingLayers: 4,
  conditionerHiddenSizes: [16],
  decoderChannels: [8, 4],
} satisfies VaeNvpConfigInput;

/** Fixed, structured 8x8 images in [0, 1]: bars and blobs, so a model has something to learn. */
function tinyImages(count: number, channels = 1): tf.Tensor4D {
  const values = new Float32Array(count * 64 * channels);
  for (let example = 0; example < count; example += 1) {
    for (let pixel = 0; pixel < 64; pixel += 1) {
      const row = Math.floor(pixel / 8);
      const column = pixel % 8;
      for (let channel = 0; channel < channels; channel += 1) {
        const on = example % 2 === 0 ? row === (example + channel) % 8 : Math.abs(column - ((example * 3 + channel) % 8)) <= 1;
        values[(example * 64 + pixel) * channels + channel] = on ? 0.9 : 0.1;
      }
    }
  }
  return tf.tensor4d(values, [count, 8, 8, channels]);
}

const models: VaeNvpModel[] = [];
const owned: tf.Tensor[] = [];
const create = (config: VaeNvpConfigInput) => {
  const model = createVaeNvpModel(config);
  models.push(model);
  return model;
};
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
  tf.dispose(owned.splice(0));
});

/** ELBO-style loss: Gaussian (σ = 0.1) negative log-likelihood up to a constant plus the Monte Carlo KL. */
const lossOf = (model: VaeNvpModel, inputs: tf.Tensor4D, seed: number) => {
  const output = model.forward({ inputs }, { seed, training: true });
  const squaredError = tf.sum(tf.reshape(tf.squaredDifference(inputs, output.reconstruction), [inputs.shape[0], -1]), 1);
  return tf.mean(tf.add(tf.mul(50, squaredError), output.kl)) as tf.Scalar;
};

describeModelPluginConformance(vaeNvpModel, { config: tinyConfig, batch: () => ({ inputs: tinyImages(3) }) });

describe('VAE+NVP model', () => {
  it('returns reconstruction, per-example KL, latent and the log-densities with the documented shapes', () => {
    const model = create(tinyConfig);
    const inputs = tinyImages(5);
    owned.push(inputs);
    tf.tidy(() => {
      const output = model.forward({ inputs }, { seed: 1, training: true });
      expect(output.reconstruction.shape).toEqual([5, 8, 8, 1]);
      expect(output.kl.shape).toEqual([5]);
      expect(output.latent?.shape).toEqual([5, 4]);
      const logPosterior = output.extras?.['logPosterior'] as tf.Tensor;
      const logPrior = output.extras?.['logPrior'] as tf.Tensor;
      expect(logPosterior.shape).toEqual([5]);
      expect(logPrior.shape).toEqual([5]);
      // kl = log q(z|x) - log p(z), and log p(z) = log N(z; 0, I) of the latent that was decoded.
      const kl = output.kl.dataSync();
      const difference = tf.sub(logPosterior, logPrior).dataSync();
      kl.forEach((value, index) => expect(value).toBeCloseTo(difference[index] as number, 5));
      const latents = output.latent?.arraySync() as number[][];
      logPrior.dataSync().forEach((value, index) => {
        const squaredNorm = (latents[index] as number[]).reduce((sum, z) => sum + z * z, 0);
        expect(value).toBeCloseTo(-0.5 * squaredNorm - 2 * Math.log(2 * Math.PI), 4);
      });
      const pixels = output.reconstruction.dataSync();
      expect(pixels.every((value) => value > 0 && value < 1)).toBe(true);
      expect(model.sample({ count: 3, seed: 2 }).shape).toEqual([3, 8, 8, 1]);
    });
  });

  it('builds the small and faithful presets on 28x28 Color-MNIST-shaped data', () => {
    for (const preset of ['small', 'faithful'] as const) {
      const model = create({ preset, dataShape: [28, 28, 3], name: `nvp-${preset}` });
      expect(model.getConfig()).toMatchObject({ preset, dataShape: [28, 28, 3] });
      const inputs = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 3);
      owned.push(inputs);
      tf.tidy(() => {
        const output = model.forward({ inputs }, { seed: 1, training: true });
        expect(output.reconstruction.shape).toEqual([2, 28, 28, 3]);
        expect(output.latent?.shape).toEqual([2, model.config.latentSize]);
        expect(Array.from(output.kl.dataSync()).every(Number.isFinite)).toBe(true);
        expect(model.sample({ count: 1, seed: 4 }).shape).toEqual([1, 28, 28, 3]);
      });
      // Variables per coupling layer: first layer (latent kernel, context kernel, bias), hidden (kernel, bias), output (kernel, bias).
      const expected = model.config.couplingLayers * (3 + 2 * (model.config.conditionerHiddenSizes.length - 1) + 2);
      expect(model.flow.variables.length).toBe(expected);
    }
  });

  it('gives every trainable variable a non-zero gradient', () => {
    const model = create(tinyConfig);
    const inputs = tinyImages(4);
    owned.push(inputs);
    const { value, grads } = tf.variableGrads(() => lossOf(model, inputs, 3), [...model.trainableVariables]);
    for (const variable of model.trainableVariables) {
      const gradient = grads[variable.name];
      expect(gradient, variable.name).toBeDefined();
      const largest = tf.tidy(() => tf.max(tf.abs(gradient as tf.Tensor)).dataSync()[0] as number);
      expect(largest, `largest |gradient| of ${variable.name}`).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('trains: the loss on a small fixed batch decreases under Adam and no tensor leaks across steps', () => {
    const model = create(tinyConfig);
    const inputs = tinyImages(8);
    owned.push(inputs);
    const optimizer = createAdamOptimizer({ learningRate: 3e-3 });
    const losses: number[] = [];
    let tensorsAfterFirstStep = 0;
    for (let step = 0; step < 40; step += 1) {
      const { value, grads } = tf.variableGrads(() => lossOf(model, inputs, step), [...model.trainableVariables]);
      optimizer.applyGradients(model.trainableVariables, model.trainableVariables.map((variable) => grads[variable.name] as tf.Tensor));
      losses.push(value.dataSync()[0] as number);
      tf.dispose([value, ...Object.values(grads)]);
      // Adam creates its moments on the first step; from then on the count must stay flat.
      if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
    }
    optimizer.dispose();
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.85 * mean(losses.slice(0, 5)));
  });

  it('with an identity flow, reports the Monte Carlo KL of its base Gaussian, checked by hand', () => {
    // couplingInitScale 0: every coupling is exactly the identity, so q(z|x) = q_0(z|x) = N(μ, σ²).
    const model = create({ ...tinyConfig, couplingInitScale: 0 });
    const inputs = tinyImages(3);
    owned.push(inputs);
    const posterior = model.encode(inputs);
    const output = model.forward({ inputs }, { seed: 5, training: true });
    const means = posterior.mean.arraySync();
    const scales = tf.tidy(() => tf.exp(posterior.logScale).arraySync());
    const latents = output.latent?.arraySync() as number[][];
    const logNormal = (x: number, mean: number, scale: number) => -0.5 * ((x - mean) / scale) ** 2 - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
    output.kl.dataSync().forEach((kl, example) => {
      const z = latents[example] as number[];
      const expected = z.reduce((sum, value, index) => sum + logNormal(value, means[example]![index]!, scales[example]![index]!) - logNormal(value, 0, 1), 0);
      expect(kl).toBeCloseTo(expected, 4);
    });
    tf.dispose([posterior.context, posterior.mean, posterior.logScale, output.reconstruction, output.kl, output.latent!, ...Object.values(output.extras!)]);
  });

  it('with an identity flow, averages its Monte Carlo KL to the analytic Gaussian KL', () => {
    const model = create({ ...tinyConfig, couplingInitScale: 0 });
    const one = tinyImages(1);
    const inputs = tf.tile(one, [4000, 1, 1, 1]) as tf.Tensor4D;
    owned.push(one, inputs);
    const posterior = model.encode(one);
    const means = posterior.mean.dataSync();
    const scales = tf.tidy(() => tf.exp(posterior.logScale).dataSync());
    // KL(N(μ, σ²) || N(0, 1)) = Σ [-log σ + (σ² + μ²) / 2 - 1/2]
    const analytic = Array.from(means).reduce((sum, mean, index) => {
      const scale = scales[index] as number;
      return sum - Math.log(scale) + (scale * scale + mean * mean) / 2 - 0.5;
    }, 0);
    const monteCarlo = tf.tidy(() => {
      const kl = model.forward({ inputs }, { seed: 9, training: true }).kl;
      const { mean, variance } = tf.moments(kl);
      return { mean: mean.dataSync()[0] as number, standardError: Math.sqrt((variance.dataSync()[0] as number) / 4000) };
    });
    expect(Math.abs(monteCarlo.mean - analytic)).toBeLessThan(4 * monteCarlo.standardError);
    tf.dispose([posterior.context, posterior.mean, posterior.logScale]);
  });

  it('recreates itself from getConfig() and round-trips trained weights exactly', () => {
    // dispose() is idempotent, so the cleanup after each test may dispose `first` again.
    const first = create({ ...tinyConfig, seed: 3 });
    const inputs = tinyImages(2);
    owned.push(inputs);
    for (const variable of first.trainableVariables) tf.tidy(() => variable.assign(tf.add(variable, tf.randomNormal(variable.shape, 0, 0.01, 'float32', 1))));
    const bytes = encodeModelWeights(first);
    const config = first.getConfig();
    const expected = tf.tidy(() => first.forward({ inputs }, { seed: 4, training: false }).reconstruction.arraySync());
    first.dispose();
    const afterDispose = tf.memory().numTensors;
    first.dispose();
    expect(tf.memory().numTensors).toBe(afterDispose);
    const second = create(parsePluginConfig(vaeNvpModel, config));
    expect(second.getConfig()).toEqual(config);
    loadModelWeights(second, bytes, 'memory');
    const restored = tf.tidy(() => second.forward({ inputs }, { seed: 4, training: false }).reconstruction.arraySync());
    expect(restored).toEqual(expected);
  });

  it('is a pure function of its config: same seed, same weights; another seed, other weights', () => {
    const weightsOf = (model: VaeNvpModel) => model.trainableVariables.map((variable) => Array.from(variable.dataSync()));
    const first = weightsOf(create({ ...tinyConfig, name: 'nvp-a', seed: 1 }));
    expect(weightsOf(create({ ...tinyConfig, name: 'nvp-b', seed: 1 }))).toEqual(first);
    expect(weightsOf(create({ ...tinyConfig, name: 'nvp-c', seed: 2 }))).not.toEqual(first);
  });

  it('rejects inputs of the wrong shape, a bad sample count and a name already in use, saying what is valid', () => {
    const model = create(tinyConfig);
    const wrong = tf.zeros([2, 28, 28, 1]);
    owned.push(wrong);
    expect(() => model.forward({ inputs: wrong }, { seed: 1, training: true })).toThrow(InvalidArgumentError);
    expect(() => model.forward({ inputs: wrong }, { seed: 1, training: true })).toThrow(/batch\.inputs of model 'nvp-test'.*\[2,28,28,1\].*\[batch, 8,8,1\]/);
    expect(() => model.sample({ count: 0, seed: 1 })).toThrow(/count .*positive integer/);
    const before = tf.memory().numTensors;
    expect(() => createVaeNvpModel(tinyConfig)).toThrow(/name: a live model already owns the variable 'nvp-test\/encoder\/conv1\/kernel'/);
    // The failed construction freed what it had created.
    expect(tf.memory().numTensors).toBe(before);
  });
});
