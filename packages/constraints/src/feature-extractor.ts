import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { assertInputShape, declaredInputShape, type PredictingModel, predictSingleTensor } from './classifier.js';

/**
 * Features f(x) for the FRE constraint: any differentiable map from a batch of images to [batch, ...features].
 * Built in: local patch statistics (`createPatchStatisticsFeatures`), the shipped MNIST classifier's penultimate
 * layer (`mnistClassifierFeatures`) and any tfjs model (`createModelFeatureExtractor`).
 */
export interface FeatureExtractor {
  /** Name in error messages and logs. */
  readonly name: string;
  /** Shape of one input example it accepts, e.g. [28, 28, 1]; null entries accept any size. */
  readonly inputShape?: readonly (number | null)[];
  /** Features of `images` ([batch, ...]), [batch, ...]; differentiable w.r.t. the images. Belongs to the caller. */
  extract(images: tf.Tensor): tf.Tensor;
  /** Frees what the extractor created (optional; constraints only call it for extractors they created). */
  dispose?(): void;
}

export interface ModelFeatureExtractorOptions {
  readonly name?: string;
  /**
   * Shape of one input example, when the model does not declare it (a LayersModel does, via `model.inputs`).
   * Images are checked against it before `predict`, so a mismatch is a clear error rather than a deep tfjs one.
   */
  readonly inputShape?: readonly (number | null)[];
}

/**
 * Features from any tfjs model-like object with `predict`: a tf.LayersModel (loaded with tf.loadLayersModel, e.g.
 * through `fileSystemModelHandler` from '@tame/constraints/node'), or one truncated at an inner layer:
 *   tf.model({ inputs: model.inputs, outputs: model.getLayer('dense_1').output })
 * The model must return one tensor with one row per image. Its weights are not trained by tame (the trainer only
 * updates the VAE's variables); the extractor does not own the model (dispose it yourself).
 */
export function createModelFeatureExtractor(model: PredictingModel, options: ModelFeatureExtractorOptions = {}): FeatureExtractor {
  if (typeof (model as { predict?: unknown }).predict !== 'function') {
    throw new InvalidArgumentError('feature model', 'needs a predict(images) method (a tf.LayersModel or GraphModel)');
  }
  const name = options.name ?? 'model-features';
  const inputShape = options.inputShape ?? declaredInputShape(model);
  const owner = `feature extractor '${name}'`;
  return {
    name,
    ...(inputShape === undefined ? {} : { inputShape }),
    extract(images) {
      assertInputShape(owner, images, inputShape);
      return tf.tidy(() => predictSingleTensor(owner, model, images));
    },
  };
}
