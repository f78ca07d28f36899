import * as tf from '@tensorflow/tfjs-core';
import type { VariableFactory } from './variable-factory.js';

export interface CouplingLayerOptions {
  /** Binary mask b over the latent coordinates: 1 = passes through and conditions, 0 = transformed. */
  readonly mask: readonly (0 | 1)[];
  readonly contextSize: number;
  readonly hiddenSizes: readonly number[];
  /** c in s = c tanh(s_raw / c). */
  readonly scaleBound: number;
  /** Half-width of the uniform initialisation of the last conditioner layer (near zero, as in nsf). */
  readonly initScale: number;
  /** Label prefix of this layer's variables, e.g. 'flow/coupling1'. */
  readonly label: string;
}

export interface CouplingResult {
  /** The transformed latents, [P, d]. */
  readonly output: tf.Tensor2D;
  /** log|det J| of the forward map z_{k-1} -> z_k at this pair of points, [P]. */
  readonly logDet: tf.Tensor1D;
}

/**
 * One conditional affine coupling layer in the masked form (normflows' MaskedAffineFlow, chrischute/real-nvp):
 *   z_k = b ⊙ z_{k-1} + (1 - b) ⊙ (z_{k-1} ⊙ exp(s) + t),   log|det J_k| = Σ_i (1 - b_i) s_i,
 * with (s_raw, t) = NN_k([b ⊙ z_{k-1}, h]) and s = c tanh(s_raw / c). The conditioner only reads the pass-through
 * coordinates and only writes the transformed ones (selection matrices instead of masking), which is the same
 * function as the masked form without weights that can never receive a gradient.
 */
export interface CouplingLayer {
  readonly mask: readonly (0 | 1)[];
  readonly variables: readonly tf.Variable[];
  /**
   * The context's contribution to the conditioner's first layer, h W_h, [N, hidden]. Computed once per posterior
   * and reused (or tiled) for every latent evaluated under it.
   */
  projectContext(context: tf.Tensor2D): tf.Tensor2D;
  /** Sampling direction z_{k-1} -> z_k; `contextProjection` has one row per latent row. */
  forward(latent: tf.Tensor2D, contextProjection: tf.Tensor2D): CouplingResult;
  /** z_k -> z_{k-1} = b ⊙ z_k + (1 - b) ⊙ (z_k - t) ⊙ exp(-s); logDet is still that of the forward map. */
  inverse(latent: tf.Tensor2D, contextProjection: tf.Tensor2D): CouplingResult;
}

/** One-hot columns picking the coordinates where mask === value: latent [P, d] @ selection [d, n] = those n. */
function selectionValues(mask: readonly (0 | 1)[], value: 0 | 1): { values: Float32Array; shape: [number, number] } {
  const indices = mask.flatMap((bit, index) => (bit === value ? [index] : []));
  const values = new Float32Array(mask.length * indices.length);
  indices.forEach((coordinate, column) => {
    values[coordinate * indices.length + column] = 1;
  });
  return { values, shape: [mask.length, indices.length] };
}

export function createCouplingLayer(options: CouplingLayerOptions, variables: VariableFactory): CouplingLayer {
  const { mask, contextSize, hiddenSizes, scaleBound, initScale, label } = options;
  const passCount = mask.filter((bit) => bit === 1).length;
  const transformCount = mask.length - passCount;
  const firstHidden = hiddenSizes[0] as number;
  const firstLatentKernel = variables.normal(`${label}/hidden1/latent-kernel`, [passCount, firstHidden], passCount + contextSize);
  const firstContextKernel = variables.normal(`${label}/hidden1/context-kernel`, [contextSize, firstHidden], passCount + contextSize);
  const firstBias = variables.zeros(`${label}/hidden1/bias`, [firstHidden]);
  const hiddenLayers = hiddenSizes.slice(1).map((size, index) => {
    const inputSize = hiddenSizes[index] as number;
    return {
      kernel: variables.normal(`${label}/hidden${index + 2}/kernel`, [inputSize, size], inputSize),
      bias: variables.zeros(`${label}/hidden${index + 2}/bias`, [size]),
    };
  });
  const lastInput = hiddenSizes[hiddenSizes.length - 1] as number;
  // Near-zero last layer: each coupling starts close to the identity (nsf's zero_initialization, uniform ±1e-3).
  const outputKernel = variables.uniform(`${label}/output/kernel`, [lastInput, 2 * transformCount], initScale);
  const outputBias = variables.zeros(`${label}/output/bias`, [2 * transformCount]);
  // Selection matrices are rebuilt inside each call's tidy (two tiny uploads) so the layer owns no tensor besides
  // its variables.
  const passValues = selectionValues(mask, 1);
  const transformValues = selectionValues(mask, 0);

  // (s, t) for the transformed coordinates, from the pass-through ones and the context projection.
  const conditioner = (pass: tf.Tensor2D, contextProjection: tf.Tensor2D) => {
    let hidden = tf.relu(tf.add(tf.add(tf.matMul(pass, firstLatentKernel as tf.Tensor2D), contextProjection), firstBias)) as tf.Tensor2D;
    for (const layer of hiddenLayers) {
      hidden = tf.relu(tf.add(tf.matMul(hidden, layer.kernel as tf.Tensor2D), layer.bias)) as tf.Tensor2D;
    }
    const raw = tf.add(tf.matMul(hidden, outputKernel as tf.Tensor2D), outputBias) as tf.Tensor2D;
    const [rawScale, shift] = tf.split(raw, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    // Bounded log-scale (soft clamp, FrEIA / real-nvp style): |s| < c, and s ≈ s_raw near 0.
    const logScale = tf.mul(scaleBound, tf.tanh(tf.div(rawScale, scaleBound))) as tf.Tensor2D;
    return { logScale, shift };
  };

  const apply = (direction: 'forward' | 'inverse', latent: tf.Tensor2D, contextProjection: tf.Tensor2D): CouplingResult =>
    tf.tidy(() => {
      const passSelection = tf.tensor2d(passValues.values, passValues.shape);
      const transformSelection = tf.tensor2d(transformValues.values, transformValues.shape);
      const pass = tf.matMul(latent, passSelection) as tf.Tensor2D;
      const transformed = tf.matMul(latent, transformSelection);
      const { logScale, shift } = conditioner(pass, contextProjection);
      const updated =
        direction === 'forward'
          ? tf.add(tf.mul(transformed, tf.exp(logScale)), shift)
          : tf.mul(tf.sub(transformed, shift), tf.exp(tf.neg(logScale)));
      // Scatter both parts back to their coordinates: selection^T is the inverse of the split.
      const output = tf.add(
        tf.matMul(pass, passSelection, false, true),
        tf.matMul(updated, transformSelection, false, true),
      ) as tf.Tensor2D;
      return { output, logDet: tf.sum(logScale, 1) as tf.Tensor1D };
    });

  const ownVariables = [
    firstLatentKernel,
    firstContextKernel,
    firstBias,
    ...hiddenLayers.flatMap((layer) => [layer.kernel, layer.bias]),
    outputKernel,
    outputBias,
  ];
  return {
    mask,
    variables: ownVariables,
    projectContext: (context) => tf.matMul(context, firstContextKernel as tf.Tensor2D) as tf.Tensor2D,
    forward: (latent, contextProjection) => apply('forward', latent, contextProjection),
    inverse: (latent, contextProjection) => apply('inverse', latent, contextProjection),
  };
}
