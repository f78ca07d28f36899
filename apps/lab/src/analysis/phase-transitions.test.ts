import { describe, expect, it } from 'vitest';
import { criticalBetas, logSpacedBetas, secondDerivative } from './phase-transitions.js';

describe('phase transitions', () => {
  it('log-spaced betas: exact ends, constant ratio', () => {
    const betas = logSpacedBetas(60, 1e-3, 3);
    expect(betas).toHaveLength(60);
    expect(betas[0]).toBe(1e-3);
    expect(betas.at(-1)).toBe(3);
    const ratio = (betas[1] as number) / (betas[0] as number);
    expect(ratio).toBeCloseTo(3000 ** (1 / 59), 12);
    for (let index = 1; index < 60; index += 1) expect((betas[index] as number) / (betas[index - 1] as number)).toBeCloseTo(ratio, 10);
    expect(logSpacedBetas(1, 0.5, 2)).toEqual([0.5]);
    expect(() => logSpacedBetas(0)).toThrow(/Invalid betas/);
    expect(() => logSpacedBetas(3, 0, 1)).toThrow(/Invalid beta range/);
  });

  it('the three-point second derivative is exact for a quadratic on a non-uniform grid', () => {
    const xs = [0, 0.1, 0.35, 0.4, 1, 1.7];
    const curvature = secondDerivative(xs, xs.map((x) => 3 * x * x - 2 * x + 1));
    expect(curvature[0]).toBeNaN();
    expect(curvature[5]).toBeNaN();
    for (const value of curvature.slice(1, -1)) expect(value).toBeCloseTo(6, 10);
  });

  it('critical betas are the interior local maxima of |curvature|, highest first, top 3', () => {
    const betas = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    // |c| = NaN 1 5 2 7 3 3 4 NaN: maxima at beta 5 (7), 3 (5) and 8 is next to the NaN end, so excluded.
    expect(criticalBetas(betas, [Number.NaN, 1, 5, 2, -7, 3, 3, 4, Number.NaN])).toEqual([5, 3]);
    expect(criticalBetas(betas, [Number.NaN, 1, 5, 2, -7, 3, 6, 4, Number.NaN])).toEqual([5, 7, 3]);
    expect(criticalBetas(betas, [Number.NaN, 1, 5, 2, -7, 3, 6, 4, Number.NaN], 1)).toEqual([5]);
    expect(criticalBetas(betas, new Array(9).fill(0))).toEqual([]);
  });

  it('a smooth step of E in log beta gives two curvature peaks bracketing the step', () => {
    const betas = logSpacedBetas(81, 1e-2, 10);
    const errors = betas.map((beta) => Math.tanh(Math.log(beta / 0.1) / 0.3));
    const peaks = criticalBetas(betas, secondDerivative(betas.map(Math.log), errors), 2);
    expect(peaks).toHaveLength(2);
    const [low, high] = [...peaks].sort((a, b) => a - b) as [number, number];
    // d2/du2 tanh(u / w) peaks at u = +-w atanh(1/sqrt(3)) = +-0.198.
    expect(Math.log(low / 0.1)).toBeCloseTo(-0.3 * Math.atanh(1 / Math.sqrt(3)), 1);
    expect(Math.log(high / 0.1)).toBeCloseTo(0.3 * Math.atanh(1 / Math.sqrt(3)), 1);
  });
});
