// Times one ConvDRAW training step on the wasm backend (tame's training kernels): forward over T steps,
// Bernoulli NLL from the logits + analytic KL (the negative ELBO), tf.variableGrads, global-norm clip 5, core's Adam.
// Reports the median ms per step after warm-up, for the small configurations (unconditional, one-hot class
// context, image context) or for one config given as JSON.
//
// Run: npx tsx --conditions=@tame/source packages/convdraw/bench/train-step.ts [--batch 64] [--steps 10] [--warmup 3]
//        [--config '{"preset":"small","steps":6}'] [--backend wasm|cpu]
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { clipByGlobalNorm, createAdamOptimizer, globalNorm } from '@tame/core';
import { type ConvDrawConfigInput, createConvDrawModel } from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const batchSize = Number(option('batch') ?? 64);
const timedSteps = Number(option('steps') ?? 10);
const warmup = Number(option('warmup') ?? 3);
const profile = argv.includes('--profile');
const backend = await setBackend(option('backend') ?? 'wasm');

const configs: Array<{ label: string; config: ConvDrawConfigInput; context?: () => tf.Tensor }> = option('config')
  ? [{ label: 'custom', config: JSON.parse(option('config') as string) as ConvDrawConfigInput }]
  : [
      { label: 'small, unconditional', config: { preset: 'small' } },
      {
        label: 'small, one-hot class context [10]',
        config: { preset: 'small', context: { kind: 'vector', shape: [10] } },
        context: () => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: batchSize }, (_, index) => index % 10), 'int32'), 10), 'float32')),
      },
      {
        label: 'small, image context [28,28,1]',
        config: { preset: 'small', context: { kind: 'image', shape: [28, 28, 1] } },
        context: () => tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 5),
      },
    ];

function bernoulliNll(logits: tf.Tensor, data: tf.Tensor): tf.Tensor1D {
  // -log p(x | logits) = softplus(l) - x l, summed per example.
  const perPixel = tf.sub(tf.softplus(logits), tf.mul(data, logits));
  return tf.sum(tf.reshape(perPixel, [data.shape[0] as number, -1]), 1) as tf.Tensor1D;
}

const data = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 3), 0.8), 'float32'));
for (const { label, config, context: makeContext } of configs) {
  const model = createConvDrawModel(config);
  const context = makeContext?.();
  const optimizer = createAdamOptimizer({ learningRate: 1e-3 });
  const variables = [...model.trainableVariables];
  const times: number[] = [];
  let loss = Number.NaN;
  const before = tf.memory().numTensors;
  const trainStep = (step: number) => {
    const { value, grads } = tf.variableGrads(() => {
      const output = model.forward({ inputs: data, ...(context ? { context } : {}) }, { seed: step, training: true });
      const logits = output.extras?.logits as tf.Tensor;
      return tf.mean(tf.add(bernoulliNll(logits, data), output.kl)) as tf.Scalar;
    }, variables);
    const gradients = variables.map((variable) => grads[variable.name] as tf.Tensor);
    const norm = globalNorm(gradients);
    const normValue = norm.dataSync()[0] as number;
    const clipped = clipByGlobalNorm(gradients, normValue, 5);
    optimizer.applyGradients(variables, clipped);
    loss = value.dataSync()[0] as number;
    tf.dispose([value, norm, ...clipped, ...Object.values(grads)]);
  };
  for (let step = 0; step < warmup + timedSteps; step += 1) {
    const started = performance.now();
    trainStep(step);
    if (step >= warmup) times.push(performance.now() - started);
  }
  if (profile) {
    // Per-kernel time of one step (tf.profile), largest first.
    const info = await tf.profile(() => trainStep(warmup + timedSteps));
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const kernel of info.kernels) {
      const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
      entry.ms += Number(kernel.kernelTimeMs);
      entry.calls += 1;
      byKernel.set(kernel.name, entry);
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
    for (const [name, { ms, calls }] of rows.slice(0, 15)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms  ${calls} calls`);
    if (process.env.PROFILE_CALLS) {
      for (const kernel of info.kernels) {
        if (Number(kernel.kernelTimeMs) > 2) console.log(`    ${kernel.name} ${Number(kernel.kernelTimeMs).toFixed(1)} ms ${JSON.stringify(kernel.inputShapes)}`);
      }
    }
  }
  const leaked = tf.memory().numTensors - before - 2 * variables.length; // Adam's two moments per variable
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const resolved = model.config;
  console.log(
    JSON.stringify({
      backend,
      model: label,
      batch: batchSize,
      msPerStep: Number(median.toFixed(1)),
      minMs: Number((times[0] as number).toFixed(1)),
      steps: resolved.steps,
      state: `${28 / resolved.stateStride}x${28 / resolved.stateStride}`,
      hiddenChannels: resolved.hiddenChannels,
      latentChannels: resolved.latentChannels,
      parameters: variables.reduce((total, variable) => total + variable.size, 0),
      finalLoss: Number(loss.toFixed(2)),
      leakedTensors: leaked,
    }),
  );
  optimizer.dispose();
  context?.dispose();
  model.dispose();
}
data.dispose();
