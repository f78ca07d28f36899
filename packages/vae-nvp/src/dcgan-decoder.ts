import * as tf from '@tensorflow/tfjs-core';
import type { VariableFactory } from './variable-factory.js';

export interface DcganDecoderOptions {
  readonly dataShape: readonly [number, number, number];
  readonly latentSize: number;
  /** Channels of the grid after the dense layer, then after each hidden transposed convolution. */
  readonly channels: readonly number[];
  readonly kernelSize: number;
}

export interface DcganDecoder {
  readonly variables: readonly tf.Variable[];
  /** Mean of p(x|z) in [0, 1] (sigmoid of the logits), [N, H, W, C]. */
  decode(latent: tf.Tensor2D): tf.Tensor4D;
}

/**
 * DCGAN-style decoder (not verified against Rosca et al. 2018): dense z -> [H/2^n, W/2^n, c_0] ReLU,
 * n - 1 transposed convolutions of stride 2 with ReLU, one more to the data channels, sigmoid. With channels
 * [64, 32] on 28x28: dense 7·7·64 -> 14x14x32 -> 28x28xC.
 */
export function createDcganDecoder(options: DcganDecoderOptions, variables: VariableFactory): DcganDecoder {
  const { dataShape, latentSize, channels, kernelSize } = options;
  const [height, width, dataChannels] = dataShape;
  const upsamplings = channels.length;
  const baseHeight = height / 2 ** upsamplings;
  const baseWidth = width / 2 ** upsamplings;
  const firstChannels = channels[0] as number;
  const gridSize = baseHeight * baseWidth * firstChannels;
  const denseKernel = variables.normal('decoder/dense/kernel', [latentSize, gridSize], latentSize);
  const denseBias = variables.zeros('decoder/dense/bias', [gridSize]);
  const outputs = [...channels.slice(1), dataChannels];
  const deconvolutions = outputs.map((outputChannels, index) => {
    const inputChannels = channels[index] as number;
    const last = index === outputs.length - 1;
    // Each input pixel of a stride-2 transposed conv reaches k²/4 outputs: that is the effective fan-in.
    const fanIn = (kernelSize * kernelSize * inputChannels) / 4;
    return {
      kernel: variables.normal(`decoder/deconv${index + 1}/kernel`, [kernelSize, kernelSize, outputChannels, inputChannels], fanIn, last ? 1 : 2),
      bias: variables.zeros(`decoder/deconv${index + 1}/bias`, [outputChannels]),
      outputChannels,
      scale: 2 ** (index + 1),
      last,
    };
  });
  return {
    variables: [denseKernel, denseBias, ...deconvolutions.flatMap((layer) => [layer.kernel, layer.bias])],
    decode(latent) {
      return tf.tidy(() => {
        const count = latent.shape[0];
        const dense = tf.relu(tf.add(tf.matMul(latent, denseKernel as tf.Tensor2D), denseBias));
        let grid = tf.reshape(dense, [count, baseHeight, baseWidth, firstChannels]) as tf.Tensor4D;
        for (const layer of deconvolutions) {
          const outputShape: [number, number, number, number] = [count, baseHeight * layer.scale, baseWidth * layer.scale, layer.outputChannels];
          const preActivation = tf.add(tf.conv2dTranspose(grid, layer.kernel as tf.Tensor4D, outputShape, 2, 'same'), layer.bias) as tf.Tensor4D;
          grid = layer.last ? (tf.sigmoid(preActivation) as tf.Tensor4D) : (tf.relu(preActivation) as tf.Tensor4D);
        }
        return grid;
      });
    },
  };
}
