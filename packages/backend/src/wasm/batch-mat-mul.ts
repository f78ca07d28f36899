// BatchMatMul (and _FusedMatMul) for the wasm backend: the native kernel is fast only for an untransposed,
// unbatched product (XNNPACK fully-connected). With transposeA/transposeB it falls back to a scalar loop that is 6-30x
// slower (measured: [64,3136]^T @ [64,32] 5.8 ms vs 0.6 ms after an explicit transpose; 512^T @ 512 265 ms vs 9 ms),
// and batched products ([8,128,256] @ [8,256,128]: 30 ms, ~1 GMAC/s) are slow too. Dense layers' gradients are
// exactly such products (dW = x^T dy, dx = dy W^T), so training pays this on every step.
//
// Rewrite, all on the native fast path:
//   A^T B = transpose(A) B and A B^T = A transpose(B)   (XNNPACK transposes, ~0.2 ms for 200k floats);
//   [b, m, k] @ [k, n]         = reshape([b*m, k] @ [k, n])                         (one GEMM);
//   [m, k]    @ [b, k, n]      = transpose(reshape([m, k] @ [k, b*n], [m, b, n]), [1, 0, 2]) (b^T laid out first);
//   [b, m, k] @ [b, k, n]      = stack of b unbatched GEMMs when each is big enough (>= 64k MACs), else native.
import type { Tensor } from '@tensorflow/tfjs';
import { asTensor, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Batched products smaller than this per batch entry stay native: the per-GEMM launch cost would dominate. */
const minMacsPerBatchedGemm = 1 << 16;

function swapLastTwo(tf: TensorFlow, x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = x.rank;
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

function product(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Products with fewer multiply-adds than this stay native even transposed: its scalar loop beats two launches. */
const minMacsForRewrite = 1 << 14;

/**
 * Whether the native kernel runs these inputs as fast as the rewrite: untransposed and unbatched (XNNPACK), or tiny
 * (a [64, 8] x [16, 8]^T product, a RealNVP coupling's: 24 us native vs 103 us transposed first on 1 thread, 544 us
 * on 2, where each extra launch wakes the thread pool).
 */
function nativeIsFast(aShape: number[], bShape: number[], attrs: MatMulAttrs): boolean {
  const batch = Math.max(product(aShape.slice(0, -2)), product(bShape.slice(0, -2)));
  const [rowsA, colsA] = aShape.slice(-2) as [number, number];
  const n = attrs.transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  if (batch * rowsA * colsA * n < minMacsForRewrite) return true;
  return !attrs.transposeA && !attrs.transposeB && batch <= 1;
}

/**
 * a @ b (with the transposes in attrs) as unbatched, untransposed matMuls. Returns undefined when the native kernel
 * should run instead (small batched products, batch dims that broadcast both ways). Call inside tf.tidy.
 */
export function batchMatMul(tf: TensorFlow, a: Tensor, b: Tensor, attrs: MatMulAttrs): Tensor | undefined {
  const a1 = attrs.transposeA ? swapLastTwo(tf, a) : a; // [..., m, k]
  const b1 = attrs.transposeB ? swapLastTwo(tf, b) : b; // [..., k, n]
  const [m, k] = a1.shape.slice(-2) as [number, number];
  const [k2, n] = b1.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${k2}) of Tensors with shapes ${a.shape} and ${b.shape} and ` +
        `transposeA=${attrs.transposeA} and transposeB=${attrs.transposeB} must match.`
    );
  }
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(a1.shape.slice(0, -2), b1.shape.slice(0, -2));
  const outShape = [...batchShape, m, n];
  const batchA = product(a1.shape.slice(0, -2));
  const batchB = product(b1.shape.slice(0, -2));
  const mat = (x: Tensor, rows: number, cols: number) =>
    tf.reshape(x, [rows, cols]) as import('@tensorflow/tfjs').Tensor2D;
  if (batchB === 1) {
    return tf.reshape(tf.matMul(mat(a1, batchA * m, k), mat(b1, k, n)), outShape);
  }
  if (batchA === 1) {
    const bt = tf.reshape(tf.transpose(tf.reshape(b1, [batchB, k, n]), [1, 0, 2]), [k, batchB * n]);
    const c = tf.reshape(tf.matMul(mat(a1, m, k), bt as import('@tensorflow/tfjs').Tensor2D), [m, batchB, n]);
    return tf.reshape(tf.transpose(c, [1, 0, 2]), outShape);
  }
  if (batchA !== batchB || m * k * n < minMacsPerBatchedGemm) {
    return undefined;
  }
  const as = tf.split(tf.reshape(a1, [batchA, m, k]), batchA, 0);
  const bs = tf.split(tf.reshape(b1, [batchB, k, n]), batchB, 0);
  const cs = as.map((ai, i) => tf.matMul(mat(ai, m, k), mat(bs[i] as Tensor, k, n)));
  return tf.reshape(tf.stack(cs), outShape);
}

export function batchMatMulConfig(tf: TensorFlow, native: WasmKernelConfig): WasmKernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    ...(native.setupFunc !== undefined ? { setupFunc: native.setupFunc } : {}),
    ...(native.disposeFunc !== undefined ? { disposeFunc: native.disposeFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const attrs = (args.attrs ?? {}) as MatMulAttrs;
      const { a, b } = args.inputs;
      if (a === undefined || b === undefined) throw new Error(`BatchMatMul: missing input 'a' or 'b'`);
      const float = a.dtype === 'float32' && b.dtype === 'float32';
      // The rewrite's own matMuls are unbatched and untransposed: they come back here and go native.
      if (!float || nativeIsFast(a.shape, b.shape, attrs)) return native.kernelFunc(args);
      const out = tf.tidy(() => batchMatMul(tf, asTensor(tf, a, 'a'), asTensor(tf, b, 'b'), attrs));
      return out ?? native.kernelFunc(args);
    },
  };
}

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid';

function activate(
  tf: TensorFlow,
  x: Tensor,
  activation: Activation | undefined,
  preluWeights: Tensor | undefined,
  alpha: number | undefined
): Tensor {
  switch (activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, alpha ?? 0.2);
    case 'prelu':
      if (preluWeights === undefined) throw new Error('_FusedMatMul: prelu activation without weights');
      return tf.prelu(x, preluWeights);
    default:
      throw new Error(`_FusedMatMul: unknown activation '${String(activation)}'`);
  }
}

/**
 * _FusedMatMul (matMul + bias + activation, used by tf.fused.matMul and tfjs-layers' dense). Two native problems:
 * with transposeA/transposeB it takes the same slow path as BatchMatMul, so the transposes are materialized and the
 * native fused kernel runs untransposed; and with a batch dimension > 1 and a bias or an activation it returns wrong
 * values (measured: [4,5,7] @ [4,7,3] + bias, or relu([3,40,50] @ [3,50,60]), differ from the cpu backend by 20-30%
 * of the magnitude), so batched products run unfused: BatchMatMul (above) + add + activation.
 */
export function fusedMatMulConfig(tf: TensorFlow, native: WasmKernelConfig): WasmKernelConfig {
  return {
    kernelName: '_FusedMatMul',
    backendName: 'wasm',
    ...(native.setupFunc !== undefined ? { setupFunc: native.setupFunc } : {}),
    ...(native.disposeFunc !== undefined ? { disposeFunc: native.disposeFunc } : {}),
    kernelFunc: (args: KernelArgs) => {
      const attrs = (args.attrs ?? {}) as MatMulAttrs & { activation?: Activation; leakyreluAlpha?: number };
      const { a, b, bias, preluActivationWeights } = args.inputs;
      if (a === undefined || b === undefined) return native.kernelFunc(args);
      const batched = product(a.shape.slice(0, -2)) > 1 || product(b.shape.slice(0, -2)) > 1;
      if (batched) {
        return tf.tidy(() => {
          const product = tf.matMul(asTensor(tf, a, 'a'), asTensor(tf, b, 'b'), attrs.transposeA, attrs.transposeB);
          const biased = bias != null ? tf.add(product, asTensor(tf, bias, 'bias')) : product;
          const prelu = preluActivationWeights != null ? asTensor(tf, preluActivationWeights, 'prelu') : undefined;
          return activate(tf, biased, attrs.activation, prelu, attrs.leakyreluAlpha);
        });
      }
      if (!attrs.transposeA && !attrs.transposeB) return native.kernelFunc(args);
      // Transposed copies are created in a tidy (which also releases any wrapper of a TensorInfo input) and released
      // once the native kernel has written its own output.
      const ta = attrs.transposeA ? tf.tidy(() => swapLastTwo(tf, asTensor(tf, a, 'a'))) : a;
      const tb = attrs.transposeB ? tf.tidy(() => swapLastTwo(tf, asTensor(tf, b, 'b'))) : b;
      try {
        return native.kernelFunc({
          ...args,
          inputs: { ...args.inputs, a: ta, b: tb },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (ta !== a) (ta as Tensor).dispose();
        if (tb !== b) (tb as Tensor).dispose();
      }
    },
  };
}
