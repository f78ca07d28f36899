import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors/tame-error.js';
import type { JSONObject } from '../spec/json-value.js';
import type { ModelV1 } from '../spec/model-v1.js';
import { type CheckpointTensor, decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';

function savedVariablesOf(model: ModelV1): readonly tf.Variable[] {
  return [...model.trainableVariables, ...(model.nonTrainableVariables ?? [])];
}

/** What a model-weights file holds besides the tensors: enough to recreate the model before loading. */
export interface ModelWeightsHeader {
  readonly modelId: string;
  readonly config: JSONObject;
}

/**
 * Saves a model's trainable and non-trainable variables (by name, float32, exact bits) with its plugin id and resolved config, in the
 * checkpoint format (magic, version, CRC-32). Independent of any tfjs IO handler, so it works in every runtime.
 */
export function encodeModelWeights(model: ModelV1): Uint8Array {
  const tensors = savedVariablesOf(model).map((variable) => ({
    name: variable.name,
    shape: [...variable.shape],
    values: variable.dataSync() as Float32Array,
  }));
  const state: JSONObject = { kind: 'model-weights', modelId: model.id, config: model.getConfig() };
  return encodeCheckpoint({ step: 0, state, tensors });
}

/** Reads the header of a model-weights file, to create the model (plugin `modelId`, `config`) before loading. */
export function readModelWeightsHeader(bytes: Uint8Array, location: string): ModelWeightsHeader {
  const { state } = decodeCheckpoint(bytes, location);
  if (state['kind'] !== 'model-weights' || typeof state['modelId'] !== 'string' || typeof state['config'] !== 'object' || state['config'] === null) {
    throw new CheckpointError(location, 'not a model-weights file (its header has no model id and config)');
  }
  return { modelId: state['modelId'], config: state['config'] as JSONObject };
}

/**
 * Assigns saved values to the model's variables. Every variable must be present with the same shape, and the file
 * must hold no unknown tensor: a partial load would silently train or sample from a half-initialised model.
 */
export function loadModelWeights(model: ModelV1, bytes: Uint8Array, location: string): void {
  const { state, tensors } = decodeCheckpoint(bytes, location);
  if (state['modelId'] !== model.id) {
    throw new CheckpointError(location, `holds weights of model '${String(state['modelId'])}', not '${model.id}'`);
  }
  assignModelVariables(model, tensors, location, { allowExtra: false });
}

/**
 * Assigns named tensors (from a model-weights file or a training checkpoint, which also holds optimizer slots) to
 * the model's trainable and non-trainable variables, after checking that each is present with its shape.
 */
export function assignModelVariables(
  model: ModelV1,
  tensors: readonly CheckpointTensor[],
  location: string,
  options: { readonly allowExtra: boolean },
): void {
  const saved = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const variables = savedVariablesOf(model);
  for (const variable of variables) {
    const tensor = saved.get(variable.name);
    if (tensor === undefined) throw new CheckpointError(location, `has no values for variable '${variable.name}'`);
    if (tensor.shape.length !== variable.shape.length || tensor.shape.some((size, axis) => size !== variable.shape[axis])) {
      throw new CheckpointError(location, `variable '${variable.name}' has shape [${tensor.shape}] in the file but [${variable.shape}] in the model`);
    }
    saved.delete(variable.name);
  }
  if (saved.size > 0 && !options.allowExtra) {
    throw new CheckpointError(location, `holds variables the model does not have: ${[...saved.keys()].join(', ')} (different config?)`);
  }
  tf.tidy(() => {
    for (const variable of variables) {
      const tensor = tensors.find((candidate) => candidate.name === variable.name) as CheckpointTensor;
      variable.assign(tf.tensor(tensor.values, [...tensor.shape], 'float32'));
    }
  });
}
