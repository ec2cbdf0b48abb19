/**
 * Cluster-mode clients with the helpers' users, on a real Valkey 8.0 node with cluster mode enabled
 * (one shard owning every slot): ioredis / iovalkey `Cluster` and node-redis `createCluster` read
 * the topology with `CLUSTER SLOTS` as the user they authenticate as, so the helpers must allow it.
 */
import { randomBytes } from 'node:crypto';
import IoRedis from 'ioredis';
import IoValkey from 'iovalkey';
import { createCluster } from 'redis';
import { AccessString, KeyAccessLevel } from '../../lib';
import { CLIENT_LIBS, ClientLib, connect } from './clients';
import { RunningServer, serverSuite, startValkey } from './harness';

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

serverSuite('cluster-mode clients on a real cluster-enabled server', ['valkey-server'], () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startValkey({ config: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'] });
    const admin = await connect('iovalkey', server);
    const users: [string, AccessString][] = [
      ['app', AccessString.readWrite()],
      ['orders', AccessString.keyPrefix('orders:')],
      ['orders-reader', AccessString.keyPrefix('orders:', KeyAccessLevel.READ_ONLY)],
    ];
    for (const [user, accessString] of users) {
      await admin.call('ACL', 'SETUSER', user, 'reset', ...accessString.value.split(' '), `>${PASSWORD}`);
    }
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; i < 100 && !/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))); i++) {
      await new Promise(r => setTimeout(r, 50));
    }
    for (const lib of CLIENT_LIBS) await admin.call('SET', `orders:seed:${lib}`, 'seeded');
    await admin.quit();
  }, 20_000);

  test.each([['app', true], ['orders', true], ['orders-reader', false]] as const)(
    'the %s user reads the topology and uses the cluster through every cluster client', async (user, write) => {
      const results: Record<string, unknown> = {};
      for (const lib of CLIENT_LIBS) {
        results[lib] = await useCluster(lib, server, user, write ? `orders:{${lib}}` : `orders:seed:${lib}`, write);
      }
      expect(results).toEqual(Object.fromEntries(CLIENT_LIBS.map(lib => [lib, write ? lib : 'seeded'])));
    });
});
