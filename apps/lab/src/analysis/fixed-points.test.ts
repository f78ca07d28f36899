import { describe, expect, it } from 'vitest';
import {
  createFixedPointKernel,
  decoderMeans,
  fixedPointMap,
  iterateFixedPoint,
  posteriorWeights,
  reconstructionError,
  sweepFixedPoints,
  temperatureOf,
  tileMass,
  traceBeta,
} from './fixed-points.js';
import { createLipschitzProjection } from './lipschitz-projection.js';
import { logSpacedBetas } from './phase-transitions.js';
import { createUniformSource } from './seeded-uniform.js';
import { createTileGrid, initialMeans } from './tile-grid.js';

/** Seeded 2-D points: two blobs at (+-1, 0) with spread s, `perBlob` points each (a local stand-in for the toys). */
function blobs(perBlob: number, spread: number, seed: number) {
  const random = createUniformSource(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const points = new Float64Array(4 * perBlob);
  for (let index = 0; index < 2 * perBlob; index += 1) {
    points[2 * index] = (index < perBlob ? -1 : 1) + spread * normal();
    points[2 * index + 1] = spread * normal();
  }
  return { points, dimension: 2 };
}

const maxAbsoluteDifference = (a: Float64Array, b: Float64Array) => a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (b[index] as number))), 0);

