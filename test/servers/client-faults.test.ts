/**
 * The client helper under faults, on real Valkey servers: every `connect*()` method (iovalkey, ioredis,
 * node-redis; standalone and cluster) meets a wrong password, a certificate it does not trust, TLS
 * on one side only, a closed port and an unreadable secret, and must reject with one
 * CacheClientError naming the cause within its bound (twice the connect timeout, plus 1 s of
 * probing), never showing the password. The cases run concurrently, in the beforeAll; each test
 * checks one row of what they gave.
 */
import * as net from 'node:net';
import { inspect } from 'node:util';
import { ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import IoRedis from 'ioredis';
import IoValkey from 'iovalkey';
import { createClient, createCluster } from 'redis';
import { CacheClientError, CacheConnection, CacheFault, sharedClient } from '../../lib/client';
import { connect } from './clients';
import { clusterNodeConfig, freePort, HOST, RunningServer, serverSuite, startValkey } from './harness';

const PASSWORD = 'right-password-0123456789';
const WRONG = 'wrong-password-0123456789';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-app-AbCdEf';
/** Short, so that the file stays short (the servers are local); the default, 2 s, is the documented one. */
const CONNECT_TIMEOUT_MS = 500;
/**
 * What the helper promises: twice the connect timeout, plus a probe of at most the connect timeout
 * (1 s at most); and 2 s for a busy machine (the test suite shares two cores with other work). The
 * faults this guards against took 12 s, 78 s, or never ended.
 */
const BOUND_MS = 2 * CONNECT_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 2_000;

type Lib = 'iovalkey' | 'ioredis' | 'node-redis';
const LIBS: Lib[] = ['iovalkey', 'ioredis', 'node-redis'];

/** A Secrets Manager client that answers with `password`, or fails as a missing secret does. */
function secrets(password: string | 'missing'): SecretsManagerClient {
  return { send: async () => {
    if (password === 'missing') {
      throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });
    }
    return { SecretString: JSON.stringify({ username: 'app', password }) };
  } } as unknown as SecretsManagerClient;
}

/** The variables connectFrom() sets for a Valkey group with RBAC (cluster: cluster mode enabled). */
function environment(port: number, tls: boolean, cluster: boolean): Record<string, string> {
  return {
    CACHE_ENGINE: 'valkey', CACHE_ID: 'faults', CACHE_HOST: HOST, CACHE_PORT: String(port), CACHE_TLS: String(tls),
    CACHE_AUTH: 'rbac-password', CACHE_SECRET_ARN: SECRET_ARN, CACHE_USER: 'app', ...(cluster ? { CACHE_CLUSTER: 'true' } : {}),
  };
}

/** A client that connected: a command to prove it, and how to close it. */
interface Connected {
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  close(): void;
}

/** Connects `lib` through the helper's connect method for the topology; `ca`: the test's CA, added as a client option. */
async function connectThrough(lib: Lib, connection: CacheConnection, ca?: string): Promise<Connected> {
  const cluster = connection.cluster;
  if (lib === 'node-redis') {
    const socket = ca ? { ca } : {};
    const client = cluster
      ? await connection.connectNodeRedisCluster(createCluster, { clientOptions: { defaults: { socket } } })
      : await connection.connectNodeRedis(createClient, { clientOptions: { socket } });
    return { set: (k, v) => client.set(k, v), get: k => client.get(k), close: () => client.destroy() };
  }
  const Client = (lib === 'iovalkey' ? IoValkey : IoRedis) as unknown as typeof IoRedis;
  // disconnectTimeout: how long disconnect() waits for the socket before destroying it (a 2 s timer that keeps jest alive).
  const redisOptions = { disconnectTimeout: 100, ...(ca ? { tls: { ca } } : {}) };
  const client = cluster
    ? await connection.connectIoredisCluster(Client.Cluster, { clientOptions: { redisOptions } })
    : await connection.connectIoredis(Client, { clientOptions: redisOptions });
  return { set: (k, v) => client.set(k, v), get: k => client.get(k), close: () => client.disconnect() };
}

