import * as tf from '@tensorflow/tfjs-core';
import type { VariableFactory } from './variable-factory.js';

export interface ConvEncoderOptions {
  readonly dataShape: readonly [number, number, number];
  readonly channels: readonly number[];
  readonly kernelSize: number;
  readonly contextSize: number;
  readonly latentSize: number;
}

/**
 * The amortised part of q(z|x) for a batch of N inputs: the context h(x) that conditions every coupling layer and
 * the base Gaussian q_0(z_0|x) = N(mean, diag exp(logScale)²). All [N, ...], owned by the caller.
 */
export interface VaeNvpPosterior {
  readonly context: tf.Tensor2D;
  readonly mean: tf.Tensor2D;
  readonly logScale: tf.Tensor2D;
}

export interface ConvEncoder {
  readonly variables: readonly tf.Variable[];
  encode(inputs: tf.Tensor4D): VaeNvpPosterior;
}

/** Smallest σ of the base Gaussian: σ = softplus(ρ) + 1e-4 avoids the exp blow-ups of a raw log σ. */
export const minimumBaseScale = 1e-4;

/**
 * Stride-2 convolutions with ReLU ('same' padding), flatten, dense + ReLU = h(x) ∈ R^{d_h};
 * then (μ, ρ) = Linear(h) -> 2d (nsf's create_approximate_posterior, nflows' ConditionalDiagonalNormal).
 */
export function createConvEncoder(options: ConvEncoderOptions, variables: VariableFactory): ConvEncoder {
  const { dataShape, channels, kernelSize, contextSize, latentSize } = options;
  let [height, width, inputChannels] = dataShape;
  const convolutions = channels.map((outputChannels, index) => {
    const fanIn = kernelSize * kernelSize * inputChannels;
    const layer = {
      kernel: variables.normal(`encoder/conv${index + 1}/kernel`, [kernelSize, kernelSize, inputChannels, outputChannels], fanIn),
      bias: variables.zeros(`encoder/conv${index + 1}/bias`, [outputChannels]),
    };
    // 'same' padding with stride 2 gives ceil(size / 2).
    height = Math.ceil(height / 2);
    width = Math.ceil(width / 2);
    inputChannels = outputChannels;
    return layer;
  });
  const flatSize = height * width * inputChannels;
  const contextKernel = variables.normal('encoder/context/kernel', [flatSize, contextSize], flatSize);
  const contextBias = variables.zeros('encoder/context/bias', [contextSize]);
  const baseKernel = variables.normal('encoder/base/kernel', [contextSize, 2 * latentSize], contextSize, 1);
  const baseBias = variables.zeros('encoder/base/bias', [2 * latentSize]);
  return {
    variables: [...convolutions.flatMap((layer) => [layer.kernel, layer.bias]), contextKernel, contextBias, baseKernel, baseBias],
    encode(inputs) {
      return tf.tidy(() => {
        let hidden = inputs;
        for (const layer of convolutions) {
          hidden = tf.relu(tf.add(tf.conv2d(hidden, layer.kernel as tf.Tensor4D, 2, 'same'), layer.bias)) as tf.Tensor4D;
        }
        const flat = tf.reshape(hidden, [inputs.shape[0], flatSize]) as tf.Tensor2D;
        const context = tf.relu(tf.add(tf.matMul(flat, contextKernel as tf.Tensor2D), contextBias)) as tf.Tensor2D;
        const statistics = tf.add(tf.matMul(context, baseKernel as tf.Tensor2D), baseBias) as tf.Tensor2D;
        const [mean, rawScale] = tf.split(statistics, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        const logScale = tf.log(tf.add(tf.softplus(rawScale), minimumBaseScale)) as tf.Tensor2D;
        return { context, mean, logScale };
      });
    },
  };
}
