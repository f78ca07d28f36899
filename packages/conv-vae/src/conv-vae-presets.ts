export const convVaePresetNames = ['reference', 'tiny'] as const;
export type ConvVaePresetName = (typeof convVaePresetNames)[number];

/** The architecture fields a preset fills (each can be overridden in the config). */
export interface ConvVaeArchitecture {
  /** d: size of the latent z, with a diagonal-Gaussian posterior and a N(0, I) prior. */
  readonly latentSize: number;
  /** Output channels of the two stride-2 encoder convolutions; the decoder mirrors them. */
  readonly channels: readonly [number, number];
}

/**
 * reference: the model `npm start` trains and every benchmark of tame times (about 73 ms per training step of 64
 * MNIST images on wasm, one thread); changing it changes every recorded figure.
 * tiny: the same layers, narrow, for tests and smoke runs.
 */
export const convVaePresets: Readonly<Record<ConvVaePresetName, Readonly<ConvVaeArchitecture>>> = {
  reference: { latentSize: 16, channels: [32, 64] },
  tiny: { latentSize: 4, channels: [8, 16] },
};
