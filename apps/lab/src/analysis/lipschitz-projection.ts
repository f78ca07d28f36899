import { InvalidArgumentError } from '@tame/core';
import type { TileGrid } from './tile-grid.js';

/**
 * Lipschitz constraints on the tile decoder (fixed-points.md, Appendix B, Figure 7). The constraint
 * ||m_k - m_l|| <= K ||z_k - z_l||, enforced with multipliers, becomes a projection after each fixed-point step:
 * m <- (I + gamma L_r)^-1 m~, with L_r the graph Laplacian of the tile grid (edges between tiles whose centres lie
 * within radius r). 'local': small r (default 1 tile width, the 4-neighbour grid); 'global': all pairs.
 */
export type LipschitzKind = 'none' | 'local' | 'global';
export const lipschitzKinds: readonly LipschitzKind[] = ['none', 'local', 'global'];

/** An undirected graph on the K tiles in compressed rows: the neighbours of k are indices[offsets[k]..offsets[k+1]). */
export interface TileGraph {
  readonly count: number;
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  /** Number of undirected edges. */
  readonly edgeCount: number;
}

/** Edges between tiles whose centres are at most `radius` tile widths apart (Infinity: all pairs). */
export function tileGraph(grid: TileGrid, radius: number): TileGraph {
  if (!(radius > 0)) throw new InvalidArgumentError('radius', `${radius}; expected a positive number of tile widths (or Infinity for all pairs)`);
  const { side, count } = grid;
  const reach = Math.min(side - 1, Number.isFinite(radius) ? Math.floor(radius + 1e-9) : side - 1);
  const neighbours: number[][] = Array.from({ length: count }, () => []);
  for (let row = 0; row < side; row += 1) {
    for (let column = 0; column < side; column += 1) {
      const tile = row * side + column;
      for (let otherRow = Math.max(0, row - reach); otherRow <= Math.min(side - 1, row + reach); otherRow += 1) {
        for (let otherColumn = Math.max(0, column - reach); otherColumn <= Math.min(side - 1, column + reach); otherColumn += 1) {
          const other = otherRow * side + otherColumn;
          if (other === tile) continue;
          if (Math.hypot(otherRow - row, otherColumn - column) <= radius + 1e-9) (neighbours[tile] as number[]).push(other);
        }
      }
    }
  }
  const offsets = new Int32Array(count + 1);
  neighbours.forEach((list, tile) => (offsets[tile + 1] = (offsets[tile] as number) + list.length));
  const indices = Int32Array.from(neighbours.flat());
  return { count, offsets, indices, edgeCount: indices.length / 2 };
}

/** out = L x for K x D row-major x, with (L x)_k = sum_{l ~ k} (x_k - x_l). */
export function laplacianTimes(graph: TileGraph, vector: Float64Array, dimension: number, out: Float64Array = new Float64Array(vector.length)): Float64Array {
  const { offsets, indices } = graph;
  for (let tile = 0; tile < graph.count; tile += 1) {
    const start = offsets[tile] as number;
    const end = offsets[tile + 1] as number;
    for (let axis = 0; axis < dimension; axis += 1) {
      const own = vector[tile * dimension + axis] as number;
      let sum = 0;
      for (let edge = start; edge < end; edge += 1) sum += own - (vector[(indices[edge] as number) * dimension + axis] as number);
      out[tile * dimension + axis] = sum;
    }
  }
  return out;
}

/** Dirichlet energy sum over edges ||m_k - m_l||^2 (each undirected edge once) = m^T L m. */
export function dirichletEnergy(graph: TileGraph, means: Float64Array, dimension: number): number {
  let energy = 0;
  for (let tile = 0; tile < graph.count; tile += 1) {
    for (let edge = graph.offsets[tile] as number; edge < (graph.offsets[tile + 1] as number); edge += 1) {
      const other = graph.indices[edge] as number;
      if (other <= tile) continue;
      for (let axis = 0; axis < dimension; axis += 1) {
        const difference = (means[tile * dimension + axis] as number) - (means[other * dimension + axis] as number);
        energy += difference * difference;
      }
    }
  }
  return energy;
}

