import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../set-backend.js';

const fixture = fileURLToPath(new URL('./thread-count.fixture.ts', import.meta.url));

interface FixtureResult {
  threads: number;
  losses: number[];
  weights: string;
}

/** Trains the fixture in a fresh process (the pool is fixed per process); resolves only if that process exits by itself. */
async function train(threads: number): Promise<FixtureResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--conditions=@tame/source', fixture, '--threads', String(threads), '--steps', '100'],
    { timeout: 90_000 }
  );
  return JSON.parse(stdout) as FixtureResult;
}

describe('wasm threads in Node', () => {
  it('starts a 2-thread pool, trains 100 steps bit for bit as 1 thread does, and lets Node exit', async () => {
    const [one, two] = await Promise.all([train(1), train(2)]);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.losses).toHaveLength(100);
    expect(two.losses[99]).toBeLessThan(two.losses[0]! / 2); // it trained
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toBe(one.weights);
  });

  it('refuses a thread count that is not a whole number ≥ 1', async () => {
    await expect(setBackend('wasm', { threads: 0 })).rejects.toThrow('setBackend: threads must be a whole number ≥ 1, got 0');
    await expect(setBackend('wasm', { threads: 1.5 })).rejects.toThrow('got 1.5');
  });

  it('cannot change the thread count once wasm has started (the set-up started it with 1)', async () => {
    await expect(setBackend('wasm', { threads: 2 })).rejects.toThrow(
      'setBackend: the wasm backend already runs 1 thread(s) in this process and cannot change it (asked for 2)'
    );
    expect(await setBackend('wasm', { threads: 1 })).toBe('wasm');
  });
});
