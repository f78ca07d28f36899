import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readExamples } from '../testing/read-examples.js';
import { createMixture2dDataset } from './mixture-2d.js';
import { createBlobsDataset, createCirclesDataset, createLinesDataset, createTwoBlobsDataset } from './toy-2d-datasets.js';
import { blobsDatasetPlugin, circlesDatasetPlugin, linesDatasetPlugin, twoBlobsDatasetPlugin } from './toy-2d-plugins.js';

describeDatasetPluginConformance(twoBlobsDatasetPlugin, { config: {} });
describeDatasetPluginConformance(blobsDatasetPlugin, { config: { centres: [[0, 0], [3, 3]] } });
describeDatasetPluginConformance(linesDatasetPlugin, { config: { lineCount: 2 } });
describeDatasetPluginConformance(circlesDatasetPlugin, { config: { radii: [1, 2, 3] } });

/** Points of one component of the train split. */
async function pointsByComponent(dataset: Awaited<ReturnType<typeof createTwoBlobsDataset>>) {
  const groups = new Map<number, [number, number][]>();
  for (const { inputs, label } of await readExamples(dataset, 'train')) {
    groups.set(label as number, [...(groups.get(label as number) ?? []), [inputs[0] as number, inputs[1] as number]]);
  }
  return groups;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const std = (values: number[]) => Math.sqrt(mean(values.map((value) => (value - mean(values)) ** 2)));

describe('2-D toy data', () => {
  it('two-blobs: 100 points at (+-1, 0) with s = 0.15 per blob, shape [2], range covering the data', async () => {
    const dataset = createTwoBlobsDataset();
    expect(dataset.info).toMatchObject({ name: 'two-blobs', count: { train: 200, test: 200 }, shape: [2], classCount: 2 });
    const groups = await pointsByComponent(dataset);
    for (const [label, centre] of [[0, -1], [1, 1]] as const) {
      const points = groups.get(label) ?? [];
      expect(points).toHaveLength(100);
      // Standard error of a mean of 100 draws with s = 0.15: 0.015; of the standard deviation: ~0.011.
      expect(mean(points.map(([x]) => x))).toBeCloseTo(centre, 1);
      expect(Math.abs(mean(points.map(([, y]) => y)))).toBeLessThan(0.06);
      expect(Math.abs(std(points.map(([x]) => x)) - 0.15)).toBeLessThan(0.045);
      expect(Math.abs(std(points.map(([, y]) => y)) - 0.15)).toBeLessThan(0.045);
    }
    const all = [...groups.values()].flat(2);
    expect(Math.min(...all)).toBeGreaterThanOrEqual(dataset.info.range[0]);
    expect(Math.max(...all)).toBeLessThanOrEqual(dataset.info.range[1]);
  });

  it('lines: points on y = -1, 0, 1 within the noise, x spread over [-1, 1]', async () => {
    const groups = await pointsByComponent(createLinesDataset({ noise: 0.01 }));
    expect([...groups.keys()].sort()).toEqual([0, 1, 2]);
    for (const [label, points] of groups) {
      expect(points).toHaveLength(100);
      for (const [x, y] of points) {
        expect(Math.abs(y - (label - 1))).toBeLessThan(0.06);
        expect(Math.abs(x)).toBeLessThan(1.06);
      }
      expect(Math.max(...points.map(([x]) => x)) - Math.min(...points.map(([x]) => x))).toBeGreaterThan(1.8);
    }
  });

  it('circles: radii 0.5 and 1 about the origin within the noise, angles all around', async () => {
    const groups = await pointsByComponent(createCirclesDataset({ noise: 0.01 }));
    for (const [label, radius] of [[0, 0.5], [1, 1]] as const) {
      const points = groups.get(label) ?? [];
      expect(points).toHaveLength(150);
      for (const [x, y] of points) expect(Math.abs(Math.hypot(x, y) - radius)).toBeLessThan(0.06);
      const quadrants = new Set(points.map(([x, y]) => `${x > 0}${y > 0}`));
      expect(quadrants.size).toBe(4);
    }
  });

  it('blobs: three centres on the unit circle by default', async () => {
    const groups = await pointsByComponent(createBlobsDataset({ count: 600 }));
    const angles = [90, 210, 330].map((degrees) => (degrees * Math.PI) / 180);
    angles.forEach((angle, label) => {
      const points = groups.get(label) ?? [];
      expect(mean(points.map(([x]) => x))).toBeCloseTo(Math.cos(angle), 1);
      expect(mean(points.map(([, y]) => y))).toBeCloseTo(Math.sin(angle), 1);
    });
  });

  it('is a function of its seed; train and test are independent draws', async () => {
    const first = await readExamples(createTwoBlobsDataset({ seed: 4 }), 'train');
    expect(await readExamples(createTwoBlobsDataset({ seed: 4 }), 'train')).toEqual(first);
    expect(await readExamples(createTwoBlobsDataset({ seed: 5 }), 'train')).not.toEqual(first);
    expect(await readExamples(createTwoBlobsDataset({ seed: 4 }), 'test')).not.toEqual(first);
  });

  it('refuses an empty mixture and negative counts', () => {
    expect(() => createMixture2dDataset({ name: 'empty', components: [], count: 3 })).toThrow(/components of empty/);
    expect(() => createTwoBlobsDataset({ count: -1 })).toThrow(/count of two-blobs/);
  });
});
