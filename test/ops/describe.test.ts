import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { describeCache, formatDescription } from '../../lib/ops/describe';
import { OpsError } from '../../lib/ops/errors';
import { awsError, memberCluster, memcachedCluster, replicationGroup, shardedGroup, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const client = testClient();
const notFoundGroup = (id: string) => new ReplicationGroupNotFoundFault({ message: `ReplicationGroup ${id} not found.`, $metadata: {} });
const notFoundCluster = (id: string) => new CacheClusterNotFoundFault({ message: `CacheCluster ${id} not found.`, $metadata: {} });

beforeEach(() => ec.reset());

describe('describeCache, replication group (cluster mode disabled)', () => {
  beforeEach(() => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'my-cache' }).resolves({ ReplicationGroups: [replicationGroup()] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-001' })
      .resolves({ CacheClusters: [memberCluster('my-cache-001', 'eu-west-1a')] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-002' })
      .resolves({ CacheClusters: [memberCluster('my-cache-002', 'eu-west-1b')] });
  });

  test('reads the group, then every member with its node info', async () => {
    const d = await describeCache(client, 'my-cache');
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(1);
    expect(ec.commandCalls(DescribeCacheClustersCommand).map(c => c.args[0].input)).toEqual([
      { CacheClusterId: 'my-cache-001', ShowCacheNodeInfo: true },
      { CacheClusterId: 'my-cache-002', ShowCacheNodeInfo: true },
    ]);
    expect(d).toEqual(expect.objectContaining({
      kind: 'replication-group',
      id: 'my-cache',
      status: 'available',
      engine: 'valkey',
      engineDisplayName: 'Valkey',
      engineVersion: '8.2',
      nodeType: 'cache.t4g.micro',
      clusterMode: 'disabled',
      transitEncryption: true,
      transitEncryptionMode: 'required',
      atRestEncryption: true,
      storageEncryptionType: 'sse-elasticache',
      authTokenEnabled: false,
      userGroupIds: ['my-cache-users'],
      multiAz: 'enabled',
      automaticFailover: 'enabled',
      snapshotRetentionLimit: 7,
      snapshotWindow: '03:00-04:00',
      snapshottingClusterId: 'my-cache-002',
      maintenanceWindow: 'sun:05:00-sun:06:00',
      pendingModifications: [],
    }));
    expect(d.endpoints).toEqual([
      { role: 'primary', address: 'my-cache.abc123.ng.0001.euw1.cache.amazonaws.com', port: 6379 },
      { role: 'reader', address: 'my-cache-ro.abc123.ng.0001.euw1.cache.amazonaws.com', port: 6379 },
    ]);
    expect(d.nodes).toEqual([
      { cacheClusterId: 'my-cache-001', cacheNodeId: '0001', shard: '0001', role: 'primary', availabilityZone: 'eu-west-1a',
        status: 'available', endpoint: 'my-cache-001.abc123.0001.euw1.cache.amazonaws.com:6379' },
      { cacheClusterId: 'my-cache-002', cacheNodeId: '0001', shard: '0001', role: 'replica', availabilityZone: 'eu-west-1b',
        status: 'available', endpoint: 'my-cache-002.abc123.0001.euw1.cache.amazonaws.com:6379' },
    ]);
  });

  test('renders a table: settings, endpoints, nodes with roles and AZs', async () => {
    const text = formatDescription(await describeCache(client, 'my-cache'));
    expect(text).toMatch(/^Replication group\s+my-cache$/m);
    expect(text).toMatch(/^Engine\s+Valkey 8\.2$/m);
    expect(text).toMatch(/^Multi-AZ\s+enabled$/m);
    expect(text).toMatch(/^Auto failover\s+enabled$/m);
    expect(text).toMatch(/^Encryption\s+in transit: yes \(required\), at rest: yes \(sse-elasticache\)$/m);
    expect(text).toMatch(/^Auth\s+AUTH token: no, user groups \(RBAC \/ IAM\): my-cache-users$/m);
    expect(text).toMatch(/^Backups\s+kept 7 days, window 03:00-04:00 UTC, from my-cache-002$/m);
    expect(text).toMatch(/^Maintenance\s+sun:05:00-sun:06:00 UTC$/m);
    expect(text).toMatch(/^Pending\s+none$/m);
    expect(text).toMatch(/^ {2}primary\s+my-cache\.abc123\.ng\.0001\.euw1\.cache\.amazonaws\.com\s+6379$/m);
    expect(text).toMatch(/^ {2}NODE\s+SHARD\s+ROLE\s+AZ\s+STATUS$/m);
    expect(text).toMatch(/^ {2}my-cache-001\s+0001\s+primary\s+eu-west-1a\s+available$/m);
    expect(text).toMatch(/^ {2}my-cache-002\s+0001\s+replica\s+eu-west-1b\s+available$/m);
  });

  test('pending modifications of the group and of its nodes, grouped when nodes share one', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'my-cache' }).resolves({ ReplicationGroups: [replicationGroup({
      Status: 'modifying',
      PendingModifiedValues: { AutomaticFailoverStatus: 'disabled', UserGroups: { UserGroupIdsToAdd: ['ops'], UserGroupIdsToRemove: [] } },
    })] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-001' }).resolves({ CacheClusters: [memberCluster('my-cache-001', 'eu-west-1a', {
      PendingModifiedValues: { EngineVersion: '8.2.1', CacheNodeType: 'cache.r7g.large' },
    })] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-002' }).resolves({ CacheClusters: [memberCluster('my-cache-002', 'eu-west-1b', {
      PendingModifiedValues: { EngineVersion: '8.2.1' },
    })] });
    const d = await describeCache(client, 'my-cache');
    expect(d.pendingModifications).toEqual([
      'AutomaticFailoverStatus: disabled',
      'UserGroups.UserGroupIdsToAdd: ops',
      'EngineVersion: 8.2.1',
      'CacheNodeType: cache.r7g.large [my-cache-001]',
    ]);
    expect(formatDescription(d)).toMatch(/^Pending\s+AutomaticFailoverStatus: disabled; UserGroups.UserGroupIdsToAdd: ops; EngineVersion: 8.2.1; /m);
  });

  test('a member that disappeared meanwhile is listed without status instead of failing', async () => {
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-002' }).rejects(notFoundCluster('my-cache-002'));
    const d = await describeCache(client, 'my-cache');
    expect(d.nodes[1]).toEqual({ cacheClusterId: 'my-cache-002', cacheNodeId: '0001', shard: '0001', role: 'replica',
      availabilityZone: 'eu-west-1b', endpoint: 'my-cache-002.abc123.0001.euw1.cache.amazonaws.com:6379' });
  });

  test('a member being added (not in a node group yet) is listed', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'my-cache' }).resolves({ ReplicationGroups: [replicationGroup({
      MemberClusters: ['my-cache-001', 'my-cache-002', 'my-cache-003'],
    })] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-003' })
      .resolves({ CacheClusters: [memberCluster('my-cache-003', 'eu-west-1c', { CacheClusterStatus: 'creating', CacheNodes: [] })] });
    const d = await describeCache(client, 'my-cache');
    expect(d.nodes[2]).toEqual({ cacheClusterId: 'my-cache-003', availabilityZone: 'eu-west-1c', status: 'creating' });
  });

  test('backups off and no AUTH / user group are said plainly', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'my-cache' }).resolves({ ReplicationGroups: [replicationGroup({
      SnapshotRetentionLimit: 0, SnapshotWindow: undefined, SnapshottingClusterId: undefined, UserGroupIds: [], AuthTokenEnabled: true,
      TransitEncryptionEnabled: false, TransitEncryptionMode: undefined, AtRestEncryptionEnabled: false, StorageEncryptionType: 'none',
      Engine: 'redis',
    })] });
    const text = formatDescription(await describeCache(client, 'my-cache'));
    expect(text).toMatch(/^Backups\s+automatic backups off$/m);
    expect(text).toMatch(/^Auth\s+AUTH token: yes, user groups \(RBAC \/ IAM\): none$/m);
    expect(text).toMatch(/^Encryption\s+in transit: no, at rest: no$/m);
    expect(text).toMatch(/^Engine\s+Redis OSS 8\.2$/m);
  });
});

