import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { registerWasmTrainingKernels, wasmTrainingKernelNames } from './register-wasm-training-kernels.js';
import { compareWithCpu, float, leakedAcross, type InputSpec } from './test-helpers.js';

describe('registerWasmTrainingKernels', () => {
  it('registers every kernel on wasm, keeps the native ones it wraps reachable, and is idempotent', () => {
    expect(tf.getBackend()).toBe('wasm');
    const before = wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm'));
    expect(before.every((config) => config !== undefined)).toBe(true);
    const warn = vi.spyOn(console, 'warn');
    registerWasmTrainingKernels(tf);
    registerWasmTrainingKernels(tf);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm'))).toEqual(before);
    for (const name of ['Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul']) {
      // The wrapper carries the native kernel's setup (its cwrap), which runs when the backend initializes.
      expect(tf.getKernel(name, 'wasm')?.setupFunc, name).toBeTypeOf('function');
    }
  });
});

describe('kernel functions called directly', () => {
  // A kernel returns a TensorInfo (native route) or a Tensor (tame's composite route); either way the caller owns it.
  const owned = (out: unknown) =>
    out instanceof tf.Tensor ? out : tf.engine().makeTensorFromTensorInfo(out as tf.TensorInfo);
  const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });

  it.each([
    [1, 3], // tiny: Conv2DBackpropInput takes the native route
    [4, 8], // the phase route
  ])('accept TensorInfo inputs and leave them alive (batch %i, %i channels)', (batch, channels) => {
    const x = tf.randomNormal([batch, 9, 9, channels]);
    const dy = tf.randomNormal([batch, 5, 5, 16]);
    const w = tf.randomNormal([3, 3, channels, 16]);
    const before = tf.memory().numTensors;
    const common = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
    const dw = owned(
      tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc({
        inputs: { x: info(x), dy: info(dy) },
        backend: tf.backend(),
        attrs: { ...common, filterShape: w.shape },
      })
    );
    const dx = owned(
      tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc({
        inputs: { dy: info(dy), filter: info(w) },
        backend: tf.backend(),
        attrs: { ...common, inputShape: x.shape },
      })
    );
    const errors = tf.tidy(() => {
      const loss = (a: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), dy));
      const [gx, gw] = tf.grads(loss)([x, w]);
      return [tf.max(tf.abs(tf.sub(dw, gw!))).dataSync()[0], tf.max(tf.abs(tf.sub(dx, gx!))).dataSync()[0]];
    });
    expect(errors[0]).toBeLessThan(1e-4);
    expect(errors[1]).toBeLessThan(1e-4);
    tf.dispose([dw, dx]);
    expect(tf.memory().numTensors).toBe(before);
    expect(x.dataSync().length).toBe(batch * 9 * 9 * channels); // inputs still alive
    tf.dispose([x, dy, w]);
  });
});

// Small versions of the models tame trains, as functions of their parameters: the gradients of every parameter on
// wasm (tame's kernels) must equal the cpu backend's.
type Model = { params: InputSpec[]; data: InputSpec[]; loss: (p: tf.Tensor[], d: tf.Tensor[]) => tf.Scalar };

const vae: Model = {
  params: [
    float([3, 3, 1, 4], 1),
    float([4], 2),
    float([64, 6], 3),
    float([6], 4),
    float([3, 64], 5),
    float([64], 6),
    float([4, 4, 2, 4], 7),
    float([2], 8),
    float([3, 3, 2, 1], 9),
  ],
  data: [float([2, 8, 8, 1], 10), float([2, 3], 11)],
  loss: ([w1, b1, w2, b2, w3, b3, w4, b4, w5], [x, eps]) => {
    const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same'), b1 as tf.Tensor));
    const stats = tf.add(tf.matMul(tf.reshape(h, [2, 64]), w2 as tf.Tensor2D), b2 as tf.Tensor);
    const [mean, logVariance] = tf.split(stats, 2, 1) as [tf.Tensor, tf.Tensor];
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVariance, 0.5)), eps as tf.Tensor));
    const d = tf.reshape(tf.relu(tf.add(tf.matMul(z, w3 as tf.Tensor2D), b3 as tf.Tensor)), [2, 4, 4, 4]);
    const up = tf.relu(
      tf.add(tf.conv2dTranspose(d as tf.Tensor4D, w4 as tf.Tensor4D, [2, 8, 8, 2], 2, 'same'), b4 as tf.Tensor)
    );
    const xHat = tf.sigmoid(tf.conv2d(up as tf.Tensor4D, w5 as tf.Tensor4D, 1, 'same'));
    const reconstruction = tf.sum(tf.squaredDifference(x as tf.Tensor, xHat));
    const kl = tf.mul(tf.sum(tf.sub(tf.add(1, logVariance), tf.add(tf.square(mean), tf.exp(logVariance)))), -0.5);
    return tf.add(reconstruction, kl) as tf.Scalar;
  },
};

