import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createAdamOptimizer } from './adam.js';
import { clipByGlobalNorm, globalNorm } from './clip-by-global-norm.js';

/** Adam written out in float64 from the paper, as the second method. */
function referenceAdam(parameters: number[], gradients: number[][], learningRate: number) {
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const first = parameters.map(() => 0);
  const second = parameters.map(() => 0);
  const values = [...parameters];
  gradients.forEach((gradient, index) => {
    const t = index + 1;
    values.forEach((_, i) => {
      first[i] = beta1 * first[i]! + (1 - beta1) * gradient[i]!;
      second[i] = beta2 * second[i]! + (1 - beta2) * gradient[i]! ** 2;
      const firstHat = first[i]! / (1 - beta1 ** t);
      const secondHat = second[i]! / (1 - beta2 ** t);
      values[i] = values[i]! - (learningRate * firstHat) / (Math.sqrt(secondHat) + epsilon);
    });
  });
  return values;
}

describe('createAdamOptimizer', () => {
  it('matches Adam computed by hand in float64 over three steps', () => {
    const variable = tf.variable(tf.tensor1d([1, -2, 0.5]), true, 'adam-test/x');
    const optimizer = createAdamOptimizer({ learningRate: 0.1 });
    const gradients = [
      [0.3, -1, 2],
      [0.1, 0.5, -4],
      [-0.2, 0.25, 1e-3],
    ];
    for (const gradient of gradients) {
      const tensor = tf.tensor1d(gradient);
      optimizer.applyGradients([variable], [tensor]);
      tensor.dispose();
    }
    const expected = referenceAdam([1, -2, 0.5], gradients, 0.1);
    Array.from(variable.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
    expect(optimizer.getState().iterations).toBe(3);
    expect(optimizer.slots().map(({ name }) => name)).toEqual(['adam/m/adam-test/x', 'adam/v/adam-test/x']);
    optimizer.dispose();
    variable.dispose();
  });

  it('keeps the number of tensors flat across steps', () => {
    const variable = tf.variable(tf.ones([4, 3]), true, 'adam-test/y');
    const optimizer = createAdamOptimizer();
    const gradient = tf.ones([4, 3]);
    optimizer.applyGradients([variable], [gradient]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step += 1) optimizer.applyGradients([variable], [gradient]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([gradient, variable]);
    optimizer.dispose();
  });

  it('rejects invalid hyper-parameters', () => {
    expect(() => createAdamOptimizer({ learningRate: -1 })).toThrow(/adam.learningRate/);
    expect(() => createAdamOptimizer({ beta1: 1 })).toThrow(/beta1/);
  });
});

describe('globalNorm and clipByGlobalNorm', () => {
  it('computes sqrt of the summed squares and rescales to the maximum norm', () => {
    const gradients = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])];
    const norm = globalNorm(gradients);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    const clipped = clipByGlobalNorm(gradients, 5, 1);
    expect(Array.from(clipped[0]!.dataSync())).toEqual([3 / 5, 0].map(Math.fround));
    expect(globalNorm(clipped).dataSync()[0]).toBeCloseTo(1, 6);
    const untouched = clipByGlobalNorm(gradients, 5, 10);
    expect(Array.from(untouched[1]!.dataSync())).toEqual([0, 4]);
    tf.dispose([...gradients, ...clipped, ...untouched, norm]);
  });
});
