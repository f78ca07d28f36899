import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv2dBackpropInputByPhases, usePhaseDecomposition } from './conv2d-backprop-input.js';
import {
  compareWithCpu,
  type ConvCase,
  type ConvPad,
  convCaseShapes as shapes,
  convObjective,
  float,
  leakedAcross,
  numericGradient,
  randomValues,
  relativeError,
  runOn,
  sharedConvCases,
} from './test-helpers.js';

const cases: ConvCase[] = [
  ...sharedConvCases,
  {
    x: [2, 10, 10, 3],
    k: [3, 3],
    cout: 4,
    s: 2,
    pad: [
      [0, 0],
      [4, 1],
      [0, 3],
      [0, 0],
    ],
  }, // pad > kernel: dy rows dropped
  { x: [4, 28, 28, 1], k: [4, 4], cout: 8, s: 2, pad: 'same' }, // decoder's last layer: 1 channel out
  { x: [5, 14, 14, 8], k: [4, 4], cout: 16, s: 2, pad: 'same' },
];

const rounding = (pad: ConvPad) => (typeof pad === 'number' ? ('floor' as const) : undefined);
/** dimRoundingMode as a kernel attribute (absent unless the pad is a number). */
const roundingAttr = (pad: ConvPad): { dimRoundingMode?: 'floor' } =>
  typeof pad === 'number' ? { dimRoundingMode: 'floor' } : {};
const attrsOf = (c: ConvCase) => ({
  inputShape: c.x,
  strides: c.s,
  pad: c.pad,
  dataFormat: 'NHWC' as const,
  ...roundingAttr(c.pad),
});
const registered = (c: ConvCase) => (dy: tf.Tensor, filter: tf.Tensor) =>
  tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c)) as tf.Tensor;

describe('Conv2DBackpropInput on wasm (phase decomposition)', () => {
  it.each(cases)('matches the cpu backend for %j', async (c) => {
    const { filterShape, dyShape } = shapes(c);
    const inputs = [float(dyShape, 1), float(filterShape, 2)];
    // The phase route on wasm, whatever the heuristic would pick, against the cpu backend's kernel.
    const wasm = await runOn(tf, 'wasm', inputs, (dy, w) =>
      conv2dBackpropInputByPhases(tf, dy as tf.Tensor4D, w as tf.Tensor4D, attrsOf(c), tf.backend())
    );
    const { error, cpu } = await compareWithCpu(tf, inputs, registered(c));
    expect(wasm[0]?.shape).toEqual(c.x);
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
    // ... and the registered kernel (phases or native by shape) too.
    expect(error).toBeLessThan(1e-5);
  });

  it('matches the cpu backend in NCHW', async () => {
    const c: ConvCase = { x: [2, 9, 7, 3], k: [3, 3], cout: 4, s: 2, pad: 'same' };
    const { filterShape, dyShape } = shapes(c);
    const nchw = (s: number[]) => [s[0], s[3], s[1], s[2]] as [number, number, number, number];
    const attrs = { ...attrsOf(c), inputShape: nchw(c.x), dataFormat: 'NCHW' as const };
    const inputs = [float(nchw(dyShape), 3), float(filterShape, 4)];
    const wasm = await runOn(tf, 'wasm', inputs, (dy, w) =>
      conv2dBackpropInputByPhases(tf, dy as tf.Tensor4D, w as tf.Tensor4D, attrs, tf.backend())
    );
    const cpu = await runOn(
      tf,
      'cpu',
      inputs,
      (dy, filter) => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor
    );
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
  });

  it('keeps the native kernel for tiny problems only', () => {
    expect(usePhaseDecomposition([1, 4, 4, 8], [3, 3, 2, 8])).toBe(false);
    expect(usePhaseDecomposition([64, 7, 7, 64], [4, 4, 32, 64])).toBe(true);
    expect(usePhaseDecomposition([64, 14, 14, 32], [4, 4, 1, 32])).toBe(true);
  });

  it('gives tf.grad of conv2d and of conv2dTranspose w.r.t. input and filter equal to the cpu backend', async () => {
    for (const c of [cases[1], cases[2], cases[4], cases[13], cases[14]] as ConvCase[]) {
      const { filterShape, dyShape } = shapes(c);
      const round = rounding(c.pad);
      const conv = (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad as 'same', 'NHWC', 1, round), r))
        )([x, w]);
      const convResult = await compareWithCpu(tf, [float(c.x, 5), float(filterShape, 6), float(dyShape, 7)], conv);
      expect(convResult.error).toBeLessThan(1e-5);
      // conv2dTranspose(y, W) maps dyShape -> c.x: its forward pass is Conv2DBackpropInput.
      const transpose = (y: tf.Tensor, w: tf.Tensor, r: tf.Tensor) => {
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.x, c.s, c.pad as 'same', round);
        return [f(y, w), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([y, w])];
      };
      const transposeResult = await compareWithCpu(
        tf,
        [float(dyShape, 8), float(filterShape, 9), float(c.x, 10)],
        transpose
      );
      expect(transposeResult.error).toBeLessThan(1e-5);
    }
  });

  it('leaves no tensor behind across repeated calls and training steps', () => {
    const c = cases[14] as ConvCase;
    const { filterShape, dyShape } = shapes(c);
    const [dy, w] = [tf.randomNormal(dyShape), tf.randomNormal(filterShape)];
    expect(leakedAcross(tf, 10, () => registered(c)(dy, w))).toEqual({ tensors: 0, bytes: 0 });
    const tiny = cases[0] as ConvCase; // the native route
    const [dy0, w0] = [tf.randomNormal(shapes(tiny).dyShape), tf.randomNormal(shapes(tiny).filterShape)];
    expect(leakedAcross(tf, 10, () => registered(tiny)(dy0, w0))).toEqual({ tensors: 0, bytes: 0 });
    const v = tf.variable(tf.randomNormal(filterShape));
    const step = () =>
      tf.variableGrads(() =>
        tf.sum(tf.square(tf.conv2dTranspose(dy as tf.Tensor4D, v as tf.Tensor4D, c.x, 2, 'same')))
      );
    expect(leakedAcross(tf, 10, step)).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([dy, w, dy0, w0, v]);
  });
});

