// The runtime a test needs: the union package registers the cpu backend and every gradient (tfjs-core has none).
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset, InvalidArgumentError, type ModelOutputV1, type ModelV1, train, type TrainingObjective } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { afterEach, describe, expect, it } from 'vitest';
import type { MlpVaeConfigInput } from './mlp-vae-config.js';
import { createMlpVaeModel, mlpVaeModel } from './mlp-vae-model.js';

const smallConfig = { name: 'mlp-vae-test', dataShape: [8, 8, 1], hiddenSizes: [32, 16], latentSize: 4 } satisfies MlpVaeConfigInput;

/** Fixed 8x8 images in [0, 1]: one bright row per even example, a bright column pair per odd one. */
function barImages(count: number): Float32Array {
  const values = new Float32Array(count * 64);
  for (let example = 0; example < count; example += 1) {
    for (let pixel = 0; pixel < 64; pixel += 1) {
      const [row, column] = [Math.floor(pixel / 8), pixel % 8];
      const on = example % 2 === 0 ? row === example % 8 : Math.abs(column - (example % 8)) <= 1;
      values[example * 64 + pixel] = on ? 0.9 : 0.1;
    }
  }
  return values;
}

const disposeOutput = (output: ModelOutputV1) =>
  tf.dispose([output.reconstruction, output.kl, ...(output.latent ? [output.latent] : []), ...Object.values(output.extras ?? {})]);

describeModelPluginConformance(mlpVaeModel, {
  config: smallConfig,
  batch: () => ({ inputs: tf.tensor4d(barImages(3), [3, 8, 8, 1]) }),
});

const models: ModelV1[] = [];
const create = (config: MlpVaeConfigInput) => {
  const model = createMlpVaeModel(config);
  models.push(model);
  return model;
};
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});

