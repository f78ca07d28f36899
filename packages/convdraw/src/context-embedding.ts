import * as tf from '@tensorflow/tfjs-core';
import { type ConvDrawContext, contextEncoderStrides } from './convdraw-config.js';
import type { VariableFactory } from './variable-factory.js';

/** Maps BatchV1.context to a constant feature map on the state grid, [B, Hs, Ws, channels]. */
export interface ContextEmbedding {
  readonly channels: number;
  embed(context: tf.Tensor, stateHeight: number, stateWidth: number): tf.Tensor4D;
}

function tileOverGrid(vectors: tf.Tensor2D, height: number, width: number): tf.Tensor4D {
  const [batch, channels] = vectors.shape;
  return tf.tile(tf.reshape(vectors, [batch, 1, 1, channels]), [1, height, width, 1]) as tf.Tensor4D;
}

/**
 * vector: the context itself (e.g. a one-hot class), tiled over the state grid.
 * image: 3x3 convs + ELU with strides that multiply to the state stride (two stride-2 convs for s = 4), then either
 * kept on the grid ('spatial', GQN's Tower) or averaged over space and tiled ('pooled', GQN's Pool).
 */
export function createContextEmbedding(
  context: ConvDrawContext,
  stateStride: number,
  factory: VariableFactory,
): ContextEmbedding | undefined {
  if (context.kind === 'none') return undefined;
  if (context.kind === 'vector') {
    return {
      channels: context.shape[0],
      // Cast: a dataset may give a one-hot context as int32.
      embed: (vectors, height, width) => tileOverGrid(tf.cast(vectors, 'float32') as tf.Tensor2D, height, width),
    };
  }
  const { channels, embedding } = context;
  let inputChannels = context.shape[2];
  const layers = contextEncoderStrides(stateStride).map((stride, index) => {
    const kernelSize = Math.max(3, stride);
    const layer = {
      stride,
      kernel: factory.kernel(`context/conv${index + 1}/kernel`, [kernelSize, kernelSize, inputChannels, channels], 2),
      bias: factory.bias(`context/conv${index + 1}/bias`, channels),
    };
    inputChannels = channels;
    return layer;
  });
  return {
    channels,
    embed(images, height, width) {
      let features = tf.cast(images, 'float32') as tf.Tensor4D;
      for (const layer of layers) {
        features = tf.elu(tf.add(tf.conv2d(features, layer.kernel as tf.Tensor4D, layer.stride, 'same'), layer.bias)) as tf.Tensor4D;
      }
      if (embedding === 'spatial') return features;
      return tileOverGrid(tf.mean(features, [1, 2]) as tf.Tensor2D, height, width);
    },
  };
}
