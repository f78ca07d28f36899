import * as tf from '@tensorflow/tfjs-core';
import { createCouplingLayer, type CouplingLayer } from './coupling-layer.js';
import type { VariableFactory } from './variable-factory.js';

export interface ConditionalFlowOptions {
  readonly latentSize: number;
  readonly contextSize: number;
  /** K, the number of coupling layers. */
  readonly layers: number;
  readonly hiddenSizes: readonly number[];
  readonly scaleBound: number;
  readonly initScale: number;
}

/** Alternating parity masks (nsf's create_alternating_binary_mask): layer k passes the coordinates i with i + k even. */
export function alternatingMask(latentSize: number, layerIndex: number): (0 | 1)[] {
  return Array.from({ length: latentSize }, (_, coordinate) => ((coordinate + layerIndex) % 2 === 0 ? 1 : 0));
}

/**
 * The flow z_0 -> z_K = f_K ∘ ... ∘ f_1 (z_0), each f_k a conditional affine coupling layer on the context h
 * (README, Sources). No batch norm: q(z|x) of one example never depends on the rest of the batch.
 */
export interface ConditionalFlow {
  readonly layers: readonly CouplingLayer[];
  readonly variables: readonly tf.Variable[];
  /** Per layer, the context's contribution to its conditioner, [N, hidden]: compute once per batch of posteriors. */
  projectContext(context: tf.Tensor2D): tf.Tensor2D[];
  /** z_0 -> z_K and Σ_k log|det J_k|, [P]. */
  forward(base: tf.Tensor2D, projections: readonly tf.Tensor2D[]): { latent: tf.Tensor2D; logDet: tf.Tensor1D };
  /** z_K -> z_0 and the same Σ_k log|det J_k| of the forward map (evaluated along the inverse path), [P]. */
  inverse(latent: tf.Tensor2D, projections: readonly tf.Tensor2D[]): { base: tf.Tensor2D; logDet: tf.Tensor1D };
}

export function createConditionalFlow(options: ConditionalFlowOptions, variables: VariableFactory): ConditionalFlow {
  const layers = Array.from({ length: options.layers }, (_, index) =>
    createCouplingLayer(
      {
        mask: alternatingMask(options.latentSize, index),
        contextSize: options.contextSize,
        hiddenSizes: options.hiddenSizes,
        scaleBound: options.scaleBound,
        initScale: options.initScale,
        label: `flow/coupling${index + 1}`,
      },
      variables,
    ),
  );
  const projectionOf = (projections: readonly tf.Tensor2D[], index: number) => {
    const projection = projections[index];
    if (projection === undefined) throw new RangeError(`no context projection for coupling layer ${index + 1}`);
    return projection;
  };
  return {
    layers,
    variables: layers.flatMap((layer) => layer.variables),
    projectContext: (context) => layers.map((layer) => layer.projectContext(context)),
    forward: (base, projections) =>
      tf.tidy(() => {
        let latent = base;
        let logDet = tf.zeros([base.shape[0]]) as tf.Tensor1D;
        layers.forEach((layer, index) => {
          const step = layer.forward(latent, projectionOf(projections, index));
          latent = step.output;
          logDet = tf.add(logDet, step.logDet);
        });
        return { latent, logDet };
      }),
    inverse: (latent, projections) =>
      tf.tidy(() => {
        let base = latent;
        let logDet = tf.zeros([latent.shape[0]]) as tf.Tensor1D;
        for (let index = layers.length - 1; index >= 0; index -= 1) {
          const step = (layers[index] as CouplingLayer).inverse(base, projectionOf(projections, index));
          base = step.output;
          logDet = tf.add(logDet, step.logDet);
        }
        return { base, logDet };
      }),
  };
}
