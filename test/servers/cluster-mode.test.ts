/**
 * Cluster-mode clients with the helpers' users, on a real Valkey 8.0 node with cluster mode enabled
 * (one shard owning every slot): ioredis / iovalkey `Cluster` and node-redis `createCluster` read
 * the topology with `CLUSTER SLOTS` as the user they authenticate as, so the helpers must allow it.
 */
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import IoRedis from 'ioredis';
import IoValkey from 'iovalkey';
import { createCluster } from 'redis';
import { AccessString, ClusterMode, KeyAccessLevel, ReplicationGroup } from '../../lib';
import { CacheConnection } from '../../lib/client';
import { CLIENT_LIBS, ClientLib, connect } from './clients';
import { clusterNodeConfig, RunningServer, serverSuite, startValkey } from './harness';

const PASSWORD = randomBytes(16).toString('hex');

/** Connects a cluster client, writes (or reads) a key of the user's prefix, and reports what happened. */
async function useCluster(lib: ClientLib, server: RunningServer, user: string, key: string, write: boolean): Promise<unknown> {
  const node = { host: server.host, port: server.port };
  if (lib === 'node-redis') {
    const cluster = createCluster({
      rootNodes: [{ socket: { ...node, reconnectStrategy: false } }],
      defaults: { username: user, password: PASSWORD, socket: { reconnectStrategy: false } },
    });
    cluster.on('error', () => undefined);
    try {
      await cluster.connect();
      if (write) await cluster.set(key, lib);
      const value = await cluster.get(key);
      await cluster.close();
      return value;
    } catch (e) {
      cluster.destroy();
      return (e as Error).message;
    }
  }
  const Cluster = (lib === 'iovalkey' ? IoValkey.Cluster : IoRedis.Cluster) as unknown as typeof IoRedis.Cluster;
  const cluster = new Cluster([node], {
    redisOptions: { username: user, password: PASSWORD },
    clusterRetryStrategy: () => null,
    lazyConnect: true,
  });
  const errors: string[] = [];
  cluster.on('error', (e: Error) => errors.push(e.message));
  try {
    await cluster.connect();
    if (write) await cluster.set(key, lib);
    const value = await cluster.get(key);
    await cluster.quit();
    return value;
  } catch (e) {
    cluster.disconnect();
    return [(e as Error).message, ...errors].join('; ');
  }
}

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-app-AbCdEf';
/** A cluster-enabled node that announces 127.0.0.1 (each with a bus port of its own, `clusterNodeConfig`). */
const clusterConfig = async () => [...await clusterNodeConfig(), '--cluster-announce-ip', '127.0.0.1'];

/** The variables connectFrom() sets for this server seen as an imported cluster-mode-enabled group with RBAC. */
function connectFromEnvironment(server: RunningServer): Record<string, string> {
  const stack = new Stack();
  const group = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Orders', {
    replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED, configurationEndpointAddress: server.host, port: server.port,
    transitEncryption: server.tls !== undefined, authSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN),
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return group.connectFrom(ec2.SecurityGroup.fromSecurityGroupId(stack, 'Consumer', 'sg-0fedcba9876543210'), { grantee: role }).environment;
}

/**
 * Writes and reads `keys` through a cluster client built only from the helper's options; the test
 * adds what is not the helper's business: no retries, and the CA of the self-signed certificate
 * (ElastiCache's certificates are publicly trusted).
 */
async function throughHelper(lib: ClientLib, connection: CacheConnection, keys: string[], ca?: string): Promise<unknown> {
  if (lib === 'node-redis') {
    const o = await connection.nodeRedisClusterOptions();
    const socket = { ...o.defaults.socket, reconnectStrategy: false as const, ...(ca ? { ca } : {}) };
    const cluster = createCluster({ ...o, defaults: { ...o.defaults, socket } });
    cluster.on('error', () => undefined);
    try {
      await cluster.connect();
      for (const key of keys) await cluster.set(key, `${lib}:${key}`);
      const values = await Promise.all(keys.map(key => cluster.get(key)));
      await cluster.close();
      return values;
    } catch (e) {
      cluster.destroy();
      return (e as Error).message;
    }
  }
  const o = await connection.ioredisClusterOptions();
  const Cluster = (lib === 'iovalkey' ? IoValkey.Cluster : IoRedis.Cluster) as unknown as typeof IoRedis.Cluster;
  const redisOptions = { ...o.options.redisOptions, ...(o.options.redisOptions.tls ? { tls: { ...o.options.redisOptions.tls, ca } } : {}) };
  const cluster = new Cluster(o.nodes, { ...o.options, redisOptions, clusterRetryStrategy: () => null, lazyConnect: true });
  const errors: string[] = [];
  cluster.on('error', (e: Error) => errors.push(e.message));
  try {
    await cluster.connect();
    for (const key of keys) await cluster.set(key, `${lib}:${key}`);
    const values = await Promise.all(keys.map(key => cluster.get(key)));
    await cluster.quit();
    return values;
  } catch (e) {
    cluster.disconnect();
    return [(e as Error).message, ...errors].join('; ');
  }
}

