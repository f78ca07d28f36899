import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createModelFeatureExtractor } from './feature-extractor.js';
import { createFeatureReconstructionErrorConstraint } from './feature-reconstruction-error-constraint.js';
import { fileSystemModelHandler } from './file-system-model-handler.js';

const root = mkdtempSync(join(tmpdir(), 'tame-constraints-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function userModel() {
  return tfjs.sequential({
    layers: [
      tfjs.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv', kernelInitializer: tfjs.initializers.glorotNormal({ seed: 1 }) }),
      tfjs.layers.flatten({ name: 'flat' }),
      tfjs.layers.dense({ units: 5, activation: 'tanh', name: 'embedding', kernelInitializer: tfjs.initializers.glorotNormal({ seed: 2 }) }),
      tfjs.layers.dense({ units: 3, activation: 'softmax', name: 'classes', kernelInitializer: tfjs.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
}

/**
 * Writes `model` the way tfjs-node's file:// handler and tensorflowjs_converter lay it out: model.json with the
 * topology and a weights manifest, and the float32 weights split over two binary shards (written by hand here,
 * so the test does not depend on the handler under test).
 */
async function writeTfjsModel(model: tfjs.LayersModel, directory: string): Promise<void> {
  mkdirSync(directory, { recursive: true });
  let artifacts: tfjs.io.ModelArtifacts | undefined;
  await model.save(tfjs.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const weights = new Uint8Array(artifacts!.weightData as ArrayBuffer);
  const half = Math.floor(weights.length / 8) * 4;
  writeFileSync(join(directory, 'group1-shard1of2.bin'), weights.subarray(0, half));
  writeFileSync(join(directory, 'group1-shard2of2.bin'), weights.subarray(half));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    modelTopology: artifacts!.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: artifacts!.weightSpecs }],
  };
  writeFileSync(join(directory, 'model.json'), JSON.stringify(modelJson));
}

describe('fileSystemModelHandler', () => {
  it("loads a user's saved tfjs model from a directory (or its model.json) with the same predictions", async () => {
    const original = userModel();
    const directory = join(root, 'user-model');
    await writeTfjsModel(original, directory);
    const images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5);
    const expected = original.predict(images) as tf.Tensor;
    for (const path of [directory, join(directory, 'model.json')]) {
      const loaded = await tfjs.loadLayersModel(fileSystemModelHandler(path));
      const actual = loaded.predict(images) as tf.Tensor;
      expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
      actual.dispose();
      loaded.dispose();
    }
    tf.dispose([images, expected]);
    original.dispose();
  });

  it('gives FRE features from the loaded model truncated at an inner layer', async () => {
    const original = userModel();
    const directory = join(root, 'feature-model');
    await writeTfjsModel(original, directory);
    const loaded = await tfjs.loadLayersModel(fileSystemModelHandler(directory));
    const truncated = tfjs.model({ inputs: loaded.inputs, outputs: loaded.getLayer('embedding').output as tfjs.SymbolicTensor });
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: createModelFeatureExtractor(truncated, { name: 'embedding' }) });
    const inputs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 6);
    const reconstruction = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7);
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } });
    const expected = tf.tidy(() => {
      const difference = tf.sub(truncated.predict(inputs) as tf.Tensor, truncated.predict(reconstruction) as tf.Tensor);
      return tf.sub(tf.div(tf.sum(tf.square(difference)), 2), 5 * 0.01);
    });
    expect(value.dataSync()[0]).toBeCloseTo(expected.dataSync()[0] as number, 5);
    // A feature model for other images is a clear error, not a deep tfjs one.
    const wrong = tf.zeros([2, 28, 28, 1]);
    expect(() => constraint.evaluate({ batch: { inputs: wrong }, output: { reconstruction: wrong, kl } })).toThrow(
      /feature extractor 'embedding' input: images of shape \[2,28,28,1\] do not fit the expected \[batch, 8, 8, 1\]/,
    );
    tf.dispose([value, expected, inputs, reconstruction, kl, wrong]);
    loaded.dispose();
    original.dispose();
  });

  it('explains missing folders, broken JSON, escaping or missing shards and truncated weights', async () => {
    const load = (path: string) => fileSystemModelHandler(path).load!();
    await expect(load(join(root, 'nowhere'))).rejects.toThrow(/tfjs model '.*nowhere': no such file or directory/);
    const broken = join(root, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'model.json'), '{ not json');
    await expect(load(broken)).rejects.toThrow(/model\.json is not valid JSON/);
    writeFileSync(join(broken, 'model.json'), JSON.stringify({ weightsManifest: [] }));
    await expect(load(broken)).rejects.toThrow(/has no modelTopology; it is not a tfjs model\.json/);
    const original = userModel();
    const directory = join(root, 'shards');
    await writeTfjsModel(original, directory);
    original.dispose();
    const manifestWith = (paths: string[]) => {
      const modelJson = JSON.parse(JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }] }));
      writeFileSync(join(directory, 'model.json'), JSON.stringify(modelJson));
    };
    manifestWith(['../secret.bin']);
    await expect(load(directory)).rejects.toThrow(/weight path '\.\.\/secret\.bin' points outside/);
    manifestWith(['missing.bin']);
    await expect(load(directory)).rejects.toThrow(/cannot read the weight file .*missing\.bin \(ENOENT\)/);
    writeFileSync(join(directory, 'short.bin'), new Uint8Array(8));
    manifestWith(['short.bin']);
    await expect(load(directory)).rejects.toThrow(/weight files hold 8 bytes, the manifest needs 16/);
  });
});
