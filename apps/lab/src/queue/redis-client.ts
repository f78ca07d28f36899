import { Redis, type RedisOptions } from 'ioredis';
import { UsageError } from '../usage-error.js';
import type { RedisEndpoint, RedisLocation } from './redis-location.js';

/** Where and as whom to connect, and how long connecting may take: the options every connection here shares. */
function endpointOptions(endpoint: RedisEndpoint): RedisOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    db: endpoint.db,
    ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    connectTimeout: endpoint.connectTimeoutMs,
  };
}

/**
 * A BullMQ connection to `location` (ioredis, the driver BullMQ is built and tested on). It reconnects with backoff
 * (0.5 s, growing to 5 s) whenever Redis goes away, e.g. while it restarts; `maxRetriesPerRequest: null` makes
 * commands wait for the reconnection instead of failing, which BullMQ requires of its workers' connections.
 */
export function createRedisClient(location: RedisEndpoint): Redis {
  const client = new Redis({
    ...endpointOptions(location),
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
  });
  // Connection losses are retried; without a listener EventEmitter would throw them.
  client.on('error', () => {});
  return client;
}

/** Sends one command on a fresh connection that neither retries nor queues: it answers or fails within the timeout. */
export async function sendRedisCommandOnce(endpoint: RedisEndpoint, command: string, args: readonly string[]): Promise<unknown> {
  const client = new Redis({
    ...endpointOptions(endpoint),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ETIMEDOUT, WRONGPASS) says more than "Connection is closed".
  let socketError: Error | undefined;
  client.on('error', (error: Error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    return await client.call(command, ...args);
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

/** Connects once and PINGs, so that a wrong address or password is one line (exit 2) rather than a hang. */
export async function checkRedisReachable(command: string, location: RedisLocation): Promise<void> {
  try {
    await sendRedisCommandOnce(location, 'PING', []);
  } catch (error) {
    throw new UsageError(`tame ${command}: cannot reach Redis at ${location.display}: ${(error as Error).message}`);
  }
}
