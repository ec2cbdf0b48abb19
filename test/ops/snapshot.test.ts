import {
  CreateSnapshotCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
  SnapshotAlreadyExistsFault,
  SnapshotNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { OpsError } from '../../lib/ops/errors';
import { createSnapshot, defaultSnapshotName } from '../../lib/ops/snapshot';
import { memberCluster, memcachedCluster, replicationGroup, snapshot, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const client = testClient();
const NAME = 'my-cache-manual-20250301-142501';
const groupNotFound = new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup not found.', $metadata: {} });

beforeEach(() => {
  ec.reset();
  jest.useFakeTimers({ now: new Date('2025-03-01T14:25:01.250Z') });
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
  ec.on(CreateSnapshotCommand).callsFake(input => ({ Snapshot: snapshot(input.SnapshotName, 'creating') }));
});
afterEach(() => jest.useRealTimers());

describe('createSnapshot', () => {
  test('backs the replication group up under a timestamped name and waits until it is available', async () => {
    ec.on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [snapshot(NAME, 'creating')] })
      .resolves({ Snapshots: [snapshot(NAME, 'available')] });
    const progress: string[] = [];
    const result = createSnapshot(client, 'my-cache', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual({
      name: NAME, source: 'my-cache', status: 'available', engine: 'valkey', engineVersion: '8.2', sizes: ['5 MB'], durationMs: 15_000,
    });
    expect(ec.commandCalls(CreateSnapshotCommand).map(c => c.args[0].input)).toEqual([{ SnapshotName: NAME, ReplicationGroupId: 'my-cache' }]);
    expect(ec.commandCalls(DescribeSnapshotsCommand)[0].args[0].input).toEqual({ SnapshotName: NAME });
    expect(progress).toEqual([`snapshot ${NAME}: creating [0s]`, `snapshot ${NAME}: available [15s]`]);
  });

  test('takes --name as given', async () => {
    ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot('before-upgrade', 'available')] });
    await expect(createSnapshot(client, 'my-cache', { name: 'before-upgrade' })).resolves.toEqual(expect.objectContaining({ name: 'before-upgrade' }));
    expect(ec.commandCalls(CreateSnapshotCommand)[0].args[0].input).toEqual({ SnapshotName: 'before-upgrade', ReplicationGroupId: 'my-cache' });
  });

  test('a lone Redis OSS cache cluster is backed up by CacheClusterId', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memberCluster('solo', 'eu-west-1a', { Engine: 'redis', ReplicationGroupId: undefined })] });
    ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot('s', 'available')] });
    await createSnapshot(client, 'solo', { name: 's' });
    expect(ec.commandCalls(CreateSnapshotCommand)[0].args[0].input).toEqual({ SnapshotName: 's', CacheClusterId: 'solo' });
  });

  test('tolerates the snapshot not being listed right after CreateSnapshot', async () => {
    ec.on(DescribeSnapshotsCommand)
      .rejectsOnce(new SnapshotNotFoundFault({ message: `Snapshot ${NAME} not found.`, $metadata: {} }))
      .resolves({ Snapshots: [snapshot(NAME, 'available')] });
    const progress: string[] = [];
    const result = createSnapshot(client, 'my-cache', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual(expect.objectContaining({ status: 'available' }));
    expect(progress[0]).toBe(`snapshot ${NAME}: not listed yet [0s]`);
  });

  test('refuses Memcached without calling CreateSnapshot', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    await expect(createSnapshot(client, 'my-memcached')).rejects.toThrow(new OpsError(
      'Refusing snapshot of my-memcached: it is a Memcached cluster, and Memcached has no backups (snapshots are for Valkey and Redis OSS).'));
    expect(ec.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('fails when the snapshot fails', async () => {
    ec.on(DescribeSnapshotsCommand).resolvesOnce({ Snapshots: [snapshot(NAME, 'creating')] }).resolves({ Snapshots: [snapshot(NAME, 'failed')] });
    const result = createSnapshot(client, 'my-cache');
    const assertion = expect(result).rejects.toThrow(new OpsError(
      `Snapshot ${NAME} of my-cache is 'failed': ElastiCache could not complete it (see the events of my-cache).`));
    await jest.advanceTimersByTimeAsync(15_000);
    await assertion;
  });

  test('times out, saying it may still complete', async () => {
    ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot(NAME, 'creating')] });
    const result = createSnapshot(client, 'my-cache', { timeoutMs: 120_000, intervalMs: 30_000 });
    const assertion = expect(result).rejects.toThrow(new OpsError(
      `Timed out after 2m0s waiting for snapshot ${NAME} of my-cache (status: creating); it may still complete.`));
    await jest.advanceTimersByTimeAsync(120_000);
    await assertion;
    expect(ec.commandCalls(DescribeSnapshotsCommand)).toHaveLength(5);
  });

  test('a CreateSnapshot fault propagates', async () => {
    const fault = new SnapshotAlreadyExistsFault({ message: 'Snapshot with specified name already exists.', $metadata: {} });
    ec.on(CreateSnapshotCommand).rejects(fault);
    await expect(createSnapshot(client, 'my-cache', { name: 'taken' })).rejects.toBe(fault);
  });

  test('defaultSnapshotName uses UTC', () => {
    expect(defaultSnapshotName('my-cache', Date.parse('2025-12-31T23:59:59.999Z'))).toBe('my-cache-manual-20251231-235959');
  });
});
