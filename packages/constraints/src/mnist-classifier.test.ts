import * as tf from '@tensorflow/tfjs-core';
import { encodeCheckpoint } from '@tame/core';
import { describe, expect, it } from 'vitest';
import {
  createMnistClassifier,
  decodeMnistClassifier,
  encodeMnistClassifier,
  mnistClassifierFeatures,
  readMnistClassifierMetadata,
} from './mnist-classifier.js';

describe('MNIST classifier', () => {
  it('maps [B, 28, 28, 1] to logits [B, 10], log-probabilities and 64 penultimate features, leaking nothing', () => {
    const classifier = createMnistClassifier({ seed: 3 });
    const images = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const logits = classifier.logits(images);
    const logProbabilities = classifier.logProbabilities(images);
    const features = mnistClassifierFeatures(classifier).extract(images);
    expect(logits.shape).toEqual([5, 10]);
    expect(features.shape).toEqual([5, 64]);
    // log-probabilities are the log-softmax of the logits: each row's probabilities sum to 1.
    const sums = tf.tidy(() => tf.sum(tf.exp(logProbabilities), 1));
    Array.from(sums.dataSync()).forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    expect(Math.min(...features.dataSync())).toBeGreaterThanOrEqual(0);
    tf.dispose([logits, logProbabilities, features, sums]);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    classifier.dispose();
  });

  it('rejects images of another shape with the expected one', () => {
    const classifier = createMnistClassifier();
    const flat = tf.zeros([2, 784]);
    const color = tf.zeros([2, 28, 28, 3]);
    expect(() => classifier.logits(flat)).toThrow(/classifier 'mnist-classifier' input: images of shape \[2,784\] do not fit the expected \[batch, 28, 28, 1\]/);
    expect(() => classifier.logProbabilities(color)).toThrow(/\[2,28,28,3\] do not fit the expected \[batch, 28, 28, 1\]/);
    tf.dispose([flat, color]);
    classifier.dispose();
  });

  it('round-trips its weights bit for bit through the checkpoint format, frozen by default', () => {
    const classifier = createMnistClassifier({ seed: 5 });
    const bytes = encodeMnistClassifier(classifier, { note: 'test' });
    const restored = decodeMnistClassifier(bytes, 'memory');
    expect(restored.variables.every((variable) => !variable.trainable)).toBe(true);
    classifier.variables.forEach((variable, index) => {
      expect(Array.from((restored.variables[index] as tf.Variable).dataSync())).toEqual(Array.from(variable.dataSync()));
    });
    expect(readMnistClassifierMetadata(bytes, 'memory')).toMatchObject({ kind: 'mnist-classifier', training: { note: 'test' } });
    // Two instances coexist: tfjs variable names are made unique per instance.
    expect(new Set([...classifier.variables, ...restored.variables].map((variable) => variable.name)).size).toBe(16);
    classifier.dispose();
    restored.dispose();
  });

  it('refuses files that are not a classifier or do not fit the architecture, naming the file', () => {
    expect(() => decodeMnistClassifier(encodeCheckpoint({ step: 0, state: { kind: 'model-weights' }, tensors: [] }), 'other.ckpt')).toThrow(
      /Checkpoint other\.ckpt: is not an MNIST classifier file \(kind "model-weights"\)/,
    );
    expect(() => decodeMnistClassifier(encodeCheckpoint({ step: 0, state: { kind: 'mnist-classifier' }, tensors: [] }), 'empty.ckpt')).toThrow(
      /Checkpoint empty\.ckpt: has no values for 'conv1\/kernel'/,
    );
    const classifier = createMnistClassifier();
    const bytes = encodeMnistClassifier(classifier);
    classifier.dispose();
    const wrongShape = encodeCheckpoint({
      step: 0,
      state: { kind: 'mnist-classifier' },
      tensors: [{ name: 'conv1/kernel', shape: [5, 5, 1, 16], values: new Float32Array(400) }],
    });
    expect(() => decodeMnistClassifier(wrongShape, 'small.ckpt')).toThrow(/'conv1\/kernel' has shape \[5,5,1,16\], the architecture needs \[3,3,1,16\]/);
    const corrupt = Uint8Array.from(bytes);
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] as number) ^ 0xff;
    expect(() => decodeMnistClassifier(corrupt, 'corrupt.ckpt')).toThrow(/corrupt\.ckpt: corrupt or truncated/);
  });
});
