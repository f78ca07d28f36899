// DepthwiseConv2dNativeBackpropInput for the wasm backend, which does not register it: the input gradient of
// depthwiseConv2d (and so of separableConv2d and MobileNet-style blocks).
//
// Formula: with filter W [kh, kw, C, M] and dy [N, OH, OW, C*M] (channel c*M + m), the input gradient is the full
// correlation of the zero-dilated dy with the flipped filter, per channel, summed over the multiplier:
//   dyDil[n, oh*sh, ow*sw, k] = dy[n, oh, ow, k]  (zeros between; reshape [N,OH,1,OW,1,K] + pad + reshape)
//   dx = sum_m depthwiseConv2d(dyDil, reverse(W, [0, 1]) as [kh, kw, C*M, 1], stride 1,
//                              pad = (kh-1-top, kw-1-left) before, whatever reaches H x W after)
// The wasm DepthwiseConv2dNative kernel runs this on XNNPACK. A depthwise conv is cheap (kh*kw MACs per value), so the
// (s*s)-fold zero work of the dilation is not worth the phase decomposition used for Conv2DBackpropInput.
import type { Tensor4D } from '@tensorflow/tfjs';
import { asTensor, depthwiseConvGeometry, type DepthwiseConvGeometryAttrs, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

export interface DepthwiseConv2dBackpropInputAttrs extends DepthwiseConvGeometryAttrs {
  inputShape: [number, number, number, number];
}

/** dx of depthwiseConv2d(x, W) for the upstream gradient dy. Call inside tf.tidy. */
export function depthwiseConv2dBackpropInput(
  tf: TensorFlow,
  dy: Tensor4D,
  filter: Tensor4D,
  attrs: DepthwiseConv2dBackpropInputAttrs
): Tensor4D {
  const [batch, inHeight, inWidth, inChannels] = attrs.inputShape;
  const [kh, kw, , multiplier] = filter.shape;
  const { strideHeight: sh, strideWidth: sw, outHeight, outWidth, outChannels, padInfo } = depthwiseConvGeometry(
    tf,
    'DepthwiseConv2dNativeBackpropInput',
    attrs.inputShape,
    filter.shape,
    dy,
    attrs
  );
  let dilated: Tensor4D = dy;
  if (sh > 1 || sw > 1) {
    const spread = tf.pad(tf.reshape(dy, [batch, outHeight, 1, outWidth, 1, outChannels]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    dilated = tf.reshape(spread, [batch, outHeight * sh, outWidth * sw, outChannels]);
  }
  // Output row y reads dilated rows y + top - (kh - 1) .. y + top: a leading pad of kh - 1 - top.
  let padTop = kh - 1 - padInfo.top;
  let padLeft = kw - 1 - padInfo.left;
  const dropTop = Math.max(0, -padTop);
  const dropLeft = Math.max(0, -padLeft);
  padTop = Math.max(0, padTop);
  padLeft = Math.max(0, padLeft);
  // Rows/columns the output reads: inHeight + kh - 1 of the padded input.
  const keepRows = Math.min(dilated.shape[1] - dropTop, inHeight + kh - 1 - padTop);
  const keepCols = Math.min(dilated.shape[2] - dropLeft, inWidth + kw - 1 - padLeft);
  if (dropTop > 0 || dropLeft > 0 || keepRows < dilated.shape[1] - dropTop || keepCols < dilated.shape[2] - dropLeft) {
    dilated = tf.slice(dilated, [0, dropTop, dropLeft, 0], [batch, keepRows, keepCols, outChannels]);
  }
  const padBottom = inHeight + kh - 1 - padTop - keepRows;
  const padRight = inWidth + kw - 1 - padLeft - keepCols;
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, outChannels, 1]) as Tensor4D;
  const perChannel = tf.depthwiseConv2d(dilated, flipped, 1, [
    [0, 0],
    [padTop, padBottom],
    [padLeft, padRight],
    [0, 0],
  ]); // [N, H, W, C*M]
  if (multiplier === 1) return perChannel;
  return tf.sum(tf.reshape(perChannel, [batch, inHeight, inWidth, inChannels, multiplier]), 4) as Tensor4D;
}

export function depthwiseConv2dBackpropInputConfig(tf: TensorFlow): WasmKernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }: KernelArgs) =>
      tf.tidy(() =>
        depthwiseConv2dBackpropInput(
          tf,
          asTensor<Tensor4D>(tf, inputs.dy, 'dy'),
          asTensor<Tensor4D>(tf, inputs.filter, 'filter'),
          attrs as unknown as DepthwiseConv2dBackpropInputAttrs
        )
      ),
  };
}
