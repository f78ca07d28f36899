import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { describe, expect, it } from 'vitest';
import { createMnistClassifier, decodeMnistClassifier, encodeMnistClassifier } from './mnist-classifier.js';
import { loadMnistClassifier, readMnistClassifierFileMetadata } from './mnist-classifier-file.js';
import { evaluateClassifier, trainMnistClassifier } from './train-mnist-classifier.js';

const mnist = loadEmbeddedMnist();
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('trainMnistClassifier and the shipped weights', () => {
  it('the shipped weights classify >= 97% of the 1,000 held-out embedded MNIST test digits', async () => {
    expect(mnist.info.count).toEqual({ train: 9000, test: 1000 });
    const classifier = loadMnistClassifier();
    const { accuracy, count } = await evaluateClassifier(classifier, mnist, { split: 'test' });
    expect(count).toBe(1000);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    // The figure recorded in the file (and the README) is what the weights give.
    const recorded = readMnistClassifierFileMetadata().training as { testAccuracy: number };
    expect(Math.abs(accuracy - recorded.testAccuracy)).toBeLessThanOrEqual(0.002);
    classifier.dispose();
  });

  it('a short run lowers the cross-entropy, leaks no tensor, and continues from a saved classifier', async () => {
    const before = tf.memory().numTensors;
    const { classifier, losses } = await trainMnistClassifier({ dataset: mnist, steps: 40, batchSize: 32, seed: 1, maxShift: 1 });
    expect(losses).toHaveLength(40);
    expect(mean(losses.slice(-8))).toBeLessThan(0.75 * mean(losses.slice(0, 8)));
    // Only the classifier's 8 variables remain (the optimizer's moments are freed).
    expect(tf.memory().numTensors).toBe(before + 8);
    const resumed = decodeMnistClassifier(encodeMnistClassifier(classifier), 'memory', { trainable: true });
    const continued = await trainMnistClassifier({ dataset: mnist, steps: 5, batchSize: 32, seed: 2, classifier: resumed });
    expect(continued.classifier).toBe(resumed);
    expect(mean(continued.losses)).toBeLessThan(mean(losses.slice(0, 8)));
    classifier.dispose();
    resumed.dispose();
  });

  it('refuses datasets it cannot learn from and frozen classifiers, with the reason', async () => {
    const flat = createArrayDataset({ name: 'flat', train: new Float32Array(784 * 4), trainLabels: [0, 1, 2, 3], shape: [784] });
    await expect(trainMnistClassifier({ dataset: flat, steps: 1, batchSize: 2 })).rejects.toThrow(
      /trainMnistClassifier dataset: 'flat' has examples of shape \[784\]; the MNIST classifier needs \[28, 28, 1\]/,
    );
    const unlabelled = createArrayDataset({ name: 'unlabelled', train: new Float32Array(784 * 4), shape: [28, 28, 1] });
    await expect(trainMnistClassifier({ dataset: unlabelled, steps: 1, batchSize: 2 })).rejects.toThrow(/'unlabelled' has no labels/);
    const badLabels = createArrayDataset({ name: 'bad', train: new Float32Array(784 * 2), trainLabels: [3, 10], shape: [28, 28, 1] });
    await expect(trainMnistClassifier({ dataset: badLabels, steps: 1, batchSize: 2 })).rejects.toThrow(/label 10 at index \d is not a class id in \[0, 10\)/);
    const frozen = createMnistClassifier({ trainable: false });
    await expect(trainMnistClassifier({ dataset: mnist, steps: 1, classifier: frozen })).rejects.toThrow(/classifier: is frozen/);
    frozen.dispose();
    await expect(evaluateClassifier(frozen, unlabelled, { split: 'train' })).rejects.toThrow(/'unlabelled' has no labels/);
  });
});
