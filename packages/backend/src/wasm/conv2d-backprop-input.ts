// Conv2DBackpropInput for the wasm backend: the input gradient of conv2d, and also the forward pass of
// conv2dTranspose (decoders). The wasm backend's own kernel is a naive loop (no XNNPACK); this one rewrites the
// computation as ONE stride-1 conv2d that XNNPACK runs fast, by the sub-pixel (phase) decomposition:
//
// With top/left the forward padding and yp = y + top = q*s + r (phase r in [0, s)), only filter taps i = r + s*t touch
// output row y, from dy row q - t:  dx[y] = sum_t dy[q - t] . W[r + s*t]   (t < T = ceil(k/s), W = 0 past k).
// So for every phase (rh, rw) the rows q form a stride-1 correlation of the UNDILATED dy with the phase filter
//   F[u, v, co, (rh*sw + rw)*Cin + ci] = W[rh + sh*(Th-1-u), rw + sw*(Tw-1-v), ci, co]      ([Th, Tw, Cout, sh*sw*Cin])
// and all sh*sw phases are one conv2d(dy, F, 1, explicit pad) with sh*sw*Cin output channels. depthToSpace(s)
// (done as a reshape/transpose) interleaves the phases into rows yp = q*s + r, and a crop keeps y in [0, H).
// That is ~k*k*Cin*Cout MACs per dy pixel, like the native kernel, but in XNNPACK's GEMM instead of a scalar loop.
//
// The native kernel stays reachable: `usePhaseDecomposition` picks by shape (it only keeps tiny problems native).
import type { Tensor4D } from '@tensorflow/tfjs';
import { asTensor, crop4d, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

export interface Conv2DBackpropInputAttrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Phase filters: W [kh, kw, Cin, Cout] -> F [Th, Tw, Cout, sh*sw*Cin] with
 * F[u, v, co, (rh*sw + rw)*Cin + ci] = W[rh + sh*(Th-1-u), rw + sw*(Tw-1-v), ci, co] (0 past the filter's edge).
 * Built in JS: the filter is small, and the equivalent pad/reshape/reverse/rank-6 transpose kernels take ~4 ms on
 * wasm for a 4x4x32x64 filter where this loop takes ~0.1 ms.
 */
export function phaseFilter(tf: TensorFlow, filter: Tensor4D, strideHeight: number, strideWidth: number): Tensor4D {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const th = Math.ceil(kh / strideHeight);
  const tw = Math.ceil(kw / strideWidth);
  const phaseChannels = strideHeight * strideWidth * inChannels;
  const source = filter.dataSync() as Float32Array;
  const target = new Float32Array(th * tw * outChannels * phaseChannels);
  for (let u = 0; u < th; u++) {
    for (let rh = 0; rh < strideHeight; rh++) {
      const i = rh + strideHeight * (th - 1 - u);
      if (i >= kh) continue;
      for (let v = 0; v < tw; v++) {
        for (let rw = 0; rw < strideWidth; rw++) {
          const j = rw + strideWidth * (tw - 1 - v);
          if (j >= kw) continue;
          const sourceBase = (i * kw + j) * inChannels * outChannels;
          const targetBase = (u * tw + v) * outChannels * phaseChannels + (rh * strideWidth + rw) * inChannels;
          for (let ci = 0; ci < inChannels; ci++) {
            const sourceRow = sourceBase + ci * outChannels;
            for (let co = 0; co < outChannels; co++) {
              target[targetBase + co * phaseChannels + ci] = source[sourceRow + co] as number;
            }
          }
        }
      }
    }
  }
  return tf.tensor4d(target, [th, tw, outChannels, phaseChannels]);
}

/** dx of conv2d for dy by the phase decomposition (one stride-1 conv2d + interleave + crop). Call inside tf.tidy. */
export function conv2dBackpropInputByPhases(
  tf: TensorFlow,
  dy: Tensor4D,
  filter: Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
  backend?: unknown
): Tensor4D {
  if (attrs.dataFormat === 'NCHW') {
    const [n, c, h, w] = attrs.inputShape;
    const dx = conv2dBackpropInputByPhases(
      tf,
      tf.transpose(dy, [0, 2, 3, 1]),
      filter,
      {
        ...attrs,
        inputShape: [n, h, w, c],
        dataFormat: 'NHWC',
      },
      backend
    );
    return tf.transpose(dx, [0, 3, 1, 2]);
  }
  const [batch, inHeight, inWidth, inChannels] = attrs.inputShape;
  const [kh, kw] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  );
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[3] !== info.outChannels) {
    throw new Error(
      `tame wasm Conv2DBackpropInput: dy shape [${dy.shape.join(', ')}] does not match the forward output ` +
        `[${batch}, ${info.outHeight}, ${info.outWidth}, ${info.outChannels}]`
    );
  }
  const th = Math.ceil(kh / sh);
  const tw = Math.ceil(kw / sw);
  // Phase rows q cover padded rows yp in [top, top + H): q in [q0, q1].
  const q0 = Math.floor(padInfo.top / sh);
  const q1 = Math.floor((inHeight - 1 + padInfo.top) / sh);
  const p0 = Math.floor(padInfo.left / sw);
  const p1 = Math.floor((inWidth - 1 + padInfo.left) / sw);
  // Output row a = q - q0 reads dy rows q - Th + 1 .. q: a leading pad of Th - 1 - q0 (negative: drop dy rows).
  let padTop = th - 1 - q0;
  let padLeft = tw - 1 - p0;
  let input = dy;
  if (padTop < 0 || padLeft < 0) {
    input = tf.slice(dy, [0, Math.max(0, -padTop), Math.max(0, -padLeft), 0], [-1, -1, -1, -1]);
    padTop = Math.max(0, padTop);
    padLeft = Math.max(0, padLeft);
  }
  const padBottom = Math.max(0, q1 - q0 + th - input.shape[1] - padTop);
  const padRight = Math.max(0, p1 - p0 + tw - input.shape[2] - padLeft);
  const phases = tf.conv2d(input, phaseFilter(tf, filter, sh, sw), 1, [
    [0, 0],
    [padTop, padBottom],
    [padLeft, padRight],
    [0, 0],
  ]); // [N, >= q1-q0+1, >= p1-p0+1, sh*sw*Cin]
  const [, rows, cols] = phases.shape;
  // Interleave: [N, Q, P, sh, sw, Cin] -> [N, Q, sh, P, sw, Cin], as a rank-4 transpose that keeps sw*Cin
  // contiguous (the wasm DepthToSpace kernel takes ~19 ms for [64, 8, 8, 128] where this takes ~0.2 ms).
  const interleaved: Tensor4D =
    sh === 1 && sw === 1
      ? phases
      : (tf.reshape(tf.transpose(tf.reshape(phases, [batch * rows, cols, sh, sw * inChannels]), [0, 2, 1, 3]), [
          batch,
          rows * sh,
          cols * sw,
          inChannels,
        ]) as Tensor4D);
  const rowOffset = padInfo.top - q0 * sh;
  const colOffset = padInfo.left - p0 * sw;
  return crop4d(tf, backend, interleaved, rowOffset, colOffset, inHeight, inWidth);
}

