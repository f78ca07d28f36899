/** A seeded generator of floats in [0, 1). */
export type UniformSource = () => number;

/**
 * mulberry32 (the generator of core's seededPermutation and of @tame/datasets), seeded through murmur3's finaliser
 * so that neighbouring seeds give unrelated streams. Local because @tame/datasets keeps its generator private.
 */
export function createUniformSource(seed: number): UniformSource {
  let state = seed >>> 0;
  state ^= state >>> 16;
  state = Math.imul(state, 0x85ebca6b);
  state ^= state >>> 13;
  state = Math.imul(state, 0xc2b2ae35);
  state = (state ^ (state >>> 16)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
