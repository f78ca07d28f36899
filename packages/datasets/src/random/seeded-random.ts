/** A seeded generator of floats in [0, 1). */
export type RandomSource = () => number;

/** murmur3's 32-bit finaliser: a bijection of uint32 that spreads every input bit over the output. */
function finalizeHash(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Combines integers into one uint32 seed. Derived datasets seed example i with mixSeed(seed, split, i), so an
 * example is a function of (seed, split, index) alone: random access and exact resume need no state.
 */
export function mixSeed(...values: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const value of values) hash = finalizeHash((hash ^ finalizeHash(value | 0)) + 0x6d2b79f5);
  return hash;
}

/** mulberry32, the generator of core's seededPermutation. */
export function createRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, count). */
export function randomInteger(random: RandomSource, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

/** Standard normal draw (Box-Muller; 1 - u keeps the logarithm finite). */
export function randomNormal(random: RandomSource): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}