// Independent reference: the input gradient of f(x) = sum(conv2d(x, W) * r) by central finite differences in float64
// plain JS, against the phase route and tf.grad on wasm.
describe('conv2d input gradient on wasm vs finite differences', () => {
  it.each([
    { x: [2, 5, 4, 3], w: [3, 3, 3, 2], s: 2, pad: 'same' as const },
    { x: [1, 7, 6, 2], w: [4, 4, 2, 3], s: 3, pad: 'valid' as const },
  ])('matches for %j', async ({ x: xShape, w: wShape, s, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(xShape as never, wShape as never, s, 1, pad);
    const [n, h, w, cin] = xShape as [number, number, number, number];
    const [kh, kw, , cout] = wShape as [number, number, number, number];
    const { outHeight: oh, outWidth: ow } = info;
    const xs = Float64Array.from(randomValues(n * h * w * cin, 21));
    const ws = Float64Array.from(randomValues(kh * kw * cin * cout, 22));
    const rs = Float64Array.from(randomValues(n * oh * ow * cout, 23));
    const geometry = { n, h, w, cin, kh, kw, cout, oh, ow, stride: s, padTop: info.padInfo.top, padLeft: info.padInfo.left };
    const numeric = numericGradient(xs, () => convObjective(geometry, xs, ws, rs));
    const [byPhases, byGrad] = await runOn(
      tf,
      'wasm',
      [
        { shape: xShape, values: Float32Array.from(xs), dtype: 'float32' },
        { shape: wShape, values: Float32Array.from(ws), dtype: 'float32' },
        { shape: [n, oh, ow, cout], values: Float32Array.from(rs), dtype: 'float32' },
      ],
      (x, filter, r) => [
        conv2dBackpropInputByPhases(
          tf,
          r as tf.Tensor4D,
          filter as tf.Tensor4D,
          { inputShape: xShape as never, strides: s, pad },
          tf.backend()
        ),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, filter as tf.Tensor4D, s, pad), r)))(
          x as tf.Tensor
        ),
      ]
    );
    for (const got of [byPhases!, byGrad!]) {
      const scale = Math.max(...numeric.map(Math.abs));
      const diff = Math.max(...numeric.map((v, i) => Math.abs(v - (got.values[i] as number))));
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });
});
