import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

/** "constraint 're' (@tame/constraints/re)": the prefix every error of a constraint instance starts with. */
export function constraintLabel(name: string, id: string): string {
  return `constraint '${name}' (${id})`;
}

/** Throws when the reconstruction does not have the data's shape (a model or dataset mix-up). */
export function assertSameShape(label: string, data: tf.Tensor, reconstruction: tf.Tensor): void {
  if (data.shape.join(',') !== reconstruction.shape.join(',')) {
    throw new InvalidArgumentError(
      `${label} reconstruction`,
      `shape [${reconstruction.shape}] does not match the data shape [${data.shape}]`,
    );
  }
}

/** Index of the first NaN or infinite entry of `tensor`, or -1 (reads the tensor back; call it only on failure). */
function firstNonFinite(tensor: tf.Tensor): number {
  const values = tensor.dataSync();
  for (let index = 0; index < values.length; index += 1) {
    if (!Number.isFinite(values[index] as number)) return index;
  }
  return -1;
}

/**
 * Never a silent NaN: reads the constraint value back (one scalar) and, when it is not finite, finds which input
 * holds the NaN/Inf and throws naming the constraint, the input and the first bad index. `value` is disposed
 * before throwing. Inputs are only scanned on failure, so the check costs one scalar read per evaluation.
 */
export function assertFiniteValue(label: string, value: tf.Scalar, inputs: Readonly<Record<string, tf.Tensor>>): void {
  const number = value.dataSync()[0] as number;
  if (Number.isFinite(number)) return;
  value.dispose();
  for (const [inputName, tensor] of Object.entries(inputs)) {
    const index = firstNonFinite(tensor);
    if (index >= 0) {
      throw new InvalidArgumentError(
        `${label} ${inputName}`,
        `contains a non-finite value (${tensor.dataSync()[index]} at flat index ${index} of shape [${tensor.shape}]); inputs must be finite numbers`,
      );
    }
  }
  throw new InvalidArgumentError(`${label} value`, `evaluated to ${number} from finite inputs (overflow?)`);
}
