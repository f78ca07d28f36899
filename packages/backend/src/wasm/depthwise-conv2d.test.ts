import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, leakedAcross } from './test-helpers.js';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  m: number; // channel multiplier
  s: number | [number, number];
  pad: Pad;
}

const cases: Case[] = [
  { x: [2, 7, 9, 3], k: [3, 3], m: 1, s: 1, pad: 'same' },
  { x: [1, 9, 7, 4], k: [3, 3], m: 2, s: 2, pad: 'same' },
  { x: [2, 8, 8, 2], k: [4, 4], m: 3, s: 2, pad: 'valid' },
  { x: [1, 11, 13, 3], k: [5, 5], m: 1, s: 3, pad: 'same' },
  { x: [2, 6, 6, 2], k: [2, 2], m: 2, s: 3, pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 2], m: 1, s: [2, 1], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], m: 2, s: 2, pad: 1 },
];

function shapes(c: Case) {
  const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.m];
  const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.s, 1, c.pad as 'same', 'floor', true);
  return { filterShape, dyShape: info.outShape };
}
const rounding = (pad: Pad) => (typeof pad === 'number' ? ('floor' as const) : undefined);
/** dimRoundingMode as a kernel attribute (absent unless the pad is a number). */
const roundingAttr = (pad: Pad): { dimRoundingMode?: 'floor' } =>
  typeof pad === 'number' ? { dimRoundingMode: 'floor' } : {};

describe('depthwise conv2d gradients on wasm', () => {
  it.each(cases)('DepthwiseConv2dNativeBackpropInput and ...Filter match the cpu backend for %j', async (c) => {
    const { filterShape, dyShape } = shapes(c);
    const attrs = { strides: c.s, pad: c.pad, dilations: 1, ...roundingAttr(c.pad) };
    const f = (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) => [
      tf
        .engine()
        .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape }) as tf.Tensor,
    ];
    const { error, wasm } = await compareWithCpu(tf, [float(c.x, 1), float(filterShape, 2), float(dyShape, 3)], f);
    expect(wasm[0]?.shape).toEqual(c.x);
    expect(wasm[1]?.shape).toEqual(filterShape);
    expect(error).toBeLessThan(1e-5);
  });

  it('gives tf.grads of depthwiseConv2d and separableConv2d equal to the cpu backend', async () => {
    for (const c of [cases[1], cases[2], cases[3]] as Case[]) {
      const { filterShape, dyShape } = shapes(c);
      const depthwise = (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad as 'same', 'NHWC', 1, rounding(c.pad)),
              r
            )
          )
        )([x, w]);
      expect(
        (await compareWithCpu(tf, [float(c.x, 4), float(filterShape, 5), float(dyShape, 6)], depthwise)).error
      ).toBeLessThan(1e-5);
    }
    const x: [number, number, number, number] = [2, 8, 8, 3];
    const separable = (a: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
      tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(u as tf.Tensor4D, v as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))
      )([a, d, p]);
    const { error } = await compareWithCpu(
      tf,
      [float(x, 7), float([3, 3, 3, 2], 8), float([1, 1, 6, 5], 9)],
      separable
    );
    expect(error).toBeLessThan(1e-5);
  });

  it('leaves no tensor behind across training steps', () => {
    const x = tf.randomNormal([2, 9, 9, 4]);
    const w = tf.variable(tf.randomNormal([3, 3, 4, 2]));
    const step = () =>
      tf.variableGrads(() => tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))));
    expect(leakedAcross(tf, 10, step)).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([x, w]);
  });
});
