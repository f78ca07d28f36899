import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReconstructionErrorConstraint } from '@tame/constraints';
import { describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { UsageError } from '../usage-error.js';
import { describeConstraintAtEnd, summarizeConstraint, trainCommand } from './train-command.js';

describe('the run summary and end-of-run line state each constraint against kappa', () => {
  // RE on MNIST, kappa 0.1: C = 784 (RMSE^2 - 0.01) per image; the moving average C_ma is what GECO logs.
  const re = createReconstructionErrorConstraint({ kappa: 0.1, dimensions: 784 });
  const movingAverageAt = (rmse: number) => 784 * (rmse * rmse - 0.01);
  const finalMetrics = (rmse: number, multiplier: number) => ({ 're.movingAverage': movingAverageAt(rmse), 're.multiplier': multiplier });

  it('at kappa: RMSE 0.10002 for kappa 0.1 is met, not violated', () => {
    const entry = summarizeConstraint(re, finalMetrics(0.10002, 12.34), movingAverageAt(0.1003));
    expect(entry).toEqual({
      kappa: 0.1,
      units: 'per-pixel RMSE',
      movingAverage: expect.closeTo(0.10002, 10),
      satisfied: true,
      multiplier: 12.34,
      status: 'at-kappa',
      value: expect.closeTo(0.10002, 10),
      violation: expect.closeTo(0.0004, 6),
      tolerance: { rule: 'violation', amount: 0.02, limit: expect.closeTo(0.100995, 6) },
      test: { value: expect.closeTo(0.1003, 10), violation: expect.closeTo(0.006009, 9), status: 'at-kappa' },
    });
    expect(describeConstraintAtEnd('re', entry)).toBe('re per-pixel RMSE 0.1000 at κ 0.1 (within 1%; C_ma/budget 0.0004, λ 12.3)');
  });

  it('satisfied and violated', () => {
    const satisfied = summarizeConstraint(re, finalMetrics(0.095, 0.5), movingAverageAt(0.097));
    expect(satisfied).toMatchObject({ satisfied: true, status: 'satisfied', value: expect.closeTo(0.095, 10), test: { status: 'satisfied' } });
    expect(describeConstraintAtEnd('re', satisfied)).toBe('re per-pixel RMSE 0.0950 <= κ 0.1 (satisfied; C_ma/budget -0.098, λ 0.500)');
    const violated = summarizeConstraint(re, finalMetrics(0.113, 250), movingAverageAt(0.1011));
    expect(violated).toMatchObject({ satisfied: false, status: 'violated', value: expect.closeTo(0.113, 10), test: { status: 'violated' } });
    expect(describeConstraintAtEnd('re', violated)).toBe('re per-pixel RMSE 0.1130 > κ 0.1 (violated: beyond 1%; C_ma/budget 0.28, λ 250)');
  });

  it('an objective without a moving average has no status', () => {
    const entry = summarizeConstraint(re, {}, movingAverageAt(0.2));
    expect(entry).toMatchObject({ movingAverage: null, satisfied: null, status: null, value: null, test: { status: 'violated' } });
    expect(describeConstraintAtEnd('re', entry)).toBe('re κ 0.1 (no moving average: not a GECO run)');
  });
});


describe('tame train', () => {
  it('trains, writes a reproducible run directory with a report, and resumes it to more steps', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-train-')), 'run');
    const text = await captureStdout(() => trainCommand(['--steps', '3', '--batch', '8', '--out', out, '--backend', 'wasm']));
    expect(text).toMatch(/\ndone at step 3: re per-pixel RMSE \d\.\d{4} (at|<=|>) κ 0\.1 \((within 1%|satisfied|violated: beyond 1%); C_ma\/budget -?[\d.e+-]+, λ [\d.e+-]+\); test RMSE/);
    const summaryAtThree = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    const lines = await captureStdout(() => trainCommand(['--resume', out, '--steps', '5', '--backend', 'wasm', '--json']));
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
    expect([summaryAtThree.step, ...summaries.map((summary) => summary.step)]).toEqual([3, 5]);
    const summary = summaries[0];
    expect(summary.testReconstructionRmse).toBeGreaterThan(0);
    expect(summary.constraints.re).toMatchObject({ kappa: 0.1, units: 'per-pixel RMSE', tolerance: { rule: 'violation', amount: 0.02 } });
    const { re } = summary.constraints;
    expect(re.value).toBe(re.movingAverage);
    expect(['satisfied', 'at-kappa', 'violated']).toContain(re.status);
    expect(re.satisfied).toBe(re.status !== 'violated');
    expect(summary.constraintsSatisfied).toBe(re.satisfied);
    // The test-set figure is the test RMSE (RE's C is the squared error of the posterior-mean reconstruction; float32 sums).
    expect(re.test.value).toBeCloseTo(summary.testReconstructionRmse, 4);
    expect((await readdir(out)).sort()).toEqual(['checkpoints', 'config.json', 'metrics.jsonl', 'reconstructions.png', 'report.html', 'samples.png', 'summary.json']);
    expect(await readdir(join(out, 'checkpoints'))).toEqual(['checkpoint-000000003.tame', 'checkpoint-000000005.tame']);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('Constraint re');
    expect(report).toMatch(/<h2>Constraints<\/h2>.*<td>re per-pixel RMSE \d\.\d{4} (at|&#60;=|&#62;) κ 0\.1 .*<\/td><td>re per-pixel RMSE/s);
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

  it('--controller picks the multiplier controller, records it in config.json and logs the unit-free violation', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-train-'));
    const out = join(directory, 'run');
    await captureStdout(() => trainCommand(['--controller', 'pi:integralGain=0.01', '--steps', '3', '--batch', '4', '--out', out, '--json']));
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.objective).toEqual({ kind: 'geco', controller: { kind: 'pi', integralGain: 0.01, proportionalGain: 1, smoothing: 0, violationLimit: 1 } });
    const rows = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    // RE on MNIST: the violation is C_ma over D kappa^2 = 784 * 0.01.
    expect(rows.at(-1)['re.violation']).toBeCloseTo(rows.at(-1)['re.movingAverage'] / 7.84, 4);
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
