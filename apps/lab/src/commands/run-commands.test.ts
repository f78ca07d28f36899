import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { evalCommand } from './eval-command.js';
import { reportCommand } from './report-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';


/** Width, height and colour type from a PNG's IHDR, and the number of decoded bytes. */
function pngInfo(bytes: Buffer) {
  const idat = bytes.indexOf('IDAT');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes[25], idatBytes: inflateSync(bytes.subarray(idat + 4, idat + 4 + bytes.readUInt32BE(idat - 4))).length };
}

let runDirectory: string;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tame-run-commands-'));
  runDirectory = join(scratch, 'run');
  await captureStdout(() => trainCommand(['--steps', '2', '--batch', '8', '--out', runDirectory, '--backend', 'wasm', '--json']));
});

describe('tame sample', () => {
  it('writes a grid of n prior samples from the newest checkpoint', async () => {
    const out = join(scratch, 'grid.png');
    const printed = JSON.parse(await captureStdout(() => sampleCommand(['--run', runDirectory, '--n', '9', '--out', out, '--json'])));
    expect(printed).toEqual({ out, count: 9, kind: 'samples', step: 2 });
    // 3x3 grid of 28x28 images scaled 2x with 1-pixel padding: 3 * 57 + 1 pixels a side, grey.
    const info = pngInfo(await readFile(out));
    expect(info).toEqual({ width: 172, height: 172, colourType: 0, idatBytes: 172 * 173 });
  });

  it('writes reconstructions: data and reconstruction rows interleaved', async () => {
    const out = join(scratch, 'reconstructions.png');
    await captureStdout(() => sampleCommand(['--run', runDirectory, '--n', '4', '--reconstructions', '--out', out]));
    const info = pngInfo(await readFile(out));
    // 4 images in 8 columns -> one row of 4 data images and one of 4 reconstructions.
    expect([info.width, info.height]).toEqual([4 * 57 + 1, 2 * 57 + 1]);
  });

  it('samples a conditional model (convdraw on mnist-sum) given the contexts of test examples', async () => {
    const conditional = join(scratch, 'convdraw');
    await captureStdout(() => trainCommand(['--model', 'convdraw', '--dataset', 'mnist-sum', '--steps', '2', '--batch', '8', '--out', conditional, '--json']));
    const out = join(scratch, 'conditional.png');
    const printed = JSON.parse(await captureStdout(() => sampleCommand(['--run', conditional, '--n', '4', '--out', out, '--json'])));
    expect(printed).toMatchObject({ count: 4, kind: 'samples', step: 2 });
    expect(pngInfo(await readFile(out)).width).toBe(2 * 57 + 1);
  });

  it('explains a missing run, a bad count and a corrupt checkpoint in one line', async () => {
    await expect(sampleCommand([])).rejects.toThrow('tame sample: --run <run directory> is required');
    await expect(sampleCommand(['--run', join(scratch, 'nope')])).rejects.toThrow(/run directory .*nope does not exist/);
    await expect(sampleCommand(['--run', runDirectory, '--n', '0'])).rejects.toThrow("--n must be an integer in [1, 1024], got '0'");
    await expect(sampleCommand(['--run', runDirectory, '--out', 'x.jpg'])).rejects.toThrow(/must name a .png file/);
    const corrupt = join(scratch, 'corrupt');
    await captureStdout(() => trainCommand(['--steps', '1', '--batch', '4', '--out', corrupt, '--json']));
    const checkpoint = join(corrupt, 'checkpoints', 'checkpoint-000000001.tame');
    const bytes = await readFile(checkpoint);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(checkpoint, bytes);
    await expect(sampleCommand(['--run', corrupt])).rejects.toThrow(/tame sample: Checkpoint .*checkpoint-000000001.tame: corrupt or truncated \(CRC-32 mismatch\)/);
  });
});

