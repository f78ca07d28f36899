import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { experimentConfigSchema } from '../experiment/experiment-config.js';
import { readMetricsRows, runFiles } from './run-directory.js';
import { trainAndOpenRun, type TrainAndOpenRunOptions } from './train-and-open-run.js';

// The reference conv VAE on embedded MNIST for a few steps of 8: the whole loop in a few seconds.
const tinyConfig = (steps: number) => experimentConfigSchema.parse({ training: { steps, batchSize: 8 } });

async function newRunDirectory(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'tame-train-and-open-')), 'run');
}

describe('trainAndOpenRun', () => {
  it('trains and opens a run, frees it afterwards, and with reuse opens the finished run again without training', async () => {
    const logged: string[] = [];
    const options: TrainAndOpenRunOptions = {
      runDirectory: await newRunDirectory(),
      config: tinyConfig(4),
      reuseFinishedRuns: true,
      inChildProcess: false,
      command: 'test',
      log: (text) => logged.push(text),
    };
    const tensorsBefore = tf.memory().numTensors;
    const first = await trainAndOpenRun(options, async (opened, training) => {
      expect(opened.step).toBe(4);
      // The model's variables and the dataset live while the run is open.
      expect(tf.memory().numTensors).toBeGreaterThan(tensorsBefore);
      return training;
    });
    expect(first.reused).toBe(false);
    expect(first.summary).toMatchObject({ step: 4, reason: 'completed' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const metrics = join(options.runDirectory, runFiles.metrics);
    const checkpoints = join(options.runDirectory, runFiles.checkpoints);
    const trained = { metrics: (await stat(metrics)).mtimeMs, summary: (await stat(join(options.runDirectory, runFiles.summary))).mtimeMs, checkpoints: await readdir(checkpoints) };

    let held = 0;
    const openLock = { acquire: async () => ((held += 1), () => (held -= 1)) };
    const second = await trainAndOpenRun({ ...options, openLock }, async (opened, training) => {
      expect(opened.step).toBe(4);
      expect(held).toBe(1);
      return training;
    });
    expect(held).toBe(0);
    expect(second).toEqual({ summary: first.summary, reused: true, seconds: 0 });
    expect((await stat(metrics)).mtimeMs).toBe(trained.metrics);
    expect((await stat(join(options.runDirectory, runFiles.summary))).mtimeMs).toBe(trained.summary);
    expect(await readdir(checkpoints)).toEqual(trained.checkpoints);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(logged).toEqual(['already trained with this config, evaluating it again']);

    // The run is freed when the callback fails too.
    await expect(
      trainAndOpenRun(options, async () => {
        throw new Error('inspection failed');
      }),
    ).rejects.toThrow('inspection failed');
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('retrains a run directory that finished with another config from scratch (its later checkpoint and metrics go)', async () => {
    const runDirectory = await newRunDirectory();
    const options = { runDirectory, reuseFinishedRuns: true, inChildProcess: false, command: 'test', log: () => {} };
    await trainAndOpenRun({ ...options, config: tinyConfig(4) }, async () => undefined);
    const retrained = await trainAndOpenRun({ ...options, config: tinyConfig(2) }, async (opened, training) => ({ step: opened.step, reused: training.reused }));
    // A stale step-4 checkpoint would be the newest and openRun would load it.
    expect(retrained).toEqual({ step: 2, reused: false });
    expect((await readMetricsRows(runDirectory)).map((row) => row.step)).toEqual([1, 2]);
  });
});
