import { type DatasetV1, InvalidArgumentError } from '@tame/core';
import { createArraySource } from '../example-source.js';
import { createIndexedDataset } from '../indexed-dataset.js';
import { createRandom, mixSeed, randomNormal, type RandomSource } from '../random/seeded-random.js';

export type Point2d = readonly [number, number];

/** One component of a 2-D mixture; `noise`/`std` are standard deviations of isotropic Gaussian noise. */
export type Component2d =
  | { readonly kind: 'blob'; readonly centre: Point2d; readonly std: number }
  | { readonly kind: 'segment'; readonly from: Point2d; readonly to: Point2d; readonly noise: number }
  | { readonly kind: 'circle'; readonly centre: Point2d; readonly radius: number; readonly noise: number };

export interface Mixture2dOptions {
  readonly name: string;
  readonly components: readonly Component2d[];
  /** Points in the train split, shared equally among the components. */
  readonly count: number;
  /** Points in the test split (independent draws); default `count`. */
  readonly testCount?: number;
  /** Seed of the draws. Default 0. */
  readonly seed?: number;
}

function samplePoint(component: Component2d, random: RandomSource): Point2d {
  switch (component.kind) {
    case 'blob':
      return [component.centre[0] + component.std * randomNormal(random), component.centre[1] + component.std * randomNormal(random)];
    case 'segment': {
      const along = random();
      return [
        component.from[0] + along * (component.to[0] - component.from[0]) + component.noise * randomNormal(random),
        component.from[1] + along * (component.to[1] - component.from[1]) + component.noise * randomNormal(random),
      ];
    }
    case 'circle': {
      const angle = 2 * Math.PI * random();
      const radius = component.radius + component.noise * randomNormal(random);
      return [component.centre[0] + radius * Math.cos(angle), component.centre[1] + radius * Math.sin(angle)];
    }
  }
}

/**
 * `count` points; point i belongs to component floor(i K / count), so the K components hold equal shares (within
 * one point). Labels are the component indices.
 */
export function sampleMixture2d(components: readonly Component2d[], count: number, random: RandomSource): { points: Float32Array; labels: Int32Array } {
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let index = 0; index < count; index += 1) {
    const label = Math.floor((index * components.length) / count);
    const [x, y] = samplePoint(components[label] as Component2d, random);
    points[2 * index] = x;
    points[2 * index + 1] = y;
    labels[index] = label;
  }
  return { points, labels };
}

/** A seeded dataset of 2-D points, shape [2], labelled by component; `range` is the data's exact extent. */
export function createMixture2dDataset(options: Mixture2dOptions): DatasetV1 {
  const { name, components, count, testCount = count, seed = 0 } = options;
  if (components.length === 0) throw new InvalidArgumentError(`components of ${name}`, 'at least one component is needed');
  for (const [field, value] of [['count', count], ['testCount', testCount]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`${field} of ${name}`, `${value}; expected a non-negative integer`);
  }
  const train = sampleMixture2d(components, count, createRandom(mixSeed(seed, 1)));
  const test = sampleMixture2d(components, testCount, createRandom(mixSeed(seed, 2)));
  let low = Infinity;
  let high = -Infinity;
  for (const value of [...train.points, ...test.points]) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return createIndexedDataset({
    id: `@tame/datasets/${name}`,
    info: {
      name,
      count: { train: count, test: testCount },
      shape: [2],
      classCount: components.length,
      range: count + testCount > 0 ? [low, high] : [0, 0],
    },
    splits: {
      train: createArraySource({ values: train.points, exampleSize: 2, labels: train.labels }),
      test: createArraySource({ values: test.points, exampleSize: 2, labels: test.labels }),
    },
  });
}
