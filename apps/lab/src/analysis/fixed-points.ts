// Reconstruction fixed points of a high-capacity beta-VAE in an orthogonal (tile-indicator) basis: Figures 2 and 7,
// Section 3.2 and Appendices A and B of "Taming VAEs". The seed's formulas were lost; this follows the documented
// reconstruction of the reference spec fixed-points.md (deterministic-annealing clustering, the pre-image
// fixed point of kernel PCA with a normalised Gaussian kernel).
import { InvalidArgumentError, NonFiniteValueError } from '@tame/core';
import { type DistinctFixedPoint, type DistinctOptions, distinctFixedPoints } from './distinct-fixed-points.js';
import { fastExp } from './fast-exp.js';
import { createLipschitzProjection, type LipschitzOptions, type Projection } from './lipschitz-projection.js';
import { criticalBetas, secondDerivative } from './phase-transitions.js';
import { createTileGrid, initialMeans } from './tile-grid.js';

/** N data points of dimension D, row-major. */
export interface PointSet {
  readonly points: Float64Array;
  readonly dimension: number;
}

/** The posterior of every point over the K tiles. */
export interface Posterior {
  /** W, N x K row-major; each row sums to 1. */
  readonly weights: Float64Array;
  /** log sum_l exp(-||x_i - m_l||^2 / T) per point: log W_ik = -||x_i - m_k||^2 / T - logNormaliser_i. */
  readonly logNormaliser: Float64Array;
}

/** Below this a tile's column sum sum_i W_ik may have lost precision to underflow: recomputed in log space. */
const underflowMass = 1e-280;

const squaredDistance = (points: Float64Array, point: number, means: Float64Array, tile: number, dimension: number) => {
  let sum = 0;
  for (let axis = 0; axis < dimension; axis += 1) {
    const difference = (points[point * dimension + axis] as number) - (means[tile * dimension + axis] as number);
    sum += difference * difference;
  }
  return sum;
};

/**
 * W_ik = p_k exp(-||x_i - m_k||^2 / T) / sum_l p_l exp(-||x_i - m_l||^2 / T) with the uniform prior p_k = 1/K
 * (which cancels): a softmax over tiles, computed with the row maximum subtracted.
 */
export function posteriorWeights(data: PointSet, means: Float64Array, temperature: number, into?: Posterior): Posterior {
  const { points, dimension } = data;
  const count = points.length / dimension;
  const tiles = means.length / dimension;
  const weights = into?.weights ?? new Float64Array(count * tiles);
  const logNormaliser = into?.logNormaliser ?? new Float64Array(count);
  const inverse = 1 / temperature;
  for (let point = 0; point < count; point += 1) {
    const row = point * tiles;
    let largest = -Infinity;
    for (let tile = 0; tile < tiles; tile += 1) {
      const logit = -squaredDistance(points, point, means, tile, dimension) * inverse;
      weights[row + tile] = logit;
      if (logit > largest) largest = logit;
    }
    let sum = 0;
    for (let tile = 0; tile < tiles; tile += 1) {
      const shifted = (weights[row + tile] as number) - largest;
      // exp underflows to 0 below -745 anyway; skipping the call is the main saving at small temperature.
      const weight = shifted < -745 ? 0 : Math.exp(shifted);
      weights[row + tile] = weight;
      sum += weight;
    }
    const scale = 1 / sum;
    for (let tile = 0; tile < tiles; tile += 1) weights[row + tile] = (weights[row + tile] as number) * scale;
    logNormaliser[point] = largest + Math.log(sum);
  }
  return { weights, logNormaliser };
}

/** Posterior mass of each tile, sum_i W_ik, in data points. */
export function tileMass(posterior: Posterior, tiles: number): Float64Array {
  const mass = new Float64Array(tiles);
  const { weights } = posterior;
  for (let offset = 0; offset < weights.length; offset += tiles) for (let tile = 0; tile < tiles; tile += 1) mass[tile] = (mass[tile] as number) + (weights[offset + tile] as number);
  return mass;
}

