import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

/**
 * A frozen image classifier as the CLA constraint uses it: class log-probabilities of a batch of images,
 * differentiable with respect to the images. The shipped MNIST classifier implements it; `createModelClassifier`
 * adapts any tfjs model.
 */
export interface Classifier {
  /** Name in error messages, e.g. 'mnist-classifier'. */
  readonly name: string;
  /** Number of classes K; labels must lie in [0, K). */
  readonly classCount: number;
  /** Shape of one input example it accepts, e.g. [28, 28, 1]; null entries accept any size. */
  readonly inputShape?: readonly (number | null)[];
  /** log p(class | image), [batch, K]. The returned tensor belongs to the caller. */
  logProbabilities(images: tf.Tensor): tf.Tensor2D;
}

/** Anything with tfjs's `predict` (a tf.LayersModel, a GraphModel, a truncated model). */
export interface PredictingModel {
  predict(inputs: tf.Tensor, config?: unknown): tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;
  /** LayersModel's symbolic inputs; their shape is used to check the images before calling `predict`. */
  readonly inputs?: ReadonlyArray<{ readonly shape: ReadonlyArray<number | null> }>;
}

/** Checks that `images` fit `inputShape` ([batch, ...inputShape]); names the owner and both shapes otherwise. */
export function assertInputShape(owner: string, images: tf.Tensor, inputShape: readonly (number | null)[] | undefined): void {
  if (inputShape === undefined) return;
  const example = images.shape.slice(1);
  const fits = example.length === inputShape.length && inputShape.every((size, axis) => size === null || size === example[axis]);
  if (!fits) {
    throw new InvalidArgumentError(
      `${owner} input`,
      `images of shape [${images.shape}] do not fit the expected [batch, ${inputShape.map((size) => size ?? '?').join(', ')}]`,
    );
  }
}

/** The example shape a LayersModel declares through `model.inputs[0].shape` (batch axis dropped), if any. */
export function declaredInputShape(model: PredictingModel): Array<number | null> | undefined {
  const shape = model.inputs?.[0]?.shape;
  return shape === undefined ? undefined : shape.slice(1).map((size) => size ?? null);
}

/** Runs `model.predict` and insists on one tensor with the batch size of the images. */
export function predictSingleTensor(owner: string, model: PredictingModel, images: tf.Tensor): tf.Tensor {
  const raw = model.predict(images);
  // Duck-typed: the model may come from another copy of tfjs-core (the union package) than this library's.
  if (Array.isArray(raw) || typeof (raw as tf.Tensor).dataSync !== 'function') {
    tf.dispose(Array.isArray(raw) ? raw : Object.values(raw));
    throw new InvalidArgumentError(`${owner} output`, 'the model returns several tensors; truncate it to a single output layer');
  }
  const output = raw as tf.Tensor;
  if (output.rank < 2 || output.shape[0] !== images.shape[0]) {
    const shape = output.shape;
    output.dispose();
    throw new InvalidArgumentError(
      `${owner} output`,
      `shape [${shape}] is not [batch = ${images.shape[0]}, ...]; the model must map each image to its own output`,
    );
  }
  return output;
}

export interface ModelClassifierOptions {
  readonly name?: string;
  /** What the model's output is: class probabilities (a softmax layer, the Keras default) or raw logits. */
  readonly output: 'probabilities' | 'logits';
  /** Floor of the probabilities before the log, for 'probabilities' outputs (default 1e-7, as Keras' epsilon). */
  readonly probabilityFloor?: number;
}

/** Adapts a tfjs model (anything with `predict`) whose output is [batch, K] class scores to a Classifier. */
export function createModelClassifier(model: PredictingModel, options: ModelClassifierOptions): Classifier {
  const name = options.name ?? 'model-classifier';
  const floor = options.probabilityFloor ?? 1e-7;
  if (!(floor > 0 && floor < 1)) throw new InvalidArgumentError(`classifier '${name}' probabilityFloor`, `must be in (0, 1), got ${floor}`);
  const inputShape = declaredInputShape(model);
  const outputs = (model as { outputs?: ReadonlyArray<{ readonly shape: ReadonlyArray<number | null> }> }).outputs;
  const classCount = outputs?.[0]?.shape[1];
  if (typeof classCount !== 'number' || outputs?.length !== 1 || outputs[0]?.shape.length !== 2) {
    throw new InvalidArgumentError(
      `classifier '${name}' model`,
      `needs exactly one output of shape [batch, classes] (a LayersModel), got ${outputs === undefined ? 'no declared outputs' : `[${outputs.map((output) => `[${output.shape.map((size) => size ?? 'null')}]`).join(', ')}]`}`,
    );
  }
  return {
    name,
    classCount,
    ...(inputShape === undefined ? {} : { inputShape }),
    logProbabilities(images) {
      assertInputShape(`classifier '${name}'`, images, inputShape);
      return tf.tidy(() => {
        const scores = predictSingleTensor(`classifier '${name}'`, model, images);
        return (options.output === 'logits' ? tf.logSoftmax(scores) : tf.log(tf.clipByValue(scores, floor, 1))) as tf.Tensor2D;
      });
    },
  };
}
