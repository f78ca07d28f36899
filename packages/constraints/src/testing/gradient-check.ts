import * as tf from '@tensorflow/tfjs-core';

/**
 * Test helper (not exported by the package): the analytic gradient of a scalar function at `point`, next to
 * central finite differences (f(x + h e_i) - f(x - h e_i)) / 2h at the flat `indices`.
 */
export function gradientCheck(
  value: (input: tf.Tensor) => tf.Scalar,
  point: tf.Tensor,
  indices: readonly number[],
  step = 1e-2,
): { analytic: number[]; numeric: number[] } {
  const gradient = tf.grad(value)(point);
  const full = gradient.dataSync();
  gradient.dispose();
  const base = point.dataSync();
  const evaluateAt = (index: number, offset: number) => {
    const moved = Float32Array.from(base);
    moved[index] = (moved[index] as number) + offset;
    const input = tf.tensor(moved, point.shape, 'float32');
    const result = value(input);
    const number = result.dataSync()[0] as number;
    tf.dispose([input, result]);
    return number;
  };
  return {
    analytic: indices.map((index) => full[index] as number),
    numeric: indices.map((index) => (evaluateAt(index, step) - evaluateAt(index, -step)) / (2 * step)),
  };
}
