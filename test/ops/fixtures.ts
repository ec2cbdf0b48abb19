// Responses shaped like the real ElastiCache API, typed with the SDK's own model types.
import {
  CacheCluster,
  ElastiCacheClient,
  ElastiCacheServiceException,
  Event,
  ReplicationGroup,
  Snapshot,
} from '@aws-sdk/client-elasticache';
import type { Clock } from '../../lib/ops/clock';

// The SDK's nine-line "Node 22 from 2027" warning is noise in test output (the CLI turns it off too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const REGION = 'eu-west-1';

/**
 * A clock whose sleeps pass at once (a wait that never ends times out without taking the time), from
 * `start` (ms since the epoch); `sleeps` lists each sleep asked for.
 */
export function instantClock(start = 0): Clock & { readonly sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async ms => { sleeps.push(ms); now += ms; } };
}
export const ACCOUNT = '123456789012';

/** A client with fixed region and credentials (no chain is consulted). */
export function testClient(): ElastiCacheClient {
  return new ElastiCacheClient({
    region: REGION,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
}

/** An AWS error the way the SDK deserializes it (for codes the ElastiCache model does not declare). */
export function awsError(name: string, message: string): ElastiCacheServiceException {
  return new ElastiCacheServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** The seed's setup: Valkey 8.2, one primary and one replica, Multi-AZ with automatic failover, TLS, at-rest encryption. */
export function replicationGroup(overrides: Partial<ReplicationGroup> = {}): ReplicationGroup {
  return {
    ReplicationGroupId: 'my-cache',
    Description: 'Session cache',
    Status: 'available',
    PendingModifiedValues: {},
    MemberClusters: ['my-cache-001', 'my-cache-002'],
    NodeGroups: [{
      NodeGroupId: '0001',
      Status: 'available',
      PrimaryEndpoint: { Address: 'my-cache.abc123.ng.0001.euw1.cache.amazonaws.com', Port: 6379 },
      ReaderEndpoint: { Address: 'my-cache-ro.abc123.ng.0001.euw1.cache.amazonaws.com', Port: 6379 },
      NodeGroupMembers: [
        {
          CacheClusterId: 'my-cache-001',
          CacheNodeId: '0001',
          ReadEndpoint: { Address: 'my-cache-001.abc123.0001.euw1.cache.amazonaws.com', Port: 6379 },
          PreferredAvailabilityZone: 'eu-west-1a',
          CurrentRole: 'primary',
        },
        {
          CacheClusterId: 'my-cache-002',
          CacheNodeId: '0001',
          ReadEndpoint: { Address: 'my-cache-002.abc123.0001.euw1.cache.amazonaws.com', Port: 6379 },
          PreferredAvailabilityZone: 'eu-west-1b',
          CurrentRole: 'replica',
        },
      ],
    }],
    SnapshottingClusterId: 'my-cache-002',
    AutomaticFailover: 'enabled',
    MultiAZ: 'enabled',
    SnapshotRetentionLimit: 7,
    SnapshotWindow: '03:00-04:00',
    ClusterEnabled: false,
    CacheNodeType: 'cache.t4g.micro',
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: true,
    StorageEncryptionType: 'sse-elasticache',
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:my-cache`,
    UserGroupIds: ['my-cache-users'],
    LogDeliveryConfigurations: [],
    ReplicationGroupCreateTime: new Date('2025-02-01T10:00:00Z'),
    DataTiering: 'disabled',
    AutoMinorVersionUpgrade: true,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: 'required',
    ClusterMode: 'disabled',
    Engine: 'valkey',
    ...overrides,
  };
}

/** The same group with roles swapped: what DescribeReplicationGroups returns after a failover. */
export function failedOverGroup(): ReplicationGroup {
  const group = replicationGroup();
  const [a, b] = group.NodeGroups![0].NodeGroupMembers!;
  group.NodeGroups![0].NodeGroupMembers = [{ ...a, CurrentRole: 'replica' }, { ...b, CurrentRole: 'primary' }];
  return group;
}

/** A member cache cluster of `my-cache` (DescribeCacheClusters with ShowCacheNodeInfo). */
export function memberCluster(id: string, az: string, overrides: Partial<CacheCluster> = {}): CacheCluster {
  return {
    CacheClusterId: id,
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: 'cache.t4g.micro',
    Engine: 'valkey',
    EngineVersion: '8.2',
    CacheClusterStatus: 'available',
    NumCacheNodes: 1,
    PreferredAvailabilityZone: az,
    CacheClusterCreateTime: new Date('2025-02-01T10:00:00Z'),
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    PendingModifiedValues: {},
    CacheSecurityGroups: [],
    CacheParameterGroup: { CacheParameterGroupName: 'default.valkey8', ParameterApplyStatus: 'in-sync', CacheNodeIdsToReboot: [] },
    CacheSubnetGroupName: 'my-cache-subnets',
    CacheNodes: [{
      CacheNodeId: '0001',
      CacheNodeStatus: 'available',
      CacheNodeCreateTime: new Date('2025-02-01T10:00:00Z'),
      Endpoint: { Address: `${id}.abc123.0001.euw1.cache.amazonaws.com`, Port: 6379 },
      ParameterGroupStatus: 'in-sync',
      CustomerAvailabilityZone: az,
    }],
    AutoMinorVersionUpgrade: true,
    SecurityGroups: [{ SecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' }],
    ReplicationGroupId: 'my-cache',
    SnapshotRetentionLimit: 7,
    SnapshotWindow: '03:00-04:00',
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: true,
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:cluster:${id}`,
    ReplicationGroupLogDeliveryEnabled: false,
    LogDeliveryConfigurations: [],
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: 'required',
    ...overrides,
  };
}

/** A sharded (cluster mode enabled) group: two shards of two nodes, no roles reported. */
export function shardedGroup(): ReplicationGroup {
  const member = (shard: string, n: string, az: string) => ({
    CacheClusterId: `big-${shard}-${n}`, CacheNodeId: '0001', PreferredAvailabilityZone: az,
  });
  return replicationGroup({
    ReplicationGroupId: 'big',
    MemberClusters: ['big-0001-001', 'big-0001-002', 'big-0002-001', 'big-0002-002'],
    NodeGroups: [
      { NodeGroupId: '0001', Status: 'available', Slots: '0-8191', NodeGroupMembers: [member('0001', '001', 'eu-west-1a'), member('0001', '002', 'eu-west-1b')] },
      { NodeGroupId: '0002', Status: 'available', Slots: '8192-16383', NodeGroupMembers: [member('0002', '001', 'eu-west-1b'), member('0002', '002', 'eu-west-1a')] },
    ],
    ConfigurationEndpoint: { Address: 'clustercfg.big.abc123.euw1.cache.amazonaws.com', Port: 6379 },
    ClusterEnabled: true,
    ClusterMode: 'enabled',
    SnapshottingClusterId: undefined,
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:big`,
  });
}

/** A Memcached 1.6 cluster of two nodes. */
export function memcachedCluster(overrides: Partial<CacheCluster> = {}): CacheCluster {
  const node = (n: string, az: string) => ({
    CacheNodeId: n,
    CacheNodeStatus: 'available',
    CacheNodeCreateTime: new Date('2025-02-01T10:00:00Z'),
    Endpoint: { Address: `my-memcached.abc123.${n}.euw1.cache.amazonaws.com`, Port: 11211 },
    ParameterGroupStatus: 'in-sync',
    CustomerAvailabilityZone: az,
  });
  return {
    CacheClusterId: 'my-memcached',
    ConfigurationEndpoint: { Address: 'my-memcached.abc123.cfg.euw1.cache.amazonaws.com', Port: 11211 },
    CacheNodeType: 'cache.t4g.micro',
    Engine: 'memcached',
    EngineVersion: '1.6.22',
    CacheClusterStatus: 'available',
    NumCacheNodes: 2,
    PreferredAvailabilityZone: 'Multiple',
    PreferredMaintenanceWindow: 'mon:04:00-mon:05:00',
    PendingModifiedValues: {},
    CacheParameterGroup: { CacheParameterGroupName: 'default.memcached1.6', ParameterApplyStatus: 'in-sync', CacheNodeIdsToReboot: [] },
    CacheSubnetGroupName: 'my-memcached-subnets',
    CacheNodes: [node('0001', 'eu-west-1a'), node('0002', 'eu-west-1b')],
    AutoMinorVersionUpgrade: true,
    SecurityGroups: [{ SecurityGroupId: 'sg-0fedcba9876543210', Status: 'active' }],
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: false,
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:cluster:my-memcached`,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    ...overrides,
  };
}

/** A manual snapshot of `my-cache` (DescribeSnapshots). */
export function snapshot(name: string, status: string): Snapshot {
  return {
    SnapshotName: name,
    ReplicationGroupId: 'my-cache',
    ReplicationGroupDescription: 'Session cache',
    SnapshotStatus: status,
    SnapshotSource: 'manual',
    CacheNodeType: 'cache.t4g.micro',
    Engine: 'valkey',
    EngineVersion: '8.2',
    NumCacheNodes: 1,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    Port: 6379,
    CacheParameterGroupName: 'default.valkey8',
    CacheSubnetGroupName: 'my-cache-subnets',
    VpcId: 'vpc-0123456789abcdef0',
    AutoMinorVersionUpgrade: true,
    SnapshotRetentionLimit: 7,
    SnapshotWindow: '03:00-04:00',
    NumNodeGroups: 1,
    AutomaticFailover: 'enabled',
    NodeSnapshots: status === 'available'
      ? [{ CacheClusterId: 'my-cache-002', NodeGroupId: '0001', CacheNodeId: '0001', CacheSize: '5 MB',
        CacheNodeCreateTime: new Date('2025-02-01T10:00:00Z'), SnapshotCreateTime: new Date('2025-03-01T14:26:00Z') }]
      : [{ CacheClusterId: 'my-cache-002', NodeGroupId: '0001', CacheNodeId: '0001', CacheNodeCreateTime: new Date('2025-02-01T10:00:00Z') }],
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:snapshot:${name}`,
    DataTiering: 'disabled',
  };
}

/** An event of DescribeEvents. */
export function event(date: string, source: string, message: string, sourceType: Event['SourceType'] = 'replication-group'): Event {
  return { SourceIdentifier: source, SourceType: sourceType, Message: message, Date: new Date(date) };
}
