import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type ModelV1 } from '@tame/core';
import { createTinyVae } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createGaussianLikelihood } from './gaussian-likelihood.js';
import { quantizedNormalReport } from './quantized-normal.js';
import { optimalGlobalSigma, type ReconstructionPair, sigmaIndependentNll, summarizeSquaredError } from './sigma-independent-nll.js';
import { referenceQuantizedNormalNll } from './testing/reference-math.js';

/** What `tame eval` does: run the fixed model over batches of a split and yield (data, reconstruction). */
async function* reconstructions(model: ModelV1, batches: readonly tf.Tensor[]): AsyncGenerator<ReconstructionPair> {
  for (const batch of batches) {
    const inputs = tf.clone(batch);
    const output = model.forward({ inputs }, { seed: 0, training: false });
    tf.dispose([output.kl, output.latent].filter((tensor) => tensor !== undefined));
    yield { data: inputs, reconstruction: output.reconstruction };
  }
}

const quantize = (tensor: tf.Tensor) => tf.tidy(() => tf.div(tf.round(tf.mul(tensor, 255)), 255));

describe('optimalGlobalSigma', () => {
  it('is sqrt(sum of squared errors / (N D)), from per-example errors or a summary', () => {
    const perExampleSquaredError = [0.5, 1.25, 0.25];
    expect(optimalGlobalSigma({ perExampleSquaredError, dimensions: 4 })).toBeCloseTo(Math.sqrt(2 / 12), 12);
    expect(optimalGlobalSigma({ sumSquaredError: 2, examples: 3, dimensions: 4 })).toBeCloseTo(Math.sqrt(2 / 12), 12);
  });

  it('minimises the Gaussian NLL of the training reconstructions (brute-force 1-D search over sigma)', async () => {
    const data = tf.randomUniform([20, 12], 0, 1, 'float32', 1);
    const reconstruction = tf.add(data, tf.randomNormal([20, 12], 0, 0.07, 'float32', 2));
    const summary = await summarizeSquaredError([{ data, reconstruction }], { disposeBatches: false });
    const sigmaStar = optimalGlobalSigma(summary);
    // Total NLL under the fixed-sigma Gaussian plugin, minimised by golden-section search on log sigma.
    const totalNll = (logSigma: number) =>
      tf.tidy(() => tf.sum(createGaussianLikelihood({ sigma: Math.exp(logSigma) }).negativeLogLikelihood(data, reconstruction)).dataSync()[0] as number);
    let [low, high] = [Math.log(1e-3), Math.log(1)];
    const ratio = (Math.sqrt(5) - 1) / 2;
    for (let iteration = 0; iteration < 60; iteration += 1) {
      const left = high - ratio * (high - low);
      const right = low + ratio * (high - low);
      if (totalNll(left) < totalNll(right)) high = right;
      else low = left;
    }
    expect(Math.exp((low + high) / 2) / sigmaStar).toBeCloseTo(1, 3);
    expect(sigmaStar).toBeGreaterThan(0.05); // ~0.07 by construction
    expect(sigmaStar).toBeLessThan(0.09);
    tf.dispose([data, reconstruction]);
  });
});

