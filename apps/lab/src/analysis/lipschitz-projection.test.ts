import { describe, expect, it } from 'vitest';
import {
  createLipschitzProjection,
  defaultGamma,
  dirichletEnergy,
  laplacianTimes,
  projectAllPairs,
  solveShiftedLaplacian,
  tileGraph,
} from './lipschitz-projection.js';
import { createUniformSource } from './seeded-uniform.js';
import { createTileGrid } from './tile-grid.js';

const randomMeans = (count: number, dimension: number, seed: number) => {
  const random = createUniformSource(seed);
  return Float64Array.from({ length: count * dimension }, () => 4 * random() - 2);
};
const maxAbsoluteDifference = (a: Float64Array, b: Float64Array) => a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (b[index] as number))), 0);

/** (I + gamma L) x = b by dense Gaussian elimination with partial pivoting: an independent solver. */
function denseSolve(count: number, edges: readonly [number, number][], gamma: number, rhs: Float64Array, dimension: number): Float64Array {
  const solution = new Float64Array(rhs.length);
  for (let axis = 0; axis < dimension; axis += 1) {
    const matrix = Array.from({ length: count }, (_, row) => Array.from({ length: count + 1 }, (_, column) => (column === count ? (rhs[row * dimension + axis] as number) : row === column ? 1 : 0)));
    for (const [a, b] of edges) {
      (matrix[a] as number[])[a] = ((matrix[a] as number[])[a] as number) + gamma;
      (matrix[b] as number[])[b] = ((matrix[b] as number[])[b] as number) + gamma;
      (matrix[a] as number[])[b] = ((matrix[a] as number[])[b] as number) - gamma;
      (matrix[b] as number[])[a] = ((matrix[b] as number[])[a] as number) - gamma;
    }
    for (let pivot = 0; pivot < count; pivot += 1) {
      let best = pivot;
      for (let row = pivot + 1; row < count; row += 1) if (Math.abs((matrix[row] as number[])[pivot] as number) > Math.abs((matrix[best] as number[])[pivot] as number)) best = row;
      [matrix[pivot], matrix[best]] = [matrix[best] as number[], matrix[pivot] as number[]];
      const pivotRow = matrix[pivot] as number[];
      for (let row = 0; row < count; row += 1) {
        if (row === pivot) continue;
        const target = matrix[row] as number[];
        const factor = (target[pivot] as number) / (pivotRow[pivot] as number);
        for (let column = pivot; column <= count; column += 1) target[column] = (target[column] as number) - factor * (pivotRow[column] as number);
      }
    }
    for (let row = 0; row < count; row += 1) solution[row * dimension + axis] = ((matrix[row] as number[])[count] as number) / ((matrix[row] as number[])[row] as number);
  }
  return solution;
}

describe('tile graph', () => {
  const grid = createTileGrid(5);

  it('radius 1 is the 4-neighbour grid, sqrt(2) adds the diagonals, Infinity joins all pairs', () => {
    expect(tileGraph(grid, 1).edgeCount).toBe(2 * 5 * 4);
    expect(tileGraph(grid, Math.SQRT2).edgeCount).toBe(2 * 5 * 4 + 2 * 4 * 4);
    expect(tileGraph(grid, Number.POSITIVE_INFINITY).edgeCount).toBe((25 * 24) / 2);
    const graph = tileGraph(grid, 1);
    // Tile 0 (corner) touches 1 and 5; tile 12 (centre) touches 7, 11, 13, 17.
    expect(Array.from(graph.indices.subarray(graph.offsets[0], graph.offsets[1])).sort((a, b) => a - b)).toEqual([1, 5]);
    expect(Array.from(graph.indices.subarray(graph.offsets[12], graph.offsets[13])).sort((a, b) => a - b)).toEqual([7, 11, 13, 17]);
    expect(() => tileGraph(grid, 0)).toThrow(/Invalid radius/);
  });

  it('L annihilates constants and m^T L m is the Dirichlet energy', () => {
    const graph = tileGraph(grid, Math.SQRT2);
    expect(Array.from(laplacianTimes(graph, new Float64Array(50).fill(3), 2))).toEqual(new Array(50).fill(0));
    const means = randomMeans(25, 2, 1);
    const product = laplacianTimes(graph, means, 2);
    expect(means.reduce((sum, value, index) => sum + value * (product[index] as number), 0)).toBeCloseTo(dirichletEnergy(graph, means, 2), 10);
  });
});

