/**
 * Node entry: datasets that read files (the embedded MNIST digits, IDX, CIFAR-10, CelebA), the derived MNIST
 * datasets built on them, and `openDataset(id)`, the one function the app's --dataset flag calls.
 *
 * @module @tame/datasets/node
 */
export { loadEmbeddedMnist, readEmbeddedMnist, type EmbeddedMnistOptions } from './embedded-mnist.js';
export { parseIdx, type IdxArray } from './formats/idx-format.js';
export {
  findIdxFiles,
  loadFashionMnist,
  loadIdxDataset,
  loadMnistDirectory,
  readFashionMnist,
  readIdxDirectory,
  readIdxImages,
  readIdxPair,
  type IdxFiles,
  type IdxOptions,
} from './formats/idx-dataset.js';
export { readFileBytes, readMaybeGzippedFile } from './formats/read-binary-file.js';
export {
  cifar10ClassNames,
  cifar10RecordSize,
  cifar10TestFile,
  cifar10TrainFiles,
  loadCifar10Dataset,
  readCifar10,
} from './formats/cifar10-dataset.js';
export { loadCelebaDataset, type CelebaOptions } from './formats/celeba-dataset.js';
export { parseAttributeList, parsePartitionList, type CelebaAttributeList, type CelebaPartitionList } from './formats/celeba-lists.js';
export { createJpegFileDecoder, type DecodedImage, type JpegFileDecoder } from './formats/jpeg-decoder.js';
export { readBaseImages } from './base-images.js';
export {
  celebaConfigSchema,
  celebaDatasetPlugin,
  cifar10DatasetPlugin,
  colorMnistDatasetPlugin,
  derivedConfigSchema,
  embeddedMnistConfigSchema,
  fashionMnistDatasetPlugin,
  idxConfigSchema,
  idxDatasetPlugin,
  microMnistConfigSchema,
  microMnistDatasetPlugin,
  mnistDatasetPlugin,
  mnistIdxDatasetPlugin,
  mnistRotateConfigSchema,
  mnistRotateDatasetPlugin,
  mnistSumDatasetPlugin,
  mnistSumHardDatasetPlugin,
  mnistTripletsDatasetPlugin,
} from './node-dataset-plugins.js';
export { openDataset, resolveDatasetId, type OpenDatasetOptions, type ResolvedDatasetId } from './open-dataset.js';
export { describeDatasetIds } from './dataset-id.js';
