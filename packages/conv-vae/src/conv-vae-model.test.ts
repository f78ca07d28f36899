import * as tf from '@tensorflow/tfjs-core';
import { createAdamOptimizer, InvalidArgumentError, type ModelOutputV1 } from '@tame/core';
import { describeModelPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import type { ConvVaeConfigInput } from './conv-vae-config.js';
import { convVaePlugin, createConvVaeModel } from './conv-vae-model.js';

describeModelPluginConformance(convVaePlugin, {
  config: { latentSize: 4 },
  batch: () => ({ inputs: tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3) }),
});
describeModelPluginConformance(convVaePlugin, {
  config: { preset: 'tiny', name: 'conformance-colour', dataShape: [8, 12, 3] },
  batch: () => ({ inputs: tf.randomUniform([3, 8, 12, 3], 0, 1, 'float32', 4) }),
});

const tiny: ConvVaeConfigInput = { preset: 'tiny', dataShape: [8, 8, 1] };

/** 8x8 binary images with structure to learn: example b is a 2-pixel bar, horizontal or vertical. */
function barImages(count: number): tf.Tensor4D {
  const values = new Float32Array(count * 64);
  for (let b = 0; b < count; b += 1) {
    const start = 2 * (b % 4);
    const horizontal = b % 8 < 4;
    for (let y = 0; y < 8; y += 1) {
      for (let x = 0; x < 8; x += 1) {
        const along = horizontal ? y : x;
        values[b * 64 + y * 8 + x] = along >= start && along < start + 2 ? 1 : 0;
      }
    }
  }
  return tf.tensor4d(values, [count, 8, 8, 1]);
}

function disposeOutput(output: ModelOutputV1): void {
  tf.dispose([output.reconstruction, output.kl, output.latent!, ...Object.values(output.extras ?? {})]);
}

