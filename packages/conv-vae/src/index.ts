// @tame/conv-vae: the reference convolutional VAE of tame (Gaussian posterior, analytic KL), a model plugin.
export { convVaeModelId, convVaePlugin, createConvVaeModel, type ConvVaeModel, type ConvVaePosterior } from './conv-vae-model.js';
export { convVaeConfigSchema, type ConvVaeConfig, type ConvVaeConfigInput } from './conv-vae-config.js';
export { convVaePresetNames, convVaePresets, type ConvVaeArchitecture, type ConvVaePresetName } from './conv-vae-presets.js';
export { standardNormalKl } from './standard-normal-kl.js';
