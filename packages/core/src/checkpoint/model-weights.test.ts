import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors/tame-error.js';
import { createTinyVae } from '../testing/tiny-vae.js';
import { encodeCheckpoint } from './checkpoint-format.js';
import { encodeModelWeights, loadModelWeights, readModelWeightsHeader } from './model-weights.js';

describe('model weights', () => {
  it('restores every variable bit for bit and keeps the plugin id and config in the header', () => {
    const model = createTinyVae({ inputSize: 6, latentSize: 2, seed: 4 });
    const saved = model.trainableVariables.map((variable) => Array.from(variable.dataSync()));
    const bytes = encodeModelWeights(model);
    expect(readModelWeightsHeader(bytes, 'w.tameckpt')).toEqual({ modelId: model.id, config: model.getConfig() });
    for (const variable of model.trainableVariables) tf.tidy(() => variable.assign(tf.zerosLike(variable)));
    const before = tf.memory().numTensors;
    loadModelWeights(model, bytes, 'w.tameckpt');
    expect(tf.memory().numTensors).toBe(before);
    expect(model.trainableVariables.map((variable) => Array.from(variable.dataSync()))).toEqual(saved);
    model.dispose();
  });

  it('refuses a file from another model, a missing or extra variable and a shape change, naming the file', () => {
    const model = createTinyVae({ inputSize: 6, latentSize: 2, seed: 4 });
    const other = createTinyVae({ inputSize: 6, latentSize: 3, seed: 4, name: 'other' });
    const bytes = encodeModelWeights(model);
    const first = model.trainableVariables[0] as tf.Variable;
    const withState = (tensors: Array<{ name: string; shape: number[]; values: Float32Array }>) =>
      encodeCheckpoint({ step: 0, state: { kind: 'model-weights', modelId: model.id, config: model.getConfig() }, tensors });
    const all = model.trainableVariables.map((variable) => ({ name: variable.name, shape: [...variable.shape], values: variable.dataSync() as Float32Array }));
    expect(() => loadModelWeights(model, withState(all.slice(1)), 'a.tameckpt')).toThrow(`Checkpoint a.tameckpt: has no values for variable '${first.name}'`);
    expect(() => loadModelWeights(model, withState([...all, { name: 'stray', shape: [1], values: new Float32Array(1) }]), 'b')).toThrow(/does not have: stray/);
    const reshaped = all.map((tensor, index) => (index === 0 ? { ...tensor, shape: [tensor.values.length] } : tensor));
    expect(() => loadModelWeights(model, withState(reshaped), 'c')).toThrow(/has shape/);
    expect(() => readModelWeightsHeader(encodeCheckpoint({ step: 1, state: {}, tensors: [] }), 'd')).toThrow(CheckpointError);
    const otherModel = { ...other, id: 'some/other-model' };
    expect(() => loadModelWeights(otherModel, bytes, 'e')).toThrow(/not 'some\/other-model'/);
    model.dispose();
    other.dispose();
  });

  it('saves and restores non-trainable state with the weights', () => {
    const tiny = createTinyVae({ inputSize: 4, latentSize: 2, seed: 1, name: 'with-state' });
    const priorVariance = tf.variable(tf.tensor1d([1.5, 2.5]), false, 'with-state/prior-variance');
    const model = { ...tiny, nonTrainableVariables: [priorVariance] };
    const bytes = encodeModelWeights(model);
    priorVariance.assign(tf.tensor1d([9, 9]));
    loadModelWeights(model, bytes, 'memory');
    expect(Array.from(priorVariance.dataSync())).toEqual([1.5, 2.5]);
    expect(() => loadModelWeights(tiny, bytes, 'f')).toThrow(/does not have: with-state\/prior-variance/);
    priorVariance.dispose();
    tiny.dispose();
  });
});
