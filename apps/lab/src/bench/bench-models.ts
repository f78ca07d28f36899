import type { ExperimentConfigInput } from '../experiment/experiment-config.js';

/** The models `tame bench` times, each at the size tame's experiments train on this kind of machine. */
export const benchModelIds = ['conv-vae', 'bilbo-vae', 'vae-nvp', 'convdraw'] as const;
export type BenchModelId = (typeof benchModelIds)[number];

/** Names in the bench's output: the preset is part of what was timed. */
export const benchModelNames: Readonly<Record<BenchModelId, string>> = {
  'conv-vae': 'conv-vae reference',
  'bilbo-vae': 'bilbo-vae small',
  'vae-nvp': 'vae-nvp small',
  convdraw: 'convdraw small',
};

export function isBenchModelId(value: string): value is BenchModelId {
  return (benchModelIds as readonly string[]).includes(value);
}

/**
 * The experiment a bench step trains: the model's preset on 28x28x1 images, as `tame train` would build it. GECO with
 * RE <= 0.1 for every model but bilbo-vae, which trains on its own objective (BILBO) as the paper does.
 */
export function benchExperiment(model: BenchModelId, batchSize: number): ExperimentConfigInput {
  const training = { steps: 1, batchSize, learningRate: 1e-3, seed: 1 };
  switch (model) {
    case 'conv-vae':
      return { model: { id: 'conv-vae', config: { preset: 'reference', seed: 1 } }, training };
    case 'bilbo-vae':
      return { model: { id: 'bilbo-vae', config: { preset: 'small' } }, objective: { kind: 'bilbo' }, constraints: [], training };
    case 'vae-nvp':
      return { model: { id: 'vae-nvp', config: { preset: 'small' } }, training };
    case 'convdraw':
      return { model: { id: 'convdraw', config: { preset: 'small' } }, training };
  }
}
