import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { io } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

function readOrExplain(path: string, what: string, owner: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError(owner, `cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * A tfjs IOHandler that loads a model saved in the standard tfjs layout (model.json + binary weight shards, as
 * written by `model.save('file://...')` or tensorflowjs_converter) from a directory, with node:fs only. Pass it
 * to tf.loadLayersModel of the union package:
 *   const model = await tf.loadLayersModel(fileSystemModelHandler('./my-model'));
 * `path` is the directory holding model.json, or the model.json file itself. Weight paths are resolved relative
 * to model.json and may not leave its directory.
 */
export function fileSystemModelHandler(path: string): io.IOHandler {
  return {
    async load() {
      const owner = `tfjs model '${path}'`;
      let isDirectory: boolean;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        throw new InvalidArgumentError(owner, 'no such file or directory (expected a folder holding model.json, or a model.json file)');
      }
      const modelJsonPath = isDirectory ? join(path, 'model.json') : path;
      const directory = resolve(dirname(modelJsonPath));
      let modelJson: io.ModelJSON;
      try {
        modelJson = JSON.parse(readOrExplain(modelJsonPath, 'the model file', owner).toString('utf8')) as io.ModelJSON;
      } catch (error) {
        if (error instanceof SyntaxError) throw new InvalidArgumentError(owner, `${modelJsonPath} is not valid JSON (${error.message})`);
        throw error;
      }
      if (typeof modelJson !== 'object' || modelJson === null || modelJson.modelTopology === undefined) {
        throw new InvalidArgumentError(owner, `${modelJsonPath} has no modelTopology; it is not a tfjs model.json`);
      }
      return io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const shards = manifest.flatMap((group) =>
          group.paths.map((shard) => {
            const shardPath = resolve(directory, shard);
            const inside = relative(directory, shardPath);
            if (inside.startsWith('..') || isAbsolute(inside)) {
              throw new InvalidArgumentError(owner, `weight path '${shard}' points outside ${directory}`);
            }
            const bytes = readOrExplain(shardPath, 'the weight file', owner);
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          }),
        );
        const specs = io.getWeightSpecs(manifest);
        const expectedBytes = specs.reduce((total, spec) => {
          const count = spec.shape.reduce((product, size) => product * size, 1);
          const bytesPerValue = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : spec.dtype === 'bool' ? 1 : 4;
          return total + count * bytesPerValue;
        }, 0);
        const actualBytes = shards.reduce((total, shard) => total + shard.byteLength, 0);
        // String weights have no fixed size; every other dtype does.
        if (!specs.some((spec) => spec.dtype === 'string') && actualBytes < expectedBytes) {
          throw new InvalidArgumentError(owner, `weight files hold ${actualBytes} bytes, the manifest needs ${expectedBytes} (truncated or missing shard?)`);
        }
        return [specs, io.concatenateArrayBuffers(shards)];
      });
    },
  };
}
