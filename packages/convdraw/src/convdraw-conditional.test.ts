import * as tf from '@tensorflow/tfjs-core';
import { createAdamOptimizer, InvalidArgumentError } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import type { ConvDrawConfigInput } from './convdraw-config.js';
import { convDrawPlugin, createConvDrawModel } from './convdraw-model.js';
import { binaryImages, negativeElbo, tinyConfig } from './test-fixtures.js';

const oneHot = (classes: number[], depth = 3) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), depth), 'float32'));

type ContextConfig = NonNullable<ConvDrawConfigInput['context']>;
const contexts: Record<'vector' | 'image (spatial)' | 'image (pooled, another size)', { config: ContextConfig; make: (count: number) => tf.Tensor }> = {
  vector: { config: { kind: 'vector', shape: [3] }, make: (count: number) => oneHot(Array.from({ length: count }, (_, index) => index % 3)) },
  'image (spatial)': {
    config: { kind: 'image', shape: [8, 8, 1], channels: 3 },
    make: (count: number) => tf.randomUniform([count, 8, 8, 1], 0, 1, 'float32', 21),
  },
  'image (pooled, another size)': {
    config: { kind: 'image', shape: [6, 10, 2], channels: 3 },
    make: (count: number) => tf.randomUniform([count, 6, 10, 2], 0, 1, 'float32', 22),
  },
};

for (const [label, { config, make }] of Object.entries(contexts)) {
  describeModelPluginConformance(convDrawPlugin, {
    config: { ...tinyConfig, name: `conformance-${label.replace(/[^a-z]+/g, '-')}`, context: config },
    batch: () => ({ inputs: binaryImages(3), context: make(3) }),
  });
}