export interface ConjugateGradientOptions {
  /** Stop when ||r|| <= tolerance ||b|| per axis. Default 1e-10. */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/**
 * Solves (I + gamma L) x = b by conjugate gradients, one axis at a time (the matrix is symmetric positive definite
 * with condition number at most 1 + gamma * 2 * maxDegree, so a few dozen iterations suffice for the grid graphs).
 */
export function solveShiftedLaplacian(graph: TileGraph, gamma: number, rhs: Float64Array, dimension: number, options: ConjugateGradientOptions = {}): Float64Array {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 10 * graph.count;
  const count = graph.count;
  const solution = new Float64Array(rhs.length);
  const x = new Float64Array(count);
  const b = new Float64Array(count);
  const residual = new Float64Array(count);
  const direction = new Float64Array(count);
  const product = new Float64Array(count);
  const applyMatrix = (input: Float64Array, output: Float64Array) => {
    laplacianTimes(graph, input, 1, output);
    for (let tile = 0; tile < count; tile += 1) output[tile] = (input[tile] as number) + gamma * (output[tile] as number);
  };
  for (let axis = 0; axis < dimension; axis += 1) {
    let normB = 0;
    for (let tile = 0; tile < count; tile += 1) {
      const value = rhs[tile * dimension + axis] as number;
      b[tile] = value;
      x[tile] = value; // m~ itself is a good start: the projection moves it little
      normB += value * value;
    }
    applyMatrix(x, product);
    let residualNorm = 0;
    for (let tile = 0; tile < count; tile += 1) {
      const value = (b[tile] as number) - (product[tile] as number);
      residual[tile] = value;
      direction[tile] = value;
      residualNorm += value * value;
    }
    const target = tolerance * tolerance * Math.max(normB, 1e-300);
    for (let iteration = 0; iteration < maxIterations && residualNorm > target; iteration += 1) {
      applyMatrix(direction, product);
      let curvature = 0;
      for (let tile = 0; tile < count; tile += 1) curvature += (direction[tile] as number) * (product[tile] as number);
      const step = residualNorm / curvature;
      let nextNorm = 0;
      for (let tile = 0; tile < count; tile += 1) {
        x[tile] = (x[tile] as number) + step * (direction[tile] as number);
        const value = (residual[tile] as number) - step * (product[tile] as number);
        residual[tile] = value;
        nextNorm += value * value;
      }
      const ratio = nextNorm / residualNorm;
      for (let tile = 0; tile < count; tile += 1) direction[tile] = (residual[tile] as number) + ratio * (direction[tile] as number);
      residualNorm = nextNorm;
    }
    for (let tile = 0; tile < count; tile += 1) solution[tile * dimension + axis] = x[tile] as number;
  }
  return solution;
}

/**
 * (I + gamma L_all)^-1 b in closed form for the complete graph: L_all = K I - 1 1^T has eigenvalue 0 on constants
 * and K elsewhere, so the projection keeps the mean and shrinks the deviations by 1 / (1 + gamma K).
 */
export function projectAllPairs(gamma: number, rhs: Float64Array, dimension: number): Float64Array {
  const count = rhs.length / dimension;
  const mean = new Float64Array(dimension);
  for (let tile = 0; tile < count; tile += 1) for (let axis = 0; axis < dimension; axis += 1) mean[axis] = (mean[axis] as number) + (rhs[tile * dimension + axis] as number) / count;
  const shrink = 1 / (1 + gamma * count);
  return rhs.map((value, index) => (mean[index % dimension] as number) + (value - (mean[index % dimension] as number)) * shrink);
}

export interface LipschitzOptions {
  readonly kind: LipschitzKind;
  /** Constraint strength; default per kind: {@link defaultGamma}. */
  readonly gamma?: number;
  /** Neighbourhood radius of 'local' in tile widths. Default 1 (4-neighbour grid). */
  readonly radius?: number;
}

/**
 * Default strengths, chosen so that a tile is tied to its neighbours with the same total weight in both variants:
 * local gamma = 1 on the 4-neighbour grid (degree 4), global gamma = 4 / (K - 1) (degree K - 1).
 */
export function defaultGamma(kind: LipschitzKind, grid: TileGrid): number {
  if (kind === 'none') return 0;
  return kind === 'local' ? 1 : 4 / Math.max(1, grid.count - 1);
}

export type Projection = (means: Float64Array, dimension: number) => Float64Array;

/** The projection m <- (I + gamma L_r)^-1 m of one kind; identity for 'none' (and for gamma = 0). */
export function createLipschitzProjection(grid: TileGrid, options: LipschitzOptions): Projection {
  const gamma = options.gamma ?? defaultGamma(options.kind, grid);
  if (!(gamma >= 0) || !Number.isFinite(gamma)) throw new InvalidArgumentError('gamma', `${gamma}; expected a finite number >= 0`);
  if (options.kind === 'none' || gamma === 0) return (means) => means.slice();
  if (options.kind === 'global') return (means, dimension) => projectAllPairs(gamma, means, dimension);
  const graph = tileGraph(grid, options.radius ?? 1);
  return (means, dimension) => solveShiftedLaplacian(graph, gamma, means, dimension);
}
