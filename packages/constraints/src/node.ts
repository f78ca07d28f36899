/**
 * Node-only parts of `@tame/constraints` (file system): the shipped MNIST classifier's loader, classifier files,
 * an IOHandler for tfjs models saved on disk, and CLA / FRE plugins that load the classifier from JSON configs.
 *
 * @module @tame/constraints/node
 */
export { fileSystemModelHandler } from './file-system-model-handler.js';
export {
  loadMnistClassifier,
  mnistClassifierWeightsPath,
  readMnistClassifierFileMetadata,
  saveMnistClassifier,
  type LoadMnistClassifierOptions,
} from './mnist-classifier-file.js';
export {
  createMnistClassificationAccuracyConstraint,
  createMnistFeatureReconstructionErrorConstraint,
  mnistClassificationAccuracyConfigSchema,
  mnistClassificationAccuracyConstraint,
  mnistFeatureReconstructionErrorConfigSchema,
  mnistFeatureReconstructionErrorConstraint,
  type MnistClassificationAccuracyConfig,
  type MnistFeatureReconstructionErrorConfig,
} from './mnist-constraint-plugins.js';
