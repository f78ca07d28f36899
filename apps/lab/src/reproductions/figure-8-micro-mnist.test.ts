import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { figure8MicroMnistReproduction, tilingMeasures } from './figure-8-micro-mnist.js';

describe('figure-8 reproduction (Micro-MNIST, 2-D latent)', () => {
  it('measures a tiling by hand: separate tiles, two merged digits', () => {
    // Two digits, two samples each, on the line; densities chosen so the responsibilities are exact.
    const separate = tilingMeasures({
      count: 2,
      samplesPerPoint: 2,
      labels: [0, 1],
      latents: [[-1, 0], [-1, 0], [1, 0], [1, 0]],
      logDensities: [[0, -100], [0, -100], [-100, 0], [-100, 0]],
    });
    expect(separate.mutualInformation).toBeCloseTo(Math.log(2), 6);
    expect(separate.effectiveTiles).toBeCloseTo(2, 5);
    expect(separate.overlap).toBeCloseTo(0, 6);
    expect(separate.otherLabelOverlap).toBeCloseTo(0, 6);
    expect(separate.centroidOverlap).toBe(0);
    expect(separate.spread).toBe(0);
    expect(separate.separation).toBe(2);
    // kl = log q - log p = 0 - (-(1 + ln 2 pi) / 2 - ln 2 pi / 2); marginal KL = kl - I.
    const logPrior = -0.5 * 1 - Math.log(2 * Math.PI);
    expect(separate.kl).toBeCloseTo(-logPrior, 6);
    expect(separate.marginalKl).toBeCloseTo(-logPrior - Math.log(2), 6);
    const merged = tilingMeasures({
      count: 2,
      samplesPerPoint: 2,
      labels: [3, 3],
      latents: [[0, 0], [0, 0], [0, 0], [0, 0]],
      logDensities: [[0, 0], [0, 0], [0, 0], [0, 0]],
    });
    expect(merged.effectiveTiles).toBeCloseTo(1, 6);
    expect(merged.overlap).toBeCloseTo(0.5, 6);
    // Both digits are 3s: merging them confuses no label.
    expect(merged.otherLabelOverlap).toBeCloseTo(0, 6);
    expect(merged.separation).toBe(0);
    expect(merged.centroidOverlap).toBe(0);
    const mixedLabels = tilingMeasures({ count: 2, samplesPerPoint: 2, labels: [3, 5], latents: [[0, 0], [0, 0], [0, 0], [0, 0]], logDensities: [[0, 0], [0, 0], [0, 0], [0, 0]] });
    expect(mixedLabels.otherLabelOverlap).toBeCloseTo(0.5, 6);
  });

  it('trains the four runs, draws the posterior panels and reports finite tiling numbers (smoke)', async () => {
    const outDirectory = await mkdtemp(join(tmpdir(), 'tame-figure-8-'));
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await figure8MicroMnistReproduction.run({ outDirectory, scale: 'smoke', backend: 'wasm', log: (text) => lines.push(text) });
    expect(tf.memory().numTensors).toBe(before);

    expect(figure8MicroMnistReproduction.id).toBe('figure-8');
    expect(result.table.map((row) => row.run)).toEqual(['elbo', 'geco-re-0.07', 'geco-re-0.2', 'geco-cla-0.9']);
    for (const row of result.table) {
      for (const column of ['reconstructionRmse', 'kl', 'marginalKl', 'mutualInformation', 'effectiveTiles', 'overlap', 'otherLabelOverlap', 'centroidOverlap', 'spread', 'separation']) {
        expect(Number.isFinite(row[column]), `${row.run}.${column} = ${row[column]}`).toBe(true);
      }
      expect(row.reconstructionRmse as number).toBeGreaterThan(0);
      // exp(I) lies between 1 and the 7 digits; the overlap is a probability.
      expect(row.effectiveTiles as number).toBeGreaterThanOrEqual(1 - 1e-3);
      expect(row.effectiveTiles as number).toBeLessThanOrEqual(7 + 1e-3);
      expect(row.overlap as number).toBeGreaterThanOrEqual(-1e-6);
      expect(row.overlap as number).toBeLessThanOrEqual(1);
    }
    expect(result.table.map((row) => Number.isFinite(row.constraintMeasure))).toEqual([false, true, true, true]);
    // RE's measure and the RMSE come from the same posterior samples; CLA's is an accuracy.
    for (const row of result.table.slice(1, 3)) expect(row.constraintMeasure as number).toBeCloseTo(row.reconstructionRmse as number, 4);
    expect(result.table[3]?.constraintMeasure as number).toBeGreaterThanOrEqual(0);
    expect(result.table[3]?.constraintMeasure as number).toBeLessThanOrEqual(1);
    expect(typeof result.claim.holds).toBe('boolean');
    expect(result.claim.ours).toContain('effective tiles');

    expect(result.figures).toEqual(['figure-8-elbo.svg', 'figure-8-geco-re-0.07.svg', 'figure-8-geco-re-0.2.svg', 'figure-8-geco-cla-0.9.svg', 'figure-8.html']);
    for (const file of result.figures.filter((name) => name.endsWith('.svg'))) {
      const svg = await readFile(join(outDirectory, file), 'utf8');
      // 100 posterior samples for each of the 7 digits (the legend draws rectangles).
      expect(svg.match(/<circle/g)?.length, file).toBe(700);
    }
    const html = await readFile(join(outDirectory, 'figure-8.html'), 'utf8');
    // The four panels inlined.
    expect(html.match(/<svg/g)?.length).toBe(4);
    expect(html.match(/<circle/g)?.length).toBe(4 * 700);
    expect(html).toContain('geco-cla-0.9');
    const measurements = JSON.parse(await readFile(join(outDirectory, 'measurements.json'), 'utf8'));
    expect(measurements.runs).toHaveLength(4);
    expect(measurements.runs[0].latents).toHaveLength(700);
    const config = JSON.parse(await readFile(join(outDirectory, 'runs', 'geco-cla-0.9', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: { id: 'vae-nvp', config: { latentSize: 2 } }, dataset: 'micro-mnist', constraints: [{ id: 'cla', kappa: 0.9 }], training: { batchSize: 7 } });
    expect(lines.some((line) => line.includes('[4/4] geco-cla-0.9'))).toBe(true);

    // --resume reuses the four finished runs: no training (checkpoints untouched), the same numbers.
    const checkpoints = join(outDirectory, 'runs', 'elbo', 'checkpoints');
    const trainedAt = await Promise.all((await readdir(checkpoints)).map(async (name) => [name, (await stat(join(checkpoints, name))).mtimeMs]));
    const resumedLines: string[] = [];
    const resumed = await figure8MicroMnistReproduction.run({ outDirectory, scale: 'smoke', resume: true, backend: 'wasm', log: (text) => resumedLines.push(text) });
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.table).toEqual(result.table);
    expect(await Promise.all((await readdir(checkpoints)).map(async (name) => [name, (await stat(join(checkpoints, name))).mtimeMs]))).toEqual(trainedAt);
    expect(resumedLines.filter((line) => line.includes('already trained with this config'))).toHaveLength(4);

    // Every draw is seeded (training, posterior samples), so a second run gives the same numbers.
    const again = await figure8MicroMnistReproduction.run({ outDirectory: await mkdtemp(join(tmpdir(), 'tame-figure-8-')), scale: 'smoke', backend: 'wasm', log: () => {} });
    expect(again.table).toEqual(result.table);
  });
});
