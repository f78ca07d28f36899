import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adamUpdateKernelName } from './adam-update.js';
import { leakedAcross, randomValues } from './test-helpers.js';

const attrs = { beta1: 0.9, beta2: 0.999, stepSize: 0.003, epsilonHat: 1e-8 };
const update = (variable: tf.Tensor, gradient: tf.Tensor, first: tf.Tensor, second: tf.Tensor) =>
  tf.engine().runKernel(adamUpdateKernelName, { variable, gradient, first, second }, attrs) as tf.Tensor[];

describe('TameAdamUpdate on wasm', () => {
  it.each([1001, 20_000])('computes Adam\'s update (float64 by hand) to float32 precision, %i values (loop, ops)', (size) => {
    const [p, g, m, v] = [1, 2, 3, 4].map((seed) => randomValues(size, seed));
    const second = v!.map(Math.abs);
    const outputs = tf.tidy(() => update(tf.tensor1d(p!), tf.tensor1d(g!), tf.tensor1d(m!), tf.tensor1d(second)).map((tensor) => tensor.dataSync()));
    for (let index = 0; index < size; index++) {
      const nextFirst = attrs.beta1 * m![index]! + (1 - attrs.beta1) * g![index]!;
      const nextSecond = attrs.beta2 * second[index]! + (1 - attrs.beta2) * g![index]! ** 2;
      const nextParameter = p![index]! - (attrs.stepSize * nextFirst) / (Math.sqrt(nextSecond) + attrs.epsilonHat);
      expect(outputs[1]![index]).toBeCloseTo(nextFirst, 6);
      expect(outputs[2]![index]).toBeCloseTo(nextSecond, 6);
      expect(Math.abs(outputs[0]![index]! - nextParameter)).toBeLessThan(1e-6 * Math.max(1, Math.abs(nextParameter)));
    }
  });

  it('refuses mismatched shapes or dtypes with a clear error', () => {
    tf.tidy(() => {
      const a = tf.zeros([3]);
      expect(() => update(a, tf.zeros([4]), a, a)).toThrow('tame wasm TameAdamUpdate: variable, gradient, first and second must be float32 tensors of one shape');
      expect(() => update(a, tf.zeros([3], 'int32'), a, a)).toThrow(/must be float32/);
    });
  });

  it('leaves no tensor or heap bytes behind', () => {
    const [a, b] = [tf.randomNormal([64, 33]), tf.randomNormal([64, 33])];
    expect(leakedAcross(tf, 20, () => update(a!, b!, a!, tf.abs(b!)))).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([a!, b!]);
  });
});
