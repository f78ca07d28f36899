import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset, createElboObjective, InvalidPluginConfigError, parsePluginConfig, TameError, train } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { createGaussianLikelihood } from '@tame/likelihoods';
import { describe, expect, it } from 'vitest';
import type { BilboVaeConfigInput } from './bilbo-vae-config.js';
import { bilboVaePlugin, createBilboVaeModel } from './bilbo-vae-model.js';

const tiny: BilboVaeConfigInput = { dataShape: [8, 8, 1], encoderFilters: [4, 8], decoderFilters: [8, 4], latentSize: 3, kernelSize: 3 };
const batch = (seed = 1, size = 4) => ({ inputs: tf.randomUniform([size, 8, 8, 1], 0, 1, 'float32', seed) });

describeModelPluginConformance(bilboVaePlugin, { config: { ...tiny, name: 'conformance-constant' }, batch });
describeModelPluginConformance(bilboVaePlugin, { config: { ...tiny, name: 'conformance-learned', posterior: 'learned' }, batch });

function disposeOutput(output: ReturnType<ReturnType<typeof createBilboVaeModel>['forward']>) {
  tf.dispose([output.reconstruction, output.kl, output.latent, ...Object.values(output.extras ?? {})].filter((tensor) => tensor !== undefined));
}

