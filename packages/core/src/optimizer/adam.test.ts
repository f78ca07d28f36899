import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adamUpdateKernelName, createAdamOptimizer } from './adam.js';
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

  // The test set-up starts wasm through @tame/backend, which registers the fused update under this name.
  it.skipIf(tf.getBackend() !== 'wasm')('runs the backend\'s fused update where registered, bit for bit equal to the ops path', () => {
    const registered = tf.getKernel(adamUpdateKernelName, 'wasm');
    expect(registered).toBeDefined();
    const config = registered!;
    let launches = 0;
    const counting = { ...config, kernelFunc: (...args: Parameters<typeof config.kernelFunc>) => (launches++, config.kernelFunc(...args)) };
    // Values from 1e-30 to 1e4, both signs, and zeros: every rounding path of the update. A small variable and one
    // past the size where the wasm kernel switches from its loop to ops.
    const shapes: Array<[number, number]> = [[37, 11], [160, 129]];
    const values = (seed: number, [rows, columns]: [number, number]) =>
      tf.tensor2d(Array.from({ length: rows * columns }, (_, index) => (index % 9 === 0 ? 0 : Math.sin(index * seed) * 10 ** ((index * seed) % 35 - 30))), [rows, columns]);
    const train = (name: string) => {
      const variables = shapes.map((shape, index) => tf.variable(values(1.7, shape), true, `${name}/${index}`));
      const optimizer = createAdamOptimizer({ learningRate: 0.01 });
      for (let step = 1; step <= 5; step += 1) {
        const gradients = shapes.map((shape) => values(step + 0.3, shape));
        optimizer.applyGradients(variables, gradients);
        tf.dispose(gradients);
      }
      const bytes = [...variables, ...optimizer.slots().map((slot) => slot.tensor)].map((tensor) => Array.from(new Uint32Array(tensor.dataSync().buffer)));
      optimizer.dispose();
      tf.dispose(variables);
      return bytes;
    };
    tf.unregisterKernel(adamUpdateKernelName, 'wasm');
    tf.registerKernel(counting);
    let fused: number[][];
    try {
      fused = train('adam-test/fused');
    } finally {
      tf.unregisterKernel(adamUpdateKernelName, 'wasm');
    }
    let ops: number[][];
    try {
      ops = train('adam-test/ops');
    } finally {
      tf.registerKernel(config);
    }
    expect(launches).toBe(10);
    expect(fused).toEqual(ops);
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
