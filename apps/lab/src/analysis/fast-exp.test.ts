import { describe, expect, it } from 'vitest';
import { fastExp } from './fast-exp.js';
import { createUniformSource } from './seeded-uniform.js';

describe('fastExp', () => {
  it('is within a few ulp of Math.exp over the normal range', () => {
    const random = createUniformSource(1);
    let worst = 0;
    for (let index = 0; index < 100_000; index += 1) {
      const x = -708 + 1400 * random();
      worst = Math.max(worst, Math.abs(fastExp(x) / Math.exp(x) - 1));
    }
    expect(worst).toBeLessThan(1e-15);
    expect(fastExp(0)).toBe(1);
    expect(fastExp(1)).toBeCloseTo(Math.E, 15);
    expect(fastExp(-745)).toBeGreaterThanOrEqual(0);
  });
});
