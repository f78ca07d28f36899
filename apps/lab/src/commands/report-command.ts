import { setBackend } from '@tame/backend';
import { parseFlags } from '../parse-flags.js';
import { openRun } from '../run/open-run.js';
import { writeRunReport } from '../run/write-report.js';
import { UsageError } from '../usage-error.js';

export const reportFlags = { run: { type: 'string' }, backend: { type: 'string' } } as const;

/** `tame report --run DIR`: rewrites report.html from the run's files (e.g. for a run that is still training). */
export async function reportCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('report', argv, reportFlags);
  if (flags.run === undefined) throw new UsageError('tame report: --run <run directory> is required');
  await setBackend(flags.backend ?? 'auto');
  const run = await openRun('report', flags.run);
  try {
    process.stdout.write(`wrote ${await writeRunReport(flags.run, run.config, run.experiment.constraints)}\n`);
  } finally {
    run.dispose();
  }
}
