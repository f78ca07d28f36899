/**
 * `@tame/constraints`: GECO constraint plugins (Table 1 of Taming VAEs): RE, FRE, CLA, pNCC, and the small MNIST
 * classifier that CLA and FRE use. Node-only loaders (shipped weights, tfjs models on disk) are in
 * `@tame/constraints/node`.
 *
 * @module @tame/constraints
 */
export {
  createReconstructionErrorConstraint,
  reconstructionErrorConfigSchema,
  reconstructionErrorConstraint,
  type ReconstructionErrorConfig,
} from './reconstruction-error-constraint.js';
export {
  createFeatureReconstructionErrorConstraint,
  featureExtractorSchema,
  featureReconstructionErrorConfigSchema,
  featureReconstructionErrorConstraint,
  type FeatureReconstructionErrorConfig,
} from './feature-reconstruction-error-constraint.js';
export {
  classificationAccuracyConfigSchema,
  classificationAccuracyConstraint,
  createClassificationAccuracyConstraint,
  type ClassificationAccuracyConfig,
} from './classification-accuracy-constraint.js';
export { createPatchNccConstraint, patchNccConfigSchema, patchNccConstraint, type PatchNccConfig } from './patch-ncc-constraint.js';
export { createModelFeatureExtractor, type FeatureExtractor, type ModelFeatureExtractorOptions } from './feature-extractor.js';
export {
  createPatchStatisticsFeatures,
  patchStatisticsOptionsSchema,
  type PatchStatisticsOptions,
} from './patch-statistics-features.js';
export { createModelClassifier, type Classifier, type ModelClassifierOptions, type PredictingModel } from './classifier.js';
export {
  createMnistClassifier,
  decodeMnistClassifier,
  encodeMnistClassifier,
  mnistClassifierArchitecture,
  mnistClassifierFeatures,
  readMnistClassifierMetadata,
  type MnistClassifier,
  type MnistClassifierMetadata,
  type MnistClassifierOptions,
} from './mnist-classifier.js';
export {
  evaluateClassifier,
  trainMnistClassifier,
  type ClassifierEvaluation,
  type TrainMnistClassifierOptions,
  type TrainMnistClassifierResult,
} from './train-mnist-classifier.js';
