import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type JSONObject, tfjsSeed } from '@tame/core';
import { assertInputShape, type Classifier } from './classifier.js';
import type { FeatureExtractor } from './feature-extractor.js';

/**
 * Architecture of the shipped classifier (kept small so that its forward + backward pass is cheap inside a VAE
 * training step): two strided 3x3 convolutions replace pooling, then one hidden dense layer whose ReLU output is
 * the "penultimate layer" used as FRE features. 105,866 parameters.
 *   [B,28,28,1] -conv 3x3/2, 16, ReLU-> [B,14,14,16] -conv 3x3/2, 32, ReLU-> [B,7,7,32] -flatten-> [B,1568]
 *   -dense 64, ReLU-> [B,64] (features) -dense 10-> [B,10] (logits)
 */
export const mnistClassifierArchitecture = {
  inputShape: [28, 28, 1],
  classCount: 10,
  convolutionFilters: [16, 32],
  kernelSize: 3,
  hiddenUnits: 64,
} as const;

const parameterShapes: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['conv1/kernel', [3, 3, 1, 16]],
  ['conv1/bias', [16]],
  ['conv2/kernel', [3, 3, 16, 32]],
  ['conv2/bias', [32]],
  ['hidden/kernel', [7 * 7 * 32, 64]],
  ['hidden/bias', [64]],
  ['output/kernel', [64, 10]],
  ['output/bias', [10]],
];

/** What `encodeMnistClassifier` stores in the checkpoint's JSON state besides the weights. */
export interface MnistClassifierMetadata {
  readonly kind: 'mnist-classifier';
  readonly architecture: JSONObject;
  /** How the weights were obtained (dataset, steps, seed, test accuracy, seconds): free-form JSON. */
  readonly training?: JSONObject;
}

