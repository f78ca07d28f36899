import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../usage-error.js';
import { trainCommand } from './train-command.js';

describe('tame train', () => {
  it('trains, writes a reproducible run directory, and resumes it to more steps', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-train-')), 'run');
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      lines.push(String(text));
      return true;
    });
    try {
      await trainCommand(['--steps', '3', '--batch', '8', '--out', out, '--backend', 'wasm', '--json']);
      await trainCommand(['--resume', out, '--steps', '5', '--backend', 'wasm', '--json']);
    } finally {
      write.mockRestore();
    }
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ steps: 3, batchSize: 8, constraint: { id: 're', kappa: 0.1 }, seed: 0 });
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.map((entry) => entry.step)).toEqual([1, 2, 3, 4, 5]);
    expect(metrics[0]).toHaveProperty('re.multiplier');
    const summaries = lines.filter((line) => line.startsWith('{"summary"')).map((line) => JSON.parse(line).summary);
    expect(summaries.map((summary) => summary.step)).toEqual([3, 5]);
    expect(summaries[1].testRmse).toBeGreaterThan(0);
    expect(await readdir(join(out, 'checkpoints'))).toEqual(['checkpoint-000000003.tame', 'checkpoint-000000005.tame']);
  });

  it('refuses to overwrite a run and explains bad flags in one line', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tame-train-'));
    await expect(trainCommand(['--out', out])).rejects.toThrow(new UsageError(`tame train: ${out} already exists; pass --force to overwrite it or --resume ${out} to continue it`));
    await expect(trainCommand(['--steps', 'many'])).rejects.toThrow("tame train: --steps must be a positive integer, got 'many'");
    await expect(trainCommand(['--kappa', '2'])).rejects.toThrow(/--kappa must be a per-pixel RMSE in \(0, 1\)/);
    await expect(trainCommand(['--resume', join(out, 'missing')])).rejects.toThrow(/has no config.json/);
    await expect(trainCommand(['--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
  });
});
