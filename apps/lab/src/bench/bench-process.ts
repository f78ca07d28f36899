// One bench measurement in its own process (bench-runner.ts spawns it): a process's wasm thread pool is fixed once
// started, and its peak RSS is then the measured model's alone. Prints one JSON line: a BenchResult.
import { setBackend } from '@tame/backend';
import type { BenchRequest, BenchResult } from './bench-result.js';
import { benchModelNames } from './bench-models.js';
import { timeTrainingSteps } from './time-training-steps.js';

const request = JSON.parse(process.argv[2] ?? '{}') as BenchRequest;
await setBackend(request.backend, { threads: request.threads });
const timing = await timeTrainingSteps({ model: request.model, batchSize: request.batch, warmup: request.warmup, steps: request.steps });
const result: BenchResult = {
  backend: request.backend,
  model: benchModelNames[request.model],
  // tfjs-node sizes its own pool: the count only applies to wasm.
  threads: request.backend === 'wasm' ? request.threads : null,
  batch: request.batch,
  msPerStep: Number(timing.msPerStep.toFixed(2)),
  imagesPerSecond: Number(((request.batch * 1000) / timing.msPerStep).toFixed(1)),
  steps: request.steps,
  peakRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  tensorGrowth: timing.tensorGrowth,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
