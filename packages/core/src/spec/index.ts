export type { BatchV1 } from './batch-v1.js';
export type { ConstraintEvaluationV1, ConstraintPluginV1, ConstraintV1 } from './constraint-v1.js';
export type { DatasetBatchesOptionsV1, DatasetInfoV1, DatasetPluginV1, DatasetSplit, DatasetV1 } from './dataset-v1.js';
export type { JSONObject, JSONValue } from './json-value.js';
export type { LikelihoodPluginV1, LikelihoodV1 } from './likelihood-v1.js';
export type { ModelForwardOptionsV1, ModelOutputV1, ModelPluginV1, ModelSampleOptionsV1, ModelV1 } from './model-v1.js';
export type { PluginKind, PluginV1 } from './plugin-v1.js';
export type { InferSchemaOutput, StandardSchemaV1, StandardSchemaV1Issue, StandardSchemaV1Result } from './standard-schema.js';