describe('tame report', () => {
  it('rewrites report.html from the run directory', async () => {
    const printed = await captureStdout(() => reportCommand(['--run', runDirectory]));
    expect(printed).toBe(`wrote ${join(runDirectory, 'report.html')}\n`);
    expect(await readFile(join(runDirectory, 'report.html'), 'utf8')).toContain('Constraint re');
  });
});

describe('tame eval', () => {
  it('prints the documented JSON, consistent with the training summary and with the bounds on the marginal KL', async () => {
    const result = JSON.parse(await captureStdout(() => evalCommand(['--run', runDirectory, '--json'])));
    expect(Object.keys(result)).toEqual(['reconstructionMse', 'kl', 'marginalKl', 'marginalKlStandardError', 'nllPerPixel', 'sigmaStar', 'elbo', 'constraints', 'examples', 'step', 'constraintStatus']);
    const summary = JSON.parse(await readFile(join(runDirectory, 'summary.json'), 'utf8'));
    expect(Math.sqrt(result.reconstructionMse)).toBeCloseTo(summary.testReconstructionRmse, 5);
    expect(result.kl).toBeCloseTo(summary.testKl, 3);
    // RE's test figure is toUnits of the test-set mean C: the RMSE of the whole set (float32 sums).
    expect(result.constraints.re).toBeCloseTo(Math.sqrt(result.reconstructionMse), 4);
    expect(result.constraintStatus.re).toEqual({
      kappa: 0.1,
      units: 'per-pixel RMSE',
      status: result.constraints.re <= 0.1 ? 'satisfied' : result.constraints.re <= 0.1 * Math.sqrt(1.02) ? 'at-kappa' : 'violated',
      value: result.constraints.re,
      violation: expect.closeTo((result.constraints.re / 0.1) ** 2 - 1, 6),
      tolerance: { rule: 'violation', amount: 0.02, limit: expect.closeTo(0.1 * Math.sqrt(1.02), 12) },
      constraintValue: expect.closeTo(784 * (result.constraints.re ** 2 - 0.01), 3),
    });
    expect(summary.constraints.re.test).toMatchObject({ status: result.constraintStatus.re.status, value: expect.closeTo(result.constraints.re, 4) });
    // KL(q_N || p) = E[KL(q(z|x) || p)] - I_N(x; z), and 0 <= I_N <= log N.
    const slack = 4 * result.marginalKlStandardError;
    expect(result.marginalKl).toBeLessThanOrEqual(result.kl + slack);
    expect(result.marginalKl).toBeGreaterThanOrEqual(result.kl - Math.log(result.examples) - slack);
    expect(result.sigmaStar).toBeGreaterThan(0);
    expect(Number.isFinite(result.nllPerPixel) && Number.isFinite(result.elbo)).toBe(true);
  });

  it('states each constraint\'s test-set figure against kappa in its text output', async () => {
    const printed = await captureStdout(() => evalCommand(['--run', runDirectory]));
    expect(printed).toMatch(/\n {2}re per-pixel RMSE \d\.\d{4} (at|<=|>) κ 0\.1 \((within 1%|satisfied|violated: beyond 1%); C\/budget -?[\d.e+-]+\)\n$/);
  });

  it('estimates the marginal KL of a flow posterior (vae-nvp) through its pairwise densities', async () => {
    const nvp = join(scratch, 'nvp');
    await captureStdout(() => trainCommand(['--model', 'vae-nvp', '--steps', '2', '--batch', '8', '--out', nvp, '--json']));
    const result = JSON.parse(await captureStdout(() => evalCommand(['--run', nvp, '--json'])));
    expect(result.marginalKl).not.toBeNull();
    const slack = 4 * result.marginalKlStandardError;
    expect(result.marginalKl).toBeLessThanOrEqual(result.kl + slack);
    expect(result.marginalKl).toBeGreaterThanOrEqual(result.kl - Math.log(result.examples) - slack);
  });

  it('needs a run directory', async () => {
    await expect(evalCommand([])).rejects.toThrow('tame eval: --run <run directory> is required');
    await expect(evalCommand(['--run', join(scratch, 'missing')])).rejects.toThrow(/does not exist/);
  });
});
