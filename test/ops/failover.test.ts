import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroup,
  ReplicationGroupNotFoundFault,
  TestFailoverCommand,
  TestFailoverNotAvailableFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { OpsError } from '../../lib/ops/errors';
import { runFailoverDrill } from '../../lib/ops/failover';
import { awsError, event, failedOverGroup, memberCluster, memcachedCluster, replicationGroup, shardedGroup, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const client = testClient();
const START = new Date('2025-03-01T14:00:00Z');
const groupNotFound = new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup not found.', $metadata: {} });

beforeEach(() => {
  ec.reset();
  jest.useFakeTimers({ now: START });
});
afterEach(() => jest.useRealTimers());

describe('runFailoverDrill, cluster mode disabled', () => {
  const called = event('2025-03-01T14:00:01Z', 'my-cache', 'Test Failover API called for node group 0001');
  const completed = event('2025-03-01T14:00:09Z', 'my-cache', 'Failover to replica node my-cache-002 completed');
  const recovering = event('2025-03-01T14:00:08Z', 'my-cache-001', 'Recovering cache nodes 0001', 'cache-cluster');
  const elsewhere = event('2025-03-01T14:00:05Z', 'other-cache', 'Failover to replica node other-cache-002 completed');

  beforeEach(() => {
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup()] }) // the checks before the drill
      .resolvesOnce({ ReplicationGroups: [replicationGroup()] }) // first poll: not failed over yet
      .resolves({ ReplicationGroups: [failedOverGroup()] });
    ec.on(TestFailoverCommand).resolves({ ReplicationGroup: replicationGroup() });
    // DescribeEvents lists the newest first. The first call reads the events before TestFailover.
    ec.on(DescribeEventsCommand)
      .resolvesOnce({ Events: [] })
      .resolvesOnce({ Events: [called] })
      .resolves({ Events: [completed, recovering, elsewhere, called] });
  });

  test('calls TestFailover on the shard and follows the roles until the replica is primary', async () => {
    const progress: string[] = [];
    const drill = runFailoverDrill(client, 'my-cache', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(5_000);
    const result = await drill;

    expect(ec.commandCalls(TestFailoverCommand).map(c => c.args[0].input)).toEqual([{ ReplicationGroupId: 'my-cache', NodeGroupId: '0001' }]);
    expect(ec.commandCalls(DescribeEventsCommand)[0].args[0].input).toEqual({ StartTime: new Date(START.getTime() - 60_000), MaxRecords: 100 });
    expect(result).toEqual({
      replicationGroupId: 'my-cache',
      shard: '0001',
      primaryBefore: 'my-cache-001',
      primaryAfter: 'my-cache-002',
      startedAt: '2025-03-01T14:00:00.000Z',
      completedAt: '2025-03-01T14:00:05.000Z',
      durationMs: 5_000,
      events: [
        { date: '2025-03-01T14:00:01.000Z', source: 'my-cache', message: 'Test Failover API called for node group 0001' },
        { date: '2025-03-01T14:00:08.000Z', source: 'my-cache-001', message: 'Recovering cache nodes 0001' },
        { date: '2025-03-01T14:00:09.000Z', source: 'my-cache', message: 'Failover to replica node my-cache-002 completed' },
      ],
    });
    expect(progress).toEqual([
      'my-cache: calling TestFailover on shard 0001 (primary: my-cache-001)',
      'my-cache: event 2025-03-01T14:00:01.000Z my-cache: Test Failover API called for node group 0001',
      'my-cache: shard 0001 primary my-cache-001, group available [0s]',
      'my-cache: event 2025-03-01T14:00:08.000Z my-cache-001: Recovering cache nodes 0001',
      'my-cache: event 2025-03-01T14:00:09.000Z my-cache: Failover to replica node my-cache-002 completed',
      'my-cache: shard 0001 primary my-cache-002, group available [5s]',
    ]);
  });

  test('follows DescribeEvents pages', async () => {
    ec.on(DescribeEventsCommand)
      .resolvesOnce({ Events: [] })
      .resolvesOnce({ Events: [completed], Marker: 'page-2' })
      .resolves({ Events: [called] });
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup()] })
      .resolves({ ReplicationGroups: [failedOverGroup()] });
    const result = await runFailoverDrill(client, 'my-cache');
    expect(ec.commandCalls(DescribeEventsCommand)[2].args[0].input).toEqual(expect.objectContaining({ Marker: 'page-2' }));
    expect(result.events.map(e => e.message)).toEqual([called.Message, completed.Message]);
  });

  test('times out when no new primary shows up', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    const drill = runFailoverDrill(client, 'my-cache', { timeoutMs: 60_000 });
    const assertion = expect(drill).rejects.toThrow(
      new OpsError('Timed out after 1m0s waiting for a new primary in shard 0001 of my-cache (primary still my-cache-001).'));
    await jest.advanceTimersByTimeAsync(60_000);
    await assertion;
    // One check before the drill, then a poll every 5 s from 0 to 60 s.
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(14);
  });

  test('a TestFailover fault propagates (the CLI turns it into one line)', async () => {
    const fault = new TestFailoverNotAvailableFault({ message: 'TestFailover is not available for node group 0001.', $metadata: {} });
    ec.on(TestFailoverCommand).rejects(fault);
    await expect(runFailoverDrill(client, 'my-cache')).rejects.toBe(fault);
    // The events before the call were read; nothing was polled after it.
    expect(ec.commandCalls(DescribeEventsCommand)).toHaveLength(1);
  });

  test('events that were there before the call (an earlier drill) are not taken for this drill\'s', async () => {
    const earlier = [
      event('2025-03-01T13:59:40Z', 'my-cache', 'Failover to replica node my-cache-002 completed'),
      event('2025-03-01T13:59:30Z', 'my-cache', 'Test Failover API called for node group 0001'),
    ];
    // Since then my-cache-002 is primary; this drill hands back to my-cache-001.
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [failedOverGroup()] })
      .resolvesOnce({ ReplicationGroups: [failedOverGroup()] })
      .resolves({ ReplicationGroups: [replicationGroup()] });
    const back = event('2025-03-01T14:00:06Z', 'my-cache', 'Failover to replica node my-cache-001 completed');
    ec.on(DescribeEventsCommand)
      .resolvesOnce({ Events: earlier })
      .resolvesOnce({ Events: earlier })
      .resolves({ Events: [back, ...earlier] });
    const drill = runFailoverDrill(client, 'my-cache');
    await jest.advanceTimersByTimeAsync(5_000);
    const result = await drill;
    expect(result).toEqual(expect.objectContaining({ primaryBefore: 'my-cache-002', primaryAfter: 'my-cache-001', durationMs: 5_000 }));
    expect(result.events.map(e => e.message)).toEqual([back.Message]);
  });

  test('no DescribeEvents, no drill: a failure to read the events comes before TestFailover', async () => {
    ec.on(DescribeEventsCommand).rejects(awsError('AccessDenied', 'not authorized to perform: elasticache:DescribeEvents'));
    await expect(runFailoverDrill(client, 'my-cache')).rejects.toThrow('not authorized to perform: elasticache:DescribeEvents');
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });

  test('a shard other than 0001 is refused, saying it is the only one', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    await expect(runFailoverDrill(client, 'my-cache', { shard: '2' })).rejects.toThrow(new OpsError(
      "Refusing failover drill on my-cache: it has no shard '2'; cluster mode is disabled, so its only shard is 0001."));
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });
});

