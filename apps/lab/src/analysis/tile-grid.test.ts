import { describe, expect, it } from 'vitest';
import { boundingBox, createTileGrid, initialMeans } from './tile-grid.js';

describe('tile grid', () => {
  it('has side^2 tiles centred in the unit square, row-major', () => {
    const grid = createTileGrid(4);
    expect(grid.count).toBe(16);
    expect(Array.from(grid.centres.subarray(0, 2))).toEqual([0.125, 0.125]);
    expect(Array.from(grid.centres.subarray(2 * 6, 2 * 7))).toEqual([0.625, 0.375]);
    expect(() => createTileGrid(0)).toThrow(/Invalid tileSide/);
  });

  it('starts the means at the tile centres mapped onto the data box, plus seeded noise within 0.1 tile widths', () => {
    const points = Float64Array.of(-2, 1, 2, 3, 0, 2);
    expect(boundingBox(points, 2)).toEqual({ low: Float64Array.of(-2, 1), high: Float64Array.of(2, 3) });
    const grid = createTileGrid(4);
    const means = initialMeans(points, 2, grid, { seed: 3 });
    for (let tile = 0; tile < 16; tile += 1) {
      const expectedX = -2 + 4 * (grid.centres[2 * tile] as number);
      const expectedY = 1 + 2 * (grid.centres[2 * tile + 1] as number);
      expect(Math.abs((means[2 * tile] as number) - expectedX)).toBeLessThanOrEqual(0.1 * (4 / 4));
      expect(Math.abs((means[2 * tile + 1] as number) - expectedY)).toBeLessThanOrEqual(0.1 * (2 / 4));
    }
    expect(initialMeans(points, 2, grid, { seed: 3 })).toEqual(means);
    expect(initialMeans(points, 2, grid, { seed: 4 })).not.toEqual(means);
    const exact = initialMeans(points, 2, grid, { seed: 3, noise: 0 });
    expect(Array.from(exact.subarray(0, 2))).toEqual([-1.5, 1.25]);
  });
});
