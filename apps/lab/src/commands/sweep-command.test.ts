import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureStdout } from '../testing/capture-stdout.js';
import { sweepCommand } from './sweep-command.js';

describe('tame sweep', () => {
  it('trains GECO at each kappa plus the ELBO and annealed-beta baselines, two runs at a time in child processes, and writes the information plane (smoke)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-sweep-')), 'sweep');
    const printed = JSON.parse(await captureStdout(() => sweepCommand(['--kappas', '0.1,0.2', '--steps', '2', '--batch', '8', '--out', out, '--json', '--parallel', '2'])));
    expect(printed.rows.map((row: { name: string }) => row.name)).toEqual(['elbo', 'beta-anneal-10', 'geco-re-0.1', 'geco-re-0.2', 'geco-re-matched']);
    for (const row of printed.rows) {
      expect(Number.isFinite(row.kl) && Number.isFinite(row.nllPerPixel) && row.reconstructionRmse > 0).toBe(true);
    }
    const saved = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    expect(saved.rows).toEqual(printed.rows);
    const html = await readFile(join(out, 'information-plane.html'), 'utf8');
    expect(html).toContain('<svg');
    // Five points in each chart: the information plane (NLL) and error against KL.
    expect(html.match(/<circle/g)?.length).toBe(10);
    // The matched run's kappa is the ELBO's training RMSE (4 significant digits), and both are reported.
    const elbo = printed.rows[0];
    expect(printed.matched.geco.kappa).toBeCloseTo(elbo.trainRmse, 3);
    expect(printed.matched.elbo.name).toBe('elbo');
    const matchedConfig = JSON.parse(await readFile(join(out, 'geco-re-matched', 'config.json'), 'utf8'));
    expect(matchedConfig.constraints[0].kappa).toBe(printed.matched.geco.kappa);
    const elboConfig = JSON.parse(await readFile(join(out, 'elbo', 'config.json'), 'utf8'));
    expect(elboConfig).toMatchObject({ objective: { kind: 'elbo' }, likelihood: { id: 'gaussian', config: { sigma: 0.1 } }, constraints: [] });
  });

  it('explains bad kappas and refuses to overwrite', async () => {
    await expect(sweepCommand(['--kappas', '0.1,2'])).rejects.toThrow(/--kappas must be per-pixel RMSEs in \(0, 1\)/);
    const out = await mkdtemp(join(tmpdir(), 'tame-sweep-'));
    await expect(sweepCommand(['--out', out])).rejects.toThrow(/already exists; pass --force/);
  });
});
