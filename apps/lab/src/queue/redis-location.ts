import { UsageError } from '../usage-error.js';
import type { RespEndpoint } from './resp-connection.js';

/** How long connecting to Redis may take before the command gives up (TAME_REDIS_CONNECT_TIMEOUT_MS overrides). */
export function redisConnectTimeoutMs(): number {
  const configured = Number(process.env.TAME_REDIS_CONNECT_TIMEOUT_MS);
  return configured > 0 ? configured : 5000;
}

export interface RedisLocation extends RespEndpoint {
  /** 'redis://HOST:PORT/DB' without the password, for messages. */
  readonly display: string;
}

/** Parses `redis://[[user]:password@]HOST[:PORT][/DB]`; anything else is a one-line usage error naming the flag. */
export function parseRedisLocation(command: string, text: string): RedisLocation {
  const expected = `--queue must be redis://[:password@]HOST:PORT[/DB]`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`tame ${command}: ${expected}, got '${text}'`);
  }
  if (url.protocol !== 'redis:' || url.hostname === '') throw new UsageError(`tame ${command}: ${expected}, got '${text}'`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || url.search !== '' || url.hash !== '') {
    throw new UsageError(`tame ${command}: ${expected} (DB a number), got '${text}'`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    db,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    connectTimeoutMs: redisConnectTimeoutMs(),
    display: `redis://${url.host}/${db}`,
  };
}
