import { createTwoBlobsDataset } from '@tame/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isToyDataName, loadToyPoints, readAllPoints } from './toy-points.js';

describe('toy points', () => {
  it('reads the @tame/datasets toys in order as float64 points, seeded, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const blobs = await loadToyPoints('two-blobs', 0);
    expect(blobs.dimension).toBe(2);
    expect(blobs.points).toHaveLength(400);
    // Points 0..99 belong to the blob at (-1, 0), 100..199 to the one at (1, 0).
    const meanX = (from: number, to: number) => blobs.points.filter((_, index) => index % 2 === 0 && index / 2 >= from && index / 2 < to).reduce((sum, value) => sum + value, 0) / (to - from);
    expect(meanX(0, 100)).toBeCloseTo(-1, 1);
    expect(meanX(100, 200)).toBeCloseTo(1, 1);
    expect(await loadToyPoints('two-blobs', 0)).toEqual(blobs);
    expect(await loadToyPoints('two-blobs', 1)).not.toEqual(blobs);
    expect((await loadToyPoints('lines', 0)).points).toHaveLength(600);
    expect((await loadToyPoints('circles', 0)).points).toHaveLength(600);
    const dataset = createTwoBlobsDataset({ count: 3, testCount: 5, seed: 2 });
    expect((await readAllPoints(dataset, 'test')).points).toHaveLength(10);
    dataset.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(isToyDataName('lines')).toBe(true);
    expect(isToyDataName('moons')).toBe(false);
  });
});
