import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { dataCommand } from './data-command.js';


describe('tame data inspect', () => {
  it('summarises the embedded MNIST: counts, shape, range and 10 labels adding up to 10,000', async () => {
    const summary = JSON.parse(await captureStdout(() => dataCommand(['inspect', 'mnist', '--json'])));
    expect(summary).toMatchObject({ name: 'mnist', count: { train: 9000, test: 1000 }, shape: [28, 28, 1], min: 0, max: 1 });
    expect(Object.keys(summary.labels)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Object.values(summary.labels as Record<string, number>).reduce((sum, count) => sum + count, 0)).toBe(10000);
  });

  it('shows a conditional dataset with its context shape', async () => {
    const summary = JSON.parse(await captureStdout(() => dataCommand(['inspect', 'mnist-sum', '--json', '--max', '64'])));
    expect(summary.contextShape).toBeDefined();
    expect(summary.shape).toEqual([28, 28, 1]);
  });

  it('names an unknown id, a missing or corrupt file in one line', async () => {
    await expect(dataCommand(['inspect', 'nope'])).rejects.toThrow(/tame: dataset 'nope': .*mnist/);
    await expect(dataCommand(['inspect'])).rejects.toThrow(/name a dataset id/);
    await expect(dataCommand(['look'])).rejects.toThrow(/expected 'tame data inspect <dataset id>'/);
    const directory = await mkdtemp(join(tmpdir(), 'tame-data-'));
    const images = join(directory, 'images.idx');
    await writeFile(images, Buffer.from([0, 0, 8, 3, 0, 0]));
    await expect(dataCommand(['inspect', `idx:${images},${images}`])).rejects.toThrow(/images.idx/);
    await expect(dataCommand(['inspect', `idx:${join(directory, 'missing')},${images}`])).rejects.toThrow(/missing/);
  });
});
