// Times one training step of the BILBO VAE on the wasm backend (with tame's training kernels) through core's
// train(): forward, the objective, tf.variableGrads, the NaN guard's read-back, Adam, and afterStep. Two variants:
// the constant posterior with the BILBO objective and the learned posterior with the ELBO, on MNIST-sized batches.
//
// Run: npx tsx --conditions=@tame/source packages/bilbo-vae/bench/train-step.ts [--preset small|faithful]
//        [--batch 64] [--steps 30] [--warmup 5] [--backend wasm|cpu]
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { createArrayDataset, createElboObjective, train, type TrainingObjective } from '@tame/core';
import { createGaussianLikelihood } from '@tame/likelihoods';
import { createBilboObjective, createBilboVaeModel } from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const preset = option('preset', 'small') as 'small' | 'faithful';
const batchSize = Number(option('batch', '64'));
const steps = Number(option('steps', '30'));
const warmup = Number(option('warmup', '5'));
const backend = await setBackend(option('backend', 'wasm'));

const values = tf.tidy(() => tf.randomUniform([batchSize * 4, 28, 28, 1], 0, 1, 'float32', 7).dataSync() as Float32Array);
const dataset = createArrayDataset({ train: values, shape: [28, 28, 1] });
const likelihood = createGaussianLikelihood({ sigma: 0.1 });

for (const posterior of ['constant', 'learned'] as const) {
  const model = createBilboVaeModel({ preset, posterior, name: `bench-${posterior}` });
  const parameterCount = model.trainableVariables.reduce((total, variable) => total + variable.size, 0);
  const objective: TrainingObjective = posterior === 'constant' ? createBilboObjective({ model, likelihood }) : createElboObjective({ likelihood });
  const stamps: number[] = [];
  const counts: number[] = [];
  await train({
    model,
    objective,
    dataset,
    steps: warmup + steps,
    batchSize,
    callbacks: [
      {
        onStepEnd: () => {
          stamps.push(performance.now());
          counts.push(tf.memory().numTensors);
        },
      },
    ],
  });
  const times = stamps.slice(warmup).map((stamp, index) => stamp - (stamps[warmup + index - 1] as number));
  const sorted = [...times].sort((a, b) => a - b);
  const median = ((sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.ceil((sorted.length - 1) / 2)] as number)) / 2;
  console.log(
    `${backend}, preset ${preset}, posterior ${posterior} (${objective.name}), batch ${batchSize} of 28x28x1, ${parameterCount} parameters: ` +
      `median ${median.toFixed(1)} ms/step over ${steps} steps after ${warmup} warm-up ` +
      `(min ${(sorted[0] as number).toFixed(1)}, max ${(sorted[sorted.length - 1] as number).toFixed(1)}); ` +
      `tensor count change over the timed steps: ${(counts.at(-1) as number) - (counts[warmup - 1] as number)}`,
  );
  model.dispose();
}
