import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { formatElapsed, poll } from '../../lib/ops/clock';
import { OpsError } from '../../lib/ops/errors';
import { waitForAvailable } from '../../lib/ops/wait';
import { awsError, instantClock, memcachedCluster, replicationGroup, shardedGroup, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const client = testClient();

beforeEach(() => {
  ec.reset();
  jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
});
afterEach(() => jest.useRealTimers());

describe('waitForAvailable', () => {
  test('polls every 15 s until the group is available, one progress line per poll', async () => {
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'creating' })] })
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'modifying' })] })
      .resolves({ ReplicationGroups: [replicationGroup({ Status: 'available' })] });
    const progress: string[] = [];
    const result = waitForAvailable(client, 'my-cache', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(0);
    expect(progress).toEqual(['my-cache: creating [0s]']);
    await jest.advanceTimersByTimeAsync(14_999);
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual({ id: 'my-cache', kind: 'replication-group', status: 'available', elapsedMs: 30_000 });
    expect(progress).toEqual(['my-cache: creating [0s]', 'my-cache: modifying [15s]', 'my-cache: available [30s]']);
  });

  test('returns at once when already available', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    await expect(waitForAvailable(client, 'my-cache')).resolves.toEqual(expect.objectContaining({ elapsedMs: 0 }));
  });

  test('shows shard progress of a sharded group', async () => {
    const group = shardedGroup();
    group.Status = 'modifying';
    group.NodeGroups![1].Status = 'modifying';
    ec.on(DescribeReplicationGroupsCommand).resolvesOnce({ ReplicationGroups: [group] }).resolves({ ReplicationGroups: [shardedGroup()] });
    const progress: string[] = [];
    const result = waitForAvailable(client, 'big', { onProgress: l => progress.push(l), intervalMs: 1_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    await result;
    expect(progress).toEqual(['big: modifying (1/2 shards available) [0s]', 'big: available (2/2 shards available) [1s]']);
  });

  test('waits for a Memcached cluster through DescribeCacheClusters, with node progress', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup my-memcached not found.', $metadata: {} }));
    const creating = memcachedCluster({ CacheClusterStatus: 'creating' });
    creating.CacheNodes![1].CacheNodeStatus = 'creating';
    ec.on(DescribeCacheClustersCommand).resolvesOnce({ CacheClusters: [creating] }).resolves({ CacheClusters: [memcachedCluster()] });
    const progress: string[] = [];
    const result = waitForAvailable(client, 'my-memcached', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual(expect.objectContaining({ kind: 'cache-cluster', status: 'available' }));
    expect(progress).toEqual(['my-memcached: creating (1/2 nodes available) [0s]', 'my-memcached: available (2/2 nodes available) [15s]']);
  });

  test('times out with the last status', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ Status: 'modifying' })] });
    const result = waitForAvailable(client, 'my-cache', { timeoutMs: 60_000 });
    const assertion = expect(result).rejects.toThrow(new OpsError('Timed out after 1m0s waiting for my-cache to be available (status: modifying).'));
    await jest.advanceTimersByTimeAsync(60_000);
    await assertion;
    // Polls at 0, 15, 30, 45 and 60 s: the last one exactly at the deadline.
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(5);
  });

  test.each(['create-failed', 'deleting'])('gives up at once on %s', async status => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ Status: status })] });
    await expect(waitForAvailable(client, 'my-cache')).rejects.toThrow(new OpsError(`my-cache is '${status}' and will not become available.`));
  });

  test('fails when the cache disappears (or never existed)', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(new ReplicationGroupNotFoundFault({ message: 'not found', $metadata: {} }));
    ec.on(DescribeCacheClustersCommand).rejects(new CacheClusterNotFoundFault({ message: 'not found', $metadata: {} }));
    await expect(waitForAvailable(client, 'gone')).rejects.toThrow("No replication group or cache cluster named 'gone' in eu-west-1.");
  });

  test('an API error ends the wait', async () => {
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'creating' })] })
      .rejects(awsError('Throttling', 'Rate exceeded'));
    const result = waitForAvailable(client, 'my-cache');
    const assertion = expect(result).rejects.toThrow('Rate exceeded');
    await jest.advanceTimersByTimeAsync(15_000);
    await assertion;
  });
});

describe('clock helpers', () => {
  test.each([
    [0, '0s'], [4_400, '4s'], [75_000, '1m15s'], [3_600_000, '1h0m0s'], [-5, '0s'],
  ])('formatElapsed(%d) = %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });

  test('poll sleeps no longer than what is left before the deadline', async () => {
    const clock = instantClock();
    const sleeps = clock.sleeps;
    await expect(poll(async () => undefined, { clock, timeoutMs: 25_000, intervalMs: 10_000, onTimeout: () => new Error('late') }))
      .rejects.toThrow('late');
    expect(sleeps).toEqual([10_000, 10_000, 5_000]);
  });
});

describe('poll with a signal (the command\'s --timeout)', () => {
  const options = (signal: AbortSignal) => ({
    timeoutMs: 60_000, intervalMs: 15_000, clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms)) },
    onTimeout: () => new OpsError('timed out'), signal,
  });

  test('aborted during a sleep: the timeout error at once, no further check', async () => {
    const controller = new AbortController();
    const check = jest.fn(async () => undefined);
    const result = poll(check, options(controller.signal));
    const settled = expect(result).rejects.toThrow('timed out');
    await jest.advanceTimersByTimeAsync(5_000);
    controller.abort();
    await settled;
    expect(check).toHaveBeenCalledTimes(1);
  });

  test('a check that fails once aborted: the timeout after an answered check, the check\'s own error before any', async () => {
    const controller = new AbortController();
    const noAnswer = new Error('no answer');
    // Answers once, then fails when aborted.
    let calls = 0;
    const answeredFirst = poll(async () => {
      if (calls++ === 0) {
        return undefined;
      }
      controller.abort();
      throw noAnswer;
    }, { ...options(controller.signal), intervalMs: 1 });
    const settled = expect(answeredFirst).rejects.toThrow('timed out');
    await jest.advanceTimersByTimeAsync(1);
    await settled;
    const aborted = new AbortController();
    aborted.abort();
    await expect(poll(async () => { throw noAnswer; }, options(aborted.signal))).rejects.toBe(noAnswer);
  });
});
