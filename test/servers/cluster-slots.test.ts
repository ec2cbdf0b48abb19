import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Cluster, Valkey } from 'iovalkey';
import { ClusterMode, ReplicationGroup, ShardConfiguration } from '../../lib';
import { clusterNodeConfig, HOST, RunningServer, serverSuite, startValkey } from './harness';

/**
 * What the cluster mode hands to the server, on real Valkey nodes (valkey-server 8 from Debian):
 * the `cluster-enabled yes` parameter of the library's cluster-on parameter groups, the shard slots
 * it accepts (and the gaps it rejects) and what a client then needs (the cluster protocol through one
 * seed, as through the configuration endpoint).
 */

/** The `Slots` of each shard, as the library renders them for a group seeded from S3. */
function renderedSlots(shardConfiguration: ShardConfiguration[]): string[] {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'I', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  new ReplicationGroup(stack, 'Cache', {
    vpc, clusterMode: ClusterMode.ENABLED, restoreFromS3: ['arn:aws:s3:::bucket/dump.rdb'], shardConfiguration,
  });
  const group = Object.values(Template.fromStack(stack).findResources('AWS::ElastiCache::ReplicationGroup'))[0];
  return group.Properties.NodeGroupConfiguration.map((c: { Slots: string }) => c.Slots);
}

/** `start-end,start-end` as CLUSTER ADDSLOTSRANGE arguments. */
const rangeArgs = (slots: string) => slots.split(',').flatMap(r => r.split('-'));

async function clusterInfo(client: Valkey): Promise<Record<string, string>> {
  const text = await client.call('CLUSTER', 'INFO') as string;
  return Object.fromEntries(text.split(/\r?\n/).filter(Boolean).map(l => l.split(':') as [string, string]));
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

serverSuite('cluster mode on real Valkey nodes', ['valkey-server'], () => {
  let nodes: RunningServer[];
  let plain: RunningServer;
  let clients: Valkey[] = [];
  const connect = (server: RunningServer) => {
    // No reconnection: the harness stops the servers in its own afterAll.
    const client = new Valkey({ host: HOST, port: server.port, maxRetriesPerRequest: 1, retryStrategy: () => null });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const clusterConfig = async () => [...await clusterNodeConfig(), '--cluster-node-timeout', '2000'];
    [plain, ...nodes] = await Promise.all([
      startValkey(),
      startValkey({ config: await clusterConfig() }),
      startValkey({ config: await clusterConfig() }),
      startValkey({ config: await clusterConfig() }),
    ]);
  }, 30_000);

  // Runs before the harness's afterAll stops the servers (a nested describe's hooks run first).
  describe('clients of a three-shard cluster', () => {
    afterAll(() => {
      clients.forEach(c => c.disconnect());
      clients = [];
    });

    test('cluster-enabled yes, the parameter of the cluster-on groups, is what makes a node take the cluster commands', async () => {
      await expect(connect(plain).call('CLUSTER', 'INFO')).rejects.toThrow(/cluster support disabled/);
      // A fresh cluster node owns no slot yet: it answers, and is down until the slots are assigned.
      expect(await clusterInfo(connect(nodes[0]))).toMatchObject({ cluster_state: 'fail', cluster_slots_assigned: '0' });
      expect(await connect(nodes[0]).info('cluster')).toMatch(/cluster_enabled:1/);
    });

    test('the slots the library accepts make a healthy cluster; a gap (which it rejects) leaves the cluster failing', async () => {
      const slots = renderedSlots([{ slots: '0-5460' }, { slots: '5461-10922' }, { slots: '10923-16000,16001-16383' }]);
      expect(slots).toEqual(['0-5460', '5461-10922', '10923-16000,16001-16383']);
      const admins = nodes.map(connect);
      await Promise.all(admins.map((admin, i) => admin.call('CLUSTER', 'ADDSLOTSRANGE', ...rangeArgs(slots[i]))));
      for (const [i, node] of nodes.entries()) {
        if (i > 0) {
          // Each node has a bus port of its own (clusterNodeConfig), not the default port + 10000: MEET names it.
          const [, busPort] = await admins[i].call('CONFIG', 'GET', 'cluster-port') as [string, string];
          await admins[0].call('CLUSTER', 'MEET', HOST, String(node.port), busPort);
        }
      }
      await waitFor('cluster_state:ok', async () => (await Promise.all(admins.map(clusterInfo)))
        .every(info => info.cluster_state === 'ok' && info.cluster_known_nodes === '3'));
      expect(await clusterInfo(admins[0])).toMatchObject({ cluster_slots_assigned: '16384', cluster_size: '3' });

      // Through one seed node (as through the configuration endpoint) a cluster client reaches every shard;
      // a client that does not speak the cluster protocol is redirected (MOVED) for two keys in three.
      const cluster = new Cluster([{ host: HOST, port: nodes[0].port }], {
        clusterRetryStrategy: () => null, redisOptions: { maxRetriesPerRequest: 1 },
      });
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `user:${i}`);
        await Promise.all(keys.map(k => cluster.set(k, k)));
        expect(await Promise.all(keys.map(k => cluster.get(k)))).toEqual(keys);
        const owners = new Set(await Promise.all(keys.map(async k => Number(await admins[0].call('CLUSTER', 'KEYSLOT', k)))))
          .size;
        expect(owners).toBeGreaterThan(3);
        const moved = await Promise.all(keys.map(k => admins[0].get(k).then(() => false, (e: Error) => /MOVED/.test(e.message))));
        expect(moved.filter(Boolean).length).toBeGreaterThan(0);
      } finally {
        cluster.disconnect();
      }

      // A gap of one slot: the library rejects such slots, and the cluster goes down.
      expect(() => renderedSlots([{ slots: '0-5460' }, { slots: '5462-16383' }])).toThrow(/slots 5461-5461 are in no shard/);
      await admins[1].call('CLUSTER', 'DELSLOTSRANGE', '5461', '5461');
      await waitFor('cluster_state:fail', async () => (await clusterInfo(admins[1])).cluster_state === 'fail');
      expect(await clusterInfo(admins[1])).toMatchObject({ cluster_slots_assigned: '16383' });
    }, 60_000);
  });
});