describe('MLP VAE model', () => {
  it('has the parameter count computed by hand', () => {
    const model = create(smallConfig);
    // D = 64. Encoder 64->32->16->8 (mean and log-variance of 4 latents), decoder 4->16->32->64; weights plus biases:
    // (64*32 + 32) + (32*16 + 16) + (16*8 + 8) + (4*16 + 16) + (16*32 + 32) + (32*64 + 64) = 5,480.
    const parameters = model.trainableVariables.reduce((sum, variable) => sum + variable.size, 0);
    expect(parameters).toBe(2080 + 528 + 136 + 80 + 544 + 2112);
    expect(model.trainableVariables.length).toBe(12);
    const names = model.trainableVariables.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((variableName) => variableName.startsWith('mlp-vae-test/'))).toBe(true);
  });

  it('returns the documented shapes, pixels in (0, 1) and the analytic KL of its posterior', () => {
    const model = create(smallConfig);
    const inputs = tf.tensor4d(barImages(5), [5, 8, 8, 1]);
    const output = model.forward({ inputs }, { seed: 1, training: true });
    expect(output.reconstruction.shape).toEqual([5, 8, 8, 1]);
    expect(output.kl.shape).toEqual([5]);
    expect(output.latent?.shape).toEqual([5, 4]);
    expect(output.extras?.['posteriorMean']?.shape).toEqual([5, 4]);
    expect(output.extras?.['posteriorLogVariance']?.shape).toEqual([5, 4]);
    expect(Array.from(output.reconstruction.dataSync()).every((pixel) => pixel > 0 && pixel < 1)).toBe(true);
    // KL = 1/2 sum(mu^2 + exp(v) - v - 1), from the posterior the model reports.
    const means = output.extras!['posteriorMean']!.arraySync() as number[][];
    const logVariances = output.extras!['posteriorLogVariance']!.arraySync() as number[][];
    Array.from(output.kl.dataSync()).forEach((kl, example) => {
      const expected = means[example]!.reduce((sum, mean, index) => {
        const logVariance = logVariances[example]![index]!;
        return sum + 0.5 * (mean * mean + Math.exp(logVariance) - logVariance - 1);
      }, 0);
      expect(kl).toBeCloseTo(expected, 4);
    });
    disposeOutput(output);
    const samples = model.sample({ count: 2, seed: 3 });
    expect(samples.shape).toEqual([2, 8, 8, 1]);
    tf.dispose([samples, inputs]);
  });

  it('decodes the posterior mean at evaluation', () => {
    const model = create(smallConfig);
    const inputs = tf.tensor4d(barImages(2), [2, 8, 8, 1]);
    const evaluation = model.forward({ inputs }, { seed: 1, training: false });
    expect(Array.from(evaluation.latent!.dataSync())).toEqual(Array.from(evaluation.extras!['posteriorMean']!.dataSync()));
    const training = model.forward({ inputs }, { seed: 1, training: true });
    expect(Array.from(training.latent!.dataSync())).not.toEqual(Array.from(evaluation.latent!.dataSync()));
    [evaluation, training].forEach(disposeOutput);
    inputs.dispose();
  });

  it('trains under the public trainer: the loss falls and tf.memory().numTensors stays flat across steps', async () => {
    const model = create(smallConfig);
    // A minimal objective: squared error (a Gaussian likelihood with sigma^2 = 1/20, up to a constant) plus the KL.
    const objective: TrainingObjective = {
      name: 'squared-error-plus-kl',
      trainableVariables: [],
      computeLoss: ({ batch, output }) => ({
        loss: tf.tidy(() => {
          const squaredError = tf.sum(tf.reshape(tf.squaredDifference(batch.inputs, output.reconstruction), [batch.inputs.shape[0]!, -1]), 1);
          return tf.mean(tf.add(tf.mul(10, squaredError), output.kl)) as tf.Scalar;
        }),
        metrics: {},
      }),
      afterStep: () => ({}),
      getState: () => ({}),
      setState: () => {},
    };
    const dataset = createArrayDataset({ train: barImages(16), shape: [8, 8, 1] });
    const losses: number[] = [];
    const tensorCounts: number[] = [];
    await train({
      model,
      objective,
      dataset,
      steps: 60,
      batchSize: 8,
      optimizer: { learningRate: 3e-3 },
      callbacks: [
        {
          onStepEnd: ({ metrics }) => {
            losses.push(metrics['loss']!);
            tensorCounts.push(tf.memory().numTensors);
          },
        },
      ],
    });
    // Adam creates its moments during the first step; from then on nothing may accumulate.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
  });

  it('rejects inputs of another shape and a name a live model holds, naming the model', () => {
    const model = create(smallConfig);
    const inputs = tf.zeros([2, 7, 7, 1]);
    expect(() => model.forward({ inputs }, { seed: 1, training: true })).toThrow(
      /batch.inputs of model 'mlp-vae-test' \(@tame-example\/model-mlp-vae\).*shape \[2,7,7,1\] is not \[batch, 8,8,1\]/,
    );
    inputs.dispose();
    const before = tf.memory().numTensors;
    expect(() => createMlpVaeModel(smallConfig)).toThrow(InvalidArgumentError);
    expect(() => createMlpVaeModel(smallConfig)).toThrow(/a live model already uses this name/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an invalid config, naming the plugin and every field', () => {
    expect(() => createMlpVaeModel({ hiddenSizes: [], latentSize: 0 })).toThrow(
      /Invalid config for plugin '@tame-example\/model-mlp-vae': hiddenSizes: give at least one hidden layer; latentSize: /,
    );
    expect(() => createMlpVaeModel({ hidenSizes: [8] } as never)).toThrow(/hidenSizes/);
  });

  it('resolves every default into getConfig(), so the config recreates the model exactly', () => {
    const model = create({ name: 'mlp-vae-defaults', dataShape: [4, 4, 1] });
    expect(model.getConfig()).toEqual({ name: 'mlp-vae-defaults', seed: 0, dataShape: [4, 4, 1], hiddenSizes: [256], latentSize: 16 });
    const twin = create({ ...(model.getConfig() as MlpVaeConfigInput), name: 'mlp-vae-twin' });
    model.trainableVariables.forEach((variable, index) => {
      expect(Array.from(twin.trainableVariables[index]!.dataSync())).toEqual(Array.from(variable.dataSync()));
    });
  });
});
