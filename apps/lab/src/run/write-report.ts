import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConstraintV1 } from '@tame/core';
import { writeFileAtomically } from '@tame/core/node';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { renderRunReport } from '../report/run-report.js';
import { pathExists, readMetricsRows, runFiles } from './run-directory.js';

/** (Re)writes report.html from the files of a run directory: metrics, summary, config and the PNG grids. */
export async function writeRunReport(runDirectory: string, config: ExperimentConfig, constraints: readonly ConstraintV1[]): Promise<string> {
  const metrics = await readMetricsRows(runDirectory);
  const summaryPath = join(runDirectory, runFiles.summary);
  const summary = (await pathExists(summaryPath)) ? (JSON.parse(await readFile(summaryPath, 'utf8')) as Record<string, unknown>) : undefined;
  const images = [];
  for (const [file, caption] of [
    [runFiles.reconstructions, 'Test data (odd rows) and reconstructions (even rows)'],
    [runFiles.samples, 'Samples from the prior'],
  ] as const) {
    const path = join(runDirectory, file);
    if (await pathExists(path)) images.push({ caption, png: await readFile(path) });
  }
  const html = renderRunReport({
    title: `tame run ${runDirectory}: ${config.model.id} on ${config.dataset}, ${config.objective.kind}`,
    config,
    ...(summary === undefined ? {} : { summary }),
    metrics,
    constraints: constraints.map((constraint, index) => ({
      name: constraint.name,
      kappa: config.constraints[index]?.kappa ?? constraint.kappa,
      units: constraint.units,
      toUnits: constraint.toUnits ?? ((value: number) => value),
    })),
    images,
  });
  const path = join(runDirectory, runFiles.report);
  await writeFileAtomically(path, new TextEncoder().encode(html));
  return path;
}
