import { type BackendName, backendNames, setBackend } from '@tame/backend';
import { createReconstructionErrorConstraint } from '@tame/constraints';
import { createConvVaeModel } from '@tame/conv-vae';
import { createArrayDataset, createGecoObjective, train } from '@tame/core';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export interface BenchResult {
  readonly backend: BackendName;
  readonly model: string;
  readonly batch: number;
  readonly msPerStep: number;
  readonly imagesPerSecond: number;
  /** How many timed steps the median is over (after the warm-up steps). */
  readonly steps: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Median wall time of the reference conv VAE's full training step (forward, GECO RE + KL, backward, Adam). */
export async function benchmarkReferenceStep(options: { batch: number; warmup: number; steps: number }): Promise<number> {
  const batch = options.batch;
  // Random images in [0, 1]: the step's cost does not depend on the pixel values.
  let state = 12345;
  const values = Float32Array.from({ length: batch * 2 * 784 }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  });
  const dataset = createArrayDataset({ name: 'bench', train: values, shape: [28, 28, 1] });
  const model = createConvVaeModel({ seed: 1 });
  const objective = createGecoObjective({ constraints: [createReconstructionErrorConstraint({ kappa: 0.1, name: 're' })] });
  const durations: number[] = [];
  let last = performance.now();
  try {
    await train({
      model,
      objective,
      dataset,
      steps: options.warmup + options.steps,
      batchSize: batch,
      callbacks: [
        {
          onStepEnd(event) {
            const now = performance.now();
            if (event.step > options.warmup) durations.push(now - last);
            last = now;
          },
        },
      ],
    });
  } finally {
    model.dispose();
  }
  return median(durations);
}

export async function benchCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    backends: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    'slow-steps': { type: 'string' },
  });
  const batch = numberFlag('bench', 'batch', flags.batch, 64, isPositiveInteger, 'a positive integer');
  const steps = numberFlag('bench', 'steps', flags.steps, 20, isPositiveInteger, 'a positive integer');
  // The tfjs cpu backend takes tens of seconds per step on this model; fewer timed steps keep the bench short.
  const slowSteps = numberFlag('bench', 'slow-steps', flags['slow-steps'], 3, isPositiveInteger, 'a positive integer');
  const requested = (flags.backends ?? backendNames.join(',')).split(',').map((name) => name.trim());
  for (const name of requested) {
    if (!(backendNames as readonly string[]).includes(name)) throw new UsageError(`tame bench: unknown backend '${name}' (expected ${backendNames.join(', ')})`);
  }
  for (const name of requested as BackendName[]) {
    try {
      await setBackend(name);
    } catch (error) {
      process.stderr.write(`bench: skipping ${name}: ${(error as Error).message}\n`);
      continue;
    }
    const timed = name === 'cpu' ? slowSteps : steps;
    if (flags.json !== true) process.stdout.write(`bench: ${name}, reference conv VAE, batch ${batch}, median of ${timed} steps...\n`);
    const msPerStep = await benchmarkReferenceStep({ batch, warmup: name === 'cpu' ? 1 : 5, steps: timed });
    const result: BenchResult = {
      backend: name,
      model: 'reference-conv-vae',
      batch,
      msPerStep: Number(msPerStep.toFixed(2)),
      imagesPerSecond: Number(((batch * 1000) / msPerStep).toFixed(1)),
      steps: timed,
    };
    process.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : `  ${result.msPerStep} ms/step, ${result.imagesPerSecond} images/s\n`);
  }
}