/**
 * The optimal decoder m_k = sum_i W_ik x_i / sum_i W_ik, a convex combination of the data. A tile whose column of
 * W underflowed (far from every point at small T) gets the same weighted mean computed in log space, so F is
 * defined (and continuous) everywhere instead of dividing 0 by 0.
 */
export function decoderMeans(data: PointSet, means: Float64Array, temperature: number, posterior: Posterior, into?: Float64Array): Float64Array {
  const { points, dimension } = data;
  const count = points.length / dimension;
  const tiles = means.length / dimension;
  const { weights, logNormaliser } = posterior;
  const result = into ?? new Float64Array(tiles * dimension);
  result.fill(0);
  const mass = new Float64Array(tiles);
  for (let point = 0; point < count; point += 1) {
    const row = point * tiles;
    for (let tile = 0; tile < tiles; tile += 1) {
      const weight = weights[row + tile] as number;
      if (weight === 0) continue;
      mass[tile] = (mass[tile] as number) + weight;
      for (let axis = 0; axis < dimension; axis += 1) result[tile * dimension + axis] = (result[tile * dimension + axis] as number) + weight * (points[point * dimension + axis] as number);
    }
  }
  const inverse = 1 / temperature;
  const logWeights = new Float64Array(count);
  for (let tile = 0; tile < tiles; tile += 1) {
    const tileMass = mass[tile] as number;
    if (tileMass >= underflowMass) {
      for (let axis = 0; axis < dimension; axis += 1) result[tile * dimension + axis] = (result[tile * dimension + axis] as number) / tileMass;
      continue;
    }
    let largest = -Infinity;
    for (let point = 0; point < count; point += 1) {
      const logWeight = -squaredDistance(points, point, means, tile, dimension) * inverse - (logNormaliser[point] as number);
      logWeights[point] = logWeight;
      if (logWeight > largest) largest = logWeight;
    }
    let sum = 0;
    for (let axis = 0; axis < dimension; axis += 1) result[tile * dimension + axis] = 0;
    for (let point = 0; point < count; point += 1) {
      const weight = Math.exp((logWeights[point] as number) - largest);
      sum += weight;
      for (let axis = 0; axis < dimension; axis += 1) result[tile * dimension + axis] = (result[tile * dimension + axis] as number) + weight * (points[point * dimension + axis] as number);
    }
    for (let axis = 0; axis < dimension; axis += 1) result[tile * dimension + axis] = (result[tile * dimension + axis] as number) / sum;
  }
  return result;
}

/** Softmax entries below exp(-truncation) times the row's largest are skipped (taken as 0) by the fused kernel. */
const truncation = 60;

/**
 * F(m) fused into one pass over the points, without storing W: each point's softmax row is formed, then at once
 * accumulated into the tiles' masses and weighted sums, so the N x K matrix never leaves the cache. Means are held
 * axis-major so that the inner loops run over tiles with unit stride; in 2-D two points share each accumulation
 * sweep. Entries below exp(-60) (relative to the row's largest, which is at most 1 after normalising) are skipped;
 * a tile whose mass is below N exp(-60) 1e8 is recomputed exactly in log space, so the truncation changes any
 * tile's weights by less than 1e-8 relative. Checked against decoderMeans(posteriorWeights(...)) in the tests.
 */
