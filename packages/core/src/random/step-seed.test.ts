import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seededPermutation } from '../testing/array-dataset.js';
import { stepSeed, tfjsSeed } from './step-seed.js';

describe('stepSeed', () => {
  it('is a pure function of (seed, step, stream) and spreads nearby inputs apart', () => {
    expect(stepSeed(5, 10)).toBe(stepSeed(5, 10));
    const seeds = new Set<number>();
    for (let step = 0; step < 1000; step += 1) seeds.add(stepSeed(5, step));
    expect(seeds.size).toBe(1000);
    expect(stepSeed(5, 10)).not.toBe(stepSeed(6, 10));
    expect(stepSeed(5, 10, 1)).not.toBe(stepSeed(5, 10, 0));
    for (const seed of seeds) expect(seed >= 0 && seed <= 0x7fffffff).toBe(true);
  });

  it('never returns 0, which tfjs reads as "no seed" (the first step of seed-0 runs was irreproducible)', () => {
    expect(stepSeed(0, 0)).not.toBe(0);
    for (let step = 0; step < 10_000; step += 1) expect(stepSeed(0, step)).toBeGreaterThan(0);
    const draw = () => Array.from(tf.tidy(() => tf.randomNormal([4], 0, 1, 'float32', stepSeed(0, 0)).dataSync()));
    expect(draw()).toEqual(draw());
  });
});

describe('tfjsSeed', () => {
  it('maps 0 to a seed tfjs honours and leaves other seeds alone', () => {
    expect(tfjsSeed(0)).toBe(0x7fffffff);
    expect(tfjsSeed(17)).toBe(17);
    const draw = (seed: number) => Array.from(tf.tidy(() => tf.randomNormal([4], 0, 1, 'float32', tfjsSeed(seed)).dataSync()));
    expect(draw(0)).toEqual(draw(0));
  });
});

describe('seededPermutation', () => {
  it('is a permutation, deterministic for a seed, different across seeds', () => {
    const order = seededPermutation(100, 42);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect(seededPermutation(100, 42)).toEqual(order);
    expect(seededPermutation(100, 43)).not.toEqual(order);
  });
});
