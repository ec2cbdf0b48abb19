// `startLocalCaches()` on the example app (bin/app.ts) and one more stack with a read-only user: the
// caches start as their templates say, and a test connects as each consumer would, through
// cdk-elasticache/client and the variables the session prints, then checks on the live servers what
// the template asked for. The `cdk-elasticache local` command itself is tested as a process in
// cli.test.ts.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import Valkey, { Cluster, RedisOptions } from 'iovalkey';
import { createClient } from 'redis';
import { buildApp, NetworkStack } from '../../bin/app';
import { AccessString, Authentication, EvictionPolicy, ReplicationGroup, TransitEncryptionMode } from '../../lib';
import { CacheConnection } from '../../lib/client';
import { LocalCache, LocalCaches, startLocalCaches } from '../../lib/local';
import { processAlive, serversAvailable } from '../servers/harness';

const SUITE = 'local caches from the example app';
const available = serversAvailable(['valkey-server', 'redis-server', 'memcached', 'openssl'], SUITE);
const suite = available ? describe : describe.skip;

/** The example app, plus a cache whose application user may only read (TLS preferred, allkeys-lfu). */
function appWithReadOnlyUser(): App {
  const app = buildApp(new App());
  const network = app.node.findChild('NetworkStack') as NetworkStack;
  const stack = new Stack(app, 'ReadOnlyStack');
  const cache = new ReplicationGroup(stack, 'Cache', {
    vpc: network.vpc, replicas: 0, evictionPolicy: EvictionPolicy.ALLKEYS_LFU, transitEncryptionMode: TransitEncryptionMode.PREFERRED,
    authentication: Authentication.generatedUserGroup({ userName: 'reader', accessString: AccessString.readOnly() }),
  });
  const fn = new lambda.Function(stack, 'Reports', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  cache.connectFrom(fn, { name: 'reports' });
  return app;
}

/** What a plaintext client gets from a TLS-only port: no RESP reply. */
function plaintextReply(port: number, request = 'PING\r\n'): Promise<string> {
  return new Promise(resolve => {
    let data = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(request));
    socket.on('data', d => { data += d.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(data));
    setTimeout(() => socket.destroy(), 1_500);
  });
}

suite(SUITE, () => {
  let session: LocalCaches;
  const clients: Array<{ disconnect(): void } | { destroy(): void }> = [];
  const closeClients = () => {
    for (const c of clients.splice(0)) {
      if ('disconnect' in c) {
        c.disconnect();
      } else {
        c.destroy();
      }
    }
  };
  const cache = (id: string): LocalCache => session.caches.find(c => c.id === id)!;
  const consumer = (id: string) => session.consumers.find(c => c.id === id)!;
  const valkey = (options: RedisOptions) => {
    const client = new Valkey({ ...options, maxRetriesPerRequest: 1, retryStrategy: () => null });
    clients.push(client);
    return client;
  };
  const info = async (client: Valkey, section: string, field: string) =>
    new RegExp(`^${field}:(.*)$`, 'm').exec(await client.info(section))?.[1]?.trim();
  const pick = (env: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map(k => [k, env[k]]));

  beforeAll(async () => {
    const started = Date.now();
    session = await startLocalCaches({ app: appWithReadOnlyUser() });
    process.stderr.write(`${SUITE}: synthesized and started ${session.caches.length} caches in ${Date.now() - started} ms `
      + `(${session.caches.map(c => `${c.id} ${c.startMs} ms`).join(', ')})\n`);
  }, 60_000);

  afterAll(async () => {
    closeClients();
    await session?.stop();
  });

  test('every cache of the templates runs, with the local engine the template names', () => {
    expect(session.caches.map(c => [c.id, c.binary, c.nodes.length]).sort()).toEqual([
      ['CacheStack/Cache', 'valkey-server', 2],
      ['HandsOnStack/Cache', 'redis-server', 1],
      ['MemcachedStack/Memcached', 'memcached', 3],
      ['ReadOnlyStack/Cache', 'valkey-server', 1],
      ['ServerlessStack/Cache', 'valkey-server', 2],
      ['ShardedCacheStack/Cache', 'valkey-server', 9],
    ]);
  });

  test('the default group: the consumers\' variables, the app user over TLS only, a disabled default user, volatile-lru, a replica behind the reader', async () => {
    const c = cache('CacheStack/Cache');
    // The template's consumers set some variables by hand: they get those, resolved to the same servers.
    expect(consumer('CacheStack/Consumer').environment).toEqual(pick(c.environment,
      ['CACHE_HOST', 'CACHE_PORT', 'CACHE_READER_HOST', 'CACHE_READER_PORT', 'CACHE_SECRET_ARN', 'CACHE_TLS_CA_FILE']));
    expect(consumer('ConsumerStack/Api').environment).toEqual(pick(c.environment, ['CACHE_HOST', 'CACHE_PORT', 'CACHE_SECRET_ARN', 'CACHE_TLS_CA_FILE']));
    expect(c.environment).toMatchObject({ CACHE_ENGINE: 'valkey', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password', CACHE_USER: 'app' });

    const connection = CacheConnection.fromEnvironment({ env: c.environment });
    const app = valkey(await connection.ioredisOptions());
    expect(await app.set('order:1', 'pending')).toBe('OK');
    expect(await app.call('WAIT', '1', '2000')).toBe(1);
    await expect(app.flushall()).rejects.toThrow(/NOPERM/);
    expect(await info(app, 'memory', 'maxmemory_policy')).toBe('volatile-lru');
    expect(await info(app, 'replication', 'role')).toBe('master');

    const reader = valkey(await connection.ioredisOptions({ reader: true }));
    expect(await info(reader, 'replication', 'role')).toBe('slave');
    expect(await reader.get('order:1')).toBe('pending');

    const defaultUser = c.users!.find(u => u.name === 'default')!;
    expect(defaultUser.accessString).toBe('off -@all');
    await expect(app.call('AUTH', 'default', defaultUser.password!)).rejects.toThrow(/WRONGPASS/);
    expect(await plaintextReply(c.port)).not.toMatch(/PONG|NOAUTH/);
  });

  test('the 3x2 cluster: a cluster client through the configuration endpoint, three shards of a primary and two replicas over all the slots', async () => {
    const c = cache('ShardedCacheStack/Cache');
    const connection = CacheConnection.fromEnvironment({ env: c.environment });
    expect(connection.cluster).toBe(true);
    const o = await connection.ioredisClusterOptions();
    const cluster = new Cluster(o.nodes, { ...o.options, clusterRetryStrategy: () => null });
    clients.push(cluster);
    for (let i = 0; i < 30; i++) {
      await cluster.set(`product:${i}`, String(i));
    }
    expect(await cluster.get('product:17')).toBe('17');

    const node = valkey(await connection.ioredisOptions());
    const shards = await node.call('CLUSTER', 'SHARDS') as unknown[][];
    const field = (list: unknown[], name: string) => list[list.indexOf(name) + 1];
    const ranges = shards.map(s => (field(s, 'slots') as number[]).map(Number)).sort((a, b) => a[0] - b[0]);
    expect(ranges).toEqual([[0, 5460], [5461, 10922], [10923, 16383]]);
    for (const shard of shards) {
      const roles = (field(shard, 'nodes') as unknown[][]).map(n => field(n, 'role')).sort();
      expect(roles).toEqual(['master', 'replica', 'replica']);
    }
    expect(await info(node, 'memory', 'maxmemory_policy')).toBe('volatile-lru');
    expect(await plaintextReply(c.port)).not.toMatch(/PONG|NOAUTH/);
  });

  test('the serverless cache: its consumer\'s variables, the cluster protocol, a replica behind CACHE_READER_PORT', async () => {
    const c = cache('ServerlessStack/Cache');
    const env = consumer('ServerlessStack/Consumer').environment;
    expect(env).toEqual(c.environment);
    expect(env).toMatchObject({ CACHE_SERVERLESS: 'true', CACHE_CLUSTER: 'true', CACHE_TLS: 'true', CACHE_USER: 'app' });
    const connection = CacheConnection.fromEnvironment({ env });
    const o = await connection.ioredisClusterOptions();
    const cluster = new Cluster(o.nodes, { ...o.options, clusterRetryStrategy: () => null });
    clients.push(cluster);
    await cluster.set('session:1', 'x');
    expect(await cluster.get('session:1')).toBe('x');
    const reader = valkey(await connection.ioredisOptions({ reader: true }));
    expect(await info(reader, 'replication', 'role')).toBe('slave');
  });

  test('Memcached: three nodes, TLS required', async () => {
    const c = cache('MemcachedStack/Memcached');
    const settings = CacheConnection.fromEnvironment({ env: c.environment }).memcachedSettings();
    expect(settings.tls).toBe(true);
    for (const node of c.nodes) {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: settings.host, port: node.port, ca: settings.ca }, () => socket.write('set k 0 60 1\r\nv\r\nget k\r\n'));
        let data = '';
        socket.on('data', d => {
          data += d;
          if (data.includes('END')) {
            socket.end();
            resolve(data);
          }
        });
        socket.on('error', reject);
      });
      expect(reply).toBe('STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n');
      expect(await plaintextReply(node.port, 'version\r\n')).not.toMatch(/VERSION/);
    }
  });

  test('the hands-on group: Redis OSS without TLS or authentication, volatile-lru', async () => {
    const c = cache('HandsOnStack/Cache');
    expect(c.environment).toMatchObject({ CACHE_ENGINE: 'redis', CACHE_TLS: 'false', CACHE_AUTH: 'none' });
    const client = createClient({ ...(await CacheConnection.fromEnvironment({ env: c.environment }).nodeRedisOptions()), disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    expect(await client.set('k', 'v')).toBe('OK');
    expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'volatile-lru' });
  });

  test('a read-only user cannot write; allkeys-lfu from its parameter group; TLS preferred serves both ports', async () => {
    const c = cache('ReadOnlyStack/Cache');
    const env = consumer('ReadOnlyStack/Reports').environment;
    expect(Object.keys(env).every(k => k.startsWith('CACHE_REPORTS_'))).toBe(true);
    const connection = CacheConnection.fromEnvironment({ name: 'reports', env });
    const reader = valkey(await connection.ioredisOptions());
    expect(await reader.get('anything')).toBeNull();
    await expect(reader.set('anything', 'x')).rejects.toThrow(/NOPERM/);
    expect(await info(reader, 'memory', 'maxmemory_policy')).toBe('allkeys-lfu');
    const plaintext = valkey({ host: '127.0.0.1', port: c.nodes[0].plaintextPort!, username: 'reader', password: c.users!.find(u => u.name === 'reader')!.password });
    expect(await plaintext.ping()).toBe('PONG');
  });

  test('stop() stops every server by pid and removes the session\'s files', async () => {
    const pids = session.caches.flatMap(c => c.nodes.map(n => n.pid));
    expect(pids.length).toBe(18);
    expect(pids.every(processAlive)).toBe(true);
    closeClients();
    await session.stop();
    expect(pids.filter(processAlive)).toEqual([]);
    expect(fs.existsSync(session.caFile!)).toBe(false);
  });
});