/**
 * Whether the phase decomposition should run rather than the native kernel. Measured on the 2-core x86 (AVX2) machine
 * with packages/backend/bench/conv-kernels.ts, the phases are 4x (dx [64,28,28,1], k4 s2, 32 channels: 1.3 ms vs
 * 5.1 ms) to 12x (k3 s1, 32 -> 64 channels: 15 ms vs 174 ms) faster for every shape tried, strides 1-3, Cin 1-96;
 * only for tiny problems (under ~64k multiply-adds, e.g. one 28x28 image) do both take ~0.05 ms, where the native
 * kernel's single call wins over the phase route's few small kernels.
 */
export function usePhaseDecomposition(dyShape: readonly number[], filterShape: readonly number[]): boolean {
  const [kh = 1, kw = 1, inChannels = 1] = filterShape;
  const macs = dyShape.reduce((p, d) => p * d, 1) * kh * kw * inChannels;
  return macs >= 1 << 16;
}

export function conv2dBackpropInputConfig(tf: TensorFlow, native: WasmKernelConfig | undefined): WasmKernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The native kernel cwraps its wasm function in its setup: keep that running when the backend initializes.
    ...(native?.setupFunc !== undefined ? { setupFunc: native.setupFunc } : {}),
    ...(native?.disposeFunc !== undefined ? { disposeFunc: native.disposeFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
      const { dy, filter } = args.inputs;
      if (dy === undefined || filter === undefined)
        throw new Error(`Conv2DBackpropInput: missing input 'dy' or 'filter'`);
      if (native !== undefined && !usePhaseDecomposition(dy.shape, filter.shape)) {
        return native.kernelFunc(args);
      }
      return tf.tidy(() =>
        conv2dBackpropInputByPhases(
          tf,
          asTensor<Tensor4D>(tf, dy, 'dy'),
          asTensor<Tensor4D>(tf, filter, 'filter'),
          attrs,
          args.backend
        )
      );
    },
  };
}