interface Outcome {
  readonly ms: number;
  readonly reason?: CacheFault | 'connected';
  readonly message: string;
  /** The error, to print (console.log / util.inspect) in the test: printing is slow, and the cases run at once. */
  readonly error?: unknown;
}

async function attempt(lib: Lib, env: Record<string, string>, secret: string, ca?: string): Promise<Outcome> {
  const connection = CacheConnection.fromEnvironment({ env, secretsManager: secrets(secret), connectTimeoutMs: CONNECT_TIMEOUT_MS });
  const start = performance.now();
  try {
    const client = await connectThrough(lib, connection, ca);
    await client.set(`{k}:${lib}`, lib);
    const value = await client.get(`{k}:${lib}`);
    client.close();
    return { ms: performance.now() - start, reason: 'connected', message: String(value) };
  } catch (e) {
    const ms = performance.now() - start;
    if (!(e instanceof CacheClientError)) {
      return { ms, message: `not a CacheClientError: ${(e as Error).message}`, error: e };
    }
    return { ms, reason: e.reason, message: e.message, error: e };
  }
}

/** A TCP server that accepts connections and never answers. */
function silentServer(): Promise<net.Server> {
  return new Promise(resolve => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer(s => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    server.on('close', () => sockets.forEach(s => s.destroy()));
    server.listen(0, HOST, () => resolve(server));
    // close() waits for open connections: destroy them with it.
    const close = server.close.bind(server);
    server.close = (cb?: (err?: Error) => void) => {
      sockets.forEach(s => s.destroy());
      return close(cb);
    };
  });
}

/** The fault cases: name, topology, what the connection is pointed at, the secret, the cause expected. */
interface Case {
  readonly fault: string;
  readonly cluster: boolean;
  readonly port: () => number;
  readonly tls: boolean;
  readonly secret?: string;
  readonly ca?: () => string;
  readonly expected: CacheFault | 'connected';
  /** What the message must say (besides the endpoint). */
  readonly says: RegExp;
}