export interface MnistClassifier extends Classifier {
  /** The variables, in the order of the architecture; `trainable` decides whether variableGrads sees them. */
  readonly variables: readonly tf.Variable[];
  /** Unnormalised class scores, [batch, 10]. Input [batch, 28, 28, 1] in [0, 1]. */
  logits(images: tf.Tensor): tf.Tensor2D;
  /** Penultimate layer (hidden dense ReLU), [batch, 64]. */
  features(images: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

export interface MnistClassifierOptions {
  /** Name in error messages and prefix of the variable names (made unique per instance). */
  readonly name?: string;
  /** Seed of the He-normal initialisation. */
  readonly seed?: number;
  /** False (the default for loaded weights) keeps the classifier frozen even under tf.variableGrads(f). */
  readonly trainable?: boolean;
}

let instanceCount = 0;

/** A fresh, randomly initialised (He normal, zero biases) MNIST classifier. */
export function createMnistClassifier(options: MnistClassifierOptions = {}): MnistClassifier {
  const name = options.name ?? 'mnist-classifier';
  const seed = options.seed ?? 0;
  const trainable = options.trainable ?? true;
  instanceCount += 1;
  // tfjs variable names are global: a per-instance suffix lets several classifiers (CLA + FRE) coexist.
  const prefix = `${name}-${instanceCount}`;
  const variables = parameterShapes.map(([parameter, shape], index) => {
    const fanIn = shape.length === 1 ? 1 : shape.slice(0, -1).reduce((product, size) => product * size, 1);
    const initial = shape.length === 1
      ? tf.zeros([...shape])
      : tf.randomNormal([...shape], 0, Math.sqrt(2 / fanIn), 'float32', tfjsSeed(seed * 31 + index));
    const variable = tf.variable(initial, trainable, `${prefix}/${parameter}`);
    // The variable keeps its own reference to the values; the initial tensor would otherwise stay allocated.
    initial.dispose();
    return variable;
  });
  const [conv1Kernel, conv1Bias, conv2Kernel, conv2Bias, hiddenKernel, hiddenBias, outputKernel, outputBias] = variables as [
    tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R1>,
    tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>,
  ];
  const owner = `classifier '${name}'`;
  const hidden = (images: tf.Tensor): tf.Tensor2D => {
    assertInputShape(owner, images, mnistClassifierArchitecture.inputShape);
    const batch = images.shape[0] as number;
    const first = tf.relu(tf.add(tf.conv2d(images as tf.Tensor4D, conv1Kernel, 2, 'same'), conv1Bias));
    const second = tf.relu(tf.add(tf.conv2d(first as tf.Tensor4D, conv2Kernel, 2, 'same'), conv2Bias));
    return tf.relu(tf.add(tf.matMul(tf.reshape(second, [batch, 7 * 7 * 32]), hiddenKernel), hiddenBias)) as tf.Tensor2D;
  };
  const logits = (images: tf.Tensor) =>
    tf.tidy(() => tf.add(tf.matMul(hidden(images), outputKernel), outputBias) as tf.Tensor2D);
  return {
    name,
    classCount: mnistClassifierArchitecture.classCount,
    inputShape: mnistClassifierArchitecture.inputShape,
    variables,
    logits,
    logProbabilities: (images) => tf.tidy(() => tf.logSoftmax(logits(images)) as tf.Tensor2D),
    features: (images) => tf.tidy(() => hidden(images)),
    dispose() {
      for (const variable of variables) variable.dispose();
    },
  };
}

/** The classifier's penultimate layer as a FeatureExtractor (64 features per image) for FRE. */
export function mnistClassifierFeatures(classifier: MnistClassifier): FeatureExtractor {
  return {
    name: `${classifier.name} penultimate layer`,
    inputShape: mnistClassifierArchitecture.inputShape,
    extract: (images) => classifier.features(images),
  };
}

/** Saves the weights (float32, exact bits) in tame's checkpoint format, with the architecture and `training` notes. */
export function encodeMnistClassifier(classifier: MnistClassifier, training?: JSONObject): Uint8Array {
  const state: JSONObject = {
    kind: 'mnist-classifier',
    architecture: mnistClassifierArchitecture as unknown as JSONObject,
    ...(training === undefined ? {} : { training }),
  };
  return encodeCheckpoint({
    step: 0,
    state,
    tensors: parameterShapes.map(([parameter, shape], index) => ({
      name: parameter,
      shape,
      values: (classifier.variables[index] as tf.Variable).dataSync() as Float32Array,
    })),
  });
}

/** Reads the metadata of a classifier file without creating variables. */
export function readMnistClassifierMetadata(bytes: Uint8Array, location: string): MnistClassifierMetadata {
  const { state } = decodeCheckpoint(bytes, location);
  if (state['kind'] !== 'mnist-classifier') {
    throw new CheckpointError(location, `is not an MNIST classifier file (kind ${JSON.stringify(state['kind'] ?? null)})`);
  }
  return state as unknown as MnistClassifierMetadata;
}

/**
 * Recreates a classifier from `encodeMnistClassifier` bytes. Every parameter must be present with its shape;
 * `location` (a path) goes into every error. Frozen (trainable false) unless asked otherwise.
 */
export function decodeMnistClassifier(bytes: Uint8Array, location: string, options: MnistClassifierOptions = {}): MnistClassifier {
  const { state, tensors } = decodeCheckpoint(bytes, location);
  if (state['kind'] !== 'mnist-classifier') {
    throw new CheckpointError(location, `is not an MNIST classifier file (kind ${JSON.stringify(state['kind'] ?? null)})`);
  }
  const saved = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  for (const [parameter, shape] of parameterShapes) {
    const tensor = saved.get(parameter);
    if (tensor === undefined) throw new CheckpointError(location, `has no values for '${parameter}'`);
    if (tensor.shape.join(',') !== shape.join(',')) {
      throw new CheckpointError(location, `'${parameter}' has shape [${tensor.shape}], the architecture needs [${shape}]`);
    }
  }
  const classifier = createMnistClassifier({ ...options, trainable: options.trainable ?? false });
  parameterShapes.forEach(([parameter, shape], index) => {
    const values = (saved.get(parameter) as { values: Float32Array }).values;
    tf.tidy(() => (classifier.variables[index] as tf.Variable).assign(tf.tensor(values, [...shape], 'float32')));
  });
  return classifier;
}
