import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * One batch from a dataset. `inputs` is the data x the model reconstructs ([batch, ...dataShape], values in the
 * dataset's documented range). Conditional datasets also give `context` (what the model is conditioned on);
 * labelled ones give `labels` (integer class ids, [batch]). The consumer of a batch disposes its tensors.
 */
export interface BatchV1 {
  readonly inputs: Tensor;
  readonly context?: Tensor;
  readonly labels?: Tensor;
}
