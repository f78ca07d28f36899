// Log1p for the wasm backend. tfjs-backend-wasm 4.22's kernel computes log(1 + x) in float32, so 1 + x rounds to 1
// and the result is 0 for |x| < ~6e-8, with a relative error of ~6e-8 / |x| above (1.7e-4 at x = 1e-4): a loss that
// sums log1p of small ratios (BILBO's rate over barely used latent dimensions) loses them. Its int32 path writes
// garbage.
//
// Formula (Goldberg, "What every computer scientist should know about floating-point arithmetic", thm. 4), with
// w = fl(1 + x): log1p(x) = x when w = 1, else log(w) * x / (w - 1). The rounding error of 1 + x cancels between
// log(w) and w - 1 (exact for w < 2^24; beyond, x / (w - 1) is ~1), leaving a few ulps (measured: < 3 * 2^-24 for
// any x). The gradient dy / (1 + x) is tfjs-core's.
import type { Tensor } from '@tensorflow/tfjs';
import { asTensor, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

/** log1p(x) elementwise for a float32 x, as Math.log1p to float32 precision (specials included). Call inside tf.tidy. */
export function log1p(tf: TensorFlow, x: Tensor): Tensor {
  const w = tf.add(x, 1);
  const d = tf.sub(w, 1);
  // x itself is the answer where w = 1 (exact) and at +Infinity (where x / (w - 1) would be Infinity / Infinity).
  const takeX = tf.logicalOr(tf.equal(d, 0), tf.equal(x, Infinity));
  // A denominator of 1 there, so the branch that `where` discards never computes 0/0 or Infinity/Infinity.
  const ratio = tf.div(x, tf.where(takeX, tf.onesLike(d), d));
  // x = -1: log(0) * 1 = -Infinity; x < -1 or -Infinity: log of a negative number, NaN; NaN stays NaN.
  return tf.where(takeX, x, tf.mul(tf.log(w), ratio));
}

/**
 * Replaces the native Log1p on 'wasm'; never calls it. int32 inputs give the cpu backend's answer (log1p in floating
 * point, truncated; non-finite values as 0).
 */
export function log1pConfig(tf: TensorFlow): WasmKernelConfig {
  return {
    kernelName: 'Log1p',
    backendName: 'wasm',
    kernelFunc: ({ inputs }: KernelArgs) =>
      tf.tidy(() => {
        const x = asTensor(tf, inputs.x, 'x');
        if (x.dtype === 'float32') return log1p(tf, x);
        if (x.dtype !== 'int32') throw new Error(`tame wasm Log1p: unsupported dtype '${x.dtype}'`);
        const y = log1p(tf, tf.cast(x, 'float32'));
        return tf.cast(tf.where(tf.isFinite(y), y, tf.zerosLike(y)), 'int32');
      }),
  };
}