export function createFixedPointKernel(data: PointSet, tiles: number) {
  const { points, dimension } = data;
  const count = points.length / dimension;
  const byAxis = Array.from({ length: dimension }, () => new Float64Array(tiles));
  const sums = Array.from({ length: dimension }, () => new Float64Array(tiles));
  const mass = new Float64Array(tiles);
  const row = new Float64Array(tiles);
  const otherRow = new Float64Array(tiles);
  const logNormaliser = new Float64Array(count);
  const logWeights = new Float64Array(count);
  const exactMass = Math.max(underflowMass, count * Math.exp(-truncation) * 1e8);

  const xs = byAxis[0] as Float64Array;
  const ys = (byAxis[1] ?? xs) as Float64Array;
  /** Exponentiates `target` (squared distances) into point's unnormalised softmax row, largest entry 1; returns 1 / sum. */
  const exponentiate = (point: number, smallest: number, inverse: number, target: Float64Array): number => {
    let sum = 0;
    for (let tile = 0; tile < tiles; tile += 1) {
      const shifted = (smallest - (target[tile] as number)) * inverse;
      const weight = shifted < -truncation ? 0 : fastExp(shifted);
      target[tile] = weight;
      sum += weight;
    }
    logNormaliser[point] = -smallest * inverse + Math.log(sum);
    return 1 / sum;
  };
  /** The softmax row of a 2-D point (distances and their minimum in one loop). Kept small so that V8 inlines it. */
  const planarRow = (point: number, inverse: number, target: Float64Array): number => {
    const x = points[2 * point] as number;
    const y = points[2 * point + 1] as number;
    let smallest = Infinity;
    for (let tile = 0; tile < tiles; tile += 1) {
      const dx = x - (xs[tile] as number);
      const dy = y - (ys[tile] as number);
      const distance = dx * dx + dy * dy;
      target[tile] = distance;
      if (distance < smallest) smallest = distance;
    }
    return exponentiate(point, smallest, inverse, target);
  };
  const generalRow = (point: number, inverse: number, target: Float64Array): number => {
    target.fill(0);
    for (let axis = 0; axis < dimension; axis += 1) {
      const value = points[point * dimension + axis] as number;
      const column = byAxis[axis] as Float64Array;
      for (let tile = 0; tile < tiles; tile += 1) {
        const difference = value - (column[tile] as number);
        target[tile] = (target[tile] as number) + difference * difference;
      }
    }
    let smallest = Infinity;
    for (let tile = 0; tile < tiles; tile += 1) if ((target[tile] as number) < smallest) smallest = target[tile] as number;
    return exponentiate(point, smallest, inverse, target);
  };

  return (means: Float64Array, temperature: number, into: Float64Array = new Float64Array(tiles * dimension)): Float64Array => {
    const inverse = 1 / temperature;
    for (let axis = 0; axis < dimension; axis += 1) {
      const column = byAxis[axis] as Float64Array;
      for (let tile = 0; tile < tiles; tile += 1) column[tile] = means[tile * dimension + axis] as number;
      (sums[axis] as Float64Array).fill(0);
    }
    mass.fill(0);
    let point = 0;
    if (dimension === 2) {
      const sumX = sums[0] as Float64Array;
      const sumY = sums[1] as Float64Array;
      for (; point + 1 < count; point += 2) {
        const scale = planarRow(point, inverse, row);
        const otherScale = planarRow(point + 1, inverse, otherRow);
        const x = (points[2 * point] as number) * scale;
        const y = (points[2 * point + 1] as number) * scale;
        const otherX = (points[2 * point + 2] as number) * otherScale;
        const otherY = (points[2 * point + 3] as number) * otherScale;
        for (let tile = 0; tile < tiles; tile += 1) {
          const weight = row[tile] as number;
          const otherWeight = otherRow[tile] as number;
          mass[tile] = (mass[tile] as number) + weight * scale + otherWeight * otherScale;
          sumX[tile] = (sumX[tile] as number) + weight * x + otherWeight * otherX;
          sumY[tile] = (sumY[tile] as number) + weight * y + otherWeight * otherY;
        }
      }
    }
    for (; point < count; point += 1) {
      const scale = dimension === 2 ? planarRow(point, inverse, row) : generalRow(point, inverse, row);
      for (let tile = 0; tile < tiles; tile += 1) mass[tile] = (mass[tile] as number) + (row[tile] as number) * scale;
      for (let axis = 0; axis < dimension; axis += 1) {
        const value = (points[point * dimension + axis] as number) * scale;
        const total = sums[axis] as Float64Array;
        for (let tile = 0; tile < tiles; tile += 1) total[tile] = (total[tile] as number) + (row[tile] as number) * value;
      }
    }
    for (let tile = 0; tile < tiles; tile += 1) {
      const tileMass = mass[tile] as number;
      if (tileMass >= exactMass) {
        for (let axis = 0; axis < dimension; axis += 1) into[tile * dimension + axis] = ((sums[axis] as Float64Array)[tile] as number) / tileMass;
        continue;
      }
      // A (nearly) empty column: the weighted mean in log space, exactly (see decoderMeans).
      let largest = -Infinity;
      for (let index = 0; index < count; index += 1) {
        const logWeight = -squaredDistance(points, index, means, tile, dimension) * inverse - (logNormaliser[index] as number);
        logWeights[index] = logWeight;
        if (logWeight > largest) largest = logWeight;
      }
      let sum = 0;
      for (let axis = 0; axis < dimension; axis += 1) into[tile * dimension + axis] = 0;
      for (let index = 0; index < count; index += 1) {
        const weight = Math.exp((logWeights[index] as number) - largest);
        sum += weight;
        for (let axis = 0; axis < dimension; axis += 1) into[tile * dimension + axis] = (into[tile * dimension + axis] as number) + weight * (points[index * dimension + axis] as number);
      }
      for (let axis = 0; axis < dimension; axis += 1) into[tile * dimension + axis] = (into[tile * dimension + axis] as number) / sum;
    }
    return into;
  };
}