serverSuite('client helper faults on real Valkey servers', ['valkey-server', 'openssl'], () => {
  const servers: Record<'plain' | 'tls' | 'clusterPlain' | 'clusterTls', RunningServer> = {} as never;
  let closedPort = 0;
  let silent: net.Server;
  const outcomes = new Map<string, Outcome>();
  /** The CPU time the cases used (ms). */
  let busyMs = 0;
  const key = (c: Case, lib: Lib) => `${c.fault}|${c.cluster ? 'cluster' : 'standalone'}|${lib}`;

  const cases: Case[] = [true, false].flatMap(cluster => {
    const plain = () => (cluster ? servers.clusterPlain : servers.plain).port;
    const tls = () => (cluster ? servers.clusterTls : servers.tls).port;
    const ca = () => (cluster ? servers.clusterTls : servers.tls).tls!.ca;
    const rows: Case[] = [
      { fault: 'works (control)', cluster, port: plain, tls: false, expected: 'connected', says: /^[\w-]+$/ },
      { fault: 'works with TLS and the CA (control)', cluster, port: tls, tls: true, ca, expected: 'connected', says: /^[\w-]+$/ },
      { fault: 'wrong password', cluster, port: plain, tls: false, secret: WRONG, expected: 'credentials-refused',
        // iovalkey's Cluster reports the refused AUTH as the NOAUTH of the next command.
        says: new RegExp(`refused the credentials of user 'app' \\(password from the secret ${SECRET_ARN} \\(CACHE_SECRET_ARN\\)\\): (WRONGPASS|NOAUTH)`) },
      { fault: 'untrusted CA', cluster, port: tls, tls: true, expected: 'untrusted-certificate',
        says: /TLS certificate of the cache at .* is not trusted: self-signed certificate[^(]*\(DEPTH_ZERO_SELF_SIGNED_CERT\)/ },
      { fault: 'plaintext client, TLS port', cluster, port: tls, tls: false, expected: 'tls-required', says: /speaks TLS only, but CACHE_TLS=false/ },
      { fault: 'TLS client, plaintext port', cluster, port: plain, tls: true, expected: 'tls-not-offered',
        says: /CACHE_TLS=true, but the cache at .* does not speak TLS/ },
      { fault: 'closed port', cluster, port: () => closedPort, tls: false, expected: 'unreachable', says: /Cannot reach the cache at [\d.:]+: (connection refused|connect ECONNREFUSED)/ },
      { fault: 'missing secret', cluster, port: plain, tls: false, secret: 'missing', expected: 'secret',
        says: new RegExp(`Cannot read the secret ${SECRET_ARN} \\(CACHE_SECRET_ARN\\): ResourceNotFoundException`) },
    ];
    if (!cluster) {
      rows.push({ fault: 'accepts, never answers', cluster, port: () => (silent.address() as net.AddressInfo).port, tls: false,
        expected: 'no-answer', says: /accepted the connection but did not answer within 500 ms/ });
    }
    return rows;
  });

  beforeAll(async () => {
    const clusterConfig = async () => [...await clusterNodeConfig(), '--cluster-announce-ip', HOST];
    [servers.plain, servers.tls, servers.clusterPlain, servers.clusterTls, closedPort, silent] = await Promise.all([
      startValkey(), startValkey({ tls: true }),
      startValkey({ config: await clusterConfig() }), startValkey({ tls: true, config: [...await clusterConfig(), '--tls-cluster', 'yes'] }),
      freePort(), silentServer(),
    ]);
    await Promise.all(Object.values(servers).map(async (server) => {
      const admin = await connect('iovalkey', server);
      await admin.call('ACL', 'SETUSER', 'app', 'on', `>${PASSWORD}`, '~*', '+@all');
      if (server === servers.clusterPlain || server === servers.clusterTls) {
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
        for (let i = 0; i < 100 && !/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))); i++) {
          await new Promise(r => setTimeout(r, 20));
        }
      }
      await admin.call('ACL', 'SETUSER', 'default', 'off');
      await admin.quit();
    }));
    // The first client of each kind loads (and jest compiles) most of its library: not part of any case's time.
    createClient({ socket: { host: HOST, port: closedPort } });
    createCluster({ rootNodes: [{ socket: { host: HOST, port: closedPort } }] });
    for (const Client of [IoValkey, IoRedis] as unknown as (typeof IoRedis)[]) {
      new Client.Cluster([{ host: HOST, port: closedPort }], { lazyConnect: true });
    }
    // Every case at once. They share one thread, and creating a node-redis client costs tens of
    // milliseconds of CPU in a jest worker (it builds a class with every command for each client): each
    // case is allowed, on top of its bound, the CPU time the cases used together (measured).
    const cpu = process.cpuUsage();
    await Promise.all(cases.flatMap(c => LIBS.map(async lib => {
      outcomes.set(key(c, lib), await attempt(lib, environment(c.port(), c.tls, c.cluster), c.secret ?? PASSWORD, c.ca?.()));
    })));
    const used = process.cpuUsage(cpu);
    busyMs = (used.user + used.system) / 1_000;
    if (process.env.CLIENT_FAULT_TABLE) {
      const rows = cases.flatMap(c => LIBS.map(lib => {
        const o = outcomes.get(key(c, lib))!;
        return `| ${c.fault} | ${c.cluster ? 'cluster' : 'standalone'} | ${lib} | ${Math.round(o.ms)} ms (CPU of all cases ${Math.round(busyMs)} ms) | ${o.reason} | ${o.message.replace(/\|/g, '\\|')} |`;
      }));
      process.stdout.write(`${rows.join('\n')}\n`);
    }
  }, 30_000);

  afterAll(() => new Promise<void>(resolve => silent ? silent.close(() => resolve()) : resolve()));

  test.each(cases.flatMap(c => LIBS.map(lib => [c.fault, c.cluster ? 'cluster' : 'standalone', lib, c] as const)))(
    '%s, %s, %s: the named cause within the bound', (_fault, _topology, lib, c) => {
      const outcome = outcomes.get(key(c, lib))!;
      expect({ reason: outcome.reason, message: outcome.message }).toEqual({ reason: c.expected, message: expect.stringMatching(c.says) });
      if (c.expected === 'connected') {
        expect(outcome.message).toBe(lib);
      } else if (c.expected !== 'secret') {
        expect(outcome.message).toContain(`${HOST}:`);
        expect(outcome.message).not.toMatch(/\n/);
      }
      const printed = outcome.error === undefined ? '' : inspect(outcome.error, { depth: 8 });
      expect(printed).not.toContain(PASSWORD);
      expect(printed).not.toContain(WRONG);
      expect(outcome.ms).toBeLessThan(BOUND_MS + busyMs);
    });
});

