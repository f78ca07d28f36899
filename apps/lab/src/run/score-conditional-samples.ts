import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@tame/constraints';
import { type DatasetV1, type ModelV1, stepSeed } from '@tame/core';
import { mnistRotateConfigSchema } from '@tame/datasets/node';
import { rotateImages } from './rotate-images.js';

export interface DigitAccuracy {
  /** Fraction of the scored images the classifier reads as the example's target digit. */
  readonly accuracy: number;
  readonly count: number;
  /** Accuracy of a uniform guess, 1 / classes (0.1). */
  readonly chance: number;
  /**
   * Accuracy of always guessing the most common target digit of the scored examples: MNIST-sum's targets are not
   * uniform (c = a + b over the 55 pairs with a + b <= 9, so P(9) = 10/55), which a constant guess would exploit.
   */
  readonly mostCommonLabel: number;
}

export interface ConditionalSampleScores {
  /** One image drawn given each context. */
  readonly samples: DigitAccuracy;
  /** The true targets of the same examples, scored the same way: the ceiling, and a check of the inverse rotation. */
  readonly targets: DigitAccuracy;
}

/** One image per context of a batch, [count, ...targetShape]; `seed` differs per batch. The scorer frees the result. */
export type DrawGivenContext = (context: tf.Tensor, seed: number) => tf.Tensor;

/** One sample of `model` per context. */
export function samplesGivenContext(model: ModelV1): DrawGivenContext {
  return (context, seed) => model.sample({ count: context.shape[0] as number, seed, context });
}

/**
 * The turn, in degrees, that makes a conditional MNIST dataset's target an upright digit of the example's label (which
 * both datasets set to the target's digit): MNIST-sum's target x_c is upright (label c = a + b); MNIST-rotate's target
 * is another instance of the context's digit turned by one fixed angle for every example (the dataset's `angle`, 90
 * unless configured), so it is turned back by minus that angle.
 */
export function uprightTurn(dataset: DatasetV1, options: { readonly angle?: number } = {}): number {
  switch (dataset.info.name) {
    case 'mnist-sum':
      return 0;
    case 'mnist-rotate':
      return -(options.angle ?? mnistRotateConfigSchema.parse({}).angle);
    default:
      throw new Error(`scoreConditionalSamples: no digit target to score for dataset '${dataset.info.name}' (mnist-sum or mnist-rotate)`);
  }
}

export interface ScoreConditionalSamplesOptions {
  /** Test examples whose contexts are scored (all of the split when it has fewer). Default 1,000. */
  readonly contexts?: number;
  /** Seed of which test examples are taken and of the draws. Default 1. */
  readonly seed?: number;
  /** The angle MNIST-rotate was built with, when not its default (the app always uses the default). */
  readonly angle?: number;
  /** Contexts drawn for in one call. Default 100. */
  readonly batchSize?: number;
}

/**
 * Measures whether samples given a context are the target digit: for `contexts` test examples (a seeded shuffle of the
 * test split), draws one image per context, turns it upright (see uprightTurn), clips it to [0, 1] and asks `classifier`
 * (the shipped MNIST classifier) for its digit; correct when that is the example's label. The true targets go through
 * the same steps as the ceiling.
 */
export async function scoreConditionalSamples(
  dataset: DatasetV1,
  classifier: Classifier,
  draw: DrawGivenContext,
  options: ScoreConditionalSamplesOptions = {},
): Promise<ConditionalSampleScores> {
  const turn = uprightTurn(dataset, options);
  const seed = options.seed ?? 1;
  const wanted = Math.min(options.contexts ?? 1000, dataset.info.count.test);
  if (!Number.isInteger(wanted) || wanted < 1) throw new Error(`scoreConditionalSamples: contexts ${options.contexts} of ${dataset.info.count.test} test examples; expected at least 1`);
  const batchSize = Math.min(options.batchSize ?? 100, wanted);
  const upright = (images: tf.Tensor) => {
    const clipped = tf.clipByValue(images, 0, 1) as tf.Tensor4D;
    return turn === 0 ? clipped : rotateImages(clipped, turn);
  };
  const predict = (images: tf.Tensor) => tf.argMax(classifier.logProbabilities(upright(images)), 1);
  const labelCounts = new Array<number>(classifier.classCount).fill(0);
  let sampleCorrect = 0;
  let targetCorrect = 0;
  let count = 0;
  let batchIndex = 0;
  for await (const batch of dataset.batches({ split: 'test', batchSize, seed, epoch: 0, shuffle: true, dropRemainder: false })) {
    try {
      if (batch.context === undefined || batch.labels === undefined) throw new Error(`scoreConditionalSamples: dataset ${dataset.info.name} gave no test contexts or labels`);
      const take = Math.min(batch.inputs.shape[0] as number, wanted - count);
      const context = batch.context;
      const [samplePredictions, targetPredictions, labels] = tf.tidy(() => {
        const slice = (tensor: tf.Tensor) => tf.slice(tensor, 0, take);
        const samples = draw(slice(context), stepSeed(seed, batchIndex));
        return [predict(samples).dataSync(), predict(slice(batch.inputs)).dataSync(), slice(batch.labels as tf.Tensor).dataSync()];
      });
      labels.forEach((label, index) => {
        labelCounts[label] = (labelCounts[label] ?? 0) + 1;
        if (samplePredictions[index] === label) sampleCorrect += 1;
        if (targetPredictions[index] === label) targetCorrect += 1;
      });
      count += take;
      batchIndex += 1;
      if (count >= wanted) break;
    } finally {
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    }
  }
  const score = (correct: number): DigitAccuracy => ({
    accuracy: correct / count,
    count,
    chance: 1 / classifier.classCount,
    mostCommonLabel: Math.max(...labelCounts) / count,
  });
  return { samples: score(sampleCorrect), targets: score(targetCorrect) };
}