/** Temperature T = 2 sigma^2 beta of the Gaussian decoder with variance sigma^2. */
export const temperatureOf = (beta: number, sigmaSquared = 1) => 2 * sigmaSquared * beta;

/** The fixed-point map F(m): decoder means of the posterior at m (without the Lipschitz projection). */
export function fixedPointMap(data: PointSet, means: Float64Array, temperature: number): Float64Array {
  return decoderMeans(data, means, temperature, posteriorWeights(data, means, temperature));
}

/** Order parameter E = (1/N) sum_i sum_k W_ik ||x_i - m_k||^2, the expected reconstruction error. */
export function reconstructionError(data: PointSet, means: Float64Array, posterior: Posterior): number {
  const { points, dimension } = data;
  const count = points.length / dimension;
  const tiles = means.length / dimension;
  let total = 0;
  for (let point = 0; point < count; point += 1) {
    for (let tile = 0; tile < tiles; tile += 1) {
      const weight = posterior.weights[point * tiles + tile] as number;
      if (weight > 0) total += weight * squaredDistance(points, point, means, tile, dimension);
    }
  }
  return total / count;
}

export interface IterationOptions {
  readonly beta: number;
  /** Decoder variance. Default 1. */
  readonly sigmaSquared?: number;
  /** Exponential smoothing m <- (1 - eta) m + eta F(m), in (0, 1]. Default 0.5. */
  readonly eta?: number;
  /** Default 400. */
  readonly maxIterations?: number;
  /** Stop when ||m_new - m_old|| (Euclidean, all K x D values) falls below this. Default 1e-3. */
  readonly tolerance?: number;
  /** Lipschitz projection applied to F(m) before smoothing; default none. */
  readonly projection?: Projection;
  /** Tiles whose means are recorded at every iteration (for the trajectory plots). */
  readonly recordTiles?: readonly number[];
}

export interface FixedPointRun {
  readonly means: Float64Array;
  readonly posterior: Posterior;
  /** sum_i W_ik per tile at the final means. */
  readonly mass: Float64Array;
  readonly reconstructionError: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** ||m_new - m_old|| of the last iteration. */
  readonly lastStep: number;
  /** Per recorded tile: (iterations + 1) x D means, the start included. */
  readonly trajectories?: Float64Array[];
}

