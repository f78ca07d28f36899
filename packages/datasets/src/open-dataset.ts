import { type DatasetPluginV1, type DatasetV1, parsePluginConfig } from '@tame/core';
import { DatasetError } from './dataset-error.js';
import { type DatasetName, parseIdxArgument, splitDatasetId } from './dataset-id.js';
import {
  celebaDatasetPlugin,
  cifar10DatasetPlugin,
  colorMnistDatasetPlugin,
  fashionMnistDatasetPlugin,
  idxDatasetPlugin,
  microMnistDatasetPlugin,
  mnistDatasetPlugin,
  mnistIdxDatasetPlugin,
  mnistRotateDatasetPlugin,
  mnistSumDatasetPlugin,
  mnistSumHardDatasetPlugin,
  mnistTripletsDatasetPlugin,
} from './node-dataset-plugins.js';
import { blobsDatasetPlugin, circlesDatasetPlugin, linesDatasetPlugin, twoBlobsDatasetPlugin } from './toy/toy-2d-plugins.js';

export interface OpenDatasetOptions {
  /**
   * Plugin config merged over what the id says (e.g. `{ angle: 45 }` for mnist-rotate, `{ seed: 3 }` for a derived
   * or 2-D dataset, `{ attribute: 'Smiling' }` for celeba); validated by the plugin's schema.
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface ResolvedDatasetId {
  // The plugins' configs differ; each is validated by its own schema before create.
  readonly plugin: DatasetPluginV1<never>;
  /** The config the id spells out (before defaults). */
  readonly config: Readonly<Record<string, unknown>>;
}

const derivedPlugins = {
  'color-mnist': colorMnistDatasetPlugin,
  'mnist-triplets': mnistTripletsDatasetPlugin,
  'mnist-sum': mnistSumDatasetPlugin,
  'mnist-sum-hard': mnistSumHardDatasetPlugin,
  'mnist-rotate': mnistRotateDatasetPlugin,
  'micro-mnist': microMnistDatasetPlugin,
} as const;

const toyPlugins = { 'two-blobs': twoBlobsDatasetPlugin, blobs: blobsDatasetPlugin, lines: linesDatasetPlugin, circles: circlesDatasetPlugin } as const;

const resolved = (plugin: unknown, config: Record<string, unknown> = {}): ResolvedDatasetId => ({ plugin: plugin as DatasetPluginV1<never>, config });

/** Which plugin an id names and with what config; throws a DatasetError listing the valid ids for an unknown one. */
export function resolveDatasetId(id: string): ResolvedDatasetId {
  const { name, argument } = splitDatasetId(id);
  const requireArgument = (what: string) => {
    if (argument === undefined || argument.trim().length === 0) {
      throw new DatasetError('invalid-id', `dataset '${id}'`, `'${name}' needs ${what}: ${name}:${what.toUpperCase().replace(/ /g, '_')}`);
    }
    return argument;
  };
  const byName: Record<DatasetName, () => ResolvedDatasetId> = {
    mnist: () => (argument === undefined ? resolved(mnistDatasetPlugin) : resolved(mnistIdxDatasetPlugin, { directory: requireArgument('dir') })),
    'fashion-mnist': () => resolved(fashionMnistDatasetPlugin, argument === undefined ? {} : { directory: requireArgument('dir') }),
    idx: () => resolved(idxDatasetPlugin, parseIdxArgument(id, requireArgument('files'))),
    cifar10: () => resolved(cifar10DatasetPlugin, { directory: requireArgument('dir') }),
    celeba: () => {
      const text = requireArgument('dir');
      const sized = /^(.*):(32|64)$/.exec(text);
      return resolved(celebaDatasetPlugin, sized ? { directory: sized[1], size: Number(sized[2]) } : { directory: text });
    },
    'color-mnist': () => derived('color-mnist'),
    'mnist-triplets': () => derived('mnist-triplets'),
    'mnist-sum': () => derived('mnist-sum'),
    'mnist-sum-hard': () => derived('mnist-sum-hard'),
    'mnist-rotate': () => derived('mnist-rotate'),
    'micro-mnist': () => derived('micro-mnist'),
    'two-blobs': () => toy('two-blobs'),
    blobs: () => toy('blobs'),
    lines: () => toy('lines'),
    circles: () => toy('circles'),
  };
  function derived(derivedName: keyof typeof derivedPlugins): ResolvedDatasetId {
    return resolved(derivedPlugins[derivedName], argument === undefined ? {} : { base: requireArgument('base') });
  }
  function toy(toyName: keyof typeof toyPlugins): ResolvedDatasetId {
    if (argument !== undefined) {
      throw new DatasetError('invalid-id', `dataset '${id}'`, `'${toyName}' takes no argument; set count, seed, noise... through the config (openDataset options.config)`);
    }
    return resolved(toyPlugins[toyName]);
  }
  return byName[name]();
}

/**
 * Opens a dataset by the id a user types (see describeDatasetIds): the entry point of the app's `--dataset` flag
 * and `tame data inspect`. Files are read and checked before it returns; any problem is a DatasetError (or the
 * plugin's InvalidPluginConfigError) naming the file or field.
 */
export async function openDataset(id: string, options: OpenDatasetOptions = {}): Promise<DatasetV1> {
  const { plugin, config } = resolveDatasetId(id);
  return plugin.create(parsePluginConfig(plugin, { ...config, ...options.config }));
}