describe('Lipschitz projection m <- (I + gamma L)^-1 m', () => {
  const grid = createTileGrid(4);
  const means = randomMeans(16, 2, 7);

  it('gamma = 0 (and kind none) is the identity', () => {
    for (const projection of [createLipschitzProjection(grid, { kind: 'none' }), createLipschitzProjection(grid, { kind: 'local', gamma: 0 }), createLipschitzProjection(grid, { kind: 'global', gamma: 0 })]) {
      expect(Array.from(projection(means, 2))).toEqual(Array.from(means));
    }
  });

  it('conjugate gradients match a dense direct solve on the 4-neighbour and the diagonal grid', () => {
    for (const radius of [1, Math.SQRT2]) {
      const graph = tileGraph(grid, radius);
      const edges: [number, number][] = [];
      for (let tile = 0; tile < 16; tile += 1) for (let edge = graph.offsets[tile] as number; edge < (graph.offsets[tile + 1] as number); edge += 1) if ((graph.indices[edge] as number) > tile) edges.push([tile, graph.indices[edge] as number]);
      expect(maxAbsoluteDifference(solveShiftedLaplacian(graph, 0.7, means, 2), denseSolve(16, edges, 0.7, means, 2))).toBeLessThan(1e-9);
      expect(maxAbsoluteDifference(createLipschitzProjection(grid, { kind: 'local', gamma: 0.7, radius })(means, 2), denseSolve(16, edges, 0.7, means, 2))).toBeLessThan(1e-9);
    }
  });

  it('global: the closed form equals conjugate gradients on the complete graph', () => {
    const complete = tileGraph(grid, Number.POSITIVE_INFINITY);
    expect(maxAbsoluteDifference(projectAllPairs(0.05, means, 2), solveShiftedLaplacian(complete, 0.05, means, 2))).toBeLessThan(1e-10);
    expect(maxAbsoluteDifference(createLipschitzProjection(grid, { kind: 'global', gamma: 0.05 })(means, 2), projectAllPairs(0.05, means, 2))).toBeLessThan(1e-15);
  });

  it('gamma > 0 keeps the mean and lowers the Dirichlet energy, more for larger gamma', () => {
    for (const [kind, graph] of [['local', tileGraph(grid, 1)], ['global', tileGraph(grid, Number.POSITIVE_INFINITY)]] as const) {
      let previous = dirichletEnergy(graph, means, 2);
      for (const gamma of [0.01, 0.1, 1]) {
        const projected = createLipschitzProjection(grid, { kind, gamma })(means, 2);
        const energy = dirichletEnergy(graph, projected, 2);
        expect(energy).toBeLessThan(previous);
        previous = energy;
        for (let axis = 0; axis < 2; axis += 1) {
          const average = (values: Float64Array) => values.filter((_, index) => index % 2 === axis).reduce((sum, value) => sum + value, 0) / 16;
          expect(average(projected)).toBeCloseTo(average(means), 10);
        }
      }
    }
  });

  it('default strengths tie a tile with the same total weight in both variants; negative gamma is refused', () => {
    expect(defaultGamma('local', grid) * 4).toBeCloseTo(defaultGamma('global', grid) * 15, 12);
    expect(defaultGamma('none', grid)).toBe(0);
    expect(() => createLipschitzProjection(grid, { kind: 'local', gamma: -1 })).toThrow(/Invalid gamma: -1/);
  });
});