function checkIterationOptions(options: IterationOptions): Required<Omit<IterationOptions, 'projection' | 'recordTiles'>> {
  const { beta, sigmaSquared = 1, eta = 0.5, maxIterations = 400, tolerance = 1e-3 } = options;
  const checks: [string, number, boolean, string][] = [
    ['beta', beta, beta > 0 && Number.isFinite(beta), 'a finite number > 0'],
    ['sigmaSquared', sigmaSquared, sigmaSquared > 0 && Number.isFinite(sigmaSquared), 'a finite number > 0'],
    ['eta', eta, eta > 0 && eta <= 1, 'a number in (0, 1]'],
    ['maxIterations', maxIterations, Number.isInteger(maxIterations) && maxIterations >= 0, 'an integer >= 0'],
    ['tolerance', tolerance, tolerance >= 0 && Number.isFinite(tolerance), 'a finite number >= 0'],
  ];
  for (const [name, value, valid, expected] of checks) if (!valid) throw new InvalidArgumentError(name, `${value}; expected ${expected}`);
  return { beta, sigmaSquared, eta, maxIterations, tolerance };
}

/**
 * Iterates m <- (1 - eta) m + eta P(F(m)) from `initial` (P the Lipschitz projection, identity by default) until
 * `maxIterations` or a step below `tolerance`. A fixed point satisfies m = P(F(m)); eta only damps the iteration.
 */
export function iterateFixedPoint(data: PointSet, initial: Float64Array, options: IterationOptions): FixedPointRun {
  const { beta, sigmaSquared, eta, maxIterations, tolerance } = checkIterationOptions(options);
  const { dimension } = data;
  const tiles = initial.length / dimension;
  const temperature = temperatureOf(beta, sigmaSquared);
  let means = initial.slice();
  const kernel = createFixedPointKernel(data, tiles);
  const mapped = new Float64Array(means.length);
  const recordTiles = options.recordTiles ?? [];
  const history: number[][] = recordTiles.map((tile) => Array.from(means.subarray(tile * dimension, (tile + 1) * dimension)));
  let iterations = 0;
  let lastStep = Number.NaN;
  let converged = false;
  while (iterations < maxIterations) {
    kernel(means, temperature, mapped);
    const target = options.projection === undefined ? mapped : options.projection(mapped, dimension);
    const next = new Float64Array(means.length);
    let squaredStep = 0;
    for (let index = 0; index < means.length; index += 1) {
      const value = (1 - eta) * (means[index] as number) + eta * (target[index] as number);
      const difference = value - (means[index] as number);
      squaredStep += difference * difference;
      next[index] = value;
    }
    means = next;
    iterations += 1;
    lastStep = Math.sqrt(squaredStep);
    if (!Number.isFinite(lastStep)) throw new NonFiniteValueError(iterations, { beta, step: lastStep }, undefined);
    recordTiles.forEach((tile, index) => (history[index] as number[]).push(...means.subarray(tile * dimension, (tile + 1) * dimension)));
    if (lastStep < tolerance) {
      converged = true;
      break;
    }
  }
  const posterior = posteriorWeights(data, means, temperature);
  return {
    means,
    posterior,
    mass: tileMass(posterior, tiles),
    reconstructionError: reconstructionError(data, means, posterior),
    iterations,
    converged,
    lastStep,
    ...(recordTiles.length > 0 ? { trajectories: history.map((values) => Float64Array.from(values)) } : {}),
  };
}

export interface SweepOptions extends Omit<IterationOptions, 'beta' | 'projection' | 'recordTiles'>, DistinctOptions {
  readonly betas: readonly number[];
  /** Tiles per side of the latent grid; K = tileSide^2. Default 32. */
  readonly tileSide?: number;
  /** Seed of the initial noise (the same start for every beta). Default 0. */
  readonly seed?: number;
  /** Half-width of the initial uniform noise in tile widths. Default 0.1. */
  readonly initialNoise?: number;
  readonly lipschitz?: LipschitzOptions;
  /** Number of critical betas kept. Default 3. */
  readonly criticalCount?: number;
  /** Called after each beta (progress). */
  readonly onBeta?: (index: number, run: FixedPointRun) => void;
}

