import type { ConvVaeConfigInput } from '@tame/conv-vae';

export interface ModelSizeSettings {
  readonly config: ConvVaeConfigInput;
  /** Adam's step size for this size. */
  readonly learningRate: number;
}

/**
 * The conv VAEs the page offers, measured on wasm in headless Chromium (batch 64): `small` is the default, 18 steps/s,
 * RMSE 0.15 in about 1,000 steps at learning rate 5e-3; `tiny`, 28 steps/s, stalls above RMSE 0.18; `reference`
 * (tame's default model), 8 steps/s, needs 2e-3 (at 5e-3 its posterior collapses: KL 0, RMSE stuck at 0.34).
 */
export const modelSizes = {
  tiny: { config: { preset: 'tiny' }, learningRate: 5e-3 },
  small: { config: { latentSize: 8, channels: [16, 32] }, learningRate: 5e-3 },
  reference: { config: { preset: 'reference' }, learningRate: 2e-3 },
} as const satisfies Record<string, ModelSizeSettings>;
export type ModelSize = keyof typeof modelSizes;

export function isModelSize(value: string): value is ModelSize {
  return Object.hasOwn(modelSizes, value);
}
