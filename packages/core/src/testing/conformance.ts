import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { encodeModelWeights, loadModelWeights, readModelWeightsHeader } from '../checkpoint/model-weights.js';
import { parsePluginConfig } from '../plugin/parse-plugin-config.js';
import { assertSupportedPlugin } from '../plugin/registry.js';
import type { BatchV1 } from '../spec/batch-v1.js';
import type { ConstraintPluginV1 } from '../spec/constraint-v1.js';
import type { DatasetPluginV1 } from '../spec/dataset-v1.js';
import type { LikelihoodPluginV1 } from '../spec/likelihood-v1.js';
import type { ModelPluginV1, ModelOutputV1 } from '../spec/model-v1.js';

function disposeOutput(output: ModelOutputV1): void {
  output.reconstruction.dispose();
  output.kl.dispose();
  output.klPerStep?.dispose();
  output.latent?.dispose();
  for (const tensor of Object.values(output.extras ?? {})) tensor.dispose();
}

/**
 * The checks every model plugin passes, first-party or third-party: spec version and kind, config schema,
 * output shapes, KL >= 0 and finite, a gradient for every trainable variable, determinism for a seed, no tensor
 * leak, and dispose() freeing the variables and everything else the model created.
 */
export function describeModelPluginConformance<CONFIG>(
  plugin: ModelPluginV1<CONFIG>,
  options: { readonly config: unknown; readonly batch: () => BatchV1 },
): void {
  describe(`model plugin conformance: ${plugin.id}`, () => {
    it('declares specification v1 and kind model', () => {
      expect(() => assertSupportedPlugin(plugin)).not.toThrow();
      expect(plugin.kind).toBe('model');
    });

    it('validates its config and creates a model whose forward pass has the documented shapes', () => {
      const model = plugin.create(parsePluginConfig(plugin, options.config));
      const batch = options.batch();
      const output = model.forward(batch, { seed: 1, training: true });
      expect(output.reconstruction.shape).toEqual(batch.inputs.shape);
      expect(output.kl.shape).toEqual([batch.inputs.shape[0]]);
      const kl = output.kl.dataSync();
      expect(Array.from(kl).every((value) => Number.isFinite(value))).toBe(true);
      expect(JSON.parse(JSON.stringify(model.getConfig()))).toEqual(model.getConfig());
      disposeOutput(output);
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
      model.dispose();
    });

    it('is deterministic for a seed, gives every trainable variable a gradient and leaks no tensor', () => {
      const model = plugin.create(parsePluginConfig(plugin, options.config));
      const batch = options.batch();
      const first = model.forward(batch, { seed: 7, training: true });
      const second = model.forward(batch, { seed: 7, training: true });
      expect(Array.from(second.reconstruction.dataSync())).toEqual(Array.from(first.reconstruction.dataSync()));
      disposeOutput(first);
      disposeOutput(second);
      // tfjs reads a seed of 0 as "no seed"; models must still be deterministic for it (core's tfjsSeed).
      const zero = [model.forward(batch, { seed: 0, training: true }), model.forward(batch, { seed: 0, training: true })];
      expect(Array.from(zero[1]!.reconstruction.dataSync()), 'forward with seed 0 twice').toEqual(Array.from(zero[0]!.reconstruction.dataSync()));
      zero.forEach(disposeOutput);
      const before = tf.memory().numTensors;
      for (let round = 0; round < 2; round += 1) {
        const { value, grads } = tf.variableGrads(() => {
          const output = model.forward(batch, { seed: round, training: true });
          return tf.add(tf.mean(output.kl), tf.mean(tf.square(tf.sub(output.reconstruction, batch.inputs)))) as tf.Scalar;
        }, [...model.trainableVariables]);
        for (const variable of model.trainableVariables) {
          expect(grads[variable.name], `gradient of ${variable.name}`).toBeDefined();
        }
        value.dispose();
        tf.dispose(Object.values(grads));
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
      const withModel = tf.memory().numTensors;
      const variableCount = model.trainableVariables.length + (model.nonTrainableVariables?.length ?? 0);
      model.dispose();
      expect(tf.memory().numTensors).toBe(withModel - variableCount);
    });

    it('samples [count, ...dataShape] from the prior, deterministically for a seed, and leaks no tensor', () => {
      const model = plugin.create(parsePluginConfig(plugin, options.config));
      const batch = options.batch();
      const count = 2;
      // Conditional models sample given a context: the first `count` contexts of the batch.
      const context = batch.context === undefined ? undefined : tf.slice(batch.context, 0, count);
      const before = tf.memory().numTensors;
      const first = model.sample({ count, seed: 5, ...(context === undefined ? {} : { context }) });
      const second = model.sample({ count, seed: 5, ...(context === undefined ? {} : { context }) });
      expect(first.shape).toEqual([count, ...batch.inputs.shape.slice(1)]);
      expect(Array.from(first.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
      tf.dispose([first, second]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch.inputs, batch.context, batch.labels, context].filter((tensor) => tensor !== undefined));
      model.dispose();
    });

    it('frees every tensor it created when disposed (initial values included)', () => {
      const before = tf.memory().numTensors;
      plugin.create(parsePluginConfig(plugin, options.config)).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('round-trips its weights exactly through the model-weights format', () => {
      const model = plugin.create(parsePluginConfig(plugin, options.config));
      const batch = options.batch();
      const bytes = encodeModelWeights(model);
      expect(readModelWeightsHeader(bytes, 'memory')).toEqual({ modelId: model.id, config: model.getConfig() });
      const original = model.forward(batch, { seed: 3, training: false });
      const expected = Array.from(original.reconstruction.dataSync());
      disposeOutput(original);
      for (const variable of model.trainableVariables) tf.tidy(() => variable.assign(tf.add(variable, 0.5)));
      loadModelWeights(model, bytes, 'memory');
      const restored = model.forward(batch, { seed: 3, training: false });
      expect(Array.from(restored.reconstruction.dataSync())).toEqual(expected);
      disposeOutput(restored);
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
      model.dispose();
    });
  });
}

/** Checks for likelihood plugins: per-example NLL shape, finiteness, gradient w.r.t. the reconstruction, no leak. */
export function describeLikelihoodPluginConformance<CONFIG>(
  plugin: LikelihoodPluginV1<CONFIG>,
  options: { readonly config: unknown; readonly data: () => tf.Tensor; readonly reconstruction: () => tf.Tensor },
): void {
  describe(`likelihood plugin conformance: ${plugin.id}`, () => {
    it('returns a finite per-example NLL with a gradient and leaks no tensor', () => {
      expect(() => assertSupportedPlugin(plugin)).not.toThrow();
      expect(plugin.kind).toBe('likelihood');
      const likelihood = plugin.create(parsePluginConfig(plugin, options.config));
      const data = options.data();
      const reconstruction = options.reconstruction();
      const before = tf.memory().numTensors;
      const nll = likelihood.negativeLogLikelihood(data, reconstruction);
      expect(nll.shape).toEqual([data.shape[0]]);
      expect(Array.from(nll.dataSync()).every(Number.isFinite)).toBe(true);
      nll.dispose();
      const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(likelihood.negativeLogLikelihood(data, prediction)))(reconstruction);
      expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
      gradient.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([data, reconstruction]);
      likelihood.dispose();
    });
  });
}

/**
 * Checks for constraint plugins: scalar value, finite, differentiable, no leak; and the sign convention: C = 0 is
 * the boundary, so `toUnits(0)` reads kappa back, and `violationScale()` (where stated) is a positive error budget.
 */
export function describeConstraintPluginConformance<CONFIG>(
  plugin: ConstraintPluginV1<CONFIG>,
  options: { readonly config: unknown; readonly batch: () => BatchV1; readonly reconstruction: () => tf.Tensor },
): void {
  describe(`constraint plugin conformance: ${plugin.id}`, () => {
    it('returns a finite scalar with a gradient w.r.t. the reconstruction and leaks no tensor', () => {
      expect(() => assertSupportedPlugin(plugin)).not.toThrow();
      expect(plugin.kind).toBe('constraint');
      const constraint = plugin.create(parsePluginConfig(plugin, options.config));
      expect(constraint.name).toMatch(/^[a-z0-9-]+$/);
      expect(Number.isFinite(constraint.kappa)).toBe(true);
      expect(constraint.units.length).toBeGreaterThan(0);
      const batch = options.batch();
      const reconstruction = options.reconstruction();
      const batchSize = batch.inputs.shape[0] as number;
      const kl = tf.zeros([batchSize]) as tf.Tensor1D;
      const before = tf.memory().numTensors;
      const evaluation = constraint.evaluate({ batch, output: { reconstruction, kl } });
      expect(evaluation.value.rank).toBe(0);
      expect(Number.isFinite(evaluation.value.dataSync()[0])).toBe(true);
      tf.dispose([evaluation.value, evaluation.measure].filter((tensor) => tensor !== undefined));
      const gradient = tf.grad((prediction: tf.Tensor) => {
        const result = constraint.evaluate({ batch, output: { reconstruction: prediction, kl } });
        result.measure?.dispose();
        return result.value;
      })(reconstruction);
      expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
      gradient.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch.inputs, batch.context, batch.labels, reconstruction, kl].filter((tensor) => tensor !== undefined));
      constraint.dispose();
    });

    it('reads kappa back at the boundary C = 0 and states a positive violation scale once it has seen a batch', () => {
      const constraint = plugin.create(parsePluginConfig(plugin, options.config));
      const batch = options.batch();
      const reconstruction = options.reconstruction();
      const kl = tf.zeros([batch.inputs.shape[0] as number]) as tf.Tensor1D;
      const evaluation = constraint.evaluate({ batch, output: { reconstruction, kl } });
      const value = (evaluation.measure ?? evaluation.value).dataSync()[0] as number;
      tf.dispose([evaluation.value, evaluation.measure].filter((tensor) => tensor !== undefined));
      if (constraint.toUnits !== undefined) {
        expect(constraint.toUnits(0), 'toUnits(0): the boundary C = 0 in the units of kappa').toBeCloseTo(constraint.kappa, 6);
        expect(Number.isFinite(constraint.toUnits(value)), `toUnits(${value})`).toBe(true);
      }
      if (constraint.violationScale !== undefined) {
        const scale = constraint.violationScale();
        if (scale !== undefined) {
          expect(Number.isFinite(scale) && scale > 0, `violationScale() = ${scale}`).toBe(true);
        }
      }
      tf.dispose([batch.inputs, batch.context, batch.labels, reconstruction, kl].filter((tensor) => tensor !== undefined));
      constraint.dispose();
    });
  });
}

/** Checks for dataset plugins: consistent batch shapes, deterministic order for a seed, resumable via startBatch. */
export function describeDatasetPluginConformance<CONFIG>(
  plugin: DatasetPluginV1<CONFIG>,
  options: { readonly config: unknown; readonly batchSize?: number },
): void {
  describe(`dataset plugin conformance: ${plugin.id}`, () => {
    it('yields batches of the declared shape, deterministically for a seed, resumable with startBatch', async () => {
      expect(() => assertSupportedPlugin(plugin)).not.toThrow();
      expect(plugin.kind).toBe('dataset');
      const dataset = plugin.create(parsePluginConfig(plugin, options.config));
      const batchSize = options.batchSize ?? 4;
      const read = async (seed: number, startBatch = 0, limit = 3) => {
        const batches: number[][] = [];
        for await (const batch of dataset.batches({ split: 'train', batchSize, seed, epoch: 0, startBatch })) {
          expect(batch.inputs.shape).toEqual([batchSize, ...dataset.info.shape]);
          batches.push(Array.from(batch.inputs.dataSync()));
          tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
          if (batches.length === limit) break;
        }
        return batches;
      };
      const first = await read(3);
      expect(first.length).toBeGreaterThan(0);
      expect(await read(3)).toEqual(first);
      if (first.length > 1) expect((await read(3, 1, first.length - 1))[0]).toEqual(first[1]);
      dataset.dispose();
    });
  });
}