describe('describeCache, sharded group (cluster mode enabled)', () => {
  test('configuration endpoint, nodes by shard, roles not reported', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'big' }).resolves({ ReplicationGroups: [shardedGroup()] });
    ec.on(DescribeCacheClustersCommand).callsFake(input => ({
      CacheClusters: [memberCluster(input.CacheClusterId, 'eu-west-1a', { ReplicationGroupId: 'big' })],
    }));
    const d = await describeCache(client, 'big');
    expect(d.clusterMode).toBe('enabled');
    expect(d.endpoints).toEqual([{ role: 'configuration', address: 'clustercfg.big.abc123.euw1.cache.amazonaws.com', port: 6379 }]);
    expect(d.nodes.map(n => [n.cacheClusterId, n.shard, n.role])).toEqual([
      ['big-0001-001', '0001', undefined],
      ['big-0001-002', '0001', undefined],
      ['big-0002-001', '0002', undefined],
      ['big-0002-002', '0002', undefined],
    ]);
    expect(formatDescription(d)).toMatch(/^ {2}big-0002-002\s+0002\s+-\s+eu-west-1a\s+available$/m);
  });

  test('shards with their slots and node counts, in the JSON and in a Shards table', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'big' }).resolves({ ReplicationGroups: [shardedGroup()] });
    ec.on(DescribeCacheClustersCommand).callsFake(input => ({
      CacheClusters: [memberCluster(input.CacheClusterId, 'eu-west-1a', { ReplicationGroupId: 'big' })],
    }));
    const d = await describeCache(client, 'big');
    expect(d.shards).toEqual([
      { id: '0001', slots: '0-8191', status: 'available', nodes: 2 },
      { id: '0002', slots: '8192-16383', status: 'available', nodes: 2 },
    ]);
    const text = formatDescription(d);
    expect(text).toMatch(new RegExp('\nShards\n {2}SHARD\\s+SLOTS\\s+NODES\\s+STATUS\n'
      + ' {2}0001\\s+0-8191\\s+2\\s+available\n {2}0002\\s+8192-16383\\s+2\\s+available\n\nNodes'));
  });

  test('describes members five at a time', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `big-${String(i + 1).padStart(4, '0')}-001`);
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ...shardedGroup(), MemberClusters: ids, NodeGroups: [] }] });
    let inFlight = 0;
    let most = 0;
    ec.on(DescribeCacheClustersCommand).callsFake(async input => {
      most = Math.max(most, ++inFlight);
      await Promise.resolve();
      inFlight--;
      return { CacheClusters: [memberCluster(input.CacheClusterId, 'eu-west-1a')] };
    });
    const d = await describeCache(client, 'big');
    expect(d.nodes).toHaveLength(12);
    expect(most).toBe(5);
  });
});

