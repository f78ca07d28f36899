import * as tfjs from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassificationAccuracyConstraint } from './classification-accuracy-constraint.js';
import { createModelClassifier } from './classifier.js';

function softmaxModel(activation: 'softmax' | 'linear') {
  return tfjs.sequential({
    layers: [
      tfjs.layers.flatten({ inputShape: [4, 4, 1] }),
      tfjs.layers.dense({ units: 3, activation, kernelInitializer: tfjs.initializers.glorotNormal({ seed: 5 }) }),
    ],
  });
}

describe('createModelClassifier', () => {
  it('turns a Keras-style softmax model or a logits model into log-probabilities', () => {
    const images = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 2);
    for (const [activation, output] of [['softmax', 'probabilities'], ['linear', 'logits']] as const) {
      const model = softmaxModel(activation);
      const classifier = createModelClassifier(model, { output, name: 'keras' });
      expect(classifier.classCount).toBe(3);
      expect(classifier.inputShape).toEqual([4, 4, 1]);
      const logProbabilities = classifier.logProbabilities(images);
      const predicted = model.predict(images) as tf.Tensor;
      const expected = tf.tidy(() => (output === 'logits' ? tf.logSoftmax(predicted) : tf.log(predicted)));
      Array.from(logProbabilities.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected.dataSync()[index] as number, 5));
      tf.dispose([logProbabilities, predicted, expected]);
      model.dispose();
    }
    images.dispose();
  });

  it('serves as the CLA classifier, with a clear error for images it cannot take', () => {
    const model = softmaxModel('softmax');
    const constraint = createClassificationAccuracyConstraint({ kappa: 0.5, classifier: createModelClassifier(model, { output: 'probabilities', name: 'keras' }) });
    const inputs = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3);
    const labels = tf.tensor1d([0, 2], 'int32');
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const { value, measure } = constraint.evaluate({ batch: { inputs, labels }, output: { reconstruction: inputs, kl } });
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect([0.5, 0, -0.5]).toContain(measure!.dataSync()[0]);
    const wrong = tf.zeros([2, 5, 5, 1]);
    expect(() => constraint.evaluate({ batch: { inputs: wrong, labels }, output: { reconstruction: wrong, kl } })).toThrow(
      /classifier 'keras' input: images of shape \[2,5,5,1\] do not fit the expected \[batch, 4, 4, 1\]/,
    );
    tf.dispose([value, measure!, inputs, labels, kl, wrong]);
    model.dispose();
  });

  it('refuses models without one [batch, classes] output', () => {
    const model = tfjs.sequential({ layers: [tfjs.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3 })] });
    expect(() => createModelClassifier(model, { output: 'logits', name: 'conv' })).toThrow(
      /classifier 'conv' model: needs exactly one output of shape \[batch, classes\] \(a LayersModel\), got \[\[null,2,2,2\]\]/,
    );
    expect(() => createModelClassifier({ predict: (input: tf.Tensor) => input }, { output: 'logits' })).toThrow(/got no declared outputs/);
    model.dispose();
  });
});
