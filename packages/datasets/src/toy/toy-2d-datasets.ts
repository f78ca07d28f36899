import type { DatasetV1 } from '@tame/core';
import { type Component2d, createMixture2dDataset, type Point2d } from './mixture-2d.js';

interface ToyOptions {
  readonly count?: number;
  readonly testCount?: number;
  readonly seed?: number;
}

export interface TwoBlobsOptions extends ToyOptions {
  /** Centres at (+-separation, 0). Default 1. */
  readonly separation?: number;
  /** Standard deviation per axis. Default 0.15. */
  readonly std?: number;
}

/**
 * Two isotropic Gaussian blobs at (+-1, 0), s = 0.15, 100 points each: the regression case of the fixed-point
 * analysis (apps/lab's `tame fixed-points`: the blobs merge near beta = (d^2 + s^2) / sigma^2).
 */
export function createTwoBlobsDataset(options: TwoBlobsOptions = {}): DatasetV1 {
  const separation = options.separation ?? 1;
  const std = options.std ?? 0.15;
  return createMixture2dDataset({
    name: 'two-blobs',
    components: [
      { kind: 'blob', centre: [-separation, 0], std },
      { kind: 'blob', centre: [separation, 0], std },
    ],
    count: options.count ?? 200,
    ...(options.testCount !== undefined ? { testCount: options.testCount } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

export interface BlobsOptions extends ToyOptions {
  /** Default: 3 centres on the unit circle at 90, 210 and 330 degrees. */
  readonly centres?: readonly Point2d[];
  readonly std?: number;
}

/** A mixture of isotropic Gaussian blobs (default 3 on the unit circle, s = 0.15, 100 points each). */
export function createBlobsDataset(options: BlobsOptions = {}): DatasetV1 {
  const centres = options.centres ?? [90, 210, 330].map((degrees): Point2d => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)]);
  const std = options.std ?? 0.15;
  return createMixture2dDataset({
    name: 'blobs',
    components: centres.map((centre): Component2d => ({ kind: 'blob', centre, std })),
    count: options.count ?? 100 * centres.length,
    ...(options.testCount !== undefined ? { testCount: options.testCount } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

export interface LinesOptions extends ToyOptions {
  /** Number of parallel segments. Default 3. */
  readonly lineCount?: number;
  /** Distance between neighbouring segments. Default 1. */
  readonly spacing?: number;
  /** Segment length. Default 2. */
  readonly length?: number;
  /** Gaussian noise per axis. Default 0.02. */
  readonly noise?: number;
}

/**
 * A mixture of lines: `lineCount` horizontal segments x in [-length/2, length/2] at y = (j - (n - 1)/2) spacing,
 * points uniform along each plus Gaussian noise (default 3 lines at y = -1, 0, 1, 100 points each).
 */
export function createLinesDataset(options: LinesOptions = {}): DatasetV1 {
  const lineCount = options.lineCount ?? 3;
  const spacing = options.spacing ?? 1;
  const half = (options.length ?? 2) / 2;
  const noise = options.noise ?? 0.02;
  return createMixture2dDataset({
    name: 'lines',
    components: Array.from({ length: lineCount }, (_, line): Component2d => {
      const y = (line - (lineCount - 1) / 2) * spacing;
      return { kind: 'segment', from: [-half, y], to: [half, y], noise };
    }),
    count: options.count ?? 100 * lineCount,
    ...(options.testCount !== undefined ? { testCount: options.testCount } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}

export interface CirclesOptions extends ToyOptions {
  /** Radii of concentric circles about the origin. Default [0.5, 1]. */
  readonly radii?: readonly number[];
  /** Gaussian noise on the radius. Default 0.02. */
  readonly noise?: number;
}

/** A mixture of concentric circles (default radii 0.5 and 1, 150 points each), angles uniform. */
export function createCirclesDataset(options: CirclesOptions = {}): DatasetV1 {
  const radii = options.radii ?? [0.5, 1];
  const noise = options.noise ?? 0.02;
  return createMixture2dDataset({
    name: 'circles',
    components: radii.map((radius): Component2d => ({ kind: 'circle', centre: [0, 0], radius, noise })),
    count: options.count ?? 150 * radii.length,
    ...(options.testCount !== undefined ? { testCount: options.testCount } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}
