import type { ConstraintPluginV1, ConstraintV1 } from '../spec/constraint-v1.js';
import type { DatasetPluginV1, DatasetV1 } from '../spec/dataset-v1.js';
import type { LikelihoodPluginV1, LikelihoodV1 } from '../spec/likelihood-v1.js';
import type { ModelPluginV1, ModelV1 } from '../spec/model-v1.js';
import type { StandardSchemaV1 } from '../spec/standard-schema.js';

/** What a plugin author writes: an id, a config schema (zod or any Standard Schema) and a factory. */
export interface PluginDefinition<CONFIG, INSTANCE> {
  readonly id: string;
  readonly configSchema: StandardSchemaV1<unknown, CONFIG>;
  create(config: CONFIG): INSTANCE;
}

// Identity helpers: they fill in `specificationVersion` and `kind` and infer CONFIG from the schema.
// Writing the plugin object by hand with a type annotation is just as valid.

export function defineModelPlugin<CONFIG>(definition: PluginDefinition<CONFIG, ModelV1>): ModelPluginV1<CONFIG> {
  return { specificationVersion: 'v1', kind: 'model', ...definition };
}

export function defineLikelihoodPlugin<CONFIG>(
  definition: PluginDefinition<CONFIG, LikelihoodV1>,
): LikelihoodPluginV1<CONFIG> {
  return { specificationVersion: 'v1', kind: 'likelihood', ...definition };
}

export function defineConstraintPlugin<CONFIG>(
  definition: PluginDefinition<CONFIG, ConstraintV1>,
): ConstraintPluginV1<CONFIG> {
  return { specificationVersion: 'v1', kind: 'constraint', ...definition };
}

export function defineDatasetPlugin<CONFIG>(definition: PluginDefinition<CONFIG, DatasetV1>): DatasetPluginV1<CONFIG> {
  return { specificationVersion: 'v1', kind: 'dataset', ...definition };
}
