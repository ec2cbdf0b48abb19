/**
 * The three npm clients the real-server tests use (iovalkey, ioredis, node-redis), behind one small
 * interface, each created with the options applications pass: username / password, TLS with the
 * server's CA, `db`, and a connection name.
 */
import IoRedis from 'ioredis';
import IoValkey from 'iovalkey';
import { createClient, defineScript } from 'redis';
import { RunningServer } from './harness';

export type ClientLib = 'iovalkey' | 'ioredis' | 'node-redis';
export const CLIENT_LIBS: ClientLib[] = ['iovalkey', 'ioredis', 'node-redis'];

export interface ConnectOptions {
  readonly username?: string;
  readonly password?: string;
  /** The database the client selects when it connects (`db` / `database`). */
  readonly db?: number;
  /** The connection name (`connectionName` / `name`). */
  readonly name?: string;
}

/** A connected client. */
export interface Client {
  readonly lib: ClientLib;
  /** Sends any command and resolves with the reply (rejects with the server's error). */
  call(...args: string[]): Promise<unknown>;
  /** `SET` through the client's own API. */
  set(key: string, value: string): Promise<unknown>;
  /** `GET` through the client's own API. */
  get(key: string): Promise<string | null>;
  /** `MULTI` / `SET` / `GET` / `EXEC` through the client's transaction API. */
  transaction(key: string, value: string): Promise<unknown[]>;
  /** `MULTI` / `GET` / `EXEC`. */
  readTransaction(key: string): Promise<unknown[]>;
  /** A Lua script through the client's script API (EVALSHA, EVAL when the server does not know it): INCRBY on a key. */
  incrByScript(key: string, by: number): Promise<number>;
  /** The 'error' events the client emitted (ioredis / iovalkey report a refused SELECT only there). */
  readonly errors: Error[];
  /** Sends QUIT and waits for the reply. */
  quit(): Promise<unknown>;
  /** Closes the socket without QUIT (for clients in an unknown state). */
  disconnect(): void;
}

const INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

/** Connects with the usual options; rejects when the client's connection (handshake included) fails. */
export async function connect(lib: ClientLib, server: RunningServer, opts: ConnectOptions = {}): Promise<Client> {
  const errors: Error[] = [];
  if (lib === 'node-redis') {
    const client = createClient({
      socket: {
        host: server.host, port: server.port, reconnectStrategy: false, connectTimeout: 5_000,
        ...(server.tls ? { tls: true as const, ca: server.tls.ca } : {}),
      },
      username: opts.username,
      password: opts.password,
      database: opts.db,
      name: opts.name,
      scripts: {
        incrBy: defineScript({
          SCRIPT: INCR_BY,
          NUMBER_OF_KEYS: 1,
          parseCommand(parser, key: string, by: number) {
            parser.pushKey(key);
            parser.push(String(by));
          },
          transformReply: (reply: unknown) => reply as number,
        }),
      },
    });
    client.on('error', (e: Error) => errors.push(e));
    try {
      await client.connect();
    } catch (e) {
      client.destroy();
      throw e;
    }
    return {
      lib,
      errors,
      call: (...args) => client.sendCommand(args),
      set: (key, value) => client.set(key, value),
      get: async (key) => (await client.get(key)) as string | null,
      transaction: (key, value) => client.multi().set(key, value).get(key).exec() as Promise<unknown[]>,
      readTransaction: (key) => client.multi().get(key).exec() as Promise<unknown[]>,
      incrByScript: async (key, by) => Number(await client.incrBy(key, by)),
      quit: () => client.quit(),
      disconnect: () => {
        if (client.isOpen) client.destroy();
      },
    };
  }
  // The two share ioredis's API (iovalkey is its fork); typed as ioredis.
  const Ctor = (lib === 'iovalkey' ? IoValkey : IoRedis) as unknown as typeof IoRedis;
  const client = new Ctor({
    host: server.host,
    port: server.port,
    username: opts.username,
    password: opts.password,
    db: opts.db,
    connectionName: opts.name,
    tls: server.tls ? { ca: server.tls.ca } : undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5_000,
    // disconnect() waits this long for the socket to close before destroying it (a timer that keeps jest alive).
    disconnectTimeout: 100,
  });
  client.on('error', (e: Error) => errors.push(e));
  client.defineCommand('incrByScript', { numberOfKeys: 1, lua: INCR_BY });
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    // ioredis / iovalkey reject with "Connection is closed."; the server's reason is in an 'error' event.
    throw new Error([(e as Error).message, ...errors.map(x => x.message)].join('; '));
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const scripted = client as any;
  return {
    lib,
    errors,
    call: (...args) => client.call(args[0], ...args.slice(1)),
    set: (key, value) => client.set(key, value),
    get: (key) => client.get(key),
    transaction: async (key, value) => unwrap(await client.multi().set(key, value).get(key).exec()),
    readTransaction: async (key) => unwrap(await client.multi().get(key).exec()),
    incrByScript: async (key, by) => Number(await scripted.incrByScript(key, by)),
    quit: () => client.quit(),
    disconnect: () => {
      if (client.status !== 'end') client.disconnect();
    },
  };
}

/** ioredis's `exec()` result, `[error, reply][]`, as replies (throwing the first error). */
function unwrap(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

/** How the server answered a command: allowed (whatever the reply or a non-ACL error), or refused by the ACL. */
export type Verdict = 'allowed' | 'denied';

/** Errors that mean "the ACL refused": NOPERM, and ACL failures inside a script (Valkey and Redis OSS word them differently). */
const ACL_REFUSAL = /^NOPERM|ACL failure in script|user executing the script can't/;

/** Runs a command and says whether the ACL let it through. */
export async function verdict(run: () => Promise<unknown>): Promise<{ verdict: Verdict; detail: string }> {
  try {
    const reply = await run();
    return { verdict: 'allowed', detail: String(reply).slice(0, 60) };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    return { verdict: ACL_REFUSAL.test(message) ? 'denied' : 'allowed', detail: message.slice(0, 100) };
  }
}
