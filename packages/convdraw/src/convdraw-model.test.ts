import * as tf from '@tensorflow/tfjs-core';
import { createAdamOptimizer, encodeModelWeights, InvalidArgumentError, loadModelWeights, readModelWeightsHeader } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import type { ConvDrawConfig } from './convdraw-config.js';
import { convDrawPlugin, createConvDrawModel } from './convdraw-model.js';
import { binaryImages, negativeElbo, tinyConfig } from './test-fixtures.js';

describeModelPluginConformance(convDrawPlugin, { config: { ...tinyConfig, name: 'conformance-pixel' }, batch: () => ({ inputs: binaryImages(3) }) });
describeModelPluginConformance(convDrawPlugin, {
  config: { ...tinyConfig, name: 'conformance-hidden', canvas: { kind: 'hidden', channels: 3 } },
  batch: () => ({ inputs: binaryImages(2) }),
});

const klClosedForm = (mq: number, sq: number, mp: number, sp: number) =>
  Math.log(sp) - Math.log(sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5;

describe.each([
  ['pixel', { kind: 'pixel' }],
  ['hidden', { kind: 'hidden', channels: 3 }],
] as const)('ConvDRAW, %s canvas', (label, canvas) => {
  const config = { ...tinyConfig, canvas, name: `convdraw-${label}` };
  const [batch, steps, grid] = [3, tinyConfig.steps, 4 * 4 * tinyConfig.latentChannels];

  it('returns the documented shapes; the reconstruction is sigmoid(logits) in (0, 1)', () => {
    const model = createConvDrawModel(config);
    const inputs = binaryImages(batch);
    const output = model.forward({ inputs }, { seed: 1, training: true });
    expect(output.reconstruction.shape).toEqual([batch, 8, 8, 1]);
    expect(output.kl.shape).toEqual([batch]);
    expect(output.klPerStep?.shape).toEqual([batch, steps]);
    expect(output.latent?.shape).toEqual([batch, steps * grid]);
    expect(model.latentSizePerStep).toBe(grid);
    const logits = output.extras?.logits as tf.Tensor;
    expect(logits.shape).toEqual([batch, 8, 8, 1]);
    for (const key of ['posteriorMean', 'posteriorScale', 'priorMean', 'priorScale']) {
      expect(output.extras?.[key]?.shape).toEqual([batch, steps, 4, 4, tinyConfig.latentChannels]);
    }
    const sigmoid = tf.sigmoid(logits);
    expect(Array.from(output.reconstruction.dataSync())).toEqual(Array.from(sigmoid.dataSync()));
    expect(Array.from(output.reconstruction.dataSync()).every((value) => value > 0 && value < 1)).toBe(true);
    tf.dispose([inputs, sigmoid, output.reconstruction, output.kl, output.klPerStep!, output.latent!, ...Object.values(output.extras ?? {})]);
    model.dispose();
  });

  it("each step's KL equals the closed form in JS from the step's two Gaussians, is >= 0, and klPerStep sums to kl", () => {
    const model = createConvDrawModel(config);
    const inputs = binaryImages(batch, 2);
    const output = model.forward({ inputs }, { seed: 5, training: true });
    const [mq, sq, mp, sp] = (['posteriorMean', 'posteriorScale', 'priorMean', 'priorScale'] as const).map((key) => output.extras![key]!.dataSync());
    const klPerStep = output.klPerStep!.arraySync();
    const kl = output.kl.dataSync();
    for (let b = 0; b < batch; b += 1) {
      let total = 0;
      for (let t = 0; t < steps; t += 1) {
        let expected = 0;
        for (let index = 0; index < grid; index += 1) {
          const flat = (b * steps + t) * grid + index;
          expected += klClosedForm(mq![flat]!, sq![flat]!, mp![flat]!, sp![flat]!);
        }
        const value = klPerStep[b]![t]!;
        expect(value).toBeGreaterThanOrEqual(0);
        expect(Math.abs(value - expected)).toBeLessThan(1e-4 * Math.max(1, expected));
        total += value;
      }
      expect(Math.abs(kl[b]! - total)).toBeLessThan(1e-5 * Math.max(1, total));
    }
    tf.dispose([inputs, output.reconstruction, output.kl, output.klPerStep!, output.latent!, ...Object.values(output.extras ?? {})]);
    model.dispose();
  });

  it('evaluation (training: false) uses the posterior means as the latent and is deterministic', () => {
    const model = createConvDrawModel(config);
    const inputs = binaryImages(batch, 3);
    const first = model.forward({ inputs }, { seed: 1, training: false });
    const second = model.forward({ inputs }, { seed: 2, training: false });
    expect(Array.from(second.reconstruction.dataSync())).toEqual(Array.from(first.reconstruction.dataSync()));
    const means = tf.reshape(first.extras!.posteriorMean!, [batch, -1]);
    expect(Array.from(first.latent!.dataSync())).toEqual(Array.from(means.dataSync()));
    const sampled = model.forward({ inputs }, { seed: 1, training: true });
    expect(Array.from(sampled.latent!.dataSync())).not.toEqual(Array.from(means.dataSync()));
    tf.dispose([inputs, means, ...[first, second, sampled].flatMap((o) => [o.reconstruction, o.kl, o.klPerStep!, o.latent!, ...Object.values(o.extras ?? {})])]);
    model.dispose();
  });

  it('gives every trainable variable a finite, non-zero gradient of the negative ELBO', () => {
    const model = createConvDrawModel(config);
    const inputs = binaryImages(batch, 4);
    const { value, grads } = tf.variableGrads(() => negativeElbo(model, inputs, 3), [...model.trainableVariables]);
    for (const variable of model.trainableVariables) {
      const gradient = grads[variable.name];
      expect(gradient, variable.name).toBeDefined();
      const values = Array.from(gradient!.dataSync());
      expect(values.every(Number.isFinite), variable.name).toBe(true);
      expect(Math.max(...values.map(Math.abs)), variable.name).toBeGreaterThan(0);
    }
    tf.dispose([value, inputs, ...Object.values(grads)]);
    model.dispose();
  });

  it('trains: the negative ELBO of a fixed batch falls with Adam, and no tensor leaks across steps', () => {
    const model = createConvDrawModel({ ...config, hiddenChannels: 8 });
    const inputs = binaryImages(8, 6);
    const variables = [...model.trainableVariables];
    const optimizer = createAdamOptimizer({ learningRate: 1e-2 });
    const evaluate = () => tf.tidy(() => negativeElbo(model, inputs, 0, undefined, false).dataSync()[0] as number);
    const initial = evaluate();
    const counts: number[] = [];
    for (let step = 0; step < 40; step += 1) {
      const { value, grads } = tf.variableGrads(() => negativeElbo(model, inputs, step), variables);
      optimizer.applyGradients(variables, variables.map((variable) => grads[variable.name]!));
      tf.dispose([value, ...Object.values(grads)]);
      if (step >= 1) counts.push(tf.memory().numTensors); // after step 0 Adam has created its moments
    }
    const final = evaluate();
    expect(new Set(counts).size).toBe(1);
    expect(final).toBeLessThan(0.8 * initial);
    optimizer.dispose();
    inputs.dispose();
    model.dispose();
  });

  it('samples [count, ...dataShape] in (0, 1), deterministically per seed, without leaking', () => {
    const model = createConvDrawModel(config);
    const first = model.sample({ count: 4, seed: 9 });
    expect(first.shape).toEqual([4, 8, 8, 1]);
    expect(Array.from(first.dataSync()).every((value) => value > 0 && value < 1)).toBe(true);
    const before = tf.memory().numTensors;
    const again = model.sample({ count: 4, seed: 9 });
    const other = model.sample({ count: 4, seed: 10 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(first.dataSync()));
    tf.dispose([again, other]);
    expect(tf.memory().numTensors).toBe(before);
    first.dispose();
    model.dispose();
  });
});

describe('ConvDRAW model', () => {
  it('is recreated exactly from its saved weights and config (plugin.create(header.config))', () => {
    const model = createConvDrawModel({ ...tinyConfig, name: 'saved', seed: 4 });
    const inputs = binaryImages(2, 7);
    const bytes = encodeModelWeights(model);
    const expected = model.forward({ inputs }, { seed: 1, training: false });
    const expectedValues = Array.from(expected.reconstruction.dataSync());
    tf.dispose([expected.reconstruction, expected.kl, expected.klPerStep!, expected.latent!, ...Object.values(expected.extras ?? {})]);
    model.dispose();
    const header = readModelWeightsHeader(bytes, 'memory');
    expect(header.modelId).toBe(convDrawPlugin.id);
    const restored = convDrawPlugin.create(header.config as unknown as ConvDrawConfig);
    loadModelWeights(restored, bytes, 'memory');
    const output = restored.forward({ inputs }, { seed: 1, training: false });
    expect(Array.from(output.reconstruction.dataSync())).toEqual(expectedValues);
    tf.dispose([inputs, output.reconstruction, output.kl, output.klPerStep!, output.latent!, ...Object.values(output.extras ?? {})]);
    restored.dispose();
  });

  it('is a pure function of its config: same seed, same weights; another seed, other weights', () => {
    const values = (seed: number, name: string) => {
      const model = createConvDrawModel({ ...tinyConfig, seed, name });
      const flat = model.trainableVariables.flatMap((variable) => Array.from(variable.dataSync()));
      model.dispose();
      return flat;
    };
    expect(values(1, 'a')).toEqual(values(1, 'b'));
    expect(values(1, 'a')).not.toEqual(values(2, 'a'));
  });

  it('rejects inputs of the wrong shape, a bad sample count, a context for an unconditional model, and use after dispose', () => {
    const model = createConvDrawModel({ ...tinyConfig, name: 'errors' });
    const wrong = tf.zeros([2, 8, 7, 1]);
    expect(() => model.forward({ inputs: wrong }, { seed: 0, training: true })).toThrow(InvalidArgumentError);
    expect(() => model.forward({ inputs: wrong }, { seed: 0, training: true })).toThrow(/batch.inputs.*expects \[batch, 8,8,1\], got \[2,8,7,1\]/);
    expect(() => model.sample({ count: 0, seed: 0 })).toThrow(/count/);
    const context = tf.zeros([2, 3]);
    expect(() => model.sample({ count: 2, seed: 0, context })).toThrow(/unconditional/);
    model.dispose();
    expect(() => model.sample({ count: 1, seed: 0 })).toThrow(/disposed/);
    tf.dispose([wrong, context]);
  });
});
