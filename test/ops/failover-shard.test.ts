// `failover-drill --shard` on a cluster-mode-enabled group, against a real HTTP endpoint: moto (the
// groups and their shards, from real CreateReplicationGroup calls) behind failover-endpoint.ts, which
// answers TestFailover and DescribeEvents (moto implements neither). A successful drill runs the command
// as a process (as an operator runs it); its refusals and errors run its main() in process, and the
// rest goes through runFailoverDrill in process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateReplicationGroupCommand,
  CreateReplicationGroupCommandInput,
  ElastiCacheClient,
  InvalidParameterValueException,
  InvalidReplicationGroupStateFault,
  NodeGroupNotFoundFault,
  ReplicationGroupNotFoundFault,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { formatError, OpsError } from '../../lib/ops/errors';
import { runFailoverDrill } from '../../lib/ops/failover';
import { BuiltCli, buildCli } from './build-cli';
import { FailoverEndpoint, startFailoverEndpoint } from './failover-endpoint';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';
import { bareEnv, expectOneLine, runCli, runInProcess } from './run-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The CLI processes start in parallel; on a busy 2-core machine that takes seconds.
jest.setTimeout(30_000);

/**
 * A sharded group as the library renders it (3 shards x 2 replicas, explicit NodeGroupIds, failover
 * and Multi-AZ on, the cluster-on parameter group): moto makes NodeGroups 0001-0003 of 3 members each,
 * `<id>-000N-00M`, with slots and no CurrentRole, as ElastiCache reports a cluster-mode-enabled group.
 */
function sharded(id: string, shards: number, replicas: number): CreateReplicationGroupCommandInput {
  return {
    ReplicationGroupId: id,
    ReplicationGroupDescription: 'sharded',
    Engine: 'valkey',
    EngineVersion: '8.0',
    CacheNodeType: 'cache.r7g.large',
    CacheParameterGroupName: 'default.valkey8.cluster.on',
    ClusterMode: 'enabled',
    NumNodeGroups: shards,
    ReplicasPerNodeGroup: replicas,
    NodeGroupConfiguration: Array.from({ length: shards }, (_, i) => ({ NodeGroupId: String(i + 1).padStart(4, '0'), ReplicaCount: replicas })),
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
  };
}

const suite = motoAvailable('test/ops/failover-shard.test.ts') ? describe : describe.skip;