describe('BILBO VAE config', () => {
  it('resolves the small preset to the reference conv VAE and the faithful one to 5x5/2 convs down to 1x1', () => {
    const small = parsePluginConfig(bilboVaePlugin, {});
    expect(small).toMatchObject({
      preset: 'small',
      name: 'bilbo-vae',
      dataShape: [28, 28, 1],
      latentSize: 16,
      posterior: 'constant',
      posteriorScale: 1,
      dataScale: 1,
      kernelSize: 4,
      activation: 'relu',
      encoderFilters: [32, 64],
      decoderFilters: [64, 32],
    });
    const faithful = parsePluginConfig(bilboVaePlugin, { preset: 'faithful' });
    // 28 -> 14 -> 7 -> 4 -> 2 -> 1; depths base, base, 2 base, 2 base, 4 latent and the last five decoder depths.
    expect(faithful).toMatchObject({ kernelSize: 5, activation: 'leaky-relu', encoderFilters: [32, 32, 64, 64, 64], decoderFilters: [128, 64, 64, 32, 32] });
    const faithful64 = parsePluginConfig(bilboVaePlugin, { preset: 'faithful', dataShape: [64, 64, 3] });
    expect(faithful64).toMatchObject({ encoderFilters: [32, 32, 64, 64, 128, 64], decoderFilters: [128, 128, 64, 64, 32, 32] });
    // The resolved config is a fixed point.
    expect(parsePluginConfig(bilboVaePlugin, faithful)).toEqual(faithful);
  });

  it('rejects invalid configs naming the field', () => {
    const invalid = (config: unknown, field: string) => {
      let error: unknown;
      try {
        parsePluginConfig(bilboVaePlugin, config);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidPluginConfigError);
      expect(TameError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toContain('@tame/bilbo-vae');
      expect(String((error as Error).message)).toContain(field);
    };
    invalid({ latentSize: 0 }, 'latentSize');
    invalid({ posteriorScale: -1 }, 'posteriorScale');
    invalid({ posterior: 'diagonal' }, 'posterior');
    invalid({ encoderFilters: [4, 8], decoderFilters: [8] }, 'decoderFilters');
    invalid({ dataShape: [30, 30, 1] }, 'dataShape');
    invalid({ name: 'Has Spaces' }, 'name');
  });
});

describe('BILBO VAE model', () => {
  it('outputs the documented shapes, the posterior means in extras and z = mu at evaluation', () => {
    const model = createBilboVaeModel({ ...tiny, name: 'shapes' });
    const data = batch(2, 5);
    const output = model.forward(data, { seed: 3, training: true });
    expect(output.reconstruction.shape).toEqual([5, 8, 8, 1]);
    expect(output.kl.shape).toEqual([5]);
    expect(output.latent?.shape).toEqual([5, 3]);
    expect(output.extras?.posteriorMean?.shape).toEqual([5, 3]);
    expect(output.extras?.posteriorScale).toBeUndefined();
    const values = output.reconstruction.dataSync();
    expect(Array.from(values).every((value) => value > 0 && value < 1)).toBe(true);
    // Training draws z = mu + s eps with s = 1: the latent differs from the mean by unit-variance noise.
    const noise = tf.tidy(() => tf.sub(output.latent as tf.Tensor, output.extras?.posteriorMean as tf.Tensor).dataSync());
    expect(Array.from(noise).some((value) => Math.abs(value) > 0.1)).toBe(true);
    const evaluation = model.forward(data, { seed: 3, training: false });
    expect(Array.from(evaluation.latent?.dataSync() ?? [])).toEqual(Array.from(evaluation.extras?.posteriorMean?.dataSync() ?? []));
    disposeOutput(output);
    disposeOutput(evaluation);
    data.inputs.dispose();
    model.dispose();
  });

  it('constant posterior: kl is the closed-form KL to N(0, diag v) with the model\'s current v and s', () => {
    const s = 0.7;
    const model = createBilboVaeModel({ ...tiny, name: 'kl-constant', posteriorScale: s });
    const priorVariance = [2.5, 0.4, 1.3];
    model.setPriorVariance(priorVariance);
    expect(model.getPriorVariance().map((value) => Number(value.toFixed(6)))).toEqual(priorVariance);
    const data = batch(4, 3);
    const output = model.forward(data, { seed: 1, training: true });
    const means = output.extras?.posteriorMean?.arraySync() as number[][];
    const kl = output.kl.dataSync();
    means.forEach((row, example) => {
      // log(sqrt(v) / s) + (s^2 + mu^2) / (2 v) - 1/2 per dimension.
      const expected = row.reduce((sum, mu, dimension) => {
        const v = priorVariance[dimension] as number;
        return sum + 0.5 * Math.log(v) - Math.log(s) + (s * s + mu * mu) / (2 * v) - 0.5;
      }, 0);
      expect(kl[example]).toBeCloseTo(expected, 4);
      expect(kl[example]).toBeGreaterThanOrEqual(0);
    });
    disposeOutput(output);
    data.inputs.dispose();
    model.dispose();
  });

  it('learned posterior: per-example stds from a second head, starting near s, and the closed-form KL', () => {
    const model = createBilboVaeModel({ ...tiny, name: 'kl-learned', posterior: 'learned', posteriorScale: 1 });
    const data = batch(5, 3);
    const output = model.forward(data, { seed: 1, training: true });
    const means = output.extras?.posteriorMean?.arraySync() as number[][];
    const stds = output.extras?.posteriorScale?.arraySync() as number[][];
    const kl = output.kl.dataSync();
    stds.flat().forEach((std) => expect(std).toBeGreaterThan(0));
    means.forEach((row, example) => {
      const expected = row.reduce((sum, mu, dimension) => {
        const std = stds[example]?.[dimension] as number;
        return sum - Math.log(std) + (std * std + mu * mu) / 2 - 0.5;
      }, 0);
      expect(kl[example]).toBeCloseTo(expected, 4);
    });
    disposeOutput(output);
    data.inputs.dispose();
    model.dispose();
  });

  it('constant and learned models with one seed share every other initial weight', () => {
    const constant = createBilboVaeModel({ ...tiny, name: 'share-constant', seed: 4 });
    const learned = createBilboVaeModel({ ...tiny, name: 'share-learned', seed: 4, posterior: 'learned' });
    expect(learned.trainableVariables.length).toBe(constant.trainableVariables.length + 2);
    constant.trainableVariables.forEach((variable, index) => {
      const other = learned.trainableVariables[index] as tf.Variable;
      expect(other.name.replace('share-learned', '')).toBe(variable.name.replace('share-constant', ''));
      expect(Array.from(other.dataSync())).toEqual(Array.from(variable.dataSync()));
    });
    constant.dispose();
    learned.dispose();
  });

  it('recreates itself exactly from getConfig()', () => {
    const model = createBilboVaeModel({ ...tiny, name: 'recreate', seed: 9, posteriorScale: 0.5 });
    const config = model.getConfig();
    const weights = model.trainableVariables.map((variable) => Array.from(variable.dataSync()));
    model.dispose();
    const again = bilboVaePlugin.create(parsePluginConfig(bilboVaePlugin, config));
    expect(again.getConfig()).toEqual(config);
    expect(again.trainableVariables.map((variable) => Array.from(variable.dataSync()))).toEqual(weights);
    again.dispose();
  });

  it('samples z ~ N(0, diag v) and decodes it', () => {
    const model = createBilboVaeModel({ ...tiny, name: 'sampling' });
    model.setPriorVariance([4, 0.25, 1]);
    const latents = model.samplePrior({ count: 4000, seed: 11 });
    const variances = tf.tidy(() => Array.from(tf.mean(tf.square(latents), 0).dataSync()));
    [4, 0.25, 1].forEach((expected, dimension) => expect(Math.abs((variances[dimension] as number) / expected - 1)).toBeLessThan(0.08));
    const images = model.sample({ count: 6, seed: 12 });
    expect(images.shape).toEqual([6, 8, 8, 1]);
    const decoded = tf.tidy(() => model.decode(model.samplePrior({ count: 6, seed: 12 })));
    expect(Array.from(images.dataSync())).toEqual(Array.from(decoded.dataSync()));
    const context = tf.zeros([6, 1]);
    expect(() => model.sample({ count: 6, seed: 1, context })).toThrow(/unconditional/);
    expect(() => model.setPriorVariance([1, 0, 1])).toThrow(/prior variance/);
    expect(() => model.setPriorVariance([1, 1])).toThrow(/3 finite numbers/);
    tf.dispose([latents, images, decoded, context]);
    model.dispose();
  });

  it('with dataScale a, is exactly the unscaled model scaled: reconstruction a times, same KL', () => {
    const plain = createBilboVaeModel({ ...tiny, name: 'scale-one', seed: 2 });
    const scaled = createBilboVaeModel({ ...tiny, name: 'scale-ten', seed: 2, dataScale: 10 });
    const data = batch(6, 3);
    const scaledData = { inputs: tf.mul(data.inputs, 10) };
    const a = plain.forward(data, { seed: 5, training: true });
    const b = scaled.forward(scaledData, { seed: 5, training: true });
    const ratio = tf.tidy(() => tf.div(b.reconstruction, a.reconstruction).dataSync());
    Array.from(ratio).forEach((value) => expect(value).toBeCloseTo(10, 4));
    Array.from(b.kl.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(a.kl.dataSync()[index] as number, 4));
    disposeOutput(a);
    disposeOutput(b);
    tf.dispose([data.inputs, scaledData.inputs]);
    plain.dispose();
    scaled.dispose();
  });

  it('rejects inputs of the wrong shape naming the model and the expected shape', () => {
    const model = createBilboVaeModel({ ...tiny, name: 'wrong-shape' });
    const inputs = tf.zeros([2, 9, 8, 1]);
    expect(() => model.forward({ inputs }, { seed: 1, training: true })).toThrow(/@tame\/bilbo-vae.*\[batch, 8, 8, 1\]/);
    inputs.dispose();
    model.dispose();
  });

  it('faithful preset on 28x28: the odd-size transposed convolutions (4 -> 7) have shapes and gradients', () => {
    const model = createBilboVaeModel({ preset: 'faithful', name: 'faithful', encoderFilters: [4, 4, 8, 8, 8], decoderFilters: [8, 8, 8, 4, 4], latentSize: 4 });
    const inputs = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const { value, grads } = tf.variableGrads(() => {
      const output = model.forward({ inputs }, { seed: 1, training: true });
      expect(output.reconstruction.shape).toEqual([2, 28, 28, 1]);
      return tf.add(tf.mean(output.kl), tf.mean(tf.square(tf.sub(output.reconstruction, inputs)))) as tf.Scalar;
    }, [...model.trainableVariables]);
    for (const variable of model.trainableVariables) {
      const gradient = grads[variable.name] as tf.Tensor;
      expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
    }
    tf.dispose([value, inputs, ...Object.values(grads)]);
    model.dispose();
  });

  it('trains with core train() and the ELBO (learned posterior): loss decreases, tensor count flat', async () => {
    const model = createBilboVaeModel({ ...tiny, name: 'elbo-train', posterior: 'learned' });
    const values = await tf.tidy(() => tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 8)).data();
    const dataset = createArrayDataset({ train: Float32Array.from(values, (value) => (value > 0.6 ? 1 : 0)), shape: [8, 8, 1] });
    const objective = createElboObjective({ likelihood: createGaussianLikelihood({ sigma: 0.3 }) });
    const losses: number[] = [];
    const counts: number[] = [];
    await train({
      model,
      objective,
      dataset,
      steps: 40,
      batchSize: 16,
      optimizer: { learningRate: 3e-3 },
      callbacks: [
        {
          onStepEnd: ({ metrics }) => {
            losses.push(metrics.loss as number);
            counts.push(tf.memory().numTensors);
          },
        },
      ],
    });
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5 - 5);
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });
});
