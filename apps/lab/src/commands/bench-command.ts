import { availableParallelism } from 'node:os';
import { type BackendName, backendNames } from '@tame/backend';
import { type BenchModelId, benchModelIds, isBenchModelId } from '../bench/bench-models.js';
import type { BenchResult, PeerResult } from '../bench/bench-result.js';
import { runBench } from '../bench/bench-runner.js';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

function listFlag<ITEM extends string>(name: string, value: string, isItem: (item: string) => item is ITEM, expected: readonly string[]): ITEM[] {
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!isItem(item)) throw new UsageError(`tame bench: unknown ${name} '${item}' (expected ${expected.join(', ')})`);
  }
  return items as ITEM[];
}

const isBackendName = (value: string): value is BackendName => (backendNames as readonly string[]).includes(value);

function describe(result: BenchResult | PeerResult): string {
  const who = 'peer' in result ? `pytorch ${result.version} cpu` : result.backend;
  const threads = result.threads === null ? '' : `, ${result.threads} thread${result.threads === 1 ? '' : 's'}`;
  const growth = 'tensorGrowth' in result && result.tensorGrowth !== 0 ? `, ${result.tensorGrowth} tensors leaked` : '';
  return `${result.model} on ${who}${threads}: ${result.msPerStep} ms/step, ${result.imagesPerSecond} images/s, peak RSS ${result.peakRssMiB} MiB${growth}`;
}

/**
 * `tame bench`: times a training step of every model (through @tame/core's train()) on each backend that starts and,
 * on wasm, at each thread count, each in a fresh process; then the PyTorch peer of the reference conv VAE step.
 */
export async function benchCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    backends: { type: 'string' },
    models: { type: 'string' },
    threads: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    'slow-steps': { type: 'string' },
    'no-peer': { type: 'boolean' },
  });
  const batch = numberFlag('bench', 'batch', flags.batch, 64, isPositiveInteger, 'a positive integer');
  const steps = numberFlag('bench', 'steps', flags.steps, 20, isPositiveInteger, 'a positive integer');
  // The tfjs cpu backend takes seconds to minutes per step; fewer timed steps keep the bench short.
  const slowSteps = numberFlag('bench', 'slow-steps', flags['slow-steps'], 3, isPositiveInteger, 'a positive integer');
  // cpu only on request: pure JS, 400x slower than wasm on a conv net.
  const backends = listFlag('backend', flags.backends ?? 'node-gpu,node,wasm', isBackendName, backendNames);
  const models: BenchModelId[] = listFlag('model', flags.models ?? benchModelIds.join(','), isBenchModelId, benchModelIds);
  const cores = availableParallelism();
  const threads = (flags.threads ?? [...new Set([1, cores])].join(','))
    .split(',')
    .map((value) => numberFlag('bench', 'threads', value.trim(), 1, isPositiveInteger, 'a comma-separated list of positive integers'));
  const write = (text: string) => process.stdout.write(`${text}\n`);
  if (flags.json !== true) write(`bench: ${models.join(', ')} on ${backends.join(', ')} (wasm on ${threads.join(', ')} threads), batch ${batch}, median of ${steps} steps, one process each...`);
  const results: Array<BenchResult | PeerResult> = [];
  const plan = { backends, models, threads, batch, steps, slowSteps, peerThreads: flags['no-peer'] === true ? undefined : Math.max(...threads) };
  for await (const result of runBench(plan, (reason) => process.stderr.write(`bench: skipping ${reason}\n`))) {
    results.push(result);
    write(flags.json === true ? JSON.stringify(result) : `  ${describe(result)}`);
  }
  // The comparison the backend README quotes: tame's fastest wasm reference step against PyTorch's.
  const peer = results.find((result): result is PeerResult => 'peer' in result);
  const reference = results
    .filter((result): result is BenchResult => !('peer' in result) && result.model === peer?.model)
    .sort((a, b) => a.msPerStep - b.msPerStep)[0];
  if (peer !== undefined && reference !== undefined) {
    const comparison = { comparison: `${reference.model} step`, tame: { backend: reference.backend, threads: reference.threads, msPerStep: reference.msPerStep }, pytorch: { threads: peer.threads, msPerStep: peer.msPerStep }, speedup: Number((peer.msPerStep / reference.msPerStep).toFixed(2)) };
    write(flags.json === true ? JSON.stringify(comparison) : `  tame (${reference.backend}, ${reference.threads ?? '-'} threads) is ${comparison.speedup}x PyTorch's speed on the ${reference.model} step (${reference.msPerStep} vs ${peer.msPerStep} ms)`);
  }
}
