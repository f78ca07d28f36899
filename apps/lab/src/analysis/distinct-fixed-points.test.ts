import { describe, expect, it } from 'vitest';
import { distinctFixedPoints } from './distinct-fixed-points.js';

describe('distinct fixed points', () => {
  it('merges means within the tolerance into their mass-weighted centre and skips massless tiles', () => {
    const means = Float64Array.of(0, 0, 0.03, 0, 1, 1, 5, 5);
    const mass = Float64Array.of(1, 3, 2, 0.001);
    const points = distinctFixedPoints(means, 2, mass, { mergeTolerance: 0.05, massThreshold: 0.01 });
    expect(points).toHaveLength(2);
    // Heaviest first: tile 1 (mass 3) leads and takes tile 0; tile 2 alone; tile 3 carries no mass.
    expect(Array.from(points[0]?.centre ?? [])).toEqual([expect.closeTo((3 * 0.03) / 4, 15), 0]);
    expect(points[0]?.mass).toBe(4);
    expect(points[0]?.tiles).toBe(2);
    expect(Array.from(points[1]?.centre ?? [])).toEqual([1, 1]);
    expect(distinctFixedPoints(means, 2, mass, { massThreshold: 0 })).toHaveLength(3);
    expect(distinctFixedPoints(means, 2, mass, { mergeTolerance: 0.01 })).toHaveLength(3);
  });

  it('does not chain a line of means into one point (leader clustering, not single linkage)', () => {
    // 10 means 0.03 apart on a line, equal mass: leaders at 0, 0.06, 0.12, ... -> 5 groups.
    const means = Float64Array.from({ length: 10 }, (_, index) => 0.03 * index);
    expect(distinctFixedPoints(means, 1, new Float64Array(10).fill(1), { mergeTolerance: 0.05 })).toHaveLength(5);
  });
});
