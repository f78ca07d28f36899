import * as tf from '@tensorflow/tfjs-core';
import { stepSeed } from '@tame/core';

/**
 * Creates the named variables of one model instance. Every initial value is a function of (seed, creation index),
 * so a model is a pure function of its config; names are `<prefix>/<label>`.
 */
export interface VariableFactory {
  readonly variables: tf.Variable[];
  /** Conv kernel [kh, kw, in, out] ~ N(0, gain / fanIn), fanIn = kh * kw * in (LeCun gain 1, He gain 2). */
  kernel(label: string, shape: [number, number, number, number], gain?: number): tf.Variable;
  /** A bias filled with `values` (a constant, or one value per element). */
  bias(label: string, size: number, values?: number | readonly number[]): tf.Variable;
}

export function createVariableFactory(prefix: string, seed: number): VariableFactory {
  const variables: tf.Variable[] = [];
  const add = (label: string, initial: tf.Tensor): tf.Variable => {
    const variable = tf.variable(initial, true, `${prefix}/${label}`);
    initial.dispose();
    variables.push(variable);
    return variable;
  };
  return {
    variables,
    kernel(label, shape, gain = 1) {
      const fanIn = shape[0] * shape[1] * shape[2];
      return add(label, tf.randomNormal(shape, 0, Math.sqrt(gain / fanIn), 'float32', stepSeed(seed, variables.length, 1)));
    },
    bias(label, size, values = 0) {
      const filled = typeof values === 'number' ? new Array<number>(size).fill(values) : [...values];
      return add(label, tf.tensor1d(filled, 'float32'));
    },
  };
}
