import * as tf from '@tensorflow/tfjs-core';
import { createAdamOptimizer, type DatasetSplit, type DatasetV1, InvalidArgumentError, stepSeed, tfjsSeed } from '@tame/core';
import type { Classifier } from './classifier.js';
import { createMnistClassifier, type MnistClassifier, mnistClassifierArchitecture } from './mnist-classifier.js';
import { readLabels } from './read-labels.js';

export interface TrainMnistClassifierOptions {
  /** Any labelled dataset of [28, 28, 1] images in [0, 1] with labels in [0, 10) (e.g. loadEmbeddedMnist()). */
  readonly dataset: DatasetV1;
  /** Adam steps. */
  readonly steps: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Seeds the initialisation, the data order and the augmentation. */
  readonly seed?: number;
  /**
   * Largest random translation in pixels applied to each training image (data augmentation; 0 = off). Shifted
   * digits make the classifier less sensitive to the small misplacements of a VAE's reconstructions.
   */
  readonly maxShift?: number;
  /** Continue training this classifier instead of a fresh one (must be trainable). */
  readonly classifier?: MnistClassifier;
  /** Called after every step with the batch cross-entropy in nats. */
  readonly onStep?: (event: { readonly step: number; readonly loss: number }) => void;
}

export interface TrainMnistClassifierResult {
  readonly classifier: MnistClassifier;
  /** Batch cross-entropy (nats) of every step. */
  readonly losses: readonly number[];
  readonly seconds: number;
}

function assertImages(owner: string, dataset: DatasetV1): void {
  const shape = dataset.info.shape;
  if (shape.join(',') !== mnistClassifierArchitecture.inputShape.join(',')) {
    throw new InvalidArgumentError(`${owner} dataset`, `'${dataset.info.name}' has examples of shape [${shape}]; the MNIST classifier needs [28, 28, 1]`);
  }
}

/** Random per-image translations by up to maxShift pixels (bilinear, zero fill), as data augmentation. */
function shiftImages(images: tf.Tensor4D, maxShift: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const batchSize = images.shape[0];
    const shifts = tf.round(tf.randomUniform([batchSize, 2], -maxShift, maxShift, 'float32', tfjsSeed(seed))).arraySync() as number[][];
    // Projective transform per image [a0 a1 a2 b0 b1 b2 c0 c1]: output (x, y) samples input (x + dx, y + dy).
    const transforms = tf.tensor2d(shifts.flatMap(([dx, dy]) => [1, 0, dx as number, 0, 1, dy as number, 0, 0]), [batchSize, 8]);
    return tf.image.transform(images, transforms, 'bilinear', 'constant', 0);
  });
}

/**
 * Trains the MNIST classifier with Adam on the softmax cross-entropy of any labelled [28, 28, 1] dataset,
 * cycling through epochs of the 'train' split (seeded order). Returns the classifier (trainable) and the losses.
 */
export async function trainMnistClassifier(options: TrainMnistClassifierOptions): Promise<TrainMnistClassifierResult> {
  const owner = 'trainMnistClassifier';
  const { dataset, steps } = options;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const maxShift = options.maxShift ?? 0;
  if (!Number.isInteger(steps) || steps < 0) throw new InvalidArgumentError(`${owner} steps`, `must be an integer >= 0, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`${owner} batchSize`, `must be an integer >= 1, got ${batchSize}`);
  if (!(maxShift >= 0 && maxShift <= 14)) throw new InvalidArgumentError(`${owner} maxShift`, `must be in [0, 14] pixels, got ${maxShift}`);
  assertImages(owner, dataset);
  if (dataset.info.count.train < batchSize) {
    throw new InvalidArgumentError(`${owner} batchSize`, `${batchSize} is larger than the ${dataset.info.count.train} training examples`);
  }
  const classifier = options.classifier ?? createMnistClassifier({ seed, trainable: true });
  if (classifier.variables.some((variable) => !variable.trainable)) {
    throw new InvalidArgumentError(`${owner} classifier`, 'is frozen (loaded weights); load it with { trainable: true } to continue training');
  }
  const optimizer = createAdamOptimizer({ learningRate: options.learningRate ?? 1e-3 });
  const losses: number[] = [];
  const started = performance.now();
  try {
    let step = 0;
    for (let epoch = 0; step < steps; epoch += 1) {
      for await (const batch of dataset.batches({ split: 'train', batchSize, seed, epoch })) {
        try {
          if (step >= steps) break;
          if (batch.labels === undefined) throw new InvalidArgumentError(`${owner} dataset`, `'${dataset.info.name}' has no labels`);
          const labels = readLabels(owner, batch.labels, batch.inputs.shape[0] as number, mnistClassifierArchitecture.classCount);
          const images = maxShift > 0 ? shiftImages(batch.inputs as tf.Tensor4D, maxShift, stepSeed(seed, step, 1)) : batch.inputs;
          const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), mnistClassifierArchitecture.classCount));
          const { value, grads } = tf.variableGrads(
            () => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(classifier.logits(images)), oneHot), 1))) as tf.Scalar,
            [...classifier.variables],
          );
          optimizer.applyGradients(classifier.variables, classifier.variables.map((variable) => grads[variable.name] as tf.Tensor));
          const loss = value.dataSync()[0] as number;
          tf.dispose([value, oneHot, ...Object.values(grads), ...(images === batch.inputs ? [] : [images])]);
          if (!Number.isFinite(loss)) throw new InvalidArgumentError(`${owner} loss`, `became ${loss} at step ${step}; lower the learning rate`);
          losses.push(loss);
          options.onStep?.({ step, loss });
          step += 1;
        } finally {
          tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
        }
      }
    }
  } catch (error) {
    if (options.classifier === undefined) classifier.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { classifier, losses, seconds: (performance.now() - started) / 1000 };
}

export interface ClassifierEvaluation {
  /** Fraction of examples whose most probable class is the label. */
  readonly accuracy: number;
  /** Mean log-probability of the true label (nats; minus the cross-entropy). */
  readonly meanLogProbability: number;
  readonly count: number;
}

/** Accuracy of any Classifier on one split of a labelled dataset (in order, no shuffle, last batch kept). */
export async function evaluateClassifier(
  classifier: Classifier,
  dataset: DatasetV1,
  options: { readonly split?: DatasetSplit; readonly batchSize?: number } = {},
): Promise<ClassifierEvaluation> {
  const owner = `evaluateClassifier(${classifier.name})`;
  let correct = 0;
  let logProbabilitySum = 0;
  let count = 0;
  for await (const batch of dataset.batches({ split: options.split ?? 'test', batchSize: options.batchSize ?? 500, seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    try {
      if (batch.labels === undefined) throw new InvalidArgumentError(`${owner} dataset`, `'${dataset.info.name}' has no labels`);
      const size = batch.inputs.shape[0] as number;
      const labels = readLabels(owner, batch.labels, size, classifier.classCount);
      const [predicted, trueLogProbability] = tf.tidy(() => {
        const logProbabilities = classifier.logProbabilities(batch.inputs);
        const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classifier.classCount);
        return [tf.argMax(logProbabilities, 1).dataSync(), tf.sum(tf.mul(logProbabilities, oneHot), 1).dataSync()];
      });
      labels.forEach((label, index) => {
        if (predicted[index] === label) correct += 1;
        logProbabilitySum += trueLogProbability[index] as number;
      });
      count += size;
    } finally {
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    }
  }
  if (count === 0) throw new InvalidArgumentError(`${owner} dataset`, `'${dataset.info.name}' has no examples in that split`);
  return { accuracy: correct / count, meanLogProbability: logProbabilitySum / count, count };
}