describe('one fixed-point step on 2 points and 2 tiles, by hand', () => {
  // x1 = (0, 0), x2 = (1, 0); m1 = (0, 0), m2 = (1, 1); beta = 0.5, sigma^2 = 1 -> T = 1.
  // Squared distances: |x1 - m1|^2 = 0, |x1 - m2|^2 = 2, |x2 - m1|^2 = 1, |x2 - m2|^2 = 1.
  const data = { points: Float64Array.of(0, 0, 1, 0), dimension: 2 };
  const means = Float64Array.of(0, 0, 1, 1);
  const temperature = temperatureOf(0.5, 1);
  const w11 = 1 / (1 + Math.exp(-2));
  const w12 = Math.exp(-2) / (1 + Math.exp(-2));

  it('T = 2 sigma^2 beta', () => {
    expect(temperature).toBe(1);
    expect(temperatureOf(0.25, 3)).toBe(1.5);
  });

  it('W is the softmax over tiles of -|x - m|^2 / T (the uniform prior cancels)', () => {
    const posterior = posteriorWeights(data, means, temperature);
    expect(Array.from(posterior.weights)).toEqual([expect.closeTo(w11, 15), expect.closeTo(w12, 15), expect.closeTo(0.5, 15), expect.closeTo(0.5, 15)]);
    // log W_ik = -d_ik / T - logNormaliser_i.
    expect(posterior.logNormaliser[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 14);
    expect(posterior.logNormaliser[1]).toBeCloseTo(Math.log(2 * Math.exp(-1)), 14);
    expect(Array.from(tileMass(posterior, 2))).toEqual([expect.closeTo(w11 + 0.5, 15), expect.closeTo(w12 + 0.5, 15)]);
  });

  it('m_k is the W-weighted mean of the data', () => {
    const mapped = fixedPointMap(data, means, temperature);
    // m1 = (w11 x1 + 0.5 x2) / (w11 + 0.5), m2 = (w12 x1 + 0.5 x2) / (w12 + 0.5); both on the x axis.
    expect(Array.from(mapped)).toEqual([expect.closeTo(0.5 / (w11 + 0.5), 14), 0, expect.closeTo(0.5 / (w12 + 0.5), 14), 0]);
    expect(Array.from(createFixedPointKernel(data, 2)(means, temperature))).toEqual(Array.from(mapped).map((value) => expect.closeTo(value, 14)));
  });

  it('E is the posterior-weighted mean squared distance', () => {
    const posterior = posteriorWeights(data, means, temperature);
    expect(reconstructionError(data, means, posterior)).toBeCloseTo((w11 * 0 + w12 * 2 + 0.5 * 1 + 0.5 * 1) / 2, 14);
  });
});

describe('fixed-point map', () => {
  const data = blobs(20, 0.2, 3);
  const grid = createTileGrid(6);
  const start = initialMeans(data.points, 2, grid, { seed: 1 });

  it('the fused kernel agrees with decoderMeans(posteriorWeights) at small and large temperatures', () => {
    const kernel = createFixedPointKernel(data, grid.count);
    for (const temperature of [1e-3, 0.02, 0.5, 20]) {
      const reference = decoderMeans(data, start, temperature, posteriorWeights(data, start, temperature));
      expect(maxAbsoluteDifference(kernel(start, temperature), reference)).toBeLessThan(1e-12);
    }
  });

  it('the generic-dimension path agrees too (D = 3 and D = 1)', () => {
    const random = createUniformSource(9);
    for (const dimension of [1, 3]) {
      const points = Float64Array.from({ length: 15 * dimension }, () => 2 * random() - 1);
      const means = Float64Array.from({ length: 7 * dimension }, () => 2 * random() - 1);
      const set = { points, dimension };
      for (const temperature of [0.01, 1]) {
        const reference = decoderMeans(set, means, temperature, posteriorWeights(set, means, temperature));
        expect(maxAbsoluteDifference(createFixedPointKernel(set, 7)(means, temperature), reference)).toBeLessThan(1e-12);
      }
    }
  });

  it('a tile far from all data (column underflows to 0) still gets a finite mean: the nearest point in log space', () => {
    const set = { points: Float64Array.of(0, 0, 1, 0), dimension: 2 };
    // Tile 3 sits at (10, 0): exp(-81 / 0.01) underflows for both points, but x2 is 19 / 0.01 nats nearer.
    const means = Float64Array.of(0, 0, 1, 0, 10, 0);
    const posterior = posteriorWeights(set, means, 0.01);
    expect(posterior.weights[2]).toBe(0);
    expect(posterior.weights[5]).toBe(0);
    const reference = decoderMeans(set, means, 0.01, posterior);
    expect(Array.from(reference.subarray(4))).toEqual([1, 0]);
    expect(Array.from(createFixedPointKernel(set, 3)(means, 0.01).subarray(4))).toEqual([1, 0]);
  });

  it('converges to a fixed point: F(m) = m (without projection) and m = P(F(m)) (with the local projection)', () => {
    const run = iterateFixedPoint(data, start, { beta: 0.3, tolerance: 1e-10, maxIterations: 2000 });
    expect(run.converged).toBe(true);
    // The last smoothed step is eta |F(m) - m| < 1e-10.
    expect(maxAbsoluteDifference(fixedPointMap(data, run.means, temperatureOf(0.3)), run.means)).toBeLessThan(1e-9);
    const projection = createLipschitzProjection(grid, { kind: 'local', gamma: 0.5 });
    const constrained = iterateFixedPoint(data, start, { beta: 0.05, tolerance: 1e-10, maxIterations: 4000, projection });
    expect(constrained.converged).toBe(true);
    expect(maxAbsoluteDifference(projection(fixedPointMap(data, constrained.means, temperatureOf(0.05)), 2), constrained.means)).toBeLessThan(1e-9);
    // ... which is not a fixed point of the unconstrained map.
    expect(maxAbsoluteDifference(fixedPointMap(data, constrained.means, temperatureOf(0.05)), constrained.means)).toBeGreaterThan(1e-3);
  });

  it('stops after maxIterations, reports the step and records trajectories from the start', () => {
    const run = iterateFixedPoint(data, start, { beta: 0.01, maxIterations: 3, tolerance: 0, recordTiles: [0, 5] });
    expect(run.iterations).toBe(3);
    expect(run.converged).toBe(false);
    expect(run.trajectories).toHaveLength(2);
    expect(run.trajectories?.[1]).toHaveLength(4 * 2);
    expect(Array.from(run.trajectories?.[1]?.subarray(0, 2) ?? [])).toEqual(Array.from(start.subarray(10, 12)));
    expect(Array.from(run.trajectories?.[1]?.subarray(6, 8) ?? [])).toEqual(Array.from(run.means.subarray(10, 12)));
    // eta = 1 jumps straight to F(m).
    const jump = iterateFixedPoint(data, start, { beta: 0.01, eta: 1, maxIterations: 1 });
    expect(maxAbsoluteDifference(jump.means, fixedPointMap(data, start, temperatureOf(0.01)))).toBeLessThan(1e-12);
  });

  it('rejects invalid settings with the parameter named', () => {
    expect(() => iterateFixedPoint(data, start, { beta: 0 })).toThrow(/Invalid beta: 0; expected a finite number > 0/);
    expect(() => iterateFixedPoint(data, start, { beta: 1, eta: 1.5 })).toThrow(/Invalid eta: 1.5; expected a number in \(0, 1\]/);
    expect(() => iterateFixedPoint(data, start, { beta: 1, maxIterations: 2.5 })).toThrow(/Invalid maxIterations/);
  });
});

describe('sweep', () => {
  const data = blobs(15, 0.15, 5);
  const settings = { betas: logSpacedBetas(5, 0.01, 2), tileSide: 6, maxIterations: 60 };

  it('is a function of the seed: the same seed gives the same sweep, another seed another start', () => {
    const first = sweepFixedPoints(data, { ...settings, seed: 4 });
    const again = sweepFixedPoints(data, { ...settings, seed: 4 });
    expect(again).toEqual(first);
    const other = sweepFixedPoints(data, { ...settings, seed: 5 });
    expect(other.reconstructionError).not.toEqual(first.reconstructionError);
  });

  it('reports per beta E, the distinct count, iterations and both curvatures; traceBeta reproduces a beta', () => {
    const sweep = sweepFixedPoints(data, { ...settings, seed: 1 });
    expect(sweep.betas).toEqual(settings.betas);
    expect(sweep.fixedPoints).toEqual(sweep.distinct.map((points) => points.length));
    expect(sweep.curvatureLogBeta[0]).toBeNaN();
    expect(sweep.curvatureBeta.at(-1)).toBeNaN();
    const traced = traceBeta(data, { ...settings, seed: 1 }, settings.betas[2] as number, [0]);
    expect(traced.reconstructionError).toBe(sweep.reconstructionError[2]);
    expect(traced.distinct.length).toBe(sweep.fixedPoints[2]);
    // E is at most the total variance (the one-cluster value) and grows with beta overall.
    expect(sweep.reconstructionError.at(-1)).toBeGreaterThan(sweep.reconstructionError[0] as number);
  });
});
