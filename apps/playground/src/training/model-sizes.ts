import type { ConvVaeConfigInput } from '@tame/conv-vae';

/**
 * The conv VAEs the page offers. `small` is the default: on wasm (one thread) it trains about twice as fast per image
 * as the reference and reaches RMSE 0.15 in about 1,000 steps; `tiny` is faster still but stalls above 0.18.
 */
export const modelSizes = {
  tiny: { preset: 'tiny' },
  small: { latentSize: 8, channels: [16, 32] },
  reference: { preset: 'reference' },
} as const satisfies Record<string, ConvVaeConfigInput>;
export type ModelSize = keyof typeof modelSizes;

export function isModelSize(value: string): value is ModelSize {
  return Object.hasOwn(modelSizes, value);
}
