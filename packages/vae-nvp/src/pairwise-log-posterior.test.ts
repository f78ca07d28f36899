import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaeNvpPosterior } from './conv-encoder.js';
import { randomizeVariables } from './numerical-jacobian.test-support.js';
import type { VaeNvpConfigInput } from './vae-nvp-config.js';
import { createVaeNvpModel, posteriorLogDensities, type VaeNvpModel } from './vae-nvp-model.js';

const tinyConfig = {
  name: 'nvp-pairs',
  dataShape: [8, 8, 1],
  latentSize: 4,
  encoderChannels: [4],
  kernelSize: 3,
  contextSize: 8,
  couplingLayers: 4,
  conditionerHiddenSizes: [16],
  decoderChannels: [4],
} satisfies VaeNvpConfigInput;

let model: VaeNvpModel | undefined;
const owned: tf.Tensor[] = [];
afterEach(() => {
  model?.dispose();
  model = undefined;
  tf.dispose(owned.splice(0));
});

/** A model whose flow is far from the identity (random conditioner weights). */
function setUp(config: VaeNvpConfigInput = tinyConfig, flowScale = 0.4): VaeNvpModel {
  model = createVaeNvpModel(config);
  randomizeVariables(model.flow.variables, 31, flowScale);
  return model;
}
const images = (count: number, seed: number) => {
  const tensor = tf.randomUniform([count, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
  owned.push(tensor);
  return tensor;
};
const keep = (posterior: VaeNvpPosterior) => {
  owned.push(posterior.context, posterior.mean, posterior.logScale);
  return posterior;
};

describe('log q(z_i | x_j) for all pairs', () => {
  it('on the diagonal, equals the log q(z|x) the forward pass reported for its own sample', () => {
    const vae = setUp();
    const inputs = images(5, 1);
    tf.tidy(() => {
      const output = vae.forward({ inputs }, { seed: 2, training: true });
      const matrix = posteriorLogDensities(vae, { inputs, latents: output.latent as tf.Tensor2D }).arraySync();
      expect(matrix.length).toBe(5);
      const forwardValues = (output.extras?.['logPosterior'] as tf.Tensor).dataSync();
      forwardValues.forEach((value, index) => expect((matrix[index] as number[])[index]).toBeCloseTo(value, 3));
      // Off the diagonal the posteriors differ, and so do the densities of the same z.
      const gaps = matrix.flatMap((row, i) => row.filter((_, j) => j !== i).map((value) => Math.abs(value - (row[i] as number))));
      expect(Math.max(...gaps)).toBeGreaterThan(1e-2);
    });
  });

  it('with an identity flow, is the base Gaussian log N(z_i; μ_j, σ_j²), computed by hand', () => {
    model = createVaeNvpModel({ ...tinyConfig, couplingInitScale: 0 });
    const posterior = keep(model.encode(images(3, 4)));
    const latents = tf.randomNormal([2, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    owned.push(latents);
    const matrix = tf.tidy(() => model!.logPosterior(latents, posterior).arraySync());
    const means = posterior.mean.arraySync();
    const scales = tf.tidy(() => tf.exp(posterior.logScale).arraySync());
    latents.arraySync().forEach((z, i) =>
      means.forEach((mean, j) => {
        const expected = z.reduce(
          (sum, value, k) => sum - 0.5 * ((value - mean[k]!) / scales[j]![k]!) ** 2 - Math.log(scales[j]![k]!) - 0.5 * Math.log(2 * Math.PI),
          0,
        );
        expect((matrix[i] as number[])[j]).toBeCloseTo(expected, 4);
      }),
    );
  });

  it('is a normalised density in z: it integrates to 1 over a grid (d = 2, flow far from the identity)', () => {
    const vae = setUp({ ...tinyConfig, latentSize: 2 }, 0.2);
    const posterior = keep(vae.encode(images(2, 6)));
    // Range of the posterior from samples, then a Riemann sum of exp(log q) over a grid covering it.
    const samples = tf.tidy(() => {
      const repeated = { context: tf.tile(posterior.context, [2000, 1]), mean: tf.tile(posterior.mean, [2000, 1]), logScale: tf.tile(posterior.logScale, [2000, 1]) } as VaeNvpPosterior;
      return vae.samplePosterior(repeated, 7).latent.arraySync();
    });
    const extent = 1.5 * Math.max(...samples.flat().map(Math.abs)) + 1;
    const steps = 240;
    const spacing = (2 * extent) / steps;
    const grid: number[] = [];
    for (let row = 0; row < steps; row += 1) {
      for (let column = 0; column < steps; column += 1) grid.push(-extent + (row + 0.5) * spacing, -extent + (column + 0.5) * spacing);
    }
    const integrals = tf.tidy(() => {
      const logDensity = vae.logPosterior(tf.tensor2d(grid, [steps * steps, 2]), posterior);
      return tf.mul(tf.sum(tf.exp(logDensity), 0), spacing * spacing).arraySync() as number[];
    });
    integrals.forEach((integral) => expect(integral).toBeCloseTo(1, 2));
    // And the flow does change the density: the log-dets along the sampled path are far from 0.
    const logDet = tf.tidy(() => {
      const forward = vae.flow.forward(tf.tensor2d(samples.slice(0, 50)), vae.flow.projectContext(tf.tile(tf.slice(posterior.context, [0, 0], [1, -1]), [50, 1]) as tf.Tensor2D));
      return tf.mean(tf.abs(forward.logDet)).dataSync()[0] as number;
    });
    expect(logDet).toBeGreaterThan(0.5);
  });

  it('does not depend on the other posteriors in the batch, nor on the chunking', () => {
    const vae = setUp();
    const inputs = images(4, 8);
    const latents = tf.randomNormal([7, 4], 0, 1.2, 'float32', 9) as tf.Tensor2D;
    owned.push(latents);
    tf.tidy(() => {
      const all = posteriorLogDensities(vae, { inputs, latents }).arraySync();
      const chunked = posteriorLogDensities(vae, { inputs, latents, pairsPerChunk: 5 }).arraySync();
      const lastOnly = posteriorLogDensities(vae, { inputs: tf.slice(inputs, [3, 0, 0, 0], [1, -1, -1, -1]), latents }).arraySync();
      all.forEach((row, i) => {
        row.forEach((value, j) => expect((chunked[i] as number[])[j]).toBeCloseTo(value, 4));
        expect((lastOnly[i] as number[])[0]).toBeCloseTo(row[3] as number, 4);
      });
    });
  });

  it('rejects latents of the wrong size and a bad chunk size, and leaks no tensor', () => {
    const vae = setUp();
    const posterior = keep(vae.encode(images(2, 10)));
    const wrong = tf.zeros([3, 5]) as tf.Tensor2D;
    const latents = tf.zeros([3, 4]) as tf.Tensor2D;
    owned.push(wrong, latents);
    expect(() => vae.logPosterior(wrong, posterior)).toThrow(/latents of model 'nvp-pairs'.*\[3,5\].*\[count, 4\]/);
    expect(() => vae.logPosterior(latents, posterior, { pairsPerChunk: 0 })).toThrow(/pairsPerChunk/);
    const before = tf.memory().numTensors;
    vae.logPosterior(latents, posterior, { pairsPerChunk: 2 }).dispose();
    posteriorLogDensities(vae, { inputs: images(2, 11), latents }).dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
  });
});
