import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { CacheClientError, CacheConnection, readCacheEnvironment } from '../../lib/client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-app-AbCdEf';
const HOST = 'clustercfg.orders.abc123.euw1.cache.amazonaws.com';

/** The variables connectFrom() sets for a cluster-mode-enabled group with the default RBAC user. */
const clusterEnv = (overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  CACHE_ENGINE: 'valkey', CACHE_ID: 'orders', CACHE_HOST: HOST, CACHE_PORT: '6379', CACHE_TLS: 'true',
  CACHE_AUTH: 'rbac-password', CACHE_SECRET_ARN: SECRET_ARN, CACHE_USER: 'app', CACHE_CLUSTER: 'true', ...overrides,
});

const sm = mockClient(SecretsManagerClient);
beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ username: 'app', password: 'p4ssw0rd-p4ssw0rd' }) });
});
const connection = (env: Record<string, string | undefined>) =>
  CacheConnection.fromEnvironment({ env, secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) });

describe('CACHE_CLUSTER', () => {
  test('parsed strictly: true, false, or absent', () => {
    expect(readCacheEnvironment(undefined, clusterEnv()).cluster).toBe(true);
    expect(readCacheEnvironment(undefined, clusterEnv({ CACHE_CLUSTER: 'false' })).cluster).toBe(false);
    expect(readCacheEnvironment(undefined, clusterEnv({ CACHE_CLUSTER: undefined }))).not.toHaveProperty('cluster');
    expect(readCacheEnvironment('orders', { CACHE_ORDERS_ENGINE: 'redis', CACHE_ORDERS_HOST: HOST, CACHE_ORDERS_PORT: '6379',
      CACHE_ORDERS_TLS: 'false', CACHE_ORDERS_AUTH: 'none', CACHE_ORDERS_CLUSTER: 'true', CACHE_CLUSTER: 'no' }).cluster).toBe(true);
  });

  test.each(['yes', 'TRUE', '1', 'enabled'])('CACHE_CLUSTER=%s is a CacheClientError naming the variable', value => {
    expect(() => readCacheEnvironment(undefined, clusterEnv({ CACHE_CLUSTER: value }))).toThrow(CacheClientError);
    expect(() => readCacheEnvironment(undefined, clusterEnv({ CACHE_CLUSTER: value })))
      .toThrow(`Invalid CACHE_CLUSTER: got '${value}'. Allowed: 'true', 'false'.`);
  });

  test('Memcached has no cluster protocol', () => {
    expect(() => readCacheEnvironment(undefined, clusterEnv({ CACHE_ENGINE: 'memcached', CACHE_AUTH: 'none', CACHE_SECRET_ARN: undefined })))
      .toThrow("Invalid CACHE_CLUSTER: got 'true' with memcached. Allowed: 'false', or leave it unset");
  });

  test('CacheConnection.cluster', () => {
    expect(connection(clusterEnv()).cluster).toBe(true);
    expect(connection(clusterEnv({ CACHE_CLUSTER: 'false' })).cluster).toBe(false);
    expect(connection(clusterEnv({ CACHE_CLUSTER: undefined })).cluster).toBe(false);
  });
});

describe('cluster client options', () => {
  test('iovalkey / ioredis Cluster: the startup node, credentials and TLS for every node, host names kept', async () => {
    const o = await connection(clusterEnv()).ioredisClusterOptions();
    expect(o.nodes).toEqual([{ host: HOST, port: 6379 }]);
    expect(o.options.redisOptions).toEqual({ username: 'app', password: 'p4ssw0rd-p4ssw0rd', tls: {},
      connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 1 });
    expect(o.options.slotsRefreshTimeout).toBe(2000);
    expect([1, 3, 4].map(o.options.clusterRetryStrategy)).toEqual([100, 400, null]);
    const looked: unknown[] = [];
    o.options.dnsLookup('orders-0002-001.orders.abc123.euw1.cache.amazonaws.com', (error, address) => looked.push(error, address));
    expect(looked).toEqual([null, 'orders-0002-001.orders.abc123.euw1.cache.amazonaws.com']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  test('node-redis createCluster: the root node, and credentials and TLS in defaults (which every node gets)', async () => {
    expect(await connection(clusterEnv()).nodeRedisClusterOptions()).toEqual({
      rootNodes: [{ socket: { host: HOST, port: 6379 } }],
      defaults: { username: 'app', password: 'p4ssw0rd-p4ssw0rd', socket: { tls: true, connectTimeout: 2000, reconnectStrategy: expect.any(Function) },
        commandOptions: { timeout: 2000 } },
    });
  });

  test('without TLS and without authentication: no tls, no credentials', async () => {
    const env = clusterEnv({ CACHE_TLS: 'false', CACHE_AUTH: 'none', CACHE_SECRET_ARN: undefined, CACHE_USER: undefined });
    expect((await connection(env).ioredisClusterOptions()).options.redisOptions).toEqual({ connectTimeout: 2000, commandTimeout: 2000,
      maxRetriesPerRequest: 1 });
    expect((await connection(env).nodeRedisClusterOptions()).defaults).toEqual({
      socket: { tls: false, connectTimeout: 2000, reconnectStrategy: expect.any(Function) }, commandOptions: { timeout: 2000 } });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test('a cache without CACHE_CLUSTER=true refuses the cluster options and names the plain ones', async () => {
    for (const overrides of [{ CACHE_CLUSTER: undefined }, { CACHE_CLUSTER: 'false' }]) {
      const conn = connection(clusterEnv(overrides));
      await expect(conn.ioredisClusterOptions()).rejects.toThrow(CacheClientError);
      await expect(conn.ioredisClusterOptions()).rejects.toThrow(/^CACHE_CLUSTER is not 'true'.*Use ioredisOptions\(\)\.$/);
      await expect(conn.nodeRedisClusterOptions()).rejects.toThrow(/Use nodeRedisOptions\(\)\.$/);
    }
    const memcached = connection({ CACHE_ENGINE: 'memcached', CACHE_HOST: 'sessions.cfg', CACHE_PORT: '11211', CACHE_TLS: 'true', CACHE_AUTH: 'none' });
    await expect(memcached.ioredisClusterOptions()).rejects.toThrow('CACHE_ENGINE is memcached: use memcachedSettings().');
  });

  test('the plain options still work on a cluster cache (a one-shard or compatible group accepts them)', async () => {
    expect(await connection(clusterEnv()).ioredisOptions()).toEqual(expect.objectContaining({ host: HOST, port: 6379 }));
  });

  test('the reader endpoint of a cluster cache: none, and the message says where cluster clients read replicas', async () => {
    await expect(connection(clusterEnv()).settings({ reader: true })).rejects.toThrow('Missing environment variable CACHE_READER_HOST '
      + '(the reader endpoint): a cache with CACHE_CLUSTER=true has none; a cluster client reads from the replicas it discovers '
      + '(ioredis / iovalkey scaleReads, node-redis useReplicas).');
  });
});