describe('describeCache, Memcached', () => {
  test('falls back to DescribeCacheClusters and shows the configuration and node endpoints', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(notFoundGroup('my-memcached'));
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-memcached', ShowCacheNodeInfo: true })
      .resolves({ CacheClusters: [memcachedCluster()] });
    const d = await describeCache(client, 'my-memcached');
    expect(d).toEqual(expect.objectContaining({
      kind: 'cache-cluster', id: 'my-memcached', engine: 'memcached', engineDisplayName: 'Memcached', engineVersion: '1.6.22',
      transitEncryption: true, atRestEncryption: false, maintenanceWindow: 'mon:04:00-mon:05:00',
    }));
    expect(d.snapshotRetentionLimit).toBeUndefined();
    expect(d.multiAz).toBeUndefined();
    expect(d.endpoints).toEqual([
      { role: 'configuration', address: 'my-memcached.abc123.cfg.euw1.cache.amazonaws.com', port: 11211 },
      { role: 'node', address: 'my-memcached.abc123.0001.euw1.cache.amazonaws.com', port: 11211, node: '0001' },
      { role: 'node', address: 'my-memcached.abc123.0002.euw1.cache.amazonaws.com', port: 11211, node: '0002' },
    ]);
    const text = formatDescription(d);
    expect(text).toMatch(/^Cache cluster\s+my-memcached$/m);
    expect(text).toMatch(/^Backups\s+none \(Memcached has no backups\)$/m);
    expect(text).toMatch(/^Auth\s+none \(Memcached\)$/m);
    expect(text).not.toMatch(/Multi-AZ/);
    expect(text).toMatch(/^ {2}my-memcached\/0002\s+-\s+-\s+eu-west-1b\s+available$/m);
  });
});

describe('describeCache, failures', () => {
  test('an unknown id is one OpsError naming the region', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(notFoundGroup('nope'));
    ec.on(DescribeCacheClustersCommand).rejects(notFoundCluster('nope'));
    await expect(describeCache(client, 'nope')).rejects.toThrow(new OpsError("No replication group or cache cluster named 'nope' in eu-west-1."));
  });

  test('other errors pass through unchanged', async () => {
    const denied = awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:DescribeReplicationGroups');
    ec.on(DescribeReplicationGroupsCommand).rejects(denied);
    await expect(describeCache(client, 'my-cache')).rejects.toBe(denied);
    expect(ec.commandCalls(DescribeCacheClustersCommand)).toHaveLength(0);
  });
});
