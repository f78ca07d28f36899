import { resolve } from 'node:path';
import { writeFileAtomically } from '@tame/core/node';
import { isNonNegativeInteger, isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { openRun } from '../run/open-run.js';
import { renderReconstructions, renderSamples } from '../run/render-images.js';
import { startBackend } from '../start-backend.js';
import { UsageError } from '../usage-error.js';

export const sampleFlags = {
  run: { type: 'string' },
  n: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  reconstructions: { type: 'boolean' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `tame sample --run DIR [--n 64] [--out grid.png] [--reconstructions]`: a PNG grid of prior samples or reconstructions. */
export async function sampleCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('sample', argv, sampleFlags);
  if (flags.run === undefined) throw new UsageError('tame sample: --run <run directory> is required');
  const count = numberFlag('sample', 'n', flags.n, 64, (value) => isPositiveInteger(value) && value <= 1024, 'an integer in [1, 1024]');
  const seed = numberFlag('sample', 'seed', flags.seed, 1, isNonNegativeInteger, 'an integer >= 0');
  const out = resolve(flags.out ?? (flags.reconstructions === true ? 'reconstructions.png' : 'samples.png'));
  if (!out.endsWith('.png')) throw new UsageError(`tame sample: --out must name a .png file, got '${flags.out}'`);
  await startBackend('sample', flags.backend);
  const run = await openRun('sample', flags.run);
  try {
    const png =
      flags.reconstructions === true ? await renderReconstructions(run.experiment.model, run.dataset, { count }) : await renderSamples(run.experiment.model, run.dataset, { count, seed });
    await writeFileAtomically(out, png);
    const result = { out, count, kind: flags.reconstructions === true ? 'reconstructions' : 'samples', step: run.step };
    process.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : `wrote ${count} ${result.kind} of ${flags.run} (step ${run.step}) to ${out}\n`);
  } finally {
    run.dispose();
  }
}
