import { InvalidArgumentError } from '@tame/core';
import { createUniformSource } from './seeded-uniform.js';

/**
 * The latent space of the fixed-point analysis: the unit square split into side x side tiles, one indicator basis
 * function per tile (K = side^2). Tile k = row * side + column has its centre at ((column + 1/2) / side,
 * (row + 1/2) / side).
 */
export interface TileGrid {
  readonly side: number;
  readonly count: number;
  /** Latent centres, K x 2, row-major. */
  readonly centres: Float64Array;
}

export function createTileGrid(side = 32): TileGrid {
  if (!Number.isInteger(side) || side < 1 || side > 256) throw new InvalidArgumentError('tileSide', `${side}; expected an integer in [1, 256]`);
  const count = side * side;
  const centres = new Float64Array(count * 2);
  for (let row = 0; row < side; row += 1) {
    for (let column = 0; column < side; column += 1) {
      const tile = row * side + column;
      centres[2 * tile] = (column + 0.5) / side;
      centres[2 * tile + 1] = (row + 0.5) / side;
    }
  }
  return { side, count, centres };
}

/** Per-axis bounding box of N points of dimension D (row-major). */
export function boundingBox(points: Float64Array, dimension: number): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(dimension).fill(Infinity);
  const high = new Float64Array(dimension).fill(-Infinity);
  for (let offset = 0; offset < points.length; offset += dimension) {
    for (let axis = 0; axis < dimension; axis += 1) {
      const value = points[offset + axis] as number;
      if (value < (low[axis] as number)) low[axis] = value;
      if (value > (high[axis] as number)) high[axis] = value;
    }
  }
  return { low, high };
}

export interface InitialMeansOptions {
  readonly seed: number;
  /** Half-width of the uniform noise, in tile widths of the data's bounding box. Default 0.1. */
  readonly noise?: number;
}

/**
 * Initial decoder means (fixed-points.md): tile centres mapped onto the data's bounding box plus small uniform
 * noise, so the symmetric start does not sit exactly on an unstable fixed point. Axes beyond the second (D > 2)
 * start at the box centre. A function of (data, grid, seed) only, the same for every beta of a sweep.
 */
export function initialMeans(points: Float64Array, dimension: number, grid: TileGrid, options: InitialMeansOptions): Float64Array {
  const { low, high } = boundingBox(points, dimension);
  const random = createUniformSource(options.seed);
  const noise = options.noise ?? 0.1;
  const means = new Float64Array(grid.count * dimension);
  for (let tile = 0; tile < grid.count; tile += 1) {
    for (let axis = 0; axis < dimension; axis += 1) {
      const extent = (high[axis] as number) - (low[axis] as number);
      const latent = axis < 2 ? (grid.centres[2 * tile + axis] as number) : 0.5;
      const jitter = (2 * random() - 1) * noise * (extent / grid.side);
      means[tile * dimension + axis] = (low[axis] as number) + latent * extent + jitter;
    }
  }
  return means;
}
