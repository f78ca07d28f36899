// Which kernels does training need that the wasm backend lacks? Trains (tf.variableGrads) one small net per op family
// on wasm, first as tfjs-backend-wasm ships, then with tame's kernels, and prints what fails.
// Run: npx tsx --conditions=@tame/source packages/backend/bench/probe-missing-kernels.ts
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@tame/backend';

type Probe = [name: string, loss: (v: Record<string, tf.Variable>) => tf.Scalar];

const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.5, 'float32', seed);
const probes: Probe[] = [
  ['conv2d', (v) => tf.sum(tf.conv2d(v.x4 as tf.Tensor4D, v.w as tf.Tensor4D, 2, 'same'))],
  [
    'conv2dTranspose',
    (v) => tf.sum(tf.conv2dTranspose(v.x4 as tf.Tensor4D, v.wt as tf.Tensor4D, [2, 16, 16, 3], 2, 'same')),
  ],
  ['depthwiseConv2d', (v) => tf.sum(tf.depthwiseConv2d(v.x4 as tf.Tensor4D, v.dw as tf.Tensor4D, 1, 'same'))],
  [
    'separableConv2d',
    (v) => tf.sum(tf.separableConv2d(v.x4 as tf.Tensor4D, v.dw as tf.Tensor4D, v.pw as tf.Tensor4D, 1, 'same')),
  ],
  [
    'fused conv2d (bias, relu)',
    (v) =>
      tf.sum(
        tf.fused.conv2d({
          x: v.x4 as tf.Tensor4D,
          filter: v.w as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: v.b6,
          activation: 'relu',
        })
      ),
  ],
  [
    'maxPool / avgPool',
    (v) =>
      tf.add(
        tf.sum(tf.maxPool(v.x4 as tf.Tensor4D, 2, 2, 'same')),
        tf.sum(tf.avgPool(v.x4 as tf.Tensor4D, 2, 2, 'same'))
      ),
  ],
  ['dense matMul (+ transposes)', (v) => tf.sum(tf.matMul(v.a, v.m))],
  ['fused matMul', (v) => tf.sum(tf.fused.matMul({ a: v.a, b: v.m, bias: v.b6, activation: 'relu' }))],
  ['batched matMul', (v) => tf.sum(tf.matMul(tf.reshape(v.a, [2, 4, 8]), tf.reshape(v.a, [2, 4, 8]), false, true))],
  [
    'relu sigmoid tanh softplus elu leakyRelu',
    (v) =>
      tf.sum(tf.addN([tf.relu(v.a), tf.sigmoid(v.a), tf.tanh(v.a), tf.softplus(v.a), tf.elu(v.a), tf.leakyRelu(v.a)])),
  ],
  [
    'exp log log1p sqrt square abs',
    (v) =>
      tf.sum(
        tf.addN([
          tf.exp(v.a),
          tf.log(tf.add(tf.square(v.a), 1)),
          tf.log1p(tf.abs(v.a)),
          tf.sqrt(tf.add(tf.square(v.a), 1)),
        ])
      ),
  ],
  ['depthToSpace', (v) => tf.sum(tf.depthToSpace(v.x4 as tf.Tensor4D, 2))],
  [
    'spaceToDepth via reshape/transpose',
    (v) =>
      tf.sum(
        tf.mul(
          tf.reshape(tf.transpose(tf.reshape(v.x4, [2, 4, 2, 4, 2, 12]), [0, 1, 3, 2, 4, 5]), [2, 4, 4, 48]),
          r([2, 4, 4, 48], 3)
        )
      ),
  ],
  [
    'concat split slice',
    (v) => {
      const [p, q] = tf.split(v.a, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.sum(tf.mul(tf.concat([q, tf.slice(p, [0, 1], [-1, 2]), p], 1), r([8, 10], 4)));
    },
  ],
  ['stridedSlice', (v) => tf.sum(tf.stridedSlice(v.a, [0, 0], [8, 8], [2, 2]))],
  ['gather (embedding)', (v) => tf.sum(tf.mul(tf.gather(v.m, tf.tensor1d([0, 3, 3, 7, 1], 'int32')), r([5, 6], 5)))],
  ['gather axis 1', (v) => tf.sum(tf.mul(tf.gather(v.a, tf.tensor1d([0, 3, 3, 7], 'int32'), 1), r([8, 4], 6)))],
  [
    'gatherND',
    (v) =>
      tf.sum(
        tf.gatherND(
          v.a,
          tf.tensor2d(
            [
              [0, 1],
              [3, 3],
            ],
            [2, 2],
            'int32'
          )
        )
      ),
  ],
  [
    'pad mirrorPad',
    (v) =>
      tf.add(
        tf.sum(
          tf.mul(
            tf.pad(v.a, [
              [1, 1],
              [2, 0],
            ]),
            r([10, 10], 7)
          )
        ),
        tf.sum(
          tf.mirrorPad(
            v.a,
            [
              [1, 1],
              [1, 1],
            ],
            'reflect'
          )
        )
      ),
  ],
  [
    'mean sum max min prod',
    (v) =>
      tf.addN([
        tf.mean(v.a),
        tf.sum(tf.max(v.a, 1)),
        tf.sum(tf.min(v.a, 0)),
        tf.sum(tf.prod(tf.add(v.a, 2), 1)),
      ]) as tf.Scalar,
  ],
  [
    'maximum minimum clipByValue',
    (v) => tf.sum(tf.addN([tf.maximum(v.a, 0.1), tf.minimum(v.a, tf.transpose(v.a)), tf.clipByValue(v.a, -0.2, 0.3)])),
  ],
  [
    'logSumExp softmax logSoftmax',
    (v) => tf.add(tf.sum(tf.logSumExp(v.a, 1)), tf.sum(tf.mul(tf.logSoftmax(v.a), tf.softmax(v.a)))),
  ],
  ['where (condition on the tape)', (v) => tf.sum(tf.where(tf.greater(v.a, 0), tf.square(v.a), tf.neg(v.a)))],
  [
    'where (condition off the tape)',
    (v) => tf.sum(tf.where(tf.greater(tf.tensor(v.a.dataSync(), v.a.shape), 0), tf.square(v.a), tf.neg(v.a))),
  ],
  [
    'tile expandDims stack unstack',
    (v) => tf.sum(tf.mul(tf.stack([...tf.unstack(tf.tile(tf.expandDims(v.a, 0), [2, 1, 1]))], 1), 1.5)),
  ],
  ['cumsum', (v) => tf.sum(tf.mul(tf.cumsum(v.a, 1), r([8, 8], 8)))],
  [
    'moments + batchNorm without offset/scale',
    (v) => {
      const { mean, variance } = tf.moments(v.a, 0);
      return tf.sum(tf.batchNorm(v.a, mean, variance, undefined, undefined, 1e-3));
    },
  ],
  [
    'moments + batchNorm with offset/scale',
    (v) => {
      const { mean, variance } = tf.moments(v.a, 0);
      return tf.sum(
        tf.mul(
          tf.batchNorm(
            v.a,
            mean,
            variance,
            tf
              .slice(v.m, [0, 0], [1, 6])
              .reshape([6])
              .pad([[0, 2]]),
            tf.ones([8]),
            1e-3
          ),
          r([8, 8], 10)
        )
      );
    },
  ],
  [
    'resizeBilinear resizeNearest',
    (v) =>
      tf.add(
        tf.sum(tf.image.resizeBilinear(v.x4 as tf.Tensor4D, [4, 4])),
        tf.sum(tf.image.resizeNearestNeighbor(v.x4 as tf.Tensor4D, [16, 16]))
      ),
  ],
  ['einsum', (v) => tf.sum(tf.einsum('ij,jk->ik', v.a, v.m))],
  [
    'unsortedSegmentSum',
    (v) => tf.sum(tf.mul(tf.unsortedSegmentSum(v.a, tf.tensor1d([0, 1, 1, 0, 2, 2, 2, 0], 'int32'), 3), r([3, 8], 9))),
  ],
];

async function runProbes(label: string): Promise<string[]> {
  const vars: Record<string, tf.Variable> = {
    x4: tf.variable(r([2, 8, 8, 12], 1)),
    w: tf.variable(r([3, 3, 12, 6], 2)),
    wt: tf.variable(r([4, 4, 3, 12], 3)),
    dw: tf.variable(r([3, 3, 12, 2], 4)),
    pw: tf.variable(r([1, 1, 24, 6], 5)),
    b6: tf.variable(r([6], 6)),
    a: tf.variable(r([8, 8], 7)),
    m: tf.variable(r([8, 6], 8)),
  };
  const failures: string[] = [];
  console.log(`\n${label}`);
  for (const [name, loss] of probes) {
    try {
      const { value, grads } = tf.variableGrads(() => loss(vars));
      const finite = Object.values(grads).every((g) => tf.all(tf.isFinite(g)).dataSync()[0] === 1);
      tf.dispose([value, ...Object.values(grads)]);
      console.log(`  ok    ${name}${finite ? '' : ' (non-finite gradient)'}`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failures.push(`${name}: ${message}`);
      console.log(`  FAIL  ${name}: ${message}`);
    }
  }
  tf.dispose(Object.values(vars));
  return failures;
}

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
const onCpu = await runProbes('Training probes on cpu (failures here are tfjs-core gaps, on every backend):');
await tf.setBackend('wasm');
const cpuNames = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
const missing = () => [...cpuNames].filter((name) => tf.getKernel(name, 'wasm') === undefined).sort();
console.log(`Kernels the cpu backend has and wasm lacks (as shipped): ${missing().join(', ')}`);
const before = await runProbes('Training probes on wasm as shipped:');
registerWasmTrainingKernels(tf);
console.log(`\nKernels the cpu backend has and wasm lacks (with tame's kernels): ${missing().join(', ')}`);
const after = await runProbes("Training probes on wasm with tame's kernels:");
console.log(
  `\nFailures on cpu: ${onCpu.length}; on wasm as shipped: ${before.length}; with tame's kernels: ${after.length}`
);
for (const f of after)
  console.log(
    `  still failing on wasm: ${f}${
      onCpu.some((c) => c.split(':')[0] === f.split(':')[0]) ? ' (fails on cpu too)' : ''
    }`
  );
