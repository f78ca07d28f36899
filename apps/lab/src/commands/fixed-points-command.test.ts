import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../usage-error.js';
import { fixedPointsCommand } from './fixed-points-command.js';

async function captureStdout(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    lines.push(String(text));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return lines.join('');
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tame-fixed-points-'));
});

describe('tame fixed-points', () => {
  it('prints betas, E, fixed-point counts and critical betas as JSON and writes the figure and the sweep', async () => {
    const out = join(scratch, 'blobs');
    const printed = JSON.parse(await captureStdout(() => fixedPointsCommand(['--data', 'two-blobs', '--betas', '6', '--tiles', '4', '--out', out, '--json'])));
    expect(Object.keys(printed)).toEqual(['betas', 'reconstructionError', 'fixedPoints', 'criticalBetas', 'out']);
    expect(printed.betas).toHaveLength(6);
    expect(printed.betas[0]).toBe(1e-3);
    expect(printed.betas[5]).toBe(3);
    expect(printed.reconstructionError).toHaveLength(6);
    expect(printed.fixedPoints).toHaveLength(6);
    expect(printed.fixedPoints.at(-1)).toBe(1);
    expect(printed.criticalBetas.length).toBeLessThanOrEqual(3);
    expect(printed.out).toBe(out);
    const html = await readFile(join(out, 'fixed-points.html'), 'utf8');
    expect(html).toContain('<svg ');
    expect(html).toContain('two-blobs');
    const record = JSON.parse(await readFile(join(out, 'fixed-points.json'), 'utf8'));
    expect(record.reconstructionError).toEqual(printed.reconstructionError);
    expect(record.lipschitz).toEqual({ kind: 'none', gamma: 0 });
    expect(record.distinct).toHaveLength(6);
  });

  it('runs the Lipschitz variants, the same for the same seed, and prints a summary without --json', async () => {
    const out = join(scratch, 'lines-local');
    const text = await captureStdout(() => fixedPointsCommand(['--data', 'lines', '--lipschitz', 'local', '--gamma', '0.5', '--betas', '4', '--tiles', '3', '--seed', '2', '--out', out]));
    expect(text).toMatch(/^lines: 4 betas in [\d.]+ s; fixed points \d+ -> \d+; critical betas .*\nwrote .*fixed-points\.html and fixed-points\.json\n$/);
    const first = JSON.parse(await readFile(join(out, 'fixed-points.json'), 'utf8'));
    expect(first.lipschitz).toEqual({ kind: 'local', gamma: 0.5 });
    await captureStdout(() => fixedPointsCommand(['--data', 'lines', '--lipschitz', 'local', '--gamma', '0.5', '--betas', '4', '--tiles', '3', '--seed', '2', '--out', out]));
    const second = JSON.parse(await readFile(join(out, 'fixed-points.json'), 'utf8'));
    expect(second.reconstructionError).toEqual(first.reconstructionError);
    const global = JSON.parse(await captureStdout(() => fixedPointsCommand(['--data', 'circles', '--lipschitz', 'global', '--betas', '3', '--tiles', '2', '--out', join(scratch, 'circles'), '--json'])));
    expect(global.fixedPoints).toHaveLength(3);
  });

  it('explains bad flags in one line (a UsageError: exit code 2)', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^tame fixed-points: --data <two-blobs\|lines\|circles> is required$/],
      [['--data', 'moons'], /--data must be one of two-blobs, lines, circles, got 'moons'/],
      [['--data', 'lines', '--lipschitz', 'everywhere'], /--lipschitz must be one of none, local, global, got 'everywhere'/],
      [['--data', 'lines', '--gamma', '1'], /--gamma needs --lipschitz local or global/],
      [['--data', 'lines', '--lipschitz', 'local', '--gamma=-1'], /--gamma must be a number >= 0, got '-1'/],
      [['--data', 'lines', '--betas', '2'], /--betas must be an integer in \[3, 1000\], got '2'/],
      [['--data', 'lines', '--tiles', '1.5'], /--tiles must be an integer in \[2, 64\]/],
      [['--data', 'lines', '--seed=-3'], /--seed must be an integer in \[0, 2\^32\)/],
      [['--data', 'lines', '--steps', '3'], /tame fixed-points: Unknown option '--steps'.*known flags: --data, --lipschitz/],
    ];
    for (const [argv, message] of cases) {
      const failure = fixedPointsCommand(argv);
      await expect(failure).rejects.toBeInstanceOf(UsageError);
      await expect(failure).rejects.toThrow(message);
      const error = await failure.then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error?.message).not.toContain('\n');
    }
  });
});
