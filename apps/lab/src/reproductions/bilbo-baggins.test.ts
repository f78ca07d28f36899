import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bilboBagginsReproduction } from './bilbo-baggins.js';

describe('tame reproduce bilbo-baggins', () => {
  it('trains BILBO, the learned-variance ELBO and BAGGINS on x, 10 x and 8 x, and writes the figures (smoke)', async () => {
    const outDirectory = join(await mkdtemp(join(tmpdir(), 'tame-bilbo-baggins-')), 'bilbo-baggins');
    const logged: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await bilboBagginsReproduction.run({ outDirectory, scale: 'smoke', log: (text) => logged.push(text) });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(bilboBagginsReproduction.id).toBe('bilbo-baggins');

    const value = (prefix: string) => {
      const row = result.table.find((entry) => String(entry.quantity).startsWith(prefix));
      expect(row, prefix).toBeDefined();
      return row?.value as number;
    };
    expect(result.table).toHaveLength(10);
    for (const row of result.table) {
      expect(Object.keys(row).sort()).toEqual(['expected', 'quantity', 'unit', 'value']);
      expect(Number.isFinite(row.value), String(row.quantity)).toBe(true);
    }
    const bilbo = value('BILBO fixed-prior test ELBO (prior at moving v)');
    const elbo = value('ELBO (learned variances)');
    expect(value('BILBO − ELBO')).toBeCloseTo(bilbo - elbo, 9);
    // Four steps leave the two runs on the same trajectory: the offsets are D ln a up to float rounding.
    const dimensions = 28 * 28;
    expect(value('BAGGINS loss(10 x) − loss(x), mean')).toBeCloseTo(dimensions * Math.log(10), 0);
    expect(value('BAGGINS loss(8 x) − loss(x), mean')).toBeCloseTo(dimensions * Math.log(8), 1);
    expect(result.table.find((row) => String(row.quantity).startsWith('BAGGINS loss(10 x) − loss(x), mean'))?.expected).toBeCloseTo(dimensions * Math.log(10), 9);
    expect(typeof result.claim.holds).toBe('boolean');
    expect(result.claim.ours).toContain('D ln 10');

    expect(result.figures).toEqual(['baggins-scale-invariance.svg', 'baggins-loss-difference.svg', 'bilbo-vs-elbo-training-loss.svg']);
    for (const figure of result.figures) {
      const svg = await readFile(join(outDirectory, figure), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.match(/<path /g)?.length, figure).toBe(2);
    }
    const measurements = JSON.parse(await readFile(join(outDirectory, 'measurements.json'), 'utf8'));
    expect(measurements.settings).toMatchObject({ steps: 4, bagginsSteps: 4, evaluationExamples: 64 });
    expect(measurements.bilbo.fixedPriorTestElbo.examples).toBe(64);
    expect(measurements.bilbo.movingPriorVariance).toHaveLength(16);
    expect(logged.some((line) => line.includes('(c) BILBO + BAGGINS, 10 x'))).toBe(true);

    // --resume loads the five saved models instead of training them (their files untouched): the same numbers.
    const weights = ['bilbo', 'elbo', 'baggins-x1', 'baggins-x10', 'baggins-x8'].map((name) => join(outDirectory, 'runs', name, 'model.tameckpt'));
    const savedAt = await Promise.all(weights.map(async (path) => (await stat(path)).mtimeMs));
    const resumedLines: string[] = [];
    const resumed = await bilboBagginsReproduction.run({ outDirectory, scale: 'smoke', resume: true, log: (text) => resumedLines.push(text) });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(resumed.table).toEqual(result.table);
    expect(await Promise.all(weights.map(async (path) => (await stat(path)).mtimeMs))).toEqual(savedAt);
    expect(resumedLines.filter((line) => line.includes('already trained with these settings'))).toHaveLength(5);
    expect(resumedLines.some((line) => line.includes('step '))).toBe(false);
  }, 60_000);
});
