// Helpers for the flow tests (not part of the package's API; excluded from the published files).
import * as tf from '@tensorflow/tfjs-core';

/** log|det A| by LU decomposition with partial pivoting, in float64. */
export function logAbsDeterminant(matrix: readonly (readonly number[])[]): number {
  const size = matrix.length;
  const rows = matrix.map((row) => [...row]);
  let logDet = 0;
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs((rows[row] as number[])[column] as number) > Math.abs((rows[pivot] as number[])[column] as number)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot] as number[], rows[column] as number[]];
    const pivotRow = rows[column] as number[];
    const pivotValue = pivotRow[column] as number;
    logDet += Math.log(Math.abs(pivotValue));
    for (let row = column + 1; row < size; row += 1) {
      const current = rows[row] as number[];
      const factor = (current[column] as number) / pivotValue;
      for (let inner = column; inner < size; inner += 1) current[inner] = (current[inner] as number) - factor * (pivotRow[inner] as number);
    }
  }
  return logDet;
}

/**
 * Jacobian J[i][j] = ∂ map(x)_i / ∂ x_j at one point by central differences, float64 arithmetic on float32 map
 * values. `map` receives 2d rows (x + h e_j, then x - h e_j, for each j) and must treat rows independently.
 */
export function numericalJacobian(map: (points: tf.Tensor2D) => tf.Tensor2D, point: readonly number[], step: number): number[][] {
  const size = point.length;
  const rows: number[] = [];
  for (let coordinate = 0; coordinate < size; coordinate += 1) {
    for (const sign of [1, -1]) rows.push(...point.map((value, index) => (index === coordinate ? value + sign * step : value)));
  }
  const values = tf.tidy(() => map(tf.tensor2d(rows, [2 * size, size])).arraySync());
  const jacobian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let coordinate = 0; coordinate < size; coordinate += 1) {
    const plus = values[2 * coordinate] as number[];
    const minus = values[2 * coordinate + 1] as number[];
    for (let output = 0; output < size; output += 1) {
      (jacobian[output] as number[])[coordinate] = ((plus[output] as number) - (minus[output] as number)) / (2 * step);
    }
  }
  return jacobian;
}

/** Replaces every variable by seeded Normal(0, scale²) values, so a near-identity flow becomes a far-from-identity one. */
export function randomizeVariables(variables: readonly tf.Variable[], seed: number, scale: number): void {
  variables.forEach((variable, index) => {
    tf.tidy(() => variable.assign(tf.randomNormal(variable.shape, 0, scale, 'float32', seed * 1009 + index)));
  });
}
