// @tame/convdraw: ConvDRAW (Gregor et al. 2016) with a learned prior, and its conditional (GQN-style) form.
export {
  contextEncoderOutputSize,
  contextEncoderStrides,
  convDrawCanvasSchema,
  convDrawConfigSchema,
  convDrawContextSchema,
  type ConvDrawConfig,
  type ConvDrawConfigInput,
  type ConvDrawContext,
} from './convdraw-config.js';
export { convDrawPresets, type ConvDrawArchitecture } from './convdraw-presets.js';
export { convDrawModelId, convDrawPlugin, createConvDrawModel, type ConvDrawModel } from './convdraw-model.js';
export { convLstmUpdate, gateConvolution, tanhViaSigmoid, type ConvLstmState } from './conv-lstm.js';
export { depthToSpace } from './depth-to-space.js';
export {
  diagonalGaussianFromStatistics,
  diagonalGaussianKl,
  minimumScale,
  sampleDiagonalGaussian,
  sumPerExample,
  type DiagonalGaussian,
} from './diagonal-gaussian.js';
