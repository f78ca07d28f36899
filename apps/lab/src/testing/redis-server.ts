import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendRedisCommandOnce } from '../queue/redis-client.js';

/** Debian's redis-server, as CI installs it. */
export const redisServerPath = '/usr/bin/redis-server';
export const redisServerAvailable = existsSync(redisServerPath);

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** Saves the data, stops the server and starts it again on the same port and directory (a real restart). */
  restart(options?: { readonly downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function sendOnce(port: number, command: string, args: string[]): Promise<unknown> {
  return sendRedisCommandOnce({ host: '127.0.0.1', port, db: 0, connectTimeoutMs: 1000 }, command, args);
}

async function waitForPing(port: number, process: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (process.exitCode !== null) throw new Error(`redis-server exited with ${process.exitCode}: ${output()}`);
    try {
      if ((await sendOnce(port, 'PING', [])) === 'PONG') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING: ${output()}`);
}

/**
 * A private redis-server for one test file: a free 127.0.0.1 port, its own temporary directory, no persistence
 * unless `restart` asks for a save. Stop it in afterAll.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const directory = await mkdtemp(join(tmpdir(), 'tame-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    const started = spawn(redisServerPath, ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    child = started;
    await waitForPing(port, started, () => output);
  };
  const halt = async (command: 'SAVE' | 'NOSAVE') => {
    const running = child;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    // SHUTDOWN closes the connection instead of answering.
    await sendOnce(port, 'SHUTDOWN', [command]).catch(() => {});
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart(options = {}) {
      await halt('SAVE');
      await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 0));
      await launch();
    },
    async stop() {
      await halt('NOSAVE');
      await rm(directory, { recursive: true, force: true });
    },
  };
}
