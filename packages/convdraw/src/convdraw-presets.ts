/** The architecture fields a preset fills (any of them can be overridden in the config). */
export interface ConvDrawArchitecture {
  steps: number;
  stateStride: number;
  hiddenChannels: number;
  latentChannels: number;
  readChannels: number;
  readKernelSize: number;
  kernelSize: number;
  forgetBias: number;
}

/**
 * small: sized to train in minutes on 2 CPU cores (wasm): a 7x7 state grid under a 4x4 subpixel write, 3x3 gates,
 * 16-channel ConvLSTMs, 4 steps (measured with bench/train-step.ts and bench/train-mnist.ts, figures in the README;
 * 32 channels reach a lower loss per step but cost 3-4x more time per step).
 * faithful: the 28x28 references (README, Sources: the Omniglot ConvDRAW of G1: 64-channel 5x5 ConvLSTMs, 3 latent
 * channels per step, 16 steps, 16-channel reads at half resolution; W2 and K1 are in the same range).
 */
export const convDrawPresets: Readonly<Record<'small' | 'faithful', Readonly<ConvDrawArchitecture>>> = {
  small: {
    steps: 4,
    stateStride: 4,
    hiddenChannels: 16,
    latentChannels: 4,
    readChannels: 8,
    readKernelSize: 4,
    kernelSize: 3,
    forgetBias: 1,
  },
  faithful: {
    steps: 16,
    stateStride: 2,
    hiddenChannels: 64,
    latentChannels: 3,
    readChannels: 16,
    readKernelSize: 5,
    kernelSize: 5,
    forgetBias: 1,
  },
};