serverSuite('client helper: rotated passwords and logged errors on a real Valkey server', ['valkey-server'], () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startValkey();
  });

  /** A user of its own on the server, a secret that can change, and a connection that reads it. */
  async function rotatingUser(user: string) {
    const admin = await connect('iovalkey', server);
    const setPassword = async (password: string) => {
      await admin.call('ACL', 'SETUSER', user, 'on', 'resetpass', `>${password}`, '~*', '+@all');
    };
    await setPassword(`${user}-first-0123456789`);
    let secret = `${user}-first-0123456789`;
    let reads = 0;
    const secretsManager = { send: async () => {
      reads++;
      return { SecretString: JSON.stringify({ username: user, password: secret }) };
    } } as unknown as SecretsManagerClient;
    const env = { ...environment(server.port, false, false), CACHE_USER: user };
    const connection = CacheConnection.fromEnvironment({ env, secretsManager, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    return {
      connection, admin,
      reads: () => reads,
      /** Rotates the password on the server and in the secret; `kick` closes the user's connections. */
      rotate: async (password: string, kick: boolean) => {
        await setPassword(password);
        secret = password;
        if (kick) await admin.call('CLIENT', 'KILL', 'USER', user);
      },
    };
  }

  test.each(LIBS)('%s: a password rotated since the secret was read is read again, once, and the connection made', async lib => {
    const u = await rotatingUser(`rotated-${lib}`);
    const first = await connectThrough(lib, u.connection);
    first.close();
    expect(u.reads()).toBe(1);
    await u.rotate(`rotated-${lib}-second-0123456789`, false);
    const second = await connectThrough(lib, u.connection);
    await second.set(`rotated:${lib}`, 'yes');
    expect(await second.get(`rotated:${lib}`)).toBe('yes');
    second.close();
    expect(u.reads()).toBe(2);
    await u.admin.quit();
  });

  test.each(['iovalkey', 'ioredis'] as const)('%s: a connected client that meets WRONGPASS on reconnection gives up, logs no password, '
    + 'and sharedClient() connects a new one', async lib => {
    const u = await rotatingUser(`logged-${lib}`);
    const Client = (lib === 'iovalkey' ? IoValkey : IoRedis) as unknown as typeof IoRedis;
    const cache = sharedClient(() => u.connection.connectIoredis(Client, { clientOptions: { disconnectTimeout: 100 } }));
    const first = await cache();
    expect(await cache()).toBe(first);
    const logged: unknown[] = [];
    first.on('error', (e: unknown) => logged.push(e));
    const ended = new Promise(resolve => first.once('end', resolve));
    // The server changes the password and drops the connection: the client reconnects with the old one.
    await u.rotate(`logged-${lib}-second-0123456789`, true);
    await ended;
    expect(first.status).toBe('end');
    const printed = logged.map(e => inspect(e, { depth: 8 })).join('\n');
    expect(printed).toMatch(/WRONGPASS/);
    expect(printed).toContain('[redacted]');
    expect(printed).not.toContain(`logged-${lib}-first-0123456789`);

    const second = await cache();
    expect(second).not.toBe(first);
    expect(await second.ping()).toBe('PONG');
    second.disconnect();
    await u.admin.quit();
  });
});
