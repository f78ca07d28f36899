import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  compareWithCpu,
  type ConvCase,
  convCaseShapes as shapes,
  convObjective,
  float,
  leakedAcross,
  numericGradient,
  randomValues,
  runOn,
  sharedConvCases,
} from './test-helpers.js';

const cases: ConvCase[] = [
  ...sharedConvCases,
  { x: [3, 7, 9, 6], k: [1, 1], cout: 5, s: 1, pad: 'valid' }, // 1x1 stride 1: the matMul route
  { x: [5, 12, 12, 7], k: [4, 4], cout: 9, s: 2, pad: 'same' },
];

const filterGrad =
  (c: ConvCase, dataFormat: 'NHWC' | 'NCHW' = 'NHWC') =>
  (x: tf.Tensor, dy: tf.Tensor) =>
    tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: c.s,
        pad: c.pad,
        dataFormat,
        ...(typeof c.pad === 'number' ? { dimRoundingMode: 'floor' } : {}),
        filterShape: shapes(c).filterShape,
      }
    ) as tf.Tensor;

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(cases)('matches the cpu backend for %j', async (c) => {
    const { dyShape } = shapes(c);
    const { error, wasm } = await compareWithCpu(tf, [float(c.x, 1), float(dyShape, 2)], filterGrad(c));
    expect(wasm[0]?.shape).toEqual(shapes(c).filterShape);
    expect(error).toBeLessThan(1e-5);
  });

  it('matches the cpu backend in NCHW', async () => {
    const c: ConvCase = { x: [2, 9, 7, 3], k: [3, 3], cout: 4, s: 2, pad: 'same' };
    const dy = shapes(c).dyShape;
    const nchw = (s: number[]) => [s[0], s[3], s[1], s[2]] as number[];
    const run = (x: tf.Tensor, d: tf.Tensor) =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy: d },
        {
          strides: c.s,
          pad: c.pad,
          dataFormat: 'NCHW',
          filterShape: shapes(c).filterShape,
        }
      ) as tf.Tensor;
    const { error } = await compareWithCpu(tf, [float(nchw(c.x), 3), float(nchw(dy), 4)], run);
    expect(error).toBeLessThan(1e-5);
  });

  it('gives tf.grad of conv2d w.r.t. input and filter equal to the cpu backend', async () => {
    for (const c of [cases[1], cases[2], cases[3], cases[4], cases[12], cases[10], cases[13]] as ConvCase[]) {
      const { filterShape, dyShape } = shapes(c);
      const loss = (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.conv2d(
                a as tf.Tensor4D,
                b as tf.Tensor4D,
                c.s,
                c.pad as 'same',
                'NHWC',
                1,
                typeof c.pad === 'number' ? 'floor' : undefined
              ),
              r
            )
          )
        )([x, w]);
      const { error } = await compareWithCpu(tf, [float(c.x, 5), float(filterShape, 6), float(dyShape, 7)], loss);
      expect(error).toBeLessThan(1e-5);
    }
  });

  it('throws a clear error for dilations other than 1', () => {
    const x = tf.zeros([1, 5, 5, 1]);
    const dy = tf.zeros([1, 5, 5, 1]);
    expect(() =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 1, 1],
          dilations: [2, 2],
        }
      )
    ).toThrow(/dilations must be 1/);
    tf.dispose([x, dy]);
  });

  it('leaves no tensor behind across repeated calls and training steps', async () => {
    const c = cases[13] as ConvCase;
    const { dyShape } = shapes(c);
    const [x, dy] = [tf.randomNormal(c.x), tf.randomNormal(dyShape)];
    expect(leakedAcross(tf, 10, () => filterGrad(c)(x, dy))).toEqual({ tensors: 0, bytes: 0 });
    const w = tf.variable(tf.randomNormal(shapes(c).filterShape));
    const step = () =>
      tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))));
    expect(leakedAcross(tf, 10, step)).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([x, dy, w]);
  });
});

// Independent reference: central finite differences of f(x, W) = sum(conv2d(x, W) * r) in float64 plain JS.
describe('conv2d gradients on wasm vs finite differences', () => {
  const xShape = [2, 5, 4, 3];
  const wShape = [3, 3, 3, 2];
  const strides = 2;
  const info = tf.backend_util.computeConv2DInfo(xShape as never, wShape as never, strides, 1, 'same');
  const [n, h, w, cin] = xShape as [number, number, number, number];
  const [kh, kw, , cout] = wShape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow } = info;
  const xs = Float64Array.from(randomValues(n * h * w * cin, 11));
  const ws = Float64Array.from(randomValues(kh * kw * cin * cout, 12));
  const rs = Float64Array.from(randomValues(n * oh * ow * cout, 13));

  const geometry = { n, h, w, cin, kh, kw, cout, oh, ow, stride: strides, padTop: info.padInfo.top, padLeft: info.padInfo.left };
  const f = (x: Float64Array, filter: Float64Array) => convObjective(geometry, x, filter, rs);

  it('matches tf.grads of conv2d (input and filter) and the filter kernel', async () => {
    const dx = numericGradient(xs, () => f(xs, ws));
    const dw = numericGradient(ws, () => f(xs, ws));
    const [gx, gw, kernelDw] = await runOn(
      tf,
      'wasm',
      [
        { shape: xShape, values: Float32Array.from(xs), dtype: 'float32' },
        { shape: wShape, values: Float32Array.from(ws), dtype: 'float32' },
        { shape: [n, oh, ow, cout], values: Float32Array.from(rs), dtype: 'float32' },
      ],
      (x, filter, r) => [
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, 'same'), r))
        )([x as tf.Tensor, filter as tf.Tensor]),
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: x as tf.Tensor, dy: r as tf.Tensor },
          {
            strides,
            pad: 'same',
            dataFormat: 'NHWC',
            filterShape: wShape,
          }
        ) as tf.Tensor,
      ]
    );
    const close = (a: Float64Array, b: Float64Array) => {
      let diff = 0;
      let scale = 1e-3;
      b.forEach((v, i) => {
        diff = Math.max(diff, Math.abs((a[i] as number) - v));
        scale = Math.max(scale, Math.abs(v));
      });
      return diff / scale;
    };
    expect(close(gx!.values, dx)).toBeLessThan(1e-5);
    expect(close(gw!.values, dw)).toBeLessThan(1e-5);
    expect(close(kernelDw!.values, dw)).toBeLessThan(1e-5);
  });
});
