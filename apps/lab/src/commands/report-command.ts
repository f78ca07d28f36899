import { resolve } from 'node:path';
import { parseFlags } from '../parse-flags.js';
import { checkInBrowser, findChromium } from '../report/headless-browser.js';
import { openRun } from '../run/open-run.js';
import { writeRunReport } from '../run/write-report.js';
import { startBackend } from '../start-backend.js';
import { UsageError } from '../usage-error.js';

export const reportFlags = { run: { type: 'string' }, screenshot: { type: 'string' }, backend: { type: 'string' } } as const;

/**
 * `tame report --run DIR [--screenshot report.png]`: rewrites report.html from the run's files (e.g. for a run that is
 * still training) and optionally renders it in headless Chromium to a PNG, failing on any console error.
 */
export async function reportCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('report', argv, reportFlags);
  if (flags.run === undefined) throw new UsageError('tame report: --run <run directory> is required');
  if (flags.screenshot !== undefined && !flags.screenshot.endsWith('.png')) throw new UsageError(`tame report: --screenshot must name a .png file, got '${flags.screenshot}'`);
  if (flags.screenshot !== undefined && findChromium() === undefined) {
    throw new UsageError('tame report: --screenshot needs Chromium (apt-get install chromium, or set CHROMIUM_PATH)');
  }
  await startBackend('report', flags.backend);
  const run = await openRun('report', flags.run);
  let path: string;
  try {
    path = await writeRunReport(flags.run, run.config, run.experiment.constraints);
  } finally {
    run.dispose();
  }
  process.stdout.write(`wrote ${path}\n`);
  if (flags.screenshot !== undefined) {
    const check = await checkInBrowser(resolve(path), { screenshotPath: resolve(flags.screenshot) });
    if (check.problems.length > 0) throw new UsageError(`tame report: the browser reported problems: ${check.problems.join('; ')}`);
    process.stdout.write(`wrote ${flags.screenshot} (${check.chartWidths.length} charts, ${check.imageWidths.length} images, no console errors)\n`);
  }
}
