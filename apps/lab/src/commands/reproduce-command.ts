import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomically } from '@tame/core/node';
import { parseFlags } from '../parse-flags.js';
import { prepareQueueSubmission } from '../queue/prepare-queue-submission.js';
import { findReproduction, type Reproduction, type ReproductionScale, reproductions } from '../reproductions/index.js';
import { reproductionScales } from '../reproductions/reproduction.js';
import { resultMarkdown } from '../reproductions/result-markdown.js';
import { pathExists, writeJsonAtomically } from '../run/run-directory.js';
import { startBackend } from '../start-backend.js';
import { threadsFlag } from '../thread-count.js';
import { UsageError } from '../usage-error.js';

export const reproduceFlags = {
  smoke: { type: 'boolean' },
  medium: { type: 'boolean' },
  faithful: { type: 'boolean' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  queue: { type: 'string' },
  store: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function listing(): string {
  return reproductions
    .map((reproduction) => `${reproduction.id}\n  ${reproduction.title}\n${reproductionScales.map((scale) => `  ${scale}: ${reproduction.configurations[scale]}`).join('\n')}`)
    .join('\n');
}

/**
 * `tame reproduce list | <id> | all [--smoke | --medium | --faithful] [--out DIR] [--force | --resume] [--backend NAME] [--threads N] [--json]`: runs the
 * experiments of the two papers (EXPERIMENTS.md). Each writes its runs and figures into its directory, plus
 * result.json (numbers, claim, configuration, wall time) and result.md (the Markdown EXPERIMENTS.md quotes).
 */
export async function reproduceCommand(argv: string[]): Promise<void> {
  const [target, ...rest] = argv;
  if (target === undefined || target.startsWith('-')) {
    throw new UsageError(`tame reproduce: name an experiment (${reproductions.map((reproduction) => reproduction.id).join(', ')}), 'all' or 'list'`);
  }
  const flags = parseFlags('reproduce', rest, reproduceFlags);
  if (target === 'list') {
    process.stdout.write(flags.json === true ? `${JSON.stringify(reproductions.map(({ id, title, configurations }) => ({ id, title, configurations })))}\n` : `${listing()}\n`);
    return;
  }
  const selected: Reproduction[] = target === 'all' ? [...reproductions] : [findReproduction(target)].filter((found) => found !== undefined);
  if (selected.length === 0) throw new UsageError(`tame reproduce: unknown experiment '${target}' (known: ${reproductions.map((reproduction) => reproduction.id).join(', ')}, all, list)`);
  // 'small' is the default and has no flag.
  const scaleFlags = (['smoke', 'medium', 'faithful'] as const).filter((name) => flags[name] === true);
  if (scaleFlags.length > 1) {
    const named = scaleFlags.map((name) => `--${name}`);
    throw new UsageError(`tame reproduce: ${named.slice(0, -1).join(', ')} and ${named.at(-1)} exclude each other (pick one scale; the default is small)`);
  }
  const scale: ReproductionScale = scaleFlags[0] ?? 'small';
  // wasm threads of the runs this process trains itself (default every core); sweeps' child runs get their share.
  const threads = threadsFlag('reproduce', flags.threads);
  if (flags.queue !== undefined) {
    const unsupported = selected.filter((reproduction) => reproduction.runsOnQueue !== true);
    if (unsupported.length > 0) {
      const supported = reproductions.filter((reproduction) => reproduction.runsOnQueue === true).map((reproduction) => reproduction.id);
      throw new UsageError(`tame reproduce: --queue is not supported by ${unsupported.map((reproduction) => reproduction.id).join(', ')} (it trains outside the shared run helper); it is by ${supported.join(', ')}`);
    }
  } else if (flags.store !== undefined) {
    throw new UsageError('tame reproduce: --store only means something with --queue (the directory workers share)');
  }
  const root = flags.out ?? join('runs', target === 'all' ? `reproduce-${scale}` : `${target}${scale === 'small' ? '' : `-${scale}`}`);
  const directories = selected.map((reproduction) => (target === 'all' ? join(root, reproduction.id) : root));
  for (const directory of directories) {
    if ((await pathExists(directory)) && flags.force !== true && flags.resume !== true) {
      throw new UsageError(`tame reproduce: ${directory} already exists; pass --force to replace it or --resume to reuse its finished runs`);
    }
  }
  const log = (text: string) => {
    if (flags.json !== true) process.stdout.write(`${text}\n`);
  };
  const openExecutor =
    flags.queue === undefined ? undefined : await prepareQueueSubmission('reproduce', { queue: flags.queue, store: flags.store, resume: flags.resume === true }, directories, log);
  await startBackend('reproduce', flags.backend, threads);
  const results = [];
  for (const [index, reproduction] of selected.entries()) {
    const outDirectory = directories[index]!;
    if (flags.resume !== true) await rm(outDirectory, { recursive: true, force: true });
    await mkdir(outDirectory, { recursive: true });
    const started = performance.now();
    const log = (text: string) => {
      if (flags.json !== true) process.stdout.write(`[${reproduction.id} ${((performance.now() - started) / 1000).toFixed(0)} s] ${text}\n`);
    };
    log(`${reproduction.title} (${scale}: ${reproduction.configurations[scale]})`);
    const executor = await openExecutor?.(outDirectory);
    let result: Awaited<ReturnType<Reproduction['run']>>;
    try {
      result = await reproduction.run({
        outDirectory,
        scale,
        log,
        resume: flags.resume === true,
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        ...(executor === undefined ? {} : { executor }),
      });
    } finally {
      await executor?.close();
    }
    const wallSeconds = Math.round((performance.now() - started) / 1000);
    const record = { id: reproduction.id, title: reproduction.title, scale, configuration: reproduction.configurations[scale], wallSeconds, ...result };
    await writeJsonAtomically(join(outDirectory, 'result.json'), record);
    const markdown = `### ${reproduction.title}\n\n\`npm run tame -- reproduce ${reproduction.id}${scale === 'small' ? '' : ` --${scale}`}\` (${scale}: ${reproduction.configurations[scale]}; ${wallSeconds} s)\n\n${resultMarkdown(result)}`;
    await writeFileAtomically(join(outDirectory, 'result.md'), new TextEncoder().encode(markdown));
    results.push({ ...record, outDirectory: resolve(outDirectory) });
    if (flags.json !== true) process.stdout.write(`${markdown}\nwrote ${join(outDirectory, 'result.json')} and result.md\n\n`);
  }
  if (flags.json === true) process.stdout.write(`${JSON.stringify(target === 'all' ? results : results[0])}\n`);
}
