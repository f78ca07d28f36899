import { summarizeDataset } from '@tame/datasets';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { openDatasetById } from '../experiment/open-dataset.js';
import { startBackend } from '../start-backend.js';
import { UsageError } from '../usage-error.js';

export const dataInspectFlags = { json: { type: 'boolean' }, max: { type: 'string' }, backend: { type: 'string' } } as const;

/** `tame data inspect <dataset id> [--json] [--max N] [--backend NAME]`: name, counts, shape, value range and label counts. */
export async function dataCommand(argv: string[]): Promise<void> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'inspect') throw new UsageError(`tame data: expected 'tame data inspect <dataset id>', got '${subcommand ?? ''}'`);
  const id = rest[0] !== undefined && !rest[0].startsWith('--') ? rest.shift() : undefined;
  const flags = parseFlags('data inspect', rest, dataInspectFlags);
  if (id === undefined) throw new UsageError('tame data inspect: name a dataset id, e.g. tame data inspect mnist (tame --help lists them)');
  const maxExamples = flags.max === undefined ? undefined : numberFlag('data inspect', 'max', flags.max, 0, isPositiveInteger, 'a positive integer');
  // Opening a dataset makes tensors: the backend first.
  await startBackend('data inspect', flags.backend);
  const dataset = await openDatasetById(id);
  try {
    const summary = await summarizeDataset(dataset, maxExamples === undefined ? {} : { maxExamples });
    const { name, count, shape, min, max, labels } = summary;
    const printed = { name, count, shape, ...(summary.contextShape === undefined ? {} : { contextShape: summary.contextShape }), min, max, labels };
    if (flags.json === true) process.stdout.write(`${JSON.stringify(printed)}\n`);
    else {
      process.stdout.write(
        [
          `${name}: ${count.train} train, ${count.test} test examples of shape [${shape}]${summary.contextShape === undefined ? '' : `, context [${summary.contextShape}]`}`,
          `values in [${min}, ${max}]`,
          labels === null ? 'unlabelled' : `labels: ${Object.entries(labels).map(([label, total]) => `${label}: ${total}`).join(', ')}`,
        ].join('\n') + '\n',
      );
    }
  } finally {
    dataset.dispose();
  }
}
