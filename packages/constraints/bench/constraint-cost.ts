// Cost of each constraint inside a VAE training step (value + gradient w.r.t. the reconstruction, batch 64 of
// 28x28x1), the MNIST classifier's own training step, and reference values on the embedded MNIST test digits
// (data vs a 3x3-blurred copy) to help choose kappa.
//   npx tsx --conditions=@tame/source packages/constraints/bench/constraint-cost.ts [--backend wasm] [--repeats 30]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import {
  createClassificationAccuracyConstraint,
  createFeatureReconstructionErrorConstraint,
  createPatchNccConstraint,
  createReconstructionErrorConstraint,
  evaluateClassifier,
  mnistClassifierFeatures,
} from '@tame/constraints';
import { loadMnistClassifier } from '@tame/constraints/node';
import { type ConstraintV1, createAdamOptimizer, createArrayDataset } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, repeats: { type: 'string', default: '30' } } });
const backend = await setBackend(values.backend as Parameters<typeof setBackend>[0]);
const repeats = Number(values.repeats);
const batchSize = 64;

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
/** "median (minimum)" in ms: on a shared machine the minimum is the better estimate of the uncontended cost. */
function time(run: () => void): string {
  for (let warmup = 0; warmup < 3; warmup += 1) run();
  const samples: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return `${median(samples).toFixed(1)} (${Math.min(...samples).toFixed(1)})`;
}

const mnist = loadEmbeddedMnist();
let test: { inputs: tf.Tensor4D; labels: tf.Tensor1D } | undefined;
for await (const batch of mnist.batches({ split: 'test', batchSize: 1000, seed: 0, epoch: 0 })) {
  test = batch as { inputs: tf.Tensor4D; labels: tf.Tensor1D };
}
if (test === undefined) throw new Error('no test split');
const inputs = tf.slice(test.inputs, [0, 0, 0, 0], [batchSize, 28, 28, 1]);
const labels = tf.slice(test.labels, [0], [batchSize]);
const reconstruction = tf.clipByValue(tf.add(inputs, tf.randomNormal(inputs.shape, 0, 0.1, 'float32', 1)), 0, 1);
const kl = tf.zeros([batchSize]) as tf.Tensor1D;
const classifier = loadMnistClassifier();

const constraints: Array<[string, ConstraintV1]> = [
  ['RE', createReconstructionErrorConstraint({ kappa: 0.1 })],
  ['FRE, patch statistics 4x4', createFeatureReconstructionErrorConstraint({ kappa: 0.05 })],
  ['FRE, MNIST classifier penultimate layer', createFeatureReconstructionErrorConstraint({ kappa: 0.5, features: mnistClassifierFeatures(classifier) })],
  ['CLA, MNIST classifier', createClassificationAccuracyConstraint({ kappa: 0.9, classifier })],
  ['pNCC 8x8 / stride 4', createPatchNccConstraint({ kappa: 0.8 })],
];
console.log(`backend ${backend}, batch ${batchSize} of 28x28x1, median (minimum) of ${repeats} runs, load average ${loadavg()[0]?.toFixed(1)}`);
console.log('| constraint | value + gradient w.r.t. the reconstruction (ms) |');
console.log('|---|---|');
for (const [name, constraint] of constraints) {
  const ms = time(() => {
    const gradient = tf.grad((prediction: tf.Tensor) => {
      const { value, measure } = constraint.evaluate({ batch: { inputs, labels }, output: { reconstruction: prediction, kl } });
      measure?.dispose();
      return value;
    })(reconstruction);
    gradient.dataSync();
    gradient.dispose();
  });
  console.log(`| ${name} | ${ms} |`);
}

const forwardMs = time(() => {
  const logits = classifier.logits(reconstruction);
  logits.dataSync();
  logits.dispose();
});
const trainable = loadMnistClassifier({ trainable: true });
const optimizer = createAdamOptimizer();
const trainStepMs = time(() => {
  const { value, grads } = tf.variableGrads(() => {
    const oneHot = tf.oneHot(labels, 10);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(trainable.logits(inputs)), oneHot), 1))) as tf.Scalar;
  }, [...trainable.variables]);
  optimizer.applyGradients(trainable.variables, trainable.variables.map((variable) => grads[variable.name] as tf.Tensor));
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
});
console.log(`\nMNIST classifier: forward ${forwardMs} ms; training step (forward, backward w.r.t. the weights, Adam) ${trainStepMs} ms`);

// Reference values: the 1,000 test digits against a 3x3 box-blurred copy of themselves.
const blurred = tf.avgPool(test.inputs, 3, 1, 'same');
const all = { inputs: test.inputs, labels: test.labels };
const allKl = tf.zeros([1000]) as tf.Tensor1D;
const reference = (constraint: ConstraintV1) => {
  const { value, measure } = constraint.evaluate({ batch: all, output: { reconstruction: blurred, kl: allKl } });
  const number = (measure ?? value).dataSync()[0] as number;
  tf.dispose([value, measure].filter((tensor) => tensor !== undefined));
  return constraint.toUnits!(number);
};
const blurredDataset = createArrayDataset({ train: blurred.dataSync() as Float32Array, trainLabels: test.labels.dataSync() as Int32Array, shape: [28, 28, 1] });
const blurredAccuracy = (await evaluateClassifier(classifier, blurredDataset, { split: 'train' })).accuracy;
console.log('\nReference values, 1,000 embedded MNIST test digits vs their 3x3 box blur (in the units of kappa):');
for (const [name, constraint] of constraints) console.log(`  ${name}: ${reference(constraint).toFixed(4)}`);
console.log(`  (classifier accuracy on the blurred digits: ${(100 * blurredAccuracy).toFixed(1)}%)`);
const featureRms = tf.tidy(() => tf.sqrt(tf.mean(tf.square(classifier.features(test!.inputs)))).dataSync()[0] as number);
console.log(`  RMS of the penultimate features on the test digits: ${featureRms.toFixed(3)}`);
