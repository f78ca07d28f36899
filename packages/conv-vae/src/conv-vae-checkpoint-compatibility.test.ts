import * as tf from '@tensorflow/tfjs-core';
import {
  assignModelVariables,
  createArrayDataset,
  createElboObjective,
  createMemoryCheckpointStore,
  encodeModelWeights,
  type LikelihoodV1,
  loadModelWeights,
  type ModelV1,
  readModelWeightsHeader,
  train,
} from '@tame/core';
import { describe, expect, it } from 'vitest';
import { convVaePlugin, createConvVaeModel } from './conv-vae-model.js';

// Run directories and checkpoints written by the app before this package existed name the variables
// `reference-conv-vae/...` and were initialised with these seeds; they must keep loading and reproducing.
const referenceVariables = [
  ['reference-conv-vae/encoder/conv1/kernel', [4, 4, 1, 32]],
  ['reference-conv-vae/encoder/conv1/bias', [32]],
  ['reference-conv-vae/encoder/conv2/kernel', [4, 4, 32, 64]],
  ['reference-conv-vae/encoder/conv2/bias', [64]],
  ['reference-conv-vae/encoder/dense/kernel', [3136, 32]],
  ['reference-conv-vae/encoder/dense/bias', [32]],
  ['reference-conv-vae/decoder/dense/kernel', [16, 3136]],
  ['reference-conv-vae/decoder/dense/bias', [3136]],
  ['reference-conv-vae/decoder/deconv1/kernel', [4, 4, 32, 64]],
  ['reference-conv-vae/decoder/deconv1/bias', [32]],
  ['reference-conv-vae/decoder/deconv2/kernel', [4, 4, 1, 32]],
  ['reference-conv-vae/decoder/deconv2/bias', [1]],
];

// First three values of each kernel with seed 2, recorded from the app's model before the move (tfjs draws the
// initial values in JavaScript, so they are the same on every backend).
const firstKernelValuesForSeed2: Record<string, number[]> = {
  'encoder/conv1/kernel': [0.1510634869337082, -0.6227421164512634, 0.39624351263046265],
  'encoder/conv2/kernel': [-0.10628463327884674, 0.0638466626405716, -0.09697309136390686],
  'encoder/dense/kernel': [-0.0033318325877189636, -0.02417207509279251, 0.03949633985757828],
  'decoder/dense/kernel': [-0.17154544591903687, 0.21741794049739838, -0.12889283895492554],
  'decoder/deconv1/kernel': [-0.031803980469703674, 0.0743613988161087, -0.2022857815027237],
  'decoder/deconv2/kernel': [-0.1274983286857605, 0.028767986223101616, 0.033614251762628555],
};

// A unit-variance Gaussian up to its constant: half the squared error per example.
const squaredErrorLikelihood: LikelihoodV1 = {
  specificationVersion: 'v1',
  id: 'test/squared-error',
  trainableVariables: [],
  negativeLogLikelihood: (data, reconstruction) =>
    tf.tidy(() => tf.mul(0.5, tf.sum(tf.reshape(tf.square(tf.sub(data, reconstruction)), [data.shape[0] as number, -1]), 1)) as tf.Tensor1D),
  dispose: () => undefined,
};

const reconstructionOf = (model: ModelV1, inputs: tf.Tensor) => {
  const output = model.forward({ inputs }, { seed: 3, training: false });
  const values = Array.from(output.reconstruction.dataSync());
  tf.dispose([output.reconstruction, output.kl, output.latent!, ...Object.values(output.extras ?? {})]);
  return values;
};

describe('conv VAE checkpoint compatibility', () => {
  it('keeps the variable names, shapes and order of the reference model', () => {
    const model = createConvVaeModel();
    expect(model.trainableVariables.map((variable) => [variable.name, variable.shape])).toEqual(referenceVariables);
    model.dispose();
  });

  it('initialises exactly as before the move (same seeds, same order) and computes the same forward pass', () => {
    const model = createConvVaeModel({ seed: 2 });
    for (const variable of model.trainableVariables) {
      const label = variable.name.slice('reference-conv-vae/'.length);
      const expected = firstKernelValuesForSeed2[label];
      if (expected === undefined) expect(Array.from(variable.dataSync()).every((value) => value === 0), label).toBe(true);
      else expect(Array.from(variable.dataSync().slice(0, 3)), label).toEqual(expected);
    }
    model.dispose();
    // Recorded from the app's model too (seed 0, latent 16; backend arithmetic, so to 4 decimals).
    const reference = createConvVaeModel();
    const inputs = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const output = reference.forward({ inputs }, { seed: 5, training: true });
    const [kl0, kl1] = Array.from(output.kl.dataSync());
    expect(kl0).toBeCloseTo(3.532886266708374, 4);
    expect(kl1).toBeCloseTo(4.10094690322876, 4);
    expect(tf.sum(output.reconstruction).dataSync()[0]).toBeCloseTo(705.3189086914062, 2);
    tf.dispose([inputs, output.reconstruction, output.kl, output.latent!, ...Object.values(output.extras ?? {})]);
    reference.dispose();
  });

  it('round-trips its weights through a model-weights file: header, plugin.create(header.config), exact outputs', () => {
    const model = createConvVaeModel({ preset: 'tiny', dataShape: [8, 8, 1], seed: 4 });
    const inputs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5);
    for (const variable of model.trainableVariables) tf.tidy(() => variable.assign(tf.add(variable, 0.01)));
    const bytes = encodeModelWeights(model);
    const expected = reconstructionOf(model, inputs);
    model.dispose();
    const header = readModelWeightsHeader(bytes, 'memory');
    expect(header.modelId).toBe('@tame/conv-vae');
    const restored = convVaePlugin.create(header.config as never);
    expect(restored.getConfig()).toEqual(header.config);
    expect(reconstructionOf(restored, inputs)).not.toEqual(expected); // fresh weights differ (the +0.01)
    loadModelWeights(restored, bytes, 'memory');
    expect(reconstructionOf(restored, inputs)).toEqual(expected);
    inputs.dispose();
    restored.dispose();
  });

  it("loads a training checkpoint's weights by variable name, as `tame eval` opens a run directory", async () => {
    const model = createConvVaeModel({ preset: 'tiny', dataShape: [8, 8, 1] });
    const values = Float32Array.from({ length: 16 * 64 }, (_, index) => (index * 7919) % 101 / 100);
    const dataset = createArrayDataset({ name: 'values', train: values, shape: [8, 8, 1] });
    const store = createMemoryCheckpointStore();
    await train({ model, objective: createElboObjective({ likelihood: squaredErrorLikelihood }), dataset, steps: 3, batchSize: 4, checkpoint: { store } });
    const inputs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 6);
    const expected = reconstructionOf(model, inputs);
    model.dispose();
    const latest = await store.loadLatest();
    expect(latest?.checkpoint.tensors.map((tensor) => tensor.name)).toEqual(
      expect.arrayContaining(referenceVariables.map(([name]) => name)),
    );
    const reopened = createConvVaeModel({ preset: 'tiny', dataShape: [8, 8, 1] });
    assignModelVariables(reopened, latest!.checkpoint.tensors, latest!.location, { allowExtra: true });
    expect(reconstructionOf(reopened, inputs)).toEqual(expected);
    inputs.dispose();
    reopened.dispose();
    dataset.dispose();
  });
});