suite('failover-drill --shard on a cluster-mode-enabled group, against a real HTTP endpoint', () => {
  let moto: Moto;
  let api: FailoverEndpoint;
  let client: ElastiCacheClient;
  let built: BuiltCli;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(built.cli, [...args, '--endpoint-url', api.endpoint], env);
  /** The command's main() in this process (the refusals and errors: what it prints is the same code's). */
  const cliInProcess = (...args: string[]) => runInProcess([...args, '--endpoint-url', api.endpoint], env);
  /** A drill in process, polling every 50 ms instead of 5 s. */
  const drill = (id: string, shard?: string, onProgress?: (line: string) => void) => runFailoverDrill(client, id,
    { intervalMs: 50, timeoutMs: 20_000, ...(shard ? { shard } : {}), ...(onProgress ? { onProgress } : {}) });

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'failover-shard-'));
    const started = startMoto();
    built = buildCli();
    moto = await started;
    api = await startFailoverEndpoint(moto.endpoint);
    env = bareEnv(home, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' });
    client = new ElastiCacheClient({ region: 'eu-west-1', endpoint: api.endpoint, credentials: MOTO_CREDENTIALS });
    await Promise.all([
      client.send(new CreateReplicationGroupCommand(sharded('shop', 3, 2))),
      client.send(new CreateReplicationGroupCommand(sharded('cart', 3, 2))),
      client.send(new CreateReplicationGroupCommand(sharded('tiny', 1, 1))),
      // Cluster mode disabled: one node group, 0001, with roles (moto takes the replicas from ReplicasPerNodeGroup).
      client.send(new CreateReplicationGroupCommand({
        ReplicationGroupId: 'flat', ReplicationGroupDescription: 'flat', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro',
        ReplicasPerNodeGroup: 1, AutomaticFailoverEnabled: true,
      })),
    ]);
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await Promise.all([api?.close(), moto?.stop()]);
    built?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  test('the command: --shard 0002 fails over that shard\'s primary; an unknown shard, or none on a group of 3, is refused before TestFailover',
    async () => {
      const [ok, unknown, none] = await Promise.all([cli('failover-drill', 'shop', '--shard', '0002'),
        cliInProcess('failover-drill', 'shop', '--shard', '7'), cliInProcess('failover-drill', 'shop')]);
      expect(ok.status).toBe(0);
      const lines = ok.stdout.trimEnd().split('\n');
      expect(lines.slice(0, 3)).toEqual([
        // The failover completes at once here: the first poll sees it (on a busy machine a second or so after the call).
        expect.stringMatching(/^Failover drill on shop, shard 0002: new primary serving after \d+s\.$/),
        // ElastiCache reports no roles for cluster mode enabled: the completion event names both nodes.
        '  primary before  shop-0002-001',
        '  primary after   shop-0002-002',
      ]);
      // Each event: date, source, message.
      expect(lines.slice(lines.indexOf('Events:') + 1, -1).map(l => l.trim().split(/\s{2,}/).slice(1))).toEqual([
        ['shop', 'Test Failover API called for node group 0002'],
        ['shop-0002-001', 'Failover from primary node shop-0002-001 to replica node shop-0002-002 completed'],
        ['shop', 'Failover from primary node shop-0002-001 to replica node shop-0002-002 completed'],
        ['shop-0002-001', 'Recovering cache nodes 0001'],
        ['shop-0002-001', 'Finished recovery for cache nodes 0001'],
      ]);
      expect(ok.stderr.split('\n')[0]).toBe('shop: calling TestFailover on shard 0002 (primary: not reported)');
      expectOneLine(unknown, 1, "Refusing failover drill on shop: it has no shard '7'. Shards: 0001, 0002, 0003.");
      expectOneLine(none, 1, 'Refusing failover drill on shop: it has 3 shards (0001, 0002, 0003) and TestFailover fails over the primary '
        + 'of one; choose it with --shard (its id, or its number: 2 for 0002).');
      // Only the drill that was meant reached the API, for the shard named.
      expect(api.calls).toEqual([{ replicationGroupId: 'shop', nodeGroupId: '0002', outcome: 'ok' }]);
    });

  test('the command: an error the API answers TestFailover with is one line, with its code', async () => {
    api.shardsPerDay = 0;
    try {
      const r = await cliInProcess('failover-drill', 'shop', '--shard', '0001');
      expect(r).toEqual({ status: 2, stdout: '', stderr: 'shop: calling TestFailover on shard 0001 (primary: not reported)\n'
        + 'TestFailover failed: APICallRateForCustomerExceeded: The rate of TestFailover calls of this customer has been exceeded '
        + '(ElastiCache allows test failovers of at most 15 shards in any rolling 24 hours; try again later)\n' });
    } finally {
      api.shardsPerDay = 15;
    }
    expect(api.calls.at(-1)).toEqual({ replicationGroupId: 'shop', nodeGroupId: '0001', outcome: 'APICallRateForCustomerExceeded' });
  });

  test('a shard number (2) names 0002; a second drill of the shard moments later is not ended by the first one\'s events', async () => {
    const first = await drill('cart', '2');
    expect(first).toEqual(expect.objectContaining({ shard: '0002', primaryBefore: 'cart-0002-001', primaryAfter: 'cart-0002-002' }));
    const second = await drill('cart', '0002');
    expect(second).toEqual(expect.objectContaining({ shard: '0002', primaryBefore: 'cart-0002-002', primaryAfter: 'cart-0002-003' }));
    expect(second.events.map(e => e.message)).toEqual([
      'Test Failover API called for node group 0002',
      ...Array(2).fill('Failover from primary node cart-0002-002 to replica node cart-0002-003 completed'),
      'Recovering cache nodes 0001', 'Finished recovery for cache nodes 0001',
    ]);
    expect(api.calls.filter(c => c.replicationGroupId === 'cart')).toEqual(Array(2).fill({ replicationGroupId: 'cart', nodeGroupId: '0002', outcome: 'ok' }));
  });

  test('while a failover is under way the drill waits for it; a second TestFailover on the group is refused by the API', async () => {
    api.holdFailovers = true;
    const progress: string[] = [];
    try {
      const running = drill('cart', '3', line => progress.push(line));
      let settled = false;
      void running.catch(() => undefined).then(() => { settled = true; });
      // Until the failover completes, the drill polls: wait for two polls after the call.
      while (!settled && progress.filter(l => l.startsWith('cart: shard 0003 primary not reported')).length < 2) {
        await new Promise(r => setTimeout(r, 10));
      }
      const refused = await drill('cart', '1').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidReplicationGroupStateFault);
      expect(formatError(refused)).toBe('InvalidReplicationGroupState: ReplicationGroup cart must be available, '
        + 'with no failover under way, to test a failover (the replication group is not in a state that allows this now)');
      api.completeFailovers();
      const result = await running;
      expect(result).toEqual(expect.objectContaining({ shard: '0003', primaryBefore: 'cart-0003-001', primaryAfter: 'cart-0003-002' }));
      expect(progress[0]).toBe('cart: calling TestFailover on shard 0003 (primary: not reported)');
    } finally {
      api.holdFailovers = false;
    }
  });

  test('cluster mode disabled or one shard: the only shard, 0001, needs no --shard; --shard 1 names it, --shard 2 is refused', async () => {
    await expect(drill('flat', '2')).rejects.toThrow(new OpsError(
      "Refusing failover drill on flat: it has no shard '2'; cluster mode is disabled, so its only shard is 0001."));
    // The roles ElastiCache reports for cluster mode disabled swap.
    expect(await drill('flat', '1')).toEqual(expect.objectContaining({ shard: '0001', primaryBefore: 'flat-001', primaryAfter: 'flat-002' }));
    expect(await drill('tiny')).toEqual(expect.objectContaining({ shard: '0001', primaryBefore: 'tiny-0001-001', primaryAfter: 'tiny-0001-002' }));
    expect(api.calls.filter(c => ['flat', 'tiny'].includes(c.replicationGroupId!))).toEqual([
      { replicationGroupId: 'flat', nodeGroupId: '0001', outcome: 'ok' },
      { replicationGroupId: 'tiny', nodeGroupId: '0001', outcome: 'ok' },
    ]);
  });

  test('the endpoint\'s faults are the API\'s: the SDK reads them as its error classes, and each is one line with its code', async () => {
    const fail = (ReplicationGroupId: string, NodeGroupId: string) => client.send(new TestFailoverCommand({ ReplicationGroupId, NodeGroupId }))
      .then(() => undefined, (e: unknown) => e);
    const [noShard, noGroup, badId] = await Promise.all([fail('shop', '0009'), fail('nosuch', '0001'), fail('shop', '00001')]);
    expect(noShard).toBeInstanceOf(NodeGroupNotFoundFault);
    expect(noGroup).toBeInstanceOf(ReplicationGroupNotFoundFault);
    expect(badId).toBeInstanceOf(InvalidParameterValueException);
    expect([noShard, noGroup, badId].map(formatError)).toEqual([
      'NodeGroupNotFoundFault: NodeGroup 0009 not found in ReplicationGroup shop',
      'ReplicationGroupNotFoundFault: ReplicationGroup nosuch not found',
      'InvalidParameterValue: The parameter NodeGroupId must be 1 to 4 letters or digits; got 00001',
    ]);
  });
});
