import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import type { ConvVaeConfig } from './conv-vae-config.js';

/** The weights of one conv VAE, in creation order (which is also the order of `trainableVariables`). */
export interface ConvVaeVariables {
  readonly conv1: tf.Variable;
  readonly conv1Bias: tf.Variable;
  readonly conv2: tf.Variable;
  readonly conv2Bias: tf.Variable;
  readonly encoderDense: tf.Variable;
  readonly encoderDenseBias: tf.Variable;
  readonly decoderDense: tf.Variable;
  readonly decoderDenseBias: tf.Variable;
  readonly deconv1: tf.Variable;
  readonly deconv1Bias: tf.Variable;
  readonly deconv2: tf.Variable;
  readonly deconv2Bias: tf.Variable;
}

/**
 * Creates the named variables `<name>/encoder/conv1/kernel`, ... He-normal kernels, each seeded with
 * seed * 1000 + (its index among the kernels, from 1), and zero biases. Names, seeds and order are those of the
 * reference model since its first run: changing any of them changes every seeded figure and breaks old checkpoints.
 * A failed creation (e.g. a name a live model already owns) frees the variables it had created.
 */
export function createConvVaeVariables(config: ConvVaeConfig): ConvVaeVariables {
  const { name, seed, latentSize } = config;
  const [height, width, dataChannels] = config.dataShape;
  const [channels1, channels2] = config.channels;
  const flatSize = (height / 4) * (width / 4) * channels2;
  const created: tf.Variable[] = [];
  let kernelIndex = 0;
  const register = (label: string, initial: () => tf.Tensor): tf.Variable => {
    const fullName = `${name}/${label}`;
    // tidy frees the initial values (variables survive it).
    const variable = tf.tidy(() => tf.variable(initial(), true, fullName));
    created.push(variable);
    return variable;
  };
  const kernel = (label: string, shape: number[], fanIn: number) => {
    kernelIndex += 1;
    const kernelSeed = seed * 1000 + kernelIndex;
    return register(label, () => tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', kernelSeed));
  };
  const bias = (label: string, size: number) => register(label, () => tf.zeros([size]));
  try {
    return {
      conv1: kernel('encoder/conv1/kernel', [4, 4, dataChannels, channels1], 16 * dataChannels),
      conv1Bias: bias('encoder/conv1/bias', channels1),
      conv2: kernel('encoder/conv2/kernel', [4, 4, channels1, channels2], 16 * channels1),
      conv2Bias: bias('encoder/conv2/bias', channels2),
      encoderDense: kernel('encoder/dense/kernel', [flatSize, 2 * latentSize], flatSize),
      encoderDenseBias: bias('encoder/dense/bias', 2 * latentSize),
      decoderDense: kernel('decoder/dense/kernel', [latentSize, flatSize], latentSize),
      decoderDenseBias: bias('decoder/dense/bias', flatSize),
      // A 4x4 stride-2 transposed convolution feeds each output pixel from 2x2 taps: fan-in 4 * input channels.
      deconv1: kernel('decoder/deconv1/kernel', [4, 4, channels1, channels2], 4 * channels2),
      deconv1Bias: bias('decoder/deconv1/bias', channels1),
      deconv2: kernel('decoder/deconv2/kernel', [4, 4, dataChannels, channels1], 4 * channels1),
      deconv2Bias: bias('decoder/deconv2/bias', dataChannels),
    };
  } catch (error) {
    for (const variable of created) variable.dispose();
    if (error instanceof Error && /already registered/.test(error.message)) {
      throw new InvalidArgumentError('name', `a live model already owns variables named '${name}/...': dispose it first or give this model another name`);
    }
    throw error;
  }
}
