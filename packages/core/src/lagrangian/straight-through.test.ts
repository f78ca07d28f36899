import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { straightThrough } from './straight-through.js';

describe('straightThrough', () => {
  it('has the forward value of the moving average and the gradient of the batch value', () => {
    const weights = tf.variable(tf.tensor1d([0.5, -1.5, 2]));
    const data = tf.tensor1d([1, 2, 3]);
    const batchValue = () => tf.sum(tf.square(tf.sub(weights, data))) as tf.Scalar;
    const { value: plainValue, grads: plainGrads } = tf.variableGrads(batchValue, [weights]);
    const { value, grads } = tf.variableGrads(() => {
      const batch = batchValue();
      // Moving average that depends on the batch value, as in GECO: alpha * old + (1 - alpha) * batch.
      const movingAverage = tf.add(tf.mul(0.99, 4.25), tf.mul(0.01, batch)) as tf.Scalar;
      return straightThrough(batch, movingAverage);
    }, [weights]);
    const batchNumber = plainValue.dataSync()[0] as number;
    expect(value.dataSync()[0]).toBeCloseTo(0.99 * 4.25 + 0.01 * batchNumber, 5);
    // d/dw sum (w - x)^2 = 2 (w - x), by hand:
    expect(Array.from(grads[weights.name]!.dataSync())).toEqual([-1, -7, -2]);
    expect(Array.from(grads[weights.name]!.dataSync())).toEqual(Array.from(plainGrads[weights.name]!.dataSync()));
    tf.dispose([weights, data, value, plainValue, ...Object.values(grads), ...Object.values(plainGrads)]);
  });
});
