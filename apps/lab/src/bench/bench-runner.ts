import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@tame/backend';
import { sourceNodeArguments } from '../run/source-node-arguments.js';
import type { BenchModelId } from './bench-models.js';
import type { BenchRequest, BenchResult, PeerResult } from './bench-result.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchProcess = join(here, 'bench-process.ts');
/** The PyTorch peer, outside src/: a Python script, not part of the app's TypeScript. */
export const pytorchPeerScript = join(here, '..', '..', 'bench', 'pytorch-peer.py');

export interface BenchPlan {
  readonly backends: readonly BackendName[];
  readonly models: readonly BenchModelId[];
  /** wasm thread counts to time each model with (other backends size their own pool: timed once). */
  readonly threads: readonly number[];
  readonly batch: number;
  readonly steps: number;
  /** Timed steps on the cpu backend (pure JS: seconds to minutes per step), after one warm-up step. */
  readonly slowSteps: number;
  /** Also time the PyTorch peer (apps/lab/bench/pytorch-peer.py) on this many threads; undefined: skip it. */
  readonly peerThreads?: number | undefined;
}

interface ProcessOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[]): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
/** The message of an uncaught error in a child's stderr (Node prints the stack and its version after it). */
const errorLine = (text: string) => [...text.split('\n')].reverse().find((line) => /^\w*Error: /.test(line))?.replace(/^\w*Error: /, '') ?? lastLine(text);

/** Times one model on one backend and thread count in a fresh process. */
async function measure(request: BenchRequest): Promise<BenchResult> {
  const output = await run(process.execPath, sourceNodeArguments(benchProcess, [JSON.stringify(request)]));
  const line = lastLine(output.stdout);
  if (output.code !== 0 || !line.startsWith('{')) throw new Error(errorLine(output.stderr) || `exit ${output.code}`);
  return JSON.parse(line) as BenchResult;
}

/** Pythons that may have PyTorch: TAME_PEER_PYTHON, then PATH's, then Debian's (python3-torch is installed for it). */
function peerPythons(): string[] {
  return [...new Set([process.env.TAME_PEER_PYTHON, 'python3', '/usr/bin/python3'].filter((path): path is string => path !== undefined && path !== ''))];
}

/** The PyTorch peer's line, or the reason it could not run (no python3 with torch). */
export async function measurePeer(options: { batch: number; steps: number; threads: number }): Promise<PeerResult | { readonly skipped: string }> {
  const args = [pytorchPeerScript, '--json', '--batch', String(options.batch), '--steps', String(options.steps), '--threads', String(options.threads)];
  let reason = 'no python3 found';
  for (const python of peerPythons()) {
    let output: ProcessOutput;
    try {
      output = await run(python, args);
    } catch (error) {
      reason = `${python}: ${(error as Error).message}`;
      continue;
    }
    const line = lastLine(output.stdout);
    if (output.code === 0 && line.startsWith('{')) return JSON.parse(line) as PeerResult;
    reason = lastLine(output.stderr) || `${python} exited ${output.code}`;
  }
  return { skipped: reason };
}

/**
 * Runs the plan: every model on every backend (on wasm at every thread count), one process each, then the peer.
 * Yields each result as it comes; a backend that cannot start is reported through `skip` once and passed over. Any
 * other failure rejects: a model that cannot train is a bug, not a skip.
 */
export async function* runBench(plan: BenchPlan, skip: (reason: string) => void): AsyncGenerator<BenchResult | PeerResult> {
  for (const backend of plan.backends) {
    const slow = backend === 'cpu';
    const threadCounts = backend === 'wasm' ? plan.threads : [1];
    const requests = plan.models.flatMap((model) => threadCounts.map((threads) => ({ backend, model, threads, batch: plan.batch, warmup: slow ? 1 : 5, steps: slow ? plan.slowSteps : plan.steps })));
    for (const request of requests) {
      try {
        yield await measure(request);
      } catch (error) {
        const message = (error as Error).message;
        // setBackend's message when tfjs-node is not installed or cannot load.
        if (!/could not be started/.test(message)) throw new Error(`${request.model} on ${backend} (${request.threads} thread(s)): ${message}`);
        skip(`${backend}: ${message}`);
        break;
      }
    }
  }
  if (plan.peerThreads !== undefined) {
    const peer = await measurePeer({ batch: plan.batch, steps: plan.steps, threads: plan.peerThreads });
    if ('skipped' in peer) skip(`pytorch peer: ${peer.skipped}`);
    else yield peer;
  }
}
