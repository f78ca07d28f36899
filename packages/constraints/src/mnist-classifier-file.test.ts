import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMnistClassifier } from './mnist-classifier.js';
import {
  loadMnistClassifier,
  mnistClassifierWeightsPath,
  readMnistClassifierFileMetadata,
  saveMnistClassifier,
} from './mnist-classifier-file.js';

const root = mkdtempSync(join(tmpdir(), 'tame-constraints-classifier-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('MNIST classifier files', () => {
  it('ships weights with their training record in the package weights/ folder', () => {
    expect(mnistClassifierWeightsPath).toMatch(/packages\/constraints\/weights\/mnist-classifier\.tameckpt$/);
    const { training } = readMnistClassifierFileMetadata();
    expect(training).toMatchObject({ steps: expect.any(Number), testAccuracy: expect.any(Number), seconds: expect.any(Number) });
    const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(packageJson.files).toContain('weights');
  });

  it('saves and loads a classifier bit for bit (trainable on request), creating folders', () => {
    const classifier = createMnistClassifier({ seed: 9 });
    const path = join(root, 'nested', 'folder', 'classifier.tameckpt');
    saveMnistClassifier(classifier, path, { note: 'unit test' });
    const frozen = loadMnistClassifier({ path });
    const trainable = loadMnistClassifier({ path, trainable: true });
    classifier.variables.forEach((variable, index) => {
      expect(Array.from((frozen.variables[index] as tf.Variable).dataSync())).toEqual(Array.from(variable.dataSync()));
    });
    expect(frozen.variables.some((variable) => variable.trainable)).toBe(false);
    expect(trainable.variables.every((variable) => variable.trainable)).toBe(true);
    expect(readMnistClassifierFileMetadata(path).training).toEqual({ note: 'unit test' });
    for (const instance of [classifier, frozen, trainable]) instance.dispose();
  });

  it('names the file when it is missing', () => {
    const path = join(root, 'missing.tameckpt');
    expect(() => loadMnistClassifier({ path })).toThrow(new RegExp(`Checkpoint ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot be read \\(ENOENT\\)`));
  });
});
