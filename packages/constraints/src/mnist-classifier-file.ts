import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointError, type JSONObject } from '@tame/core';
import {
  decodeMnistClassifier,
  encodeMnistClassifier,
  type MnistClassifier,
  type MnistClassifierMetadata,
  type MnistClassifierOptions,
  readMnistClassifierMetadata,
} from './mnist-classifier.js';

/** The weights shipped in the package (trained on the embedded MNIST by bench/train-mnist-classifier.ts). */
// src/ and dist/ both sit one level below the package root, next to weights/.
export const mnistClassifierWeightsPath = fileURLToPath(new URL('../weights/mnist-classifier.tameckpt', import.meta.url));

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export interface LoadMnistClassifierOptions extends MnistClassifierOptions {
  /** A file written by `saveMnistClassifier`; default: the weights shipped in the package. */
  readonly path?: string;
}

/** Loads the MNIST classifier (frozen unless `trainable: true`). Expects input [B, 28, 28, 1] in [0, 1]. */
export function loadMnistClassifier(options: LoadMnistClassifierOptions = {}): MnistClassifier {
  const { path = mnistClassifierWeightsPath, ...rest } = options;
  return decodeMnistClassifier(readBytes(path), path, rest);
}

/** The training notes stored with a classifier file (steps, seconds, test accuracy), without loading it. */
export function readMnistClassifierFileMetadata(path: string = mnistClassifierWeightsPath): MnistClassifierMetadata {
  return readMnistClassifierMetadata(readBytes(path), path);
}

/** Writes the classifier atomically (temporary file, then rename), creating the folder if needed. */
export function saveMnistClassifier(classifier: MnistClassifier, path: string, training?: JSONObject): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, encodeMnistClassifier(classifier, training));
  renameSync(temporary, path);
}