serverSuite('cluster-mode clients on a real cluster-enabled server', ['valkey-server'], () => {
  let server: RunningServer;
  /** The same, TLS only (`tls-cluster yes`: the topology announces the TLS port). */
  let tlsServer: RunningServer;

  beforeAll(async () => {
    [server, tlsServer] = await Promise.all([
      startValkey({ config: await clusterConfig() }),
      startValkey({ tls: true, config: [...await clusterConfig(), '--tls-cluster', 'yes'] }),
    ]);
    const users: [string, AccessString][] = [
      ['app', AccessString.readWrite()],
      ['orders', AccessString.keyPrefix('orders:')],
      ['orders-reader', AccessString.keyPrefix('orders:', KeyAccessLevel.READ_ONLY)],
    ];
    await Promise.all([server, tlsServer].map(async node => {
      const admin = await connect('iovalkey', node);
      for (const [user, accessString] of node === server ? users : users.slice(0, 1)) {
        await admin.call('ACL', 'SETUSER', user, 'reset', ...accessString.value.split(' '), `>${PASSWORD}`);
      }
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      for (let i = 0; i < 100 && !/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))); i++) {
        await new Promise(r => setTimeout(r, 50));
      }
      if (node === server) for (const lib of CLIENT_LIBS) await admin.call('SET', `orders:seed:${lib}`, 'seeded');
      await admin.quit();
    }));
  }, 20_000);

  test.each([['app', true], ['orders', true], ['orders-reader', false]] as const)(
    'the %s user reads the topology and uses the cluster through every cluster client', async (user, write) => {
      const results: Record<string, unknown> = {};
      for (const lib of CLIENT_LIBS) {
        results[lib] = await useCluster(lib, server, user, write ? `orders:{${lib}}` : `orders:seed:${lib}`, write);
      }
      expect(results).toEqual(Object.fromEntries(CLIENT_LIBS.map(lib => [lib, write ? lib : 'seeded'])));
    });

  test.each([['without', false], ['with', true]] as const)(
    'a cluster client built purely from the CACHE_* variables of connectFrom() works on keys of many slots, %s TLS', async (_, tls) => {
      const node = tls ? tlsServer : server;
      const env = connectFromEnvironment(node);
      expect(env).toEqual(expect.objectContaining({ CACHE_CLUSTER: 'true', CACHE_HOST: node.host, CACHE_PORT: String(node.port),
        CACHE_TLS: String(tls), CACHE_AUTH: 'rbac-password', CACHE_SECRET_ARN: SECRET_ARN }));
      const secretIds: unknown[] = [];
      const secretsManager = { send: async (command: GetSecretValueCommand) => {
        secretIds.push(command.input.SecretId);
        return { SecretString: JSON.stringify({ username: 'app', password: PASSWORD }) };
      } } as unknown as SecretsManagerClient;
      const connection = CacheConnection.fromEnvironment({ env, secretsManager });
      expect(connection.cluster).toBe(true);

      const keysOf = (lib: string) => Array.from({ length: 16 }, (_k, i) => `orders:env:${lib}:${i}`);
      const admin = await connect('iovalkey', node);
      const slots = new Set(await Promise.all(CLIENT_LIBS.flatMap(keysOf).map(key => admin.call('CLUSTER', 'KEYSLOT', key))));
      await admin.quit();
      expect(slots.size).toBeGreaterThanOrEqual(40); // 48 keys spread over the keyspace, not one hash tag

      const results = Object.fromEntries(await Promise.all(CLIENT_LIBS.map(async lib =>
        [lib, await throughHelper(lib, connection, keysOf(lib), node.tls?.ca)] as const)));
      expect(results).toEqual(Object.fromEntries(CLIENT_LIBS.map(lib => [lib, keysOf(lib).map(key => `${lib}:${key}`)])));
      expect(new Set(secretIds)).toEqual(new Set([SECRET_ARN]));
    });
});
