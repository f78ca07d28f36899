import { describe, expect, it } from 'vitest';
import { createRandom, mixSeed, randomInteger, randomNormal } from './seeded-random.js';

describe('seeded random', () => {
  it('mixSeed is a pure function of its inputs and separates neighbouring inputs', () => {
    expect(mixSeed(1, 2, 3)).toBe(mixSeed(1, 2, 3));
    const seeds = new Set<number>();
    for (let index = 0; index < 10_000; index += 1) seeds.add(mixSeed(0, 1, index));
    expect(seeds.size).toBe(10_000);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(-1)).toBe(mixSeed(0xffffffff));
  });

  it('draws uniform floats and integers, and standard normals with mean 0 and variance 1', () => {
    const random = createRandom(42);
    const draws = 40_000;
    let sum = 0;
    let sumSquares = 0;
    const integerCounts = new Array<number>(5).fill(0);
    for (let index = 0; index < draws; index += 1) {
      const value = randomNormal(random);
      sum += value;
      sumSquares += value * value;
      const integer = randomInteger(random, 5);
      integerCounts[integer] = (integerCounts[integer] as number) + 1;
    }
    // Standard errors: 1/sqrt(n) = 0.005 for the mean, sqrt(2/n) = 0.007 for the variance; 5 sigma bounds.
    expect(Math.abs(sum / draws)).toBeLessThan(0.025);
    expect(Math.abs(sumSquares / draws - 1)).toBeLessThan(0.035);
    for (const integerCount of integerCounts) expect(Math.abs(integerCount / draws - 0.2)).toBeLessThan(0.01);
    const first = createRandom(7);
    const second = createRandom(7);
    expect([first(), first(), first()]).toEqual([second(), second(), second()]);
  });
});
