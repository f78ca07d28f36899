import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { classifierCommand } from './classifier-command.js';


describe('tame classifier', () => {
  it('reports the shipped classifier at >= 97% on the held-out digits', async () => {
    const result = JSON.parse(await captureStdout(() => classifierCommand(['eval', '--json'])));
    expect(result.count).toBe(1000);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('trains and saves a classifier that eval then reads back', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-classifier-')), 'classifier.tameckpt');
    const trained = JSON.parse(await captureStdout(() => classifierCommand(['train', '--steps', '30', '--out', out, '--json'])));
    expect(trained.steps).toBe(30);
    const evaluated = JSON.parse(await captureStdout(() => classifierCommand(['eval', '--weights', out, '--json'])));
    expect(evaluated.testAccuracy).toBeCloseTo(trained.testAccuracy, 10);
    // 30 steps are far from converged but well above chance.
    expect(evaluated.testAccuracy).toBeGreaterThan(0.2);
  });

  it('explains bad use in one line', async () => {
    await expect(classifierCommand(['fit'])).rejects.toThrow("expected 'train' or 'eval'");
    await expect(classifierCommand(['train'])).rejects.toThrow(/--out FILE is required/);
  });
});
