import { mkdir, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproductions } from '../reproductions/index.js';
import { captureStdout } from '../testing/capture-stdout.js';
import { reproduceCommand } from './reproduce-command.js';

// figure-8 and bilbo-baggins run their smoke scale in their own tests (reproductions/*.test.ts).
const smokeHere = ['figure-3', 'figure-4-mnist', 'figure-4-fashion-mnist', 'table-2', 'conditional-convdraw', 'figures-2-7'];

describe('tame reproduce', () => {
  it('lists every experiment with its four configurations', async () => {
    const listed = JSON.parse(await captureStdout(() => reproduceCommand(['list', '--json'])));
    expect(listed.map((entry: { id: string }) => entry.id)).toEqual(reproductions.map((reproduction) => reproduction.id));
    for (const entry of listed) expect(Object.keys(entry.configurations).sort()).toEqual(['faithful', 'medium', 'small', 'smoke']);
    const text = await captureStdout(() => reproduceCommand(['list']));
    expect(text.match(/^ {2}medium: /gm)?.length).toBe(reproductions.length);
    expect(reproductions.map((reproduction) => reproduction.id)).toEqual(expect.arrayContaining([...smokeHere, 'figure-8', 'bilbo-baggins']));
  });

  it('explains unknown experiments, exclusive scales and existing directories', async () => {
    await expect(reproduceCommand([])).rejects.toThrow(/name an experiment \(figure-3, /);
    await expect(reproduceCommand(['table-3'])).rejects.toThrow(/unknown experiment 'table-3' \(known: figure-3/);
    await expect(reproduceCommand(['table-2', '--smoke', '--faithful'])).rejects.toThrow(/--smoke and --faithful exclude each other/);
    await expect(reproduceCommand(['table-2', '--medium', '--faithful'])).rejects.toThrow(/--medium and --faithful exclude each other \(pick one scale/);
    await expect(reproduceCommand(['table-2', '--smoke', '--medium', '--faithful'])).rejects.toThrow(/--smoke, --medium and --faithful exclude each other/);
    const out = await mkdtemp(join(tmpdir(), 'tame-reproduce-'));
    await expect(reproduceCommand(['table-2', '--smoke', '--out', out])).rejects.toThrow(/already exists; pass --force to replace it or --resume/);
  });

  it('--medium writes into runs/<id>-medium by default (and all into runs/reproduce-medium)', async () => {
    const workingDirectory = process.cwd();
    process.chdir(await mkdtemp(join(tmpdir(), 'tame-reproduce-')));
    try {
      await mkdir(join('runs', 'table-2-medium'), { recursive: true });
      await expect(reproduceCommand(['table-2', '--medium'])).rejects.toThrow(/runs\/table-2-medium already exists/);
      await mkdir(join('runs', 'reproduce-medium', 'figure-3'), { recursive: true });
      await expect(reproduceCommand(['all', '--medium'])).rejects.toThrow(/runs\/reproduce-medium\/figure-3 already exists/);
    } finally {
      process.chdir(workingDirectory);
    }
  });

  it('--resume reuses runs that finished with the same config and evaluates them again', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-reproduce-')), 'figure-3');
    const first = JSON.parse(await captureStdout(() => reproduceCommand(['figure-3', '--smoke', '--out', out, '--json'])));
    const checkpoints = join(out, 'run', 'checkpoints');
    const before = (await readdir(checkpoints)).map((name) => name).sort();
    const modified = (await stat(join(out, 'run', 'summary.json'))).mtimeMs;
    const resumed = JSON.parse(await captureStdout(() => reproduceCommand(['figure-3', '--smoke', '--out', out, '--json', '--resume'])));
    expect(resumed.table).toEqual(first.table);
    expect((await readdir(checkpoints)).sort()).toEqual(before);
    expect((await stat(join(out, 'run', 'summary.json'))).mtimeMs).toBe(modified);
  }, 300_000);

  it('--resume reuses the fixed-point sweeps of figures-2-7 that were written with the same settings', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tame-reproduce-')), 'figures-2-7');
    const first = JSON.parse(await captureStdout(() => reproduceCommand(['figures-2-7', '--smoke', '--out', out, '--json'])));
    const record = join(out, 'two-blobs', 'fixed-points.json');
    const modified = (await stat(record)).mtimeMs;
    const resumed = JSON.parse(await captureStdout(() => reproduceCommand(['figures-2-7', '--smoke', '--out', out, '--json', '--resume'])));
    expect(resumed.table).toEqual(first.table);
    expect((await stat(record)).mtimeMs).toBe(modified);
  });

  for (const id of smokeHere) {
    it(`runs ${id} at smoke scale: result.json, result.md and every figure it names`, async () => {
      const out = join(await mkdtemp(join(tmpdir(), 'tame-reproduce-')), id);
      const printed = JSON.parse(await captureStdout(() => reproduceCommand([id, '--smoke', '--out', out, '--json'])));
      expect(printed).toMatchObject({ id, scale: 'smoke' });
      expect(printed.table.length).toBeGreaterThan(0);
      for (const row of printed.table) {
        for (const value of Object.values(row)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
      }
      expect(printed.claim.holds).toBeNull();
      for (const figure of printed.figures) expect((await stat(join(out, figure))).size).toBeGreaterThan(100);
      const saved = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
      expect(saved.table).toEqual(printed.table);
      const markdown = await readFile(join(out, 'result.md'), 'utf8');
      expect(markdown).toContain(`reproduce ${id} --smoke`);
      expect(markdown.split('\n').filter((line) => line.startsWith('| ')).length).toBe(printed.table.length + 1);
    }, 300_000);
  }
});
