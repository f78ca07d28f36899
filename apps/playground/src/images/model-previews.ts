import type { ModelV1 } from '@tame/core';
import * as tf from '@tensorflow/tfjs-core';

export interface ModelPreviews {
  /** [count, ...shape] flat: the posterior-mean reconstructions of the preview digits. */
  readonly reconstructions: Float32Array;
  /** [sampleCount, ...shape] flat: decoded z ~ N(0, I), the same z at every refresh (fixed seed). */
  readonly samples: Float32Array;
}

/**
 * Reconstructions (evaluation mode: z = posterior mean) and prior samples of the model as it is now. Everything
 * the model returns besides the two images (KL, latents, extras) is freed by the tidy; the two are read back
 * asynchronously (no GPU stall) and freed.
 */
export async function computeModelPreviews(
  model: ModelV1,
  inputs: { readonly values: Float32Array; readonly count: number; readonly shape: readonly number[] },
  sampleCount: number,
  seed: number,
): Promise<ModelPreviews> {
  const [reconstruction, samples] = tf.tidy(() => {
    const batch = tf.tensor(inputs.values, [inputs.count, ...inputs.shape], 'float32');
    const output = model.forward({ inputs: batch }, { seed, training: false });
    return [output.reconstruction, model.sample({ count: sampleCount, seed })];
  });
  try {
    const [reconstructions, sampled] = await Promise.all([reconstruction.data<'float32'>(), samples.data<'float32'>()]);
    return { reconstructions, samples: sampled };
  } finally {
    tf.dispose([reconstruction, samples]);
  }
}
