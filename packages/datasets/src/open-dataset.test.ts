import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TameError } from '@tame/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { datasetIdSyntax, describeDatasetIds } from './dataset-id.js';
import { openDataset, resolveDatasetId } from './open-dataset.js';
import { writeCelebaFolder, writeIdxDirectory } from './testing/format-writers.js';
import { readExamples } from './testing/read-examples.js';

const root = mkdtempSync(join(tmpdir(), 'tame-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mnistDirectory = join(root, 'mnist');
writeIdxDirectory(mnistDirectory, { train: 40, test: 20 });

describe('dataset ids', () => {
  it('resolve to the plugin and config they spell out', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['mnist', '@tame/datasets/mnist', {}],
      ['mnist:/data/mnist', '@tame/datasets/mnist-idx', { directory: '/data/mnist' }],
      ['fashion-mnist', '@tame/datasets/fashion-mnist', {}],
      ['fashion-mnist:/d', '@tame/datasets/fashion-mnist', { directory: '/d' }],
      ['idx:a.gz,b.gz', '@tame/datasets/idx', { trainImages: 'a.gz', trainLabels: 'b.gz' }],
      ['idx:a,b;c,d', '@tame/datasets/idx', { trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'd' }],
      ['cifar10:/data/cifar', '@tame/datasets/cifar10', { directory: '/data/cifar' }],
      ['celeba:/data/celeba', '@tame/datasets/celeba', { directory: '/data/celeba' }],
      ['celeba:/data/celeba:32', '@tame/datasets/celeba', { directory: '/data/celeba', size: 32 }],
      ['celeba:C:\\celeba:64', '@tame/datasets/celeba', { directory: 'C:\\celeba', size: 64 }],
      ['color-mnist', '@tame/datasets/color-mnist', {}],
      ['mnist-triplets', '@tame/datasets/mnist-triplets', {}],
      ['mnist-sum', '@tame/datasets/mnist-sum', {}],
      ['mnist-sum-hard:fashion-mnist', '@tame/datasets/mnist-sum-hard', { base: 'fashion-mnist' }],
      ['mnist-rotate:mnist:/data/mnist', '@tame/datasets/mnist-rotate', { base: 'mnist:/data/mnist' }],
      ['micro-mnist', '@tame/datasets/micro-mnist', {}],
      ['two-blobs', '@tame/datasets/two-blobs', {}],
      ['blobs', '@tame/datasets/blobs', {}],
      ['lines', '@tame/datasets/lines', {}],
      ['circles', '@tame/datasets/circles', {}],
    ];
    for (const [id, pluginId, config] of cases) {
      const resolved = resolveDatasetId(id);
      expect([resolved.plugin.id, resolved.config], id).toEqual([pluginId, config]);
    }
  });

  it('an unknown id is a DatasetError that lists every valid id', () => {
    let error: unknown;
    try {
      resolveDatasetId('mnits');
    } catch (caught) {
      error = caught;
    }
    expect(TameError.isInstance(error)).toBe(true);
    expect((error as DatasetError).code).toBe('unknown-id');
    expect((error as Error).message).toMatch(/^dataset 'mnits': unknown dataset; valid ids: mnist, mnist:DIR, fashion-mnist/);
    for (const { id } of datasetIdSyntax) expect((error as Error).message).toContain(id);
  });

  it('malformed ids say what the syntax is', () => {
    expect(() => resolveDatasetId('idx:a.gz')).toThrow(/expected idx:IMAGES,LABELS or idx:IMAGES,LABELS;TEST_IMAGES,TEST_LABELS/);
    expect(() => resolveDatasetId('idx:a,b;c')).toThrow(/expected idx:IMAGES,LABELS/);
    expect(() => resolveDatasetId('cifar10')).toThrow(`dataset 'cifar10': 'cifar10' needs dir: cifar10:DIR`);
    expect(() => resolveDatasetId('celeba:')).toThrow(/'celeba' needs dir/);
    expect(() => resolveDatasetId('lines:3')).toThrow(/'lines' takes no argument/);
  });

  it('describeDatasetIds documents every id form', () => {
    const text = describeDatasetIds();
    for (const { id } of datasetIdSyntax) expect(text).toContain(id);
    for (const name of ['mnist-sum-hard', 'fashion-mnist:DIR', 'celeba:DIR[:32|64]', 'two-blobs', 'circles']) expect(text).toContain(name);
  });
});

describe('openDataset', () => {
  it('opens file datasets, derived datasets on another base, and applies extra config', async () => {
    const mnist = await openDataset(`mnist:${mnistDirectory}`);
    expect(mnist.info.count).toEqual({ train: 40, test: 20 });
    const rotated = await openDataset(`mnist-rotate:mnist:${mnistDirectory}`, { config: { angle: 45, testCount: 4 } });
    expect(rotated.info).toMatchObject({ name: 'mnist-rotate', count: { train: 40, test: 4 }, contextShape: [28, 28, 1] });
    const celebaDirectory = join(root, 'celeba');
    writeCelebaFolder(celebaDirectory, 4);
    const celeba = await openDataset(`celeba:${celebaDirectory}:32`, { config: { workers: 0 } });
    expect(celeba.info.shape).toEqual([32, 32, 3]);
    expect(await readExamples(celeba, 'test')).toHaveLength(1);
    const blobs = await openDataset('two-blobs', { config: { count: 10, seed: 3 } });
    expect(blobs.info.count).toEqual({ train: 10, test: 10 });
    expect(await readExamples(blobs, 'train')).toEqual(await readExamples(await openDataset('two-blobs', { config: { count: 10, seed: 3 } }), 'train'));
  });

  it('rejects invalid config through the plugin schema, and a base that is not labelled greyscale images', async () => {
    await expect(openDataset('mnist-rotate', { config: { angle: 'ninety' } })).rejects.toThrow(/Invalid config for plugin '@tame\/datasets\/mnist-rotate': angle/);
    await expect(openDataset('color-mnist:cifar10:/x')).rejects.toThrow(/base dataset 'cifar10:\/x': a derived dataset is built from labelled single-channel images/);
    await expect(openDataset(`cifar10:${join(root, 'absent')}`)).rejects.toThrow(`${join(root, 'absent')}: directory not found`);
  });
});