describe.each(Object.entries(contexts))('conditional ConvDRAW, %s context', (label, { config, make }) => {
  const modelConfig = { ...tinyConfig, name: `conditional-${label.replace(/[^a-z]+/g, '-')}`, context: config } as ConvDrawConfigInput;

  it('requires a context of the declared shape in forward and sample, with errors naming the argument', () => {
    const model = createConvDrawModel(modelConfig);
    const inputs = binaryImages(2);
    expect(() => model.forward({ inputs }, { seed: 0, training: true })).toThrow(InvalidArgumentError);
    expect(() => model.forward({ inputs }, { seed: 0, training: true })).toThrow(/batch.context.*conditioned on a/);
    const wrong = make(3);
    expect(() => model.forward({ inputs, context: wrong }, { seed: 0, training: true })).toThrow(/batch.context.*got \[3,/);
    expect(() => model.sample({ count: 2, seed: 0 })).toThrow(/Invalid context: .*pass a context of shape \[2,/);
    expect(() => model.sample({ count: 2, seed: 0, context: wrong })).toThrow(/context.*got \[3,/);
    tf.dispose([inputs, wrong]);
    model.dispose();
  });

  it('uses the context: samples and the negative ELBO change with it, and every variable gets a non-zero gradient', () => {
    const model = createConvDrawModel(modelConfig);
    const inputs = binaryImages(3);
    const context = make(3);
    const other = tf.tidy(() => tf.reverse(context, 0));
    const samples = model.sample({ count: 3, seed: 4, context });
    const otherSamples = model.sample({ count: 3, seed: 4, context: other });
    expect(samples.shape).toEqual([3, 8, 8, 1]);
    expect(Array.from(otherSamples.dataSync())).not.toEqual(Array.from(samples.dataSync()));
    const loss = tf.tidy(() => negativeElbo(model, inputs, 1, context, false).dataSync()[0]);
    const otherLoss = tf.tidy(() => negativeElbo(model, inputs, 1, other, false).dataSync()[0]);
    expect(otherLoss).not.toBe(loss);
    const { value, grads } = tf.variableGrads(() => negativeElbo(model, inputs, 1, context), [...model.trainableVariables]);
    for (const variable of model.trainableVariables) {
      const values = Array.from(grads[variable.name]?.dataSync() ?? []);
      expect(values.length, variable.name).toBe(variable.size);
      expect(Math.max(...values.map(Math.abs)), variable.name).toBeGreaterThan(0);
    }
    tf.dispose([inputs, context, other, samples, otherSamples, value, ...Object.values(grads)]);
    model.dispose();
  });
});

describe('conditional ConvDRAW', () => {
  it('names its context variables and adds a decoder static gate kernel only when conditioned', () => {
    const names = (config: ConvDrawConfigInput) => {
      const model = createConvDrawModel(config);
      const list = model.trainableVariables.map((variable) => variable.name);
      model.dispose();
      return list;
    };
    expect(names({ ...tinyConfig, name: 'u' })).not.toContain('u/decoder/gates/static/kernel');
    expect(names({ ...tinyConfig, name: 'v', context: contexts.vector.config })).toContain('v/decoder/gates/static/kernel');
    expect(names({ ...tinyConfig, name: 'i', context: contexts['image (spatial)'].config })).toEqual(
      expect.arrayContaining(['i/context/conv1/kernel', 'i/context/conv1/bias', 'i/decoder/gates/static/kernel']),
    );
  });

  it('accepts an int32 one-hot context (as a dataset may give it) like its float32 copy', () => {
    const model = createConvDrawModel({ ...tinyConfig, name: 'int-context', context: contexts.vector.config });
    const labels = tf.tensor1d([0, 2], 'int32');
    const integer = tf.oneHot(labels, 3);
    const float = tf.cast(integer, 'float32');
    const a = model.sample({ count: 2, seed: 1, context: integer });
    const b = model.sample({ count: 2, seed: 1, context: float });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([labels, integer, float, a, b]);
    model.dispose();
  });

  it('learns to generate the pattern of its class: class-conditioned samples resemble their class', () => {
    const model = createConvDrawModel({ ...tinyConfig, name: 'learns-class', hiddenChannels: 8, context: contexts.vector.config });
    // Class 0: a cross at the top left; class 1: a cross at the bottom right (binaryImages patterns 0 and 15).
    const patterns = tf.tidy(() => tf.concat([binaryImages(1, 0), tf.slice(binaryImages(16, 0), [15, 0, 0, 0], [1, 8, 8, 1])], 0));
    const classes = [0, 1, 0, 1, 0, 1, 0, 1];
    const inputs = tf.tidy(() => tf.gather(patterns, tf.tensor1d(classes, 'int32')));
    const context = oneHot(classes);
    const variables = [...model.trainableVariables];
    const optimizer = createAdamOptimizer({ learningRate: 1e-2 });
    for (let step = 0; step < 60; step += 1) {
      const { value, grads } = tf.variableGrads(() => negativeElbo(model, inputs, step, context), variables);
      optimizer.applyGradients(variables, variables.map((variable) => grads[variable.name]!));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const distances = tf.tidy(() => {
      const sampleContext = oneHot([0, 0, 0, 0, 1, 1, 1, 1]);
      const samples = model.sample({ count: 8, seed: 3, context: sampleContext });
      const [first, second] = tf.split(samples, 2, 0) as [tf.Tensor, tf.Tensor];
      const distance = (a: tf.Tensor, index: number) => tf.mean(tf.square(tf.sub(a, tf.slice(patterns, [index, 0, 0, 0], [1, 8, 8, 1]))));
      return tf.stack([distance(first, 0), distance(first, 1), distance(second, 1), distance(second, 0)]).arraySync() as number[];
    });
    const [ownFirst, otherFirst, ownSecond, otherSecond] = distances as [number, number, number, number];
    expect(ownFirst).toBeLessThan(0.5 * otherFirst);
    expect(ownSecond).toBeLessThan(0.5 * otherSecond);
    optimizer.dispose();
    tf.dispose([patterns, inputs, context]);
    model.dispose();
  });
});
