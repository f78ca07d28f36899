import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { UsageError } from '../usage-error.js';
import { trainCommand } from './train-command.js';


describe('tame train', () => {
  it('trains, writes a reproducible run directory with a report, and resumes it to more steps', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-train-')), 'run');
    const lines = await captureStdout(async () => {
      await trainCommand(['--steps', '3', '--batch', '8', '--out', out, '--backend', 'wasm', '--json']);
      await trainCommand(['--resume', out, '--steps', '5', '--backend', 'wasm', '--json']);
    });
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model: { id: 'conv-vae' },
      dataset: 'mnist',
      objective: { kind: 'geco' },
      constraints: [{ id: 're', kappa: 0.1 }],
      training: { steps: 5, batchSize: 8, seed: 0 },
    });
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.map((entry) => entry.step)).toEqual([1, 2, 3, 4, 5]);
    expect(metrics[0]).toHaveProperty('re.multiplier');
    const summaries = lines.split('\n').filter((line) => line.startsWith('{"summary"')).map((line) => JSON.parse(line).summary);
    expect(summaries.map((summary) => summary.step)).toEqual([3, 5]);
    expect(summaries[1].testReconstructionRmse).toBeGreaterThan(0);
    expect(summaries[1].constraints.re).toMatchObject({ kappa: 0.1, units: 'per-pixel RMSE' });
    expect((await readdir(out)).sort()).toEqual(['checkpoints', 'config.json', 'metrics.jsonl', 'reconstructions.png', 'report.html', 'samples.png', 'summary.json']);
    expect(await readdir(join(out, 'checkpoints'))).toEqual(['checkpoint-000000003.tame', 'checkpoint-000000005.tame']);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('Constraint re');
    expect(report).toContain('Information plane');
    expect(report.match(/data:image\/png;base64/g)).toHaveLength(2);
  });

  it('reads an experiment file and lets flags override it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-train-'));
    const experiment = join(directory, 'experiment.json');
    await writeFile(experiment, JSON.stringify({ objective: { kind: 'beta', beta: 2 }, constraints: [], training: { steps: 7, batchSize: 4 } }));
    await captureStdout(() => trainCommand(['--config', experiment, '--steps', '2', '--out', join(directory, 'run'), '--json']));
    const config = JSON.parse(await readFile(join(directory, 'run', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ objective: { kind: 'beta', beta: 2 }, constraints: [], training: { steps: 2, batchSize: 4 } });
    const metrics = (await readFile(join(directory, 'run', 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(metrics.at(-1)).toHaveProperty('nll');
  });

  it('composes several constraints from the catalog, each with its own multiplier, and other likelihoods for the ELBO', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-train-'));
    const out = join(directory, 'constrained');
    await captureStdout(() =>
      trainCommand(['--constraint', 're:0.1', '--constraint', 'pncc:0.5:patchSize=7', '--constraint', 'cla:0.8', '--constraint', 'fre:0.05', '--steps', '2', '--batch', '8', '--out', out, '--json']),
    );
    const last = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line)).at(-1);
    for (const name of ['re', 'pncc', 'cla', 'fre']) expect(last).toHaveProperty(`${name}.multiplier`);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.constraints)).toEqual(['re', 'pncc', 'cla', 'fre']);
    await captureStdout(() => trainCommand(['--model', 'bilbo-vae', '--objective', 'bilbo', '--likelihood', 'baggins', '--steps', '2', '--batch', '8', '--out', join(directory, 'bilbo'), '--json']));
    const bilbo = JSON.parse((await readFile(join(directory, 'bilbo', 'metrics.jsonl'), 'utf8')).trim().split('\n').at(-1)!);
    expect(bilbo).toHaveProperty('bilbo.rate');
    await expect(trainCommand(['--objective', 'bilbo', '--out', join(directory, 'x')])).rejects.toThrow("the bilbo objective needs --model bilbo-vae, got 'conv-vae'");
    for (const likelihood of ['bernoulli', 'baggins', 'gaussian-learned']) {
      await captureStdout(() => trainCommand(['--objective', 'elbo', '--likelihood', likelihood, '--steps', '1', '--batch', '8', '--out', join(directory, likelihood), '--json']));
      const metrics = JSON.parse((await readFile(join(directory, likelihood, 'metrics.jsonl'), 'utf8')).trim());
      expect(Number.isFinite(metrics.nll)).toBe(true);
    }
  });

  it('explains bad flags, configs and run directories in one line', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tame-train-'));
    await expect(trainCommand(['--out', out])).rejects.toThrow(new UsageError(`tame train: ${out} already exists; pass --force to overwrite it or --resume ${out} to continue it`));
    await expect(trainCommand(['--steps', 'many'])).rejects.toThrow("tame train: --steps must be a number, got 'many'");
    await expect(trainCommand(['--steps', '1.5'])).rejects.toThrow('training.steps: Invalid input: expected int, received number');
    await expect(trainCommand(['--constraint', 're'])).rejects.toThrow(/--constraint must look like id:kappa/);
    await expect(trainCommand(['--constraint', 'bogus:1', '--out', join(out, 'x')])).rejects.toThrow("tame: unknown constraint 'bogus' (expected one of: re");
    await expect(trainCommand(['--constraint', 're:-1', '--out', join(out, 'y')])).rejects.toThrow(/constraint 're': Invalid config/);
    await expect(trainCommand(['--model', 'nope', '--out', join(out, 'z')])).rejects.toThrow(/unknown model 'nope'/);
    await expect(trainCommand(['--objective', 'magic'])).rejects.toThrow(/--objective must be geco, elbo, bilbo, beta:<positive number> or beta-anneal:<from>\[:<to>\]/);
    await expect(trainCommand(['--resume', join(out, 'missing')])).rejects.toThrow(/does not exist/);
    await expect(trainCommand(['--resume', out, '--lr', '1'])).rejects.toThrow(/drop --lr/);
    await expect(trainCommand(['--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
    const broken = join(out, 'broken.json');
    await writeFile(broken, '{"training": {"steps": 0}, "extra": 1}');
    await expect(trainCommand(['--config', broken])).rejects.toThrow(/invalid experiment in .*broken.json: .*training.steps/);
    await writeFile(broken, '{not json');
    await expect(trainCommand(['--config', broken])).rejects.toThrow(/is not valid JSON/);
  });
});
