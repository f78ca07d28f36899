import { resolve } from 'node:path';
import { evaluateClassifier, trainMnistClassifier } from '@tame/constraints';
import { loadMnistClassifier, saveMnistClassifier } from '@tame/constraints/node';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { isNonNegativeInteger, isPositive, isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { startBackend } from '../start-backend.js';
import { UsageError } from '../usage-error.js';

export const classifierFlags = {
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  weights: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `tame classifier train [--steps 3000] [--out FILE]`: trains the small conv MNIST classifier that the CLA and
 * fre-mnist constraints use, on the embedded MNIST, and saves it (use it with --constraint cla:0.9:weights=FILE).
 * `tame classifier eval [--weights FILE]`: held-out accuracy of a saved classifier (default: the shipped one).
 */
export async function classifierCommand(argv: string[]): Promise<void> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'train' && subcommand !== 'eval') throw new UsageError(`tame classifier: expected 'train' or 'eval', got '${subcommand ?? ''}'`);
  const flags = parseFlags(`classifier ${subcommand}`, rest, classifierFlags);
  const command = `classifier ${subcommand}`;
  if (subcommand === 'train' && flags.out === undefined) throw new UsageError('tame classifier train: --out FILE is required (the shipped weights stay untouched)');
  const steps = numberFlag(command, 'steps', flags.steps, 3000, isPositiveInteger, 'a positive integer');
  const batchSize = numberFlag(command, 'batch', flags.batch, 64, isPositiveInteger, 'a positive integer');
  const learningRate = numberFlag(command, 'lr', flags.lr, 1e-3, isPositive, 'a positive number');
  const seed = numberFlag(command, 'seed', flags.seed, 0, isNonNegativeInteger, 'an integer >= 0');
  await startBackend(command, flags.backend);
  const dataset = loadEmbeddedMnist();
  const print = (result: Record<string, unknown>, text: string) => process.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : `${text}\n`);
  if (subcommand === 'eval') {
    const classifier = loadMnistClassifier(flags.weights === undefined ? {} : { path: resolve(flags.weights) });
    try {
      const test = await evaluateClassifier(classifier, dataset, { split: 'test' });
      print({ testAccuracy: test.accuracy, count: test.count }, `test accuracy ${(100 * test.accuracy).toFixed(2)}% on ${test.count} held-out embedded MNIST digits`);
    } finally {
      classifier.dispose();
    }
    return;
  }
  const out = resolve(flags.out as string); // required above
  const every = Math.max(1, Math.round(steps / 20));
  const { classifier, seconds } = await trainMnistClassifier({
    dataset,
    steps,
    batchSize,
    learningRate,
    maxShift: 2,
    seed,
    onStep: ({ step, loss }) => {
      if (flags.json !== true && ((step + 1) % every === 0 || step + 1 === steps)) process.stdout.write(`step ${step + 1}/${steps}: cross-entropy ${loss.toFixed(4)}\n`);
    },
  });
  try {
    const test = await evaluateClassifier(classifier, dataset, { split: 'test' });
    saveMnistClassifier(classifier, out, { steps, batchSize, learningRate, maxShift: 2, seed, seconds, testAccuracy: test.accuracy });
    print({ out, steps, seconds, testAccuracy: test.accuracy }, `test accuracy ${(100 * test.accuracy).toFixed(2)}% after ${steps} steps (${seconds.toFixed(1)} s); wrote ${flags.out}`);
  } finally {
    classifier.dispose();
  }
}