// ConvDRAW-style: a ConvLSTM cell unrolled 3 steps, writing to a canvas through a strided conv2dTranspose.
const convLstm: Model = {
  params: [float([3, 3, 5, 12], 21), float([12], 22), float([4, 4, 2, 3], 23)],
  data: [float([2, 6, 6, 2], 24), float([2, 12, 12, 2], 25)],
  loss: ([w, b, write], [x, target]) => {
    let h = tf.zeros([2, 6, 6, 3]);
    let c = tf.zeros([2, 6, 6, 3]);
    let canvas: tf.Tensor = tf.zeros([2, 12, 12, 2]);
    for (let t = 0; t < 3; t++) {
      const gates = tf.add(
        tf.conv2d(tf.concat([x as tf.Tensor, h], 3) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
        b as tf.Tensor
      );
      const [i, f, o, g] = tf.split(gates, 4, 3) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      canvas = tf.add(canvas, tf.conv2dTranspose(h as tf.Tensor4D, write as tf.Tensor4D, [2, 12, 12, 2], 2, 'same'));
    }
    const error = tf.clipByValue(tf.sub(tf.sigmoid(canvas), target as tf.Tensor), -0.9, 0.9);
    return tf.add(tf.mean(tf.square(error)), tf.mean(tf.softplus(tf.maximum(tf.minimum(c, 1), -1)))) as tf.Scalar;
  },
};

// RealNVP-style affine coupling with a squeeze (reshape/transpose), a channel permutation (gather), pad and slice.
const realNvp: Model = {
  params: [float([3, 3, 4, 8], 31), float([8], 32), float([3, 3, 8, 8], 33), float([8], 34)],
  data: [float([2, 4, 4, 2], 35)],
  loss: ([w1, b1, w2, b2], [x]) => {
    const squeezed = tf.reshape(
      tf.transpose(tf.reshape(x as tf.Tensor, [2, 2, 2, 2, 2, 2]), [0, 1, 3, 2, 4, 5]),
      [2, 2, 2, 8]
    );
    const permuted = tf.gather(squeezed, tf.tensor1d([7, 2, 5, 0, 3, 6, 1, 4], 'int32'), 3);
    const [x1, x2] = tf.split(permuted, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
    const padded = tf.slice(
      tf.pad(x1, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
      [0, 1, 1, 0],
      [2, 2, 2, 4]
    ) as tf.Tensor4D;
    const hidden = tf.relu(tf.add(tf.conv2d(padded, w1 as tf.Tensor4D, 1, 'same'), b1 as tf.Tensor));
    const [rawScale, shift] = tf.split(
      tf.add(tf.conv2d(hidden as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same'), b2 as tf.Tensor),
      2,
      3
    ) as [tf.Tensor, tf.Tensor];
    const scale = tf.tanh(rawScale);
    const y = tf.concat([x1, tf.add(tf.mul(x2, tf.exp(scale)), shift)], 3);
    const logDet = tf.sum(scale, [1, 2, 3]);
    const logPrior = tf.mul(tf.sum(tf.square(y), [1, 2, 3]), -0.5);
    return tf.neg(tf.mean(tf.add(tf.add(logPrior, logDet), tf.logSumExp(y, [1, 2, 3])))) as tf.Scalar;
  },
};

describe('training the reference models on wasm', () => {
  it.each([
    ['VAE', vae],
    ['ConvLSTM (ConvDRAW)', convLstm],
    ['RealNVP coupling', realNvp],
  ] as const)('%s: every parameter gradient equals the cpu backend', async (_name, model) => {
    const n = model.params.length;
    const run = (...tensors: tf.Tensor[]) => {
      const data = tensors.slice(n);
      const { value, grads } = tf.valueAndGrads((...params: tf.Tensor[]) => model.loss(params, data))(
        tensors.slice(0, n)
      );
      return [value, ...grads];
    };
    const { error, wasm } = await compareWithCpu(tf, [...model.params, ...model.data], run);
    expect(wasm.length).toBe(n + 1);
    expect(error).toBeLessThan(1e-4);
  });

  it('a VAE trains (loss decreases) with flat tensor and memory counts', () => {
    const params = vae.params.map((s) => tf.variable(tf.mul(tf.tensor(s.values, s.shape), 0.5)));
    const data = vae.data.map((s) => tf.tensor(s.values, s.shape));
    const x = tf.sigmoid(tf.mul(data[0] as tf.Tensor, 3));
    const optimizer = tf.train.adam(0.01);
    const step = () => optimizer.minimize(() => vae.loss(params, [x, data[1] as tf.Tensor]), true) as tf.Scalar;
    const first = tf.tidy(() => step().dataSync()[0] as number);
    expect(leakedAcross(tf, 30, step)).toEqual({ tensors: 0, bytes: 0 });
    const last = tf.tidy(() => step().dataSync()[0] as number);
    expect(last).toBeLessThan(first);
    optimizer.dispose();
    tf.dispose([...params, ...data, x]);
  });
});
