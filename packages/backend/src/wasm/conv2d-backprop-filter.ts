// Conv2DBackpropFilter for the wasm backend, which does not register one (so no conv net trains there out of the box).
//
// Why a conv: the filter gradient of a strided conv is itself a stride-1 conv with dilation = stride, which the wasm
// Conv2D kernel hands to XNNPACK (fast, SIMD). With x padded the way the forward pass padded it,
//   dW[i, j, ci, co] = sum_{n, oh, ow} xpad[n, oh*sh + i, ow*sw + j, ci] * dy[n, oh, ow, co]
// which is conv2d(input = xpad^T [Cin, Hp, Wp, N], filter = dy^T [OH, OW, N, Cout], stride 1, 'valid',
// dilation = [sh, sw]) -> [Cin, kh, kw, Cout], then transposed to [kh, kw, Cin, Cout]:
//   dW = transpose(conv2d(transpose(pad(x), [3, 1, 2, 0]), transpose(dy, [1, 2, 0, 3]), 1, 'valid', [sh, sw]), [1, 2, 0, 3])
// The padding is not materialized: it goes to the conv as explicit padding (XNNPACK pads implicitly). Padded rows
// the forward never read (past (OH-1)*sh + kh) only produce extra output rows, which are sliced off the small result.
// 1x1 stride-1 filters are a plain matMul instead: dW = (dy^T x)^T over the N*H*W pixels.
import type { Tensor4D } from '@tensorflow/tfjs';
import { asTensor, pair, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

export interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

/** dW of conv2d(x, W) for the upstream gradient dy, computed with a stride-1 dilated conv2d. Call inside tf.tidy. */
export function conv2dBackpropFilter(
  tf: TensorFlow,
  x: Tensor4D,
  dy: Tensor4D,
  attrs: Conv2DBackpropFilterAttrs
): Tensor4D {
  const [dilationH, dilationW] = pair(attrs.dilations ?? 1, 'dilations');
  if (dilationH !== 1 || dilationW !== 1) {
    throw new Error(`tame wasm Conv2DBackpropFilter: dilations must be 1, got ${JSON.stringify(attrs.dilations)}`);
  }
  if (attrs.dataFormat === 'NCHW') {
    // The wasm conv kernels are channels-last only: move the channels and compute in NHWC.
    return conv2dBackpropFilter(tf, tf.transpose(x, [0, 2, 3, 1]), tf.transpose(dy, [0, 2, 3, 1]), {
      ...attrs,
      dataFormat: 'NHWC',
    });
  }
  const [, inHeight, inWidth, inChannels] = x.shape;
  const [filterHeight, filterWidth, , outChannels] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  );
  const { strideHeight, strideWidth, outHeight, outWidth, padInfo } = info;
  if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(
      `tame wasm Conv2DBackpropFilter: dy shape [${dy.shape.join(', ')}] does not match the forward output ` +
        `[${x.shape[0]}, ${outHeight}, ${outWidth}, ${outChannels}]`
    );
  }
  const unpadded = padInfo.top === 0 && padInfo.bottom === 0 && padInfo.left === 0 && padInfo.right === 0;
  if (filterHeight === 1 && filterWidth === 1 && strideHeight === 1 && strideWidth === 1 && unpadded) {
    // A 1x1 stride-1 conv (e.g. Glow's invertible 1x1 conv, channel mixing) is a matMul over all N*H*W pixels:
    // dW = x^T dy, computed as (dy^T x)^T, 2.5x faster than the dilated-conv formula (its GEMM has tiny M and N).
    const pixels = x.shape[0] * inHeight * inWidth;
    const product = tf.matMul(tf.reshape(dy, [pixels, outChannels]), tf.reshape(x, [pixels, inChannels]), true, false);
    return tf.reshape(tf.transpose(product), [1, 1, inChannels, outChannels]);
  }
  // Rows/columns of padded x the forward conv read: (OH-1)*sh + kh starting at -top.
  const padBottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - inHeight - padInfo.top);
  const padRight = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - inWidth - padInfo.left);

  const xT = tf.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, N]: Cin is the batch, N the channels
  const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, N, Cout]: dy is the filter
  const grad = tf.conv2d(
    xT,
    dyT,
    1,
    [
      [0, 0],
      [padInfo.top, padBottom],
      [padInfo.left, padRight],
      [0, 0],
    ],
    'NHWC',
    [strideHeight, strideWidth]
  ); // [Cin, >= kh, >= kw, Cout]
  const cropped =
    grad.shape[1] === filterHeight && grad.shape[2] === filterWidth
      ? grad
      : tf.slice(grad, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
  return tf.transpose(cropped, [1, 2, 0, 3]);
}

export function conv2dBackpropFilterConfig(tf: TensorFlow): WasmKernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }: KernelArgs) =>
      tf.tidy(() =>
        conv2dBackpropFilter(
          tf,
          asTensor<Tensor4D>(tf, inputs.x, 'x'),
          asTensor<Tensor4D>(tf, inputs.dy, 'dy'),
          attrs as unknown as Conv2DBackpropFilterAttrs
        )
      ),
  };
}