describe('conv VAE', () => {
  it('has the parameter count of its layer list, computed by hand', () => {
    const count = (config: object) => {
      const model = createConvVaeModel(config);
      const total = model.trainableVariables.reduce((sum, variable) => sum + variable.size, 0);
      model.dispose();
      return total;
    };
    // Reference, 28x28x1, latent 16: conv1 4*4*1*32 + 32, conv2 4*4*32*64 + 64, encoder dense (7*7*64)*32 + 32,
    // decoder dense 16*3136 + 3136, deconv1 4*4*32*64 + 32, deconv2 4*4*32*1 + 1.
    expect(count({})).toBe(544 + 32_832 + 100_384 + 53_312 + 32_800 + 513);
    expect(count({})).toBe(220_385);
    // Tiny on [8, 12, 3] (grid 2x3x16 = 96), latent 4: 392 + 2064 + (96*8 + 8) + (4*96 + 96) + 2056 + (4*4*8*3 + 3).
    expect(count({ preset: 'tiny', dataShape: [8, 12, 3] })).toBe(392 + 2064 + 776 + 480 + 2056 + 387);
  });

  it('returns the documented shapes; the KL equals the closed form computed in JS from the posterior', () => {
    const model = createConvVaeModel({ preset: 'tiny', dataShape: [8, 12, 3], latentSize: 3 });
    const inputs = tf.randomUniform([5, 8, 12, 3], 0, 1, 'float32', 1);
    const output = model.forward({ inputs }, { seed: 2, training: true });
    expect(output.reconstruction.shape).toEqual([5, 8, 12, 3]);
    expect(output.kl.shape).toEqual([5]);
    expect(output.latent?.shape).toEqual([5, 3]);
    expect(output.extras?.posteriorMean?.shape).toEqual([5, 3]);
    expect(output.extras?.posteriorLogVariance?.shape).toEqual([5, 3]);
    expect(Array.from(output.reconstruction.dataSync()).every((value) => value > 0 && value < 1)).toBe(true);
    const mean = output.extras!.posteriorMean!.dataSync();
    const logVariance = output.extras!.posteriorLogVariance!.dataSync();
    const kl = output.kl.dataSync();
    for (let example = 0; example < 5; example += 1) {
      let expected = 0;
      for (let j = 0; j < 3; j += 1) {
        const m = mean[example * 3 + j]!;
        const v = logVariance[example * 3 + j]!;
        expected += 0.5 * (m * m + Math.exp(v) - v - 1);
      }
      expect(kl[example]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(kl[example]! - expected)).toBeLessThan(1e-5 * Math.max(1, expected));
    }
    disposeOutput(output);
    inputs.dispose();
    model.dispose();
  });

  it('training draws z = mean + sigma * eps; evaluation decodes the posterior mean; encode and decode are its halves', () => {
    const model = createConvVaeModel(tiny);
    const inputs = barImages(4);
    const evaluation = model.forward({ inputs }, { seed: 1, training: false });
    const other = model.forward({ inputs }, { seed: 2, training: false });
    const sampled = model.forward({ inputs }, { seed: 1, training: true });
    const posterior = model.encode(inputs);
    const decoded = model.decode(posterior.mean);
    expect(Array.from(evaluation.latent!.dataSync())).toEqual(Array.from(evaluation.extras!.posteriorMean!.dataSync()));
    expect(Array.from(other.reconstruction.dataSync())).toEqual(Array.from(evaluation.reconstruction.dataSync()));
    expect(Array.from(sampled.latent!.dataSync())).not.toEqual(Array.from(evaluation.latent!.dataSync()));
    expect(Array.from(posterior.mean.dataSync())).toEqual(Array.from(evaluation.extras!.posteriorMean!.dataSync()));
    expect(Array.from(posterior.logVariance.dataSync())).toEqual(Array.from(evaluation.extras!.posteriorLogVariance!.dataSync()));
    expect(Array.from(decoded.dataSync())).toEqual(Array.from(evaluation.reconstruction.dataSync()));
    [evaluation, other, sampled].forEach(disposeOutput);
    tf.dispose([inputs, posterior.mean, posterior.logVariance, decoded]);
    model.dispose();
  });

  it('trains: the loss of a fixed batch falls with Adam, and tf.memory().numTensors stays flat across steps', () => {
    const model = createConvVaeModel({ ...tiny, seed: 1 });
    const inputs = barImages(8);
    const variables = [...model.trainableVariables];
    const optimizer = createAdamOptimizer({ learningRate: 1e-2 });
    const loss = (seed: number, training: boolean) => {
      const output = model.forward({ inputs }, { seed, training });
      const squaredError = tf.sum(tf.reshape(tf.square(tf.sub(output.reconstruction, inputs)), [8, -1]), 1);
      return tf.mean(tf.add(tf.mul(squaredError, 10), output.kl)) as tf.Scalar;
    };
    const initial = tf.tidy(() => loss(0, false).dataSync()[0]!);
    const counts: number[] = [];
    for (let step = 0; step < 40; step += 1) {
      const { value, grads } = tf.variableGrads(() => loss(step, true), variables);
      optimizer.applyGradients(variables, variables.map((variable) => grads[variable.name]!));
      tf.dispose([value, ...Object.values(grads)]);
      counts.push(tf.memory().numTensors);
    }
    // After step 0 Adam holds its moments; from then on a step leaves no tensor behind.
    expect(new Set(counts.slice(1)).size).toBe(1);
    const final = tf.tidy(() => loss(0, false).dataSync()[0]!);
    expect(final).toBeLessThan(0.7 * initial);
    optimizer.dispose();
    inputs.dispose();
    model.dispose();
  });

  it('samples [count, ...dataShape] in (0, 1), deterministically per seed, without leaking', () => {
    const model = createConvVaeModel({ preset: 'tiny', dataShape: [8, 12, 3] });
    const first = model.sample({ count: 4, seed: 9 });
    expect(first.shape).toEqual([4, 8, 12, 3]);
    expect(Array.from(first.dataSync()).every((value) => value > 0 && value < 1)).toBe(true);
    const before = tf.memory().numTensors;
    const again = model.sample({ count: 4, seed: 9 });
    const other = model.sample({ count: 4, seed: 10 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(first.dataSync()));
    tf.dispose([again, other]);
    expect(tf.memory().numTensors).toBe(before);
    first.dispose();
    model.dispose();
  });

  it('rejects inputs, latents and counts of the wrong shape, and use after dispose, naming the model', () => {
    const model = createConvVaeModel(tiny);
    const wrong = tf.zeros([2, 28, 28, 1]);
    const latents = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => model.forward({ inputs: wrong }, { seed: 1, training: true })).toThrow(InvalidArgumentError);
    expect(() => model.forward({ inputs: wrong }, { seed: 1, training: true })).toThrow(/batch\.inputs.*'reference-conv-vae'.*\[batch, 8,8,1\].*got \[2,28,28,1\]/);
    expect(() => model.encode(wrong)).toThrow(/\[batch, 8,8,1\]/);
    expect(() => model.decode(latents)).toThrow(/\[count, 4\].*got \[2,5\]/);
    expect(() => model.sample({ count: 0, seed: 1 })).toThrow(/count/);
    model.dispose();
    model.dispose(); // twice is harmless
    expect(() => model.sample({ count: 1, seed: 1 })).toThrow(/was disposed/);
    tf.dispose([wrong, latents]);
  });

  it('refuses a second live model with the same name, and frees what the failed construction created', () => {
    const first = createConvVaeModel(tiny);
    const before = tf.memory().numTensors;
    expect(() => createConvVaeModel(tiny)).toThrow(/live model already owns variables named 'reference-conv-vae\/\.\.\.'/);
    expect(tf.memory().numTensors).toBe(before);
    const second = createConvVaeModel({ ...tiny, name: 'second' });
    expect(second.trainableVariables[0]!.name).toBe('second/encoder/conv1/kernel');
    second.dispose();
    first.dispose();
  });
});
