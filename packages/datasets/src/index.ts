/**
 * `@tame/datasets`: dataset plugins of Taming VAEs. This entry has no Node dependency: the in-memory machinery,
 * the derived MNIST constructions (given the digits), the 2-D toy mixtures and the inspect summary. Loaders that
 * read files (MNIST, Fashion-MNIST, IDX, CIFAR-10, CelebA) and `openDataset` are in `@tame/datasets/node`.
 *
 * @module @tame/datasets
 */
export { DatasetError, type DatasetErrorCode } from './dataset-error.js';
export { datasetIdSyntax, describeDatasetIds, fashionMnistDirectory, splitDatasetId, type DatasetName } from './dataset-id.js';
export { createArraySource, createSubsetSource, type ArraySourceOptions, type ExampleBlock, type ExampleSource } from './example-source.js';
export { createIndexedDataset, epochOrder, epochShuffleSeed, type IndexedDatasetOptions } from './indexed-dataset.js';
export {
  indicesByLabel,
  labelledImagesDataset,
  labelledImagesFromBytes,
  labelledImagesFromFloats,
  labelledImagesSource,
  type LabelledImageSplits,
  type LabelledImages,
} from './labelled-images.js';
export { rotateImage, type ImageGeometry } from './image/rotate-image.js';
export { centreCropBox, cropAndResizeRgba, resizeArea, type CropBox } from './image/area-resize.js';
export type { DerivedDatasetOptions } from './derived/derived-source.js';
export { createColorMnistDataset } from './derived/color-mnist.js';
export { createMnistTripletsDataset, digitPairs, sampleDigitTriplet, type DigitTriplet } from './derived/mnist-triplets.js';
export type { RandomSource } from './random/seeded-random.js';
export { createMnistSumDataset } from './derived/mnist-sum.js';
export { createMnistSumHardDataset } from './derived/mnist-sum-hard.js';
export { createMnistRotateDataset, type MnistRotateOptions } from './derived/mnist-rotate.js';
export { createMicroMnistDataset, type MicroMnistOptions } from './derived/micro-mnist.js';
export { createMixture2dDataset, sampleMixture2d, type Component2d, type Mixture2dOptions, type Point2d } from './toy/mixture-2d.js';
export {
  createBlobsDataset,
  createCirclesDataset,
  createLinesDataset,
  createTwoBlobsDataset,
  type BlobsOptions,
  type CirclesOptions,
  type LinesOptions,
  type TwoBlobsOptions,
} from './toy/toy-2d-datasets.js';
export {
  blobsConfigSchema,
  blobsDatasetPlugin,
  circlesConfigSchema,
  circlesDatasetPlugin,
  linesConfigSchema,
  linesDatasetPlugin,
  twoBlobsConfigSchema,
  twoBlobsDatasetPlugin,
} from './toy/toy-2d-plugins.js';
export { summarizeDataset, type DatasetSummary, type SummarizeOptions } from './dataset-summary.js';