export interface FixedPointSweep {
  readonly betas: number[];
  /** E(beta) at each beta's fixed point. */
  readonly reconstructionError: number[];
  /** Number of distinct fixed points per beta. */
  readonly fixedPoints: number[];
  readonly distinct: DistinctFixedPoint[][];
  readonly iterations: number[];
  readonly converged: boolean[];
  /** d2E / d(log beta)^2 by three-point finite differences (NaN at the ends): the critical betas come from it. */
  readonly curvatureLogBeta: number[];
  /** d2E / d beta^2 on the same (non-uniform) grid, for the figure. */
  readonly curvatureBeta: number[];
  /** The top local maxima of |d2E / d(log beta)^2|, highest first. */
  readonly criticalBetas: number[];
}

/** The pieces every beta of a sweep shares: the tile grid, the seeded start and the Lipschitz projection. */
export function prepareSweep(data: PointSet, options: Omit<SweepOptions, 'betas'>) {
  const grid = createTileGrid(options.tileSide ?? 32);
  const start = initialMeans(data.points, data.dimension, grid, { seed: options.seed ?? 0, noise: options.initialNoise ?? 0.1 });
  const projection = createLipschitzProjection(grid, options.lipschitz ?? { kind: 'none' });
  return { grid, start, projection };
}

/** Runs the fixed-point iteration at every beta from the same seeded start and extracts the phase transitions. */
export function sweepFixedPoints(data: PointSet, options: SweepOptions): FixedPointSweep {
  const { start, projection } = prepareSweep(data, options);
  const betas = [...options.betas];
  const runs = betas.map((beta, index) => {
    const run = iterateFixedPoint(data, start, { ...iterationSettings(options), beta, projection });
    options.onBeta?.(index, run);
    return {
      reconstructionError: run.reconstructionError,
      distinct: distinctFixedPoints(run.means, data.dimension, run.mass, options),
      iterations: run.iterations,
      converged: run.converged,
    };
  });
  const reconstructionErrors = runs.map((run) => run.reconstructionError);
  const curvatureLogBeta = secondDerivative(betas.map(Math.log), reconstructionErrors);
  return {
    betas,
    reconstructionError: reconstructionErrors,
    fixedPoints: runs.map((run) => run.distinct.length),
    distinct: runs.map((run) => run.distinct),
    iterations: runs.map((run) => run.iterations),
    converged: runs.map((run) => run.converged),
    curvatureLogBeta,
    curvatureBeta: secondDerivative(betas, reconstructionErrors),
    criticalBetas: criticalBetas(betas, curvatureLogBeta, options.criticalCount ?? 3),
  };
}

const iterationSettings = (options: Omit<SweepOptions, 'betas'>) => ({
  ...(options.sigmaSquared === undefined ? {} : { sigmaSquared: options.sigmaSquared }),
  ...(options.eta === undefined ? {} : { eta: options.eta }),
  ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
  ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
});

/**
 * Re-runs one beta of a sweep (same start and projection, so the same fixed point) recording the trajectories of
 * `recordTiles`, for the figure.
 */
export function traceBeta(data: PointSet, options: Omit<SweepOptions, 'betas'>, beta: number, recordTiles: readonly number[]): FixedPointRun & { readonly distinct: DistinctFixedPoint[] } {
  const { start, projection } = prepareSweep(data, options);
  const run = iterateFixedPoint(data, start, { ...iterationSettings(options), beta, projection, recordTiles });
  return { ...run, distinct: distinctFixedPoints(run.means, data.dimension, run.mass, options) };
}
