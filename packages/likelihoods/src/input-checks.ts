import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { z } from 'zod';

/**
 * When a likelihood reads its inputs back to check them. The check costs one device read of a single reduced
 * boolean vector (every value finite, data inside the declared range), so the default does it until a call passes
 * (normally just the first call): that catches a wrongly scaled or NaN-filled dataset at once, and later NaNs from
 * a diverging model are the trainer's NaN guard's job. 'every-call' checks each batch (one read per call); 'never'
 * skips the read.
 */
export const checkInputsSchema = z.enum(['first-call', 'every-call', 'never']).default('first-call');
export type CheckInputsMode = z.output<typeof checkInputsSchema>;

/** A closed interval the data must lie in, with the config parameter(s) that declare it (for the message). */
export interface DataRange {
  readonly low: number;
  readonly high: number;
  /** How the message names the range, e.g. "low/high". */
  readonly parameter: string;
  /** What to do about out-of-range data; default "rescale the data or change the range". */
  readonly remedy?: string;
}

/** Throws InvalidArgumentError naming the plugin when `data` and `reconstruction` differ in shape. */
export function assertSameShape(pluginId: string, data: tf.Tensor, reconstruction: tf.Tensor): void {
  if (data.rank < 1) {
    throw new InvalidArgumentError(`${pluginId} data`, `needs a batch axis ([batch, ...]), got a scalar`);
  }
  if (data.shape.length !== reconstruction.shape.length || data.shape.some((size, axis) => size !== reconstruction.shape[axis])) {
    throw new InvalidArgumentError(
      `${pluginId} reconstruction`,
      `shape [${reconstruction.shape}] does not match the data shape [${data.shape}]; they must be equal`,
    );
  }
}

/**
 * Returns a checker that, per `mode`, verifies with one read that data and reconstruction are finite and that the
 * data lie in `range` (when given). `tolerance` widens the range (e.g. half a bin for rounding).
 */
export function createInputChecker(
  pluginId: string,
  mode: CheckInputsMode,
  range?: DataRange & { readonly tolerance?: number },
): (data: tf.Tensor, reconstruction: tf.Tensor) => void {
  let checked = false;
  return (data, reconstruction) => {
    if (mode === 'never' || (mode === 'first-call' && checked)) return;
    const flags = tf.tidy(() => {
      const tests: tf.Tensor[] = [tf.all(tf.isFinite(data)), tf.all(tf.isFinite(reconstruction))];
      if (range !== undefined) {
        const tolerance = range.tolerance ?? 0;
        tests.push(tf.logicalAnd(tf.all(tf.greaterEqual(data, range.low - tolerance)), tf.all(tf.lessEqual(data, range.high + tolerance))));
      }
      return tf.cast(tf.stack(tests), 'int32');
    });
    const [dataFinite, reconstructionFinite, inRange] = Array.from(flags.dataSync());
    flags.dispose();
    if (dataFinite !== 1) {
      throw new InvalidArgumentError(`${pluginId} data`, 'contains NaN or infinite values; every value must be finite');
    }
    if (reconstructionFinite !== 1) {
      throw new InvalidArgumentError(
        `${pluginId} reconstruction`,
        'contains NaN or infinite values; every value must be finite (a diverging model or a bad input pipeline)',
      );
    }
    if (range !== undefined && inRange !== 1) {
      const extremes = tf.tidy(() => tf.stack([tf.min(data), tf.max(data)]));
      const [minimum, maximum] = Array.from(extremes.dataSync(), (value) => Number(value.toPrecision(6)));
      extremes.dispose();
      throw new InvalidArgumentError(
        `${pluginId} data`,
        `values span [${minimum}, ${maximum}], outside the declared range [${range.low}, ${range.high}] (${range.parameter}); ${range.remedy ?? 'rescale the data or change the range'}`,
      );
    }
    checked = true; // only once the inputs passed: a caller that catches the error is checked again
  };
}

/** Number of data dimensions D per example: the product of every axis after the batch axis. */
export function dimensionsPerExample(data: tf.Tensor): number {
  const batch = data.shape[0] as number;
  return batch === 0 ? data.shape.slice(1).reduce((product, size) => product * size, 1) : data.size / batch;
}
