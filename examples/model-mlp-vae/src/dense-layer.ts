import * as tf from '@tensorflow/tfjs-core';

/** One fully connected layer y = x W + b, owning its two variables. */
export interface DenseLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  apply(inputs: tf.Tensor2D): tf.Tensor2D;
}

/**
 * Creates the variables `${prefix}/kernel` [inputSize, outputSize] and `${prefix}/bias` [outputSize]. The kernel
 * is Normal(0, gain / inputSize): gain 2 (He) before a ReLU, 1 (LeCun) before a linear or sigmoid output. `seed`
 * must differ between the layers of one model, or they would start with the same values.
 */
export function createDenseLayer(prefix: string, inputSize: number, outputSize: number, options: { readonly seed: number; readonly gain: number }): DenseLayer {
  // tidy frees the initial values; the variables survive it. trainable = true.
  const kernel = tf.tidy(() =>
    tf.variable(tf.randomNormal([inputSize, outputSize], 0, Math.sqrt(options.gain / inputSize), 'float32', options.seed), true, `${prefix}/kernel`),
  );
  let bias: tf.Variable;
  try {
    bias = tf.tidy(() => tf.variable(tf.zeros([outputSize]), true, `${prefix}/bias`));
  } catch (error) {
    kernel.dispose();
    throw error;
  }
  return { kernel, bias, apply: (inputs) => tf.add(tf.matMul(inputs, kernel as tf.Tensor2D), bias) as tf.Tensor2D };
}
