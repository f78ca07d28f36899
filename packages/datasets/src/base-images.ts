import { DatasetError } from './dataset-error.js';
import { fashionMnistDirectory, parseIdxArgument, splitDatasetId } from './dataset-id.js';
import { readEmbeddedMnist } from './embedded-mnist.js';
import { readIdxDirectory, readIdxImages } from './formats/idx-dataset.js';
import type { LabelledImageSplits } from './labelled-images.js';

/**
 * The labelled images a derived dataset is built from, by id: `mnist` (embedded), `mnist:DIR`,
 * `fashion-mnist[:DIR]` or `idx:...`.
 */
export function readBaseImages(baseId: string): LabelledImageSplits {
  const { name, argument } = splitDatasetId(baseId);
  switch (name) {
    case 'mnist':
      return argument === undefined ? readEmbeddedMnist() : readIdxDirectory(argument, 'mnist');
    case 'fashion-mnist':
      return readIdxDirectory(argument ?? fashionMnistDirectory, 'fashion-mnist');
    case 'idx':
      if (argument !== undefined) return readIdxImages(parseIdxArgument(baseId, argument));
      break;
    default:
      break;
  }
  throw new DatasetError(
    'invalid-id',
    `base dataset '${baseId}'`,
    'a derived dataset is built from labelled single-channel images: mnist, mnist:DIR, fashion-mnist[:DIR] or idx:IMAGES,LABELS[;TEST_IMAGES,TEST_LABELS]',
  );
}
