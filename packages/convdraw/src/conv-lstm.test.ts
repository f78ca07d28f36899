import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convLstmUpdate, gateConvolution, tanhViaSigmoid } from './conv-lstm.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('ConvLSTM update', () => {
  it('tanhViaSigmoid equals Math.tanh', () => {
    const values = [-8, -2.5, -1, -0.1, 0, 0.3, 1, 4, 9];
    const result = tanhViaSigmoid(tf.tensor1d(values));
    Array.from(result.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(Math.tanh(values[index]!), 6));
    result.dispose();
  });

  it('matches c = s(f + b) c_prev + s(i) tanh(g), h = s(o) tanh(c) computed per element in JS, gates ordered [i, f, o, g]', () => {
    const [batch, height, width, hidden] = [2, 2, 3, 3];
    const gates = tf.randomNormal([batch, height, width, 4 * hidden], 0, 2, 'float32', 11) as tf.Tensor4D;
    const previousCell = tf.randomNormal([batch, height, width, hidden], 0, 1, 'float32', 12) as tf.Tensor4D;
    const forgetBias = 1;
    const { hidden: h, cell: c } = convLstmUpdate(gates, previousCell, forgetBias);
    const g = gates.dataSync();
    const cPrev = previousCell.dataSync();
    const hValues = h.dataSync();
    const cValues = c.dataSync();
    for (let position = 0; position < batch * height * width; position += 1) {
      for (let channel = 0; channel < hidden; channel += 1) {
        const gate = (k: number) => g[position * 4 * hidden + k * hidden + channel]!;
        const expectedCell = sigmoid(gate(1) + forgetBias) * cPrev[position * hidden + channel]! + sigmoid(gate(0)) * Math.tanh(gate(3));
        const expectedHidden = sigmoid(gate(2)) * Math.tanh(expectedCell);
        expect(cValues[position * hidden + channel]).toBeCloseTo(expectedCell, 5);
        expect(hValues[position * hidden + channel]).toBeCloseTo(expectedHidden, 5);
      }
    }
    tf.dispose([gates, previousCell, h, c]);
  });

  it('gateConvolution of the leading parts equals the conv of the full input whose trailing channels are zero', () => {
    const a = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 13) as tf.Tensor4D;
    const b = tf.randomNormal([2, 5, 4, 2], 0, 1, 'float32', 14) as tf.Tensor4D;
    const kernel = tf.randomNormal([3, 3, 3 + 2 + 4, 8], 0, 1, 'float32', 15) as tf.Tensor4D;
    const zeros = tf.zeros([2, 5, 4, 4]);
    const full = tf.conv2d(tf.concat([a, b, zeros], 3) as tf.Tensor4D, kernel, 1, 'same');
    const leading = gateConvolution([a, b], kernel);
    const difference = tf.max(tf.abs(tf.sub(full, leading)));
    expect(leading.shape).toEqual(full.shape);
    expect(difference.dataSync()[0]).toBeLessThan(1e-5);
    const complete = tf.randomNormal([2, 5, 4, 4], 0, 1, 'float32', 16) as tf.Tensor4D;
    const all = gateConvolution([a, b, complete], kernel);
    const reference = tf.conv2d(tf.concat([a, b, complete], 3) as tf.Tensor4D, kernel, 1, 'same');
    expect(Array.from(all.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([a, b, kernel, zeros, full, leading, difference, complete, all, reference]);
  });
});