describe('runFailoverDrill, cluster mode enabled', () => {
  test('--shard 2 picks node group 0002; the completion event names the new primary', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [shardedGroup()] });
    ec.on(TestFailoverCommand).resolves({ ReplicationGroup: shardedGroup() });
    ec.on(DescribeEventsCommand)
      .resolvesOnce({ Events: [] })
      .resolvesOnce({ Events: [
        // Another shard's failover must not end this drill.
        event('2025-03-01T14:00:02Z', 'big', 'Failover from primary node big-0001-001 to replica node big-0001-002 completed'),
      ] })
      .resolves({ Events: [
        event('2025-03-01T14:00:07Z', 'big', 'Failover from primary node big-0002-001 to replica node big-0002-002 completed'),
        event('2025-03-01T14:00:02Z', 'big', 'Failover from primary node big-0001-001 to replica node big-0001-002 completed'),
      ] });
    const drill = runFailoverDrill(client, 'big', { shard: '2' });
    await jest.advanceTimersByTimeAsync(5_000);
    const result = await drill;
    expect(ec.commandCalls(TestFailoverCommand)[0].args[0].input).toEqual({ ReplicationGroupId: 'big', NodeGroupId: '0002' });
    expect(result).toEqual(expect.objectContaining({ shard: '0002', primaryBefore: 'big-0002-001', primaryAfter: 'big-0002-002', durationMs: 5_000 }));
  });

  test('a shard id is taken as is', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [shardedGroup()] });
    ec.on(DescribeEventsCommand).resolvesOnce({ Events: [] })
      .resolves({ Events: [event('2025-03-01T14:00:07Z', 'big', 'Failover to replica node big-0001-002 completed')] });
    const result = await runFailoverDrill(client, 'big', { shard: '0001' });
    expect(result.primaryBefore).toBeUndefined();
    expect(result.primaryAfter).toBe('big-0001-002');
  });

  test('a shard id chosen at creation (letters and digits) is matched as is', async () => {
    const group = shardedGroup();
    group.NodeGroups![1] = { ...group.NodeGroups![1], NodeGroupId: 'eu2' };
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group] });
    ec.on(DescribeEventsCommand).resolvesOnce({ Events: [] })
      .resolves({ Events: [event('2025-03-01T14:00:07Z', 'big', 'Failover from primary node big-0002-001 to replica node big-0002-002 completed')] });
    const result = await runFailoverDrill(client, 'big', { shard: 'eu2' });
    expect(ec.commandCalls(TestFailoverCommand)[0].args[0].input).toEqual({ ReplicationGroupId: 'big', NodeGroupId: 'eu2' });
    expect(result).toEqual(expect.objectContaining({ shard: 'eu2', primaryBefore: 'big-0002-001', primaryAfter: 'big-0002-002' }));
  });

  test('a group with one shard needs no shard', async () => {
    const group = shardedGroup();
    group.NodeGroups = group.NodeGroups!.slice(0, 1);
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group] });
    ec.on(DescribeEventsCommand).resolvesOnce({ Events: [] })
      .resolves({ Events: [event('2025-03-01T14:00:07Z', 'big', 'Failover to replica node big-0001-002 completed')] });
    expect((await runFailoverDrill(client, 'big')).shard).toBe('0001');
  });
});

