import { InvalidArgumentError } from '@tame/core';

/** Flat values of a few examples, example after example, in the order they were asked for. */
export interface ExampleBlock {
  readonly inputs: Float32Array;
  readonly context?: Float32Array;
  readonly labels?: Int32Array;
}

/**
 * Random access to the examples of one split. `read` decodes only the examples asked for, so a dataset that does
 * not fit in memory (CelebA) is decoded batch by batch. A synchronous source returns the block directly.
 */
export interface ExampleSource {
  readonly count: number;
  read(indices: Int32Array): ExampleBlock | Promise<ExampleBlock>;
}

export interface ArraySourceOptions {
  /** Flat values of all examples, example after example. */
  readonly values: Float32Array;
  readonly exampleSize: number;
  readonly labels?: Int32Array;
  readonly context?: Float32Array;
  readonly contextSize?: number;
}

function gather(values: Float32Array, size: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * size);
  indices.forEach((example, row) => out.set(values.subarray(example * size, (example + 1) * size), row * size));
  return out;
}

/** An in-memory source over typed arrays. */
export function createArraySource(options: ArraySourceOptions): ExampleSource {
  const { values, exampleSize, labels, context, contextSize } = options;
  if (values.length % exampleSize !== 0) {
    throw new InvalidArgumentError('values', `length ${values.length} is not a multiple of the example size ${exampleSize}`);
  }
  const count = values.length / exampleSize;
  if (labels !== undefined && labels.length !== count) {
    throw new InvalidArgumentError('labels', `${labels.length} labels for ${count} examples`);
  }
  if (context !== undefined && (contextSize === undefined || context.length !== count * contextSize)) {
    throw new InvalidArgumentError('context', `length ${context.length} does not hold ${count} contexts of size ${contextSize}`);
  }
  return {
    count,
    read(indices) {
      return {
        inputs: gather(values, exampleSize, indices),
        ...(context !== undefined ? { context: gather(context, contextSize as number, indices) } : {}),
        ...(labels !== undefined ? { labels: Int32Array.from(indices, (example) => labels[example] as number) } : {}),
      };
    },
  };
}

/** The examples `members` of `source`, renumbered 0..members.length-1 (train/test holdouts, Micro-MNIST). */
export function createSubsetSource(source: ExampleSource, members: Int32Array): ExampleSource {
  for (const member of members) {
    if (!Number.isInteger(member) || member < 0 || member >= source.count) {
      throw new InvalidArgumentError('members', `index ${member} is outside [0, ${source.count})`);
    }
  }
  return {
    count: members.length,
    read: (indices) => source.read(Int32Array.from(indices, (index) => members[index] as number)),
  };
}
