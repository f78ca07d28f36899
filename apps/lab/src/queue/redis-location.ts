import { UsageError } from '../usage-error.js';

/** How long connecting to Redis may take before the command gives up (TAME_REDIS_CONNECT_TIMEOUT_MS overrides). */
export function redisConnectTimeoutMs(): number {
  const configured = Number(process.env.TAME_REDIS_CONNECT_TIMEOUT_MS);
  return configured > 0 ? configured : 5000;
}

/** Where a Redis server listens, and how long connecting may take. */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly db: number;
  /** Give up connecting (and authenticating) after this long. */
  readonly connectTimeoutMs: number;
}

export interface RedisLocation extends RedisEndpoint {
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