describe('runFailoverDrill refuses, without calling TestFailover', () => {
  const withGroup = (group: ReplicationGroup) => () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group] });
  };
  const onlyCluster = (cluster: ReturnType<typeof memcachedCluster> | undefined) => () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    if (cluster) {
      ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [cluster] });
    } else {
      ec.on(DescribeCacheClustersCommand).rejects(new CacheClusterNotFoundFault({ message: 'CacheCluster not found.', $metadata: {} }));
    }
  };
  const single = replicationGroup({ MemberClusters: ['my-cache-001'] });
  single.NodeGroups![0].NodeGroupMembers = single.NodeGroups![0].NodeGroupMembers!.slice(0, 1);

  test.each<[string, () => void, string, string]>([
    ['a Memcached cluster', onlyCluster(memcachedCluster()), 'my-memcached',
      'Refusing failover drill on my-memcached: it is a Memcached cluster, which has no replicas and no failover.'],
    ['a lone Redis OSS cache cluster', onlyCluster(memberCluster('solo', 'eu-west-1a', { Engine: 'redis', ReplicationGroupId: undefined })), 'solo',
      'Refusing failover drill on solo: it is a single cache cluster, not a replication group, so it has no replica to fail over to.'],
    ['an unknown id', onlyCluster(undefined), 'nope', "No replication group named 'nope' in eu-west-1."],
    ['automatic failover disabled', withGroup(replicationGroup({ AutomaticFailover: 'disabled', MultiAZ: 'disabled' })), 'my-cache',
      'Refusing failover drill on my-cache: automatic failover is disabled; enable Multi-AZ with automatic failover first.'],
    ['automatic failover still enabling', withGroup(replicationGroup({ AutomaticFailover: 'enabling' })), 'my-cache',
      'Refusing failover drill on my-cache: automatic failover is enabling; enable Multi-AZ with automatic failover first.'],
    ['a group that is not available', withGroup(replicationGroup({ Status: 'modifying' })), 'my-cache',
      "Refusing failover drill on my-cache: its status is 'modifying'; wait until it is available (wait my-cache)."],
    ['no replica', withGroup(single), 'my-cache',
      'Refusing failover drill on my-cache: shard 0001 has no replica (1 node); add a read replica first.'],
  ])('%s', async (_label, setup, id, message) => {
    setup();
    await expect(runFailoverDrill(client, id)).rejects.toThrow(new OpsError(message));
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });

  test('an unknown shard, listing the shards', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [shardedGroup()] });
    await expect(runFailoverDrill(client, 'big', { shard: '7' })).rejects.toThrow(
      new OpsError("Refusing failover drill on big: it has no shard '7'. Shards: 0001, 0002."));
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });

  test('no shard on a group with several: which one is the caller\'s choice', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [shardedGroup()] });
    await expect(runFailoverDrill(client, 'big')).rejects.toThrow(new OpsError('Refusing failover drill on big: it has 2 shards (0001, 0002) '
      + 'and TestFailover fails over the primary of one; choose it with --shard (its id, or its number: 2 for 0002).'));
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
    expect(ec.commandCalls(DescribeEventsCommand)).toHaveLength(0);
  });
});
