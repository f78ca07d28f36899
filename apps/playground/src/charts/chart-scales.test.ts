import { describe, expect, it } from 'vitest';
import { extent, formatTick, linearScale, logExtent, logScale, niceTicks, stepColour } from './chart-scales.js';

describe('chart scales', () => {
  it('puts round ticks inside the domain', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.13, 0.52, 4)).toEqual([0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('maps a linear domain onto the pixel range, flipped for y', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(2.5)).toBe(150);
    expect(y(10)).toBe(0);
  });

  it('maps log10 evenly and ticks powers of ten, or round values within one decade', () => {
    const y = logScale([1e-2, 1e2], [100, 0]);
    expect(y(1)).toBeCloseTo(50, 10);
    expect(y(10)).toBeCloseTo(25, 10);
    expect(y.ticks).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(logScale([1, 50], [100, 0]).ticks).toEqual([1, 2, 5, 10, 20, 50]);
    expect(logScale([0.95, 1.6], [100, 0]).ticks).toEqual([1, 1.2, 1.4, 1.6]);
  });

  it('pads extents, and gives a flat series a span', () => {
    expect(extent([0, 10])).toEqual([-0.5, 10.5]);
    expect(extent([2, 2])).toEqual([1.8, 2.2]);
    expect(extent([Number.NaN])).toEqual([0, 1]);
    const [low, high] = logExtent([1, 100]);
    expect(low).toBeLessThan(1);
    expect(high).toBeGreaterThan(100);
    expect(low * high).toBeCloseTo(100, 8); // symmetric in log space
  });

  it('formats ticks briefly and colours steps from purple to yellow', () => {
    expect([0, 0.15, 2.5, 1000, 1e6, 1e-4].map(formatTick)).toEqual(['0', '0.15', '2.5', '1000', '1e6', '1e-4']);
    expect(stepColour(0)).toBe('rgb(68, 1, 84)');
    expect(stepColour(1)).toBe('rgb(253, 231, 37)');
    expect(stepColour(2)).toBe(stepColour(1));
  });
});
