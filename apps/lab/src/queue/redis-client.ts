import { createBunRedisClient, type RedisClient } from 'bullmq';
import { UsageError } from '../usage-error.js';
import type { RedisLocation } from './redis-location.js';
import { RespConnection } from './resp-connection.js';

/**
 * A BullMQ connection to `location`: our RESP connection behind BullMQ's adapter, which connects at once and
 * reconnects with backoff (1 s, growing to 20 s) whenever Redis goes away, e.g. while it restarts. Commands sent
 * meanwhile fail fast and BullMQ's loops retry them, which is what `maxRetriesPerRequest: null` buys with ioredis.
 */
export function createRedisClient(location: RedisLocation): RedisClient {
  const client = createBunRedisClient(new RespConnection(location));
  // Connection losses are retried; without a listener EventEmitter would throw them.
  client.on('error', () => {});
  return client;
}

/** Connects once and PINGs, so that a wrong address or password is one line (exit 2) rather than a hang. */
export async function checkRedisReachable(command: string, location: RedisLocation): Promise<void> {
  const connection = new RespConnection(location);
  try {
    await connection.connect();
    await connection.send('PING', []);
  } catch (error) {
    throw new UsageError(`tame ${command}: cannot reach Redis at ${location.display}: ${(error as Error).message}`);
  } finally {
    connection.close();
  }
}
