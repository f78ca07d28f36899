// @tame-example/model-mlp-vae: a third-party tame model plugin, a fully connected VAE.
export { createMlpVaeModel, mlpVaeModel, mlpVaeModelId } from './mlp-vae-model.js';
export { mlpVaeConfigSchema, type MlpVaeConfig, type MlpVaeConfigInput } from './mlp-vae-config.js';
