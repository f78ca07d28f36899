import { type ConstraintV1, defineConstraintPlugin, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import {
  classificationAccuracyConfigSchema,
  createClassificationAccuracyConstraint,
} from './classification-accuracy-constraint.js';
import {
  createFeatureReconstructionErrorConstraint,
  featureReconstructionErrorConfigSchema,
} from './feature-reconstruction-error-constraint.js';
import { mnistClassifierFeatures } from './mnist-classifier.js';
import { loadMnistClassifier } from './mnist-classifier-file.js';

const weights = z
  .string()
  .min(1)
  .nullable()
  .default(null)
  .describe('path of a classifier file written by saveMnistClassifier; null = the weights shipped in the package');

const claMnistId = '@tame/constraints/cla-mnist';
const freMnistId = '@tame/constraints/fre-mnist';

/** CLA with the shipped (or a saved) MNIST classifier: a JSON-only config, for apps that build plugins from files. */
export const mnistClassificationAccuracyConfigSchema = classificationAccuracyConfigSchema.omit({ classifier: true }).extend({ weights });
export type MnistClassificationAccuracyConfig = z.input<typeof mnistClassificationAccuracyConfigSchema>;

/** FRE on the MNIST classifier's penultimate layer (64 ReLU features), with a JSON-only config. */
export const mnistFeatureReconstructionErrorConfigSchema = featureReconstructionErrorConfigSchema.omit({ features: true }).extend({ weights });
export type MnistFeatureReconstructionErrorConfig = z.input<typeof mnistFeatureReconstructionErrorConfigSchema>;

/** CLA constraint that loads the MNIST classifier itself and frees it on dispose(). */
export function createMnistClassificationAccuracyConstraint(config: MnistClassificationAccuracyConfig): ConstraintV1 {
  const { weights: path, ...rest } = parsePluginConfig({ id: claMnistId, configSchema: mnistClassificationAccuracyConfigSchema }, config);
  const classifier = loadMnistClassifier(path === null ? {} : { path });
  const constraint = createClassificationAccuracyConstraint({ ...rest, classifier });
  return { ...constraint, id: claMnistId, dispose: () => classifier.dispose() };
}

/** FRE constraint on the MNIST classifier's penultimate layer; loads the classifier and frees it on dispose(). */
export function createMnistFeatureReconstructionErrorConstraint(config: MnistFeatureReconstructionErrorConfig): ConstraintV1 {
  const { weights: path, ...rest } = parsePluginConfig({ id: freMnistId, configSchema: mnistFeatureReconstructionErrorConfigSchema }, config);
  const classifier = loadMnistClassifier(path === null ? {} : { path });
  const constraint = createFeatureReconstructionErrorConstraint({ ...rest, features: mnistClassifierFeatures(classifier) });
  return { ...constraint, id: freMnistId, dispose: () => classifier.dispose() };
}

export const mnistClassificationAccuracyConstraint = defineConstraintPlugin({
  id: claMnistId,
  configSchema: mnistClassificationAccuracyConfigSchema,
  create: createMnistClassificationAccuracyConstraint,
});

export const mnistFeatureReconstructionErrorConstraint = defineConstraintPlugin({
  id: freMnistId,
  configSchema: mnistFeatureReconstructionErrorConfigSchema,
  create: createMnistFeatureReconstructionErrorConstraint,
});
