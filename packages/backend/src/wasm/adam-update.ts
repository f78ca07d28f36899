// One Adam update of a variable and its two moments in one kernel launch on wasm, for @tame/core's Adam, which
// uses a backend's 'TameAdamUpdate' kernel where one is registered (@tame/core: adamUpdateKernelName). Its ops path
// is ~13 launches per variable (Adam, Kingma & Ba 2015, Algorithm 1, bias corrections folded into the step size);
// on 2 threads each launch of a small op costs ~30 us of waking the pool: ConvDRAW's ~40 variables pay ~500 a step.
// Small variables are updated by a JS loop over the heap: each value goes through the same float32 operations in the
// same order, rounded after each (Math.fround of exact float64 +, -, *, /, sqrt is the float32 result), so the update
// equals the ops path bit for bit. Large ones by those ops themselves: the loop costs 11-19 ns a value (a division
// and a square root each), the ops ~3 ns a value in SIMD plus ~0.3 ms of launches.
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import { isHeapBackend } from './heap-copy.js';
import { asTensor, type KernelArgs, type KernelFn, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

/** Variables with more values than this are updated by ops (measured break-even: ~25k values). */
const maxLoopValues = 1 << 14;

/** @tame/core's adamUpdateKernelName (this package does not depend on core; a test checks they agree). */
export const adamUpdateKernelName = 'TameAdamUpdate';

interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  stepSize: number;
  epsilonHat: number;
}

/** The ops of @tame/core's Adam update, in its order. Call inside tf.tidy. */
function updateWithOps(tf: TensorFlow, [parameter, gradient, first, second]: Tensor[], { beta1, beta2, stepSize, epsilonHat }: AdamUpdateAttrs): Tensor[] {
  const nextFirst = tf.add(tf.mul(beta1, first!), tf.mul(1 - beta1, gradient!));
  const nextSecond = tf.add(tf.mul(beta2, second!), tf.mul(1 - beta2, tf.square(gradient!)));
  return [tf.sub(parameter!, tf.div(tf.mul(stepSize, nextFirst), tf.add(tf.sqrt(nextSecond), epsilonHat))), nextFirst, nextSecond];
}

export function adamUpdateConfig(tf: TensorFlow): WasmKernelConfig {
  const kernelFunc: KernelFn = ({ inputs, attrs, backend }: KernelArgs) => {
    const named = inputs as unknown as Record<'variable' | 'gradient' | 'first' | 'second', TensorInfo | undefined>;
    const tensors = [named.variable, named.gradient, named.first, named.second];
    const [variable] = tensors;
    if (variable === undefined || tensors.some((tensor) => tensor === undefined || tensor.dtype !== 'float32' || tensor.shape.join() !== variable.shape.join())) {
      throw new Error('tame wasm TameAdamUpdate: variable, gradient, first and second must be float32 tensors of one shape');
    }
    if (!isHeapBackend(backend)) throw new Error('tame wasm TameAdamUpdate: needs the wasm backend');
    const values = tf.util.sizeFromShape(variable.shape);
    if (values > maxLoopValues) {
      return tf.tidy(() => updateWithOps(tf, tensors.map((tensor, index) => asTensor(tf, tensor, `input ${index}`)), attrs as unknown as AdamUpdateAttrs));
    }
    const outputs = [0, 1, 2].map(() => backend.makeOutput([...variable.shape], 'float32'));
    // Views after the allocations, which may grow the heap.
    const [parameter, gradient, first, second] = tensors.map((tensor) => backend.typedArrayFromHeap(tensor!) as Float32Array);
    const [nextParameter, nextFirst, nextSecond] = outputs.map((output) => backend.typedArrayFromHeap(output) as Float32Array);
    const { beta1, beta2, stepSize, epsilonHat } = attrs as unknown as AdamUpdateAttrs;
    const round = Math.fround;
    // The scalars as the ops path makes them: float32 tensors of the float64 values.
    const [b1, c1, b2, c2, step, epsilon] = [beta1, 1 - beta1, beta2, 1 - beta2, stepSize, epsilonHat].map(round) as [number, number, number, number, number, number];
    for (let index = 0; index < parameter!.length; index++) {
      const g = gradient![index]!;
      const m = round(round(b1 * first![index]!) + round(c1 * g));
      const v = round(round(b2 * second![index]!) + round(c2 * round(g * g)));
      nextFirst![index] = m;
      nextSecond![index] = v;
      nextParameter![index] = parameter![index]! - round(round(step * m) / round(round(Math.sqrt(v)) + epsilon));
    }
    return outputs;
  };
  return { kernelName: adamUpdateKernelName, backendName: 'wasm', kernelFunc };
}
