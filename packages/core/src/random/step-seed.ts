/**
 * A 31-bit seed for the random draws of one training step, a pure function of (run seed, step, stream). Because
 * randomness depends on the step number and not on how many draws happened before, a resumed run continues
 * the exact trajectory. Mixing is SplitMix32-style (well spread, cheap). Never 0: tfjs's random ops read a seed of 0
 * as "no seed" and draw from Math.random, so (seed 0, step 0) would make a run irreproducible.
 */
export function stepSeed(seed: number, step: number, stream = 0): number {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(step | 0, 0x85ebca6b) ^ Math.imul(stream | 0, 0xc2b2ae35)) >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x21f0aaad) >>> 0;
  state = Math.imul(state ^ (state >>> 15), 0x735a2d97) >>> 0;
  state = (state ^ (state >>> 15)) >>> 0;
  return state & 0x7fffffff || 1;
}

/**
 * A seed tfjs's random ops honour: they read 0 as "no seed" (Math.random), so 0 maps to 2^31 - 1 and every other seed
 * passes through. Models pass their `seed` options through this before calling tf.randomNormal and friends.
 */
export function tfjsSeed(seed: number): number {
  return seed === 0 ? 0x7fffffff : seed;
}