describe('sigmaIndependentNll', () => {
  it('fits sigma* on the training pass and reports the test NLL per dimension under the quantized normal', async () => {
    const model = createTinyVae({ inputSize: 10, name: 'sigma-star-vae', seed: 3 });
    const train = [0, 1, 2].map((index) => quantize(tf.randomUniform([4, 10], 0, 1, 'float32', 10 + index)));
    const test = [0, 1].map((index) => quantize(tf.randomUniform([3, 10], 0, 1, 'float32', 20 + index)));
    const before = tf.memory().numTensors;
    const result = await sigmaIndependentNll({ train: reconstructions(model, train), test: reconstructions(model, test) });
    expect(tf.memory().numTensors).toBe(before); // every batch was disposed

    // Closed form from the concatenated training set.
    const trainData = tf.concat(train);
    const trainOutput = model.forward({ inputs: trainData }, { seed: 0, training: false });
    const meanSquaredError = tf.tidy(() => tf.mean(tf.squaredDifference(trainData, trainOutput.reconstruction)).dataSync()[0] as number);
    expect(result.sigma).toBeCloseTo(Math.sqrt(meanSquaredError), 6);
    expect(result.train).toMatchObject({ examples: 12, dimensions: 10 });
    expect(result.train.meanSquaredError).toBeCloseTo(meanSquaredError, 7);
    expect(result.sigmaFloored).toBe(false);

    // The test figure, recomputed from the concatenated test set and, for one batch, in float64.
    const testData = tf.concat(test);
    const testOutput = model.forward({ inputs: testData }, { seed: 0, training: false });
    const direct = quantizedNormalReport(testData, testOutput.reconstruction, result.sigma);
    expect(result.natsPerDimension).toBeCloseTo(direct.natsPerDimension, 5);
    expect(result.bitsPerDimension).toBeCloseTo(direct.natsPerDimension / Math.LN2, 5);
    expect([result.examples, result.dimensions]).toEqual([6, 10]);
    const values = testData.dataSync();
    const means = testOutput.reconstruction.dataSync();
    let referenceTotal = 0;
    values.forEach((x, index) => (referenceTotal += referenceQuantizedNormalNll(x, means[index] as number, Math.fround(result.sigma))));
    expect(result.natsPerDimension).toBeCloseTo(referenceTotal / 60, 4);

    // The same from per-example squared errors of the training set (the other accepted input).
    const perExample = tf.tidy(() => tf.sum(tf.squaredDifference(trainData, trainOutput.reconstruction), 1));
    const fromErrors = await sigmaIndependentNll({
      train: { perExampleSquaredError: perExample.dataSync(), dimensions: 10 },
      test: reconstructions(model, test),
    });
    expect(fromErrors.sigma).toBeCloseTo(result.sigma, 6);
    expect(fromErrors.natsPerDimension).toBeCloseTo(result.natsPerDimension, 5);
    tf.dispose([...train, ...test, trainData, testData, perExample, trainOutput.reconstruction, trainOutput.kl, testOutput.reconstruction, testOutput.kl]);
    tf.dispose([trainOutput.latent, testOutput.latent].filter((tensor) => tensor !== undefined));
    model.dispose();
  });

  it('keeps the batches when disposeBatches is false and floors sigma for a perfect training fit', async () => {
    // Data on the 8-bit levels k/255 with bins centred on them: a perfect reconstruction puts each value in its own
    // bin with certainty once sigma is floored. (With 'partition' bins, k/255 sits near an edge of bin k for k
    // close to 255, so a tiny sigma would give it only ~1/2.)
    const data = quantize(tf.randomUniform([4, 5], 0, 1, 'float32', 5));
    const pair = { data, reconstruction: data };
    const result = await sigmaIndependentNll({ train: [pair], test: [pair], disposeBatches: false, minimumSigma: 1e-4, binning: 'centred' });
    expect(result.sigma).toBe(1e-4);
    expect(result.sigmaFloored).toBe(true);
    expect(result.natsPerDimension).toBeGreaterThanOrEqual(0);
    expect(result.natsPerDimension).toBeLessThan(1e-6);
    expect(data.isDisposed).toBe(false);
    data.dispose();
  });

  it('rejects mismatched data shapes between passes, empty passes, NaN and invalid options, naming the parameter', async () => {
    const make = (columns: number) => ({ data: tf.zeros([2, columns]), reconstruction: tf.fill([2, columns], 0.1) });
    const expectInvalid = async (promise: Promise<unknown>, parameter: RegExp) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(parameter);
    };
    await expectInvalid(sigmaIndependentNll({ train: [make(3)], test: [make(4)] }), /test data: has 4 dimensions per example, the training set 3/);
    await expectInvalid(sigmaIndependentNll({ train: [], test: [make(3)] }), /sigmaIndependentNll train: is empty/);
    await expectInvalid(sigmaIndependentNll({ train: [make(3)], test: [] }), /sigmaIndependentNll test: is empty/);
    const nan = { data: tf.tensor2d([[0.5, Number.NaN]]), reconstruction: tf.tensor2d([[0.5, 0.5]]) };
    await expectInvalid(sigmaIndependentNll({ train: [make(2)], test: [nan] }), /NaN/);
    await expectInvalid(sigmaIndependentNll({ train: { perExampleSquaredError: [1, -1], dimensions: 2 }, test: [make(2)] }), /perExampleSquaredError: entry 1/);
    await expectInvalid(sigmaIndependentNll({ train: [make(2)], test: [make(2)], minimumSigma: 0 }), /minimumSigma/);
    await expectInvalid(sigmaIndependentNll({ train: [make(2)], test: [make(2)], bins: 0 }), /sigmaIndependentNll bins/);
    await expectInvalid(sigmaIndependentNll({ train: [make(2)], test: [make(2)], low: 2 }), /sigmaIndependentNll low\/high/);
    const mismatched = { data: tf.zeros([2, 3]), reconstruction: tf.zeros([2, 2]) };
    await expectInvalid(sigmaIndependentNll({ train: [mismatched], test: [make(3)] }), /reconstruction: shape/);
  });
});
