import { connect, type Socket } from 'node:net';

/** Where a Redis server listens and how to log in (see redis-location.ts). */
export interface RespEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly db: number;
  /** Give up connecting (and authenticating) after this long. */
  readonly connectTimeoutMs: number;
}

/** A decoded RESP2 reply: bulk and simple strings as text, integers as numbers, nested errors as Error values. */
export type RespReply = string | number | null | Error | RespReply[];

type Parsed = { readonly value: RespReply; readonly next: number } | undefined;

/** Decodes one reply starting at `offset`, or undefined when `buffer` does not hold all of it yet. */
function parseReply(buffer: Buffer, offset: number): Parsed {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const kind = String.fromCharCode(buffer[offset] as number);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (kind) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new Error(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buffer.length < afterLine + length + 2) return undefined;
      return { value: buffer.toString('utf8', afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespReply[] = [];
      let next = afterLine;
      for (let index = 0; index < count; index += 1) {
        const item = parseReply(buffer, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP reply type '${kind}'`);
  }
}

function encodeCommand(command: string, args: ReadonlyArray<string | number | Buffer>): Buffer {
  const parts = [command, ...args].map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(String(part), 'utf8')));
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const part of parts) chunks.push(Buffer.from(`$${part.length}\r\n`), part, Buffer.from('\r\n'));
  return Buffer.concat(chunks);
}

/**
 * One TCP connection to Redis speaking RESP2: the small client BullMQ's built-in adapter for Bun's RedisClient
 * drives (`send`, `connected`, `connect`, `close`, `duplicate`, `onconnect` / `onclose`). BullMQ 6 ships no
 * Redis driver of its own (ioredis and node-redis are optional peers, not installed here); its adapter does the
 * rest: Lua scripts, transactions, reconnecting with backoff. A connection is used once: after it closes, the
 * adapter asks `duplicate()` for a fresh one aimed at the same server.
 */
export class RespConnection {
  connected = false;
  onconnect: () => void = () => {};
  onclose: (error?: Error) => void = () => {};
  onerror: (error: Error) => void = () => {};
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Array<{ resolve(value: RespReply): void; reject(error: Error): void }> = [];

  constructor(readonly endpoint: RespEndpoint) {}

  /** Opens the socket, logs in and selects the database; rejects with what went wrong and where. */
  connect(): Promise<void> {
    const { host, port } = this.endpoint;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no answer from ${host}:${port} within ${this.endpoint.connectTimeoutMs} ms`)), this.endpoint.connectTimeoutMs);
      const socket = connect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (!settled) fail(new Error(`${error.code ?? error.message} at ${host}:${port}`));
        else this.onerror(error);
      });
      socket.on('close', () => {
        const wasConnected = this.connected;
        this.connected = false;
        for (const waiting of this.pending.splice(0)) waiting.reject(new Error('Connection closed'));
        if (!settled) fail(new Error(`connection to ${host}:${port} closed while connecting`));
        else if (wasConnected) this.onclose(new Error('Connection closed'));
      });
      socket.on('connect', () => {
        void this.logIn().then(
          () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            this.connected = true;
            this.onconnect();
            resolve();
          },
          (error: Error) => fail(new Error(`Redis at ${host}:${port} refused the login: ${error.message}`)),
        );
      });
    });
  }

  private async logIn(): Promise<void> {
    const { username, password, db } = this.endpoint;
    if (password !== undefined) await this.request('AUTH', username === undefined ? [password] : [username, password]);
    if (db !== 0) await this.request('SELECT', [db]);
  }

  /** Sends one command; the reply resolves, an error reply rejects. Written to the socket at once (MULTI bursts rely on it). */
  send<REPLY = RespReply>(command: string, args: ReadonlyArray<string | number | Buffer>): Promise<REPLY> {
    if (!this.connected) return Promise.reject(new Error('Connection closed'));
    return this.request(command, args) as Promise<REPLY>;
  }

  // The few typed commands the adapter calls directly.
  get(key: string): Promise<string | null> {
    return this.send('GET', [key]);
  }

  smembers(key: string): Promise<string[] | null> {
    return this.send('SMEMBERS', [key]);
  }

  incr(key: string): Promise<number> {
    return this.send('INCR', [key]);
  }

  private request(command: string, args: ReadonlyArray<string | number | Buffer>): Promise<RespReply> {
    return new Promise((resolve, reject) => {
      const socket = this.socket;
      if (socket === undefined || socket.destroyed) {
        reject(new Error('Connection closed'));
        return;
      }
      this.pending.push({ resolve, reject });
      socket.write(encodeCommand(command, args));
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parseReply(this.buffer, offset);
      if (parsed === undefined) break;
      offset = parsed.next;
      const waiting = this.pending.shift();
      if (waiting === undefined) continue;
      if (parsed.value instanceof Error) waiting.reject(parsed.value);
      else waiting.resolve(parsed.value);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  close(): void {
    this.connected = false;
    this.socket?.destroy();
  }

  /** A new, unconnected connection to the same server (the adapter connects it). */
  async duplicate(): Promise<RespConnection> {
    return new RespConnection(this.endpoint);
  }
}
