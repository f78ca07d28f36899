// DepthwiseConv2dNativeBackpropFilter for the wasm backend, which does not register it: the filter gradient of
// depthwiseConv2d (and so of separableConv2d).
//
// Formula: with x padded like the forward pass, filter [kh, kw, C, M] and dy [N, OH, OW, C*M],
//   dW[i, j, c, m] = sum_{n, oh, ow} xpad[n, oh*sh + i, ow*sw + j, c] * dy[n, oh, ow, c*M + m]
// computed tap by tap: for each (i, j) a strided slice of xpad ([N, OH, OW, C, 1]) times dy ([N, OH, OW, C, M]),
// summed over (n, oh, ow). kh*kw small elementwise kernels, as many multiply-adds as the forward conv; unlike
// Conv2DBackpropFilter there is no contraction over channels for XNNPACK's GEMM to speed up.
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { asTensor, depthwiseConvGeometry, type DepthwiseConvGeometryAttrs, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

export interface DepthwiseConv2dBackpropFilterAttrs extends DepthwiseConvGeometryAttrs {
  filterShape: [number, number, number, number];
}

/** dW of depthwiseConv2d(x, W) for the upstream gradient dy. Call inside tf.tidy. */
export function depthwiseConv2dBackpropFilter(
  tf: TensorFlow,
  x: Tensor4D,
  dy: Tensor4D,
  attrs: DepthwiseConv2dBackpropFilterAttrs
): Tensor4D {
  const [batch, inHeight, inWidth, inChannels] = x.shape;
  const [kh, kw, , multiplier] = attrs.filterShape;
  const { strideHeight: sh, strideWidth: sw, outHeight, outWidth, outChannels, padInfo } = depthwiseConvGeometry(
    tf,
    'DepthwiseConv2dNativeBackpropFilter',
    x.shape,
    attrs.filterShape,
    dy,
    attrs
  );
  const padBottom = Math.max(0, (outHeight - 1) * sh + kh - inHeight - padInfo.top);
  const padRight = Math.max(0, (outWidth - 1) * sw + kw - inWidth - padInfo.left);
  const padded =
    padInfo.top === 0 && padInfo.left === 0 && padBottom === 0 && padRight === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [padInfo.top, padBottom],
          [padInfo.left, padRight],
          [0, 0],
        ]);
  const grads = tf.reshape(dy, [batch, outHeight, outWidth, inChannels, multiplier]);
  const taps: Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const window = tf.stridedSlice(
        padded,
        [0, i, j, 0],
        [batch, i + (outHeight - 1) * sh + 1, j + (outWidth - 1) * sw + 1, inChannels],
        [1, sh, sw, 1]
      ); // [N, OH, OW, C]
      const product = tf.mul(tf.reshape(window, [batch, outHeight, outWidth, inChannels, 1]), grads);
      taps.push(tf.sum(tf.reshape(product, [batch * outHeight * outWidth, inChannels * multiplier]), 0));
    }
  }
  return tf.reshape(tf.stack(taps), [kh, kw, inChannels, multiplier]);
}

export function depthwiseConv2dBackpropFilterConfig(tf: TensorFlow): WasmKernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }: KernelArgs) =>
      tf.tidy(() =>
        depthwiseConv2dBackpropFilter(
          tf,
          asTensor<Tensor4D>(tf, inputs.x, 'x'),
          asTensor<Tensor4D>(tf, inputs.dy, 'dy'),
          attrs as unknown as DepthwiseConv2dBackpropFilterAttrs
        )
      ),
  };
}
