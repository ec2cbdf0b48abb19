/**
 * The transitions ElastiCache refuses and the properties CloudFormation cannot change in place, as
 * rules over two sets of CloudFormation properties (deployed and new). Pure code, no aws-cdk-lib: the
 * day-two plan (`cdk-elasticache plan`, runtime) and the constructs' deployed-state check both use it.
 */

/** A transition ElastiCache refuses: the properties, what happens, and what works instead. */
export interface Refusal {
  readonly properties: string[];
  readonly reason: string;
  readonly steps: string;
}

/**
 * The transitions ElastiCache refuses, from the two templates' literal values (a token on either side
 * is not judged). Sources: the ElastiCache API reference (ModifyReplicationGroup, ModifyCacheCluster,
 * ModifyServerlessCache) and the User Guide pages "Upgrading engine versions", "Enabling in-transit
 * encryption on an existing cluster", "Migrating to cluster mode enabled" and "Choosing regions and
 * availability zones for Memcached".
 */
export function refusedTransition(type: string, before: Record<string, unknown>, after: Record<string, unknown>): Refusal | undefined {
  switch (type) {
    case 'AWS::ElastiCache::ReplicationGroup':
      return engineRefusal(before, after, 'EngineVersion')
        ?? clusterModeRefusal(before, after)
        ?? transitRefusal(before, after);
    case 'AWS::ElastiCache::CacheCluster':
      return engineRefusal(before, after, 'EngineVersion')
        ?? memcachedTlsRefusal(before, after)
        ?? azModeRefusal(before, after);
    case 'AWS::ElastiCache::ServerlessCache':
      return engineRefusal(before, after, 'MajorEngineVersion');
    default:
      return undefined;
  }
}

/** The properties `refusedTransition` reads, by type. */
export const REFUSAL_INPUTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'AWS::ElastiCache::ReplicationGroup': ['ClusterMode', 'Engine', 'EngineVersion', 'NumCacheClusters', 'ReplicasPerNodeGroup',
    'TransitEncryptionEnabled', 'TransitEncryptionMode'],
  'AWS::ElastiCache::CacheCluster': ['AZMode', 'Engine', 'EngineVersion', 'TransitEncryptionEnabled'],
  'AWS::ElastiCache::ServerlessCache': ['Engine', 'MajorEngineVersion'],
});

function engineRefusal(before: Record<string, unknown>, after: Record<string, unknown>, versionProp: string): Refusal | undefined {
  const [e1, e2] = [before.Engine, after.Engine];
  if (typeof e1 === 'string' && typeof e2 === 'string' && e1 !== e2 && e1 === 'valkey') {
    return {
      properties: ['Engine'],
      reason: `Engine ${e1} -> ${e2}: ElastiCache moves Redis OSS to Valkey, never back.`,
      steps: 'Keep Valkey; for Redis OSS, create a new cache (a new id) and move the data (a backup, or the application).',
    };
  }
  const [v1, v2] = [before[versionProp], after[versionProp]];
  if (typeof v1 !== 'string' || typeof v2 !== 'string' || v1 === v2 || e1 !== e2) {
    return undefined;
  }
  if (compareVersions(v2, v1) < 0) {
    return {
      properties: [versionProp],
      reason: `${versionProp} ${v1} -> ${v2}: ElastiCache does not downgrade an engine (only upgrades are in place).`,
      steps: `Keep ${v1} (or upgrade); for ${v2}, create a new cache from a backup of this one (a new id, restoreFromSnapshot).`,
    };
  }
  return undefined;
}

/** The order of the cluster modes: an existing group only moves forward, one step per deployment. */
export const CLUSTER_MODE_ORDER: readonly string[] = Object.freeze(['disabled', 'compatible', 'enabled']);

function clusterModeRefusal(before: Record<string, unknown>, after: Record<string, unknown>): Refusal | undefined {
  const from = typeof before.ClusterMode === 'string' ? before.ClusterMode.toLowerCase() : 'disabled';
  const to = typeof after.ClusterMode === 'string' ? after.ClusterMode.toLowerCase() : 'disabled';
  const [i, j] = [CLUSTER_MODE_ORDER.indexOf(from), CLUSTER_MODE_ORDER.indexOf(to)];
  if (i < 0 || j < 0 || i === j) {
    return undefined;
  }
  if (j < i) {
    return {
      properties: ['ClusterMode'],
      reason: `ClusterMode ${from} -> ${to}: ElastiCache moves a group to cluster mode one way only.`,
      steps: `Keep ClusterMode.${from.toUpperCase()}; for a group in cluster mode ${to}, create a new one (a new replicationGroupId) and move the data.`,
    };
  }
  if (i === 1 && j === 2 && after.NumCacheClusters === undefined && after.ReplicasPerNodeGroup !== undefined) {
    // A compatible group was created disabled or compatible (NumCacheClusters). The topology of a group created enabled
    // adds NodeGroupConfiguration (conditionally create-only in the registry schema) together with ReplicasPerNodeGroup,
    // which can replace the group (the CloudFormation team on cloudformation-coverage-roadmap issue 918), and a
    // replacement fails on its ReplicationGroupId.
    return {
      properties: ['ClusterMode', 'ReplicasPerNodeGroup'],
      reason: 'ClusterMode compatible -> enabled with the topology of a group created enabled (ReplicasPerNodeGroup, NodeGroupConfiguration): '
        + 'CloudFormation replaces a group whose NodeGroupConfiguration appears, and the update fails on its ReplicationGroupId.',
      steps: 'Set createdWithClusterMode: ClusterMode.COMPATIBLE (or ClusterMode.DISABLED, as it was created) on the ReplicationGroup: '
        + 'it keeps NumCacheClusters, moves to cluster mode enabled in place, and adds shards through NumNodeGroups (online resharding).',
    };
  }
  if (i === 0 && j === 2) {
    return {
      properties: ['ClusterMode'],
      reason: 'ClusterMode disabled -> enabled: ElastiCache moves a group to cluster mode enabled only through compatible.',
      steps: 'Deploy ClusterMode.COMPATIBLE first, move every client to a cluster client on the configuration endpoint, then deploy ClusterMode.ENABLED.',
    };
  }
  return undefined;
}

function transitRefusal(before: Record<string, unknown>, after: Record<string, unknown>): Refusal | undefined {
  const on1 = before.TransitEncryptionEnabled === true;
  const on2 = after.TransitEncryptionEnabled === true;
  if (on1 === on2) {
    return undefined;
  }
  const version = typeof after.EngineVersion === 'string' ? after.EngineVersion : undefined;
  if (on2 && after.Engine === 'redis' && version !== undefined && compareVersions(version, '7.0') < 0) {
    return {
      properties: ['TransitEncryptionEnabled', 'EngineVersion'],
      reason: `TransitEncryptionEnabled false -> true on Redis OSS ${version}: ElastiCache turns TLS on in place only on Valkey 7.2+ and Redis OSS 7.0+.`,
      steps: 'Upgrade the engine to Redis OSS 7.0+ (or Valkey) in one deployment, then turn TLS on with transitEncryptionMode PREFERRED, then REQUIRED.',
    };
  }
  if (on2 && after.TransitEncryptionMode !== 'preferred') {
    return {
      properties: ['TransitEncryptionEnabled', 'TransitEncryptionMode'],
      reason: `TransitEncryptionEnabled false -> true with mode ${describeValue(after.TransitEncryptionMode ?? 'required')}: ElastiCache `
        + 'turns TLS on only with mode preferred first.',
      steps: 'Deploy transitEncryption: true with transitEncryptionMode: TransitEncryptionMode.PREFERRED, move the clients to TLS, then deploy REQUIRED.',
    };
  }
  if (!on2 && before.TransitEncryptionMode === 'required') {
    return {
      properties: ['TransitEncryptionEnabled', 'TransitEncryptionMode'],
      reason: 'TransitEncryptionEnabled true -> false with mode required: ElastiCache turns TLS off only from mode preferred.',
      steps: 'Deploy transitEncryptionMode: TransitEncryptionMode.PREFERRED first, move the clients off TLS, then turn transitEncryption off.',
    };
  }
  return undefined;
}

function memcachedTlsRefusal(before: Record<string, unknown>, after: Record<string, unknown>): Refusal | undefined {
  if (before.Engine !== 'memcached' || (before.TransitEncryptionEnabled ?? false) === (after.TransitEncryptionEnabled ?? false)) {
    return undefined;
  }
  return {
    properties: ['TransitEncryptionEnabled'],
    reason: `TransitEncryptionEnabled ${before.TransitEncryptionEnabled ?? false} -> ${after.TransitEncryptionEnabled ?? false}: `
      + 'a Memcached cluster\'s encryption in transit is set at creation only.',
    steps: 'Keep the cluster as it is; for the other setting, create a new cluster (a new clusterName) and move the clients to it.',
  };
}

function azModeRefusal(before: Record<string, unknown>, after: Record<string, unknown>): Refusal | undefined {
  if (before.AZMode !== 'cross-az' || after.AZMode !== 'single-az') {
    return undefined;
  }
  return {
    properties: ['AZMode'],
    reason: 'AZMode cross-az -> single-az: the nodes are in several Availability Zones, and ElastiCache does not move them into one.',
    steps: 'Keep AzMode.CROSS_AZ; for a single-AZ cluster, create a new one (a new clusterName).',
  };
}

/** Compares dotted versions numerically ('7.0' < '7.1' < '7.10'; '1.6' < '1.6.22'). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(n => parseInt(n, 10));
  const pb = b.split('.').map(n => parseInt(n, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) {
      return d;
    }
  }
  return 0;
}


/**
 * The create-only properties of the ElastiCache types (the CloudFormation registry schemas'
 * `createOnlyProperties`; see the CloudFormation resource reference, "Update requires: Replacement"):
 * a change replaces the resource, which fails for a named one.
 */
export const CREATE_ONLY_PROPERTIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'AWS::ElastiCache::ReplicationGroup': ['AtRestEncryptionEnabled', 'CacheSubnetGroupName', 'DataTieringEnabled', 'GlobalReplicationGroupId',
    'KmsKeyId', 'NetworkType', 'Port', 'PreferredCacheClusterAZs', 'ReplicationGroupId', 'SnapshotArns', 'SnapshotName'],
  'AWS::ElastiCache::CacheCluster': ['CacheSubnetGroupName', 'ClusterName', 'Engine', 'NetworkType', 'Port', 'SnapshotArns', 'SnapshotName'],
  'AWS::ElastiCache::ServerlessCache': ['KmsKeyId', 'ServerlessCacheName', 'SnapshotArnsToRestore', 'SubnetIds'],
});

/** A property value for a message: a string quoted, anything else as JSON. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/**
 * What a deployed-state lookup reads of each type, with the value the service reports when the
 * template leaves the property out (`undefined`: the template always sets it). Only properties the
 * CloudFormation read handler returns for every resource: the registry schema's write-only ones
 * (`EngineVersion`, `KmsKeyId`, `CacheSubnetGroupName`, `PreferredCacheClusterAZs`,
 * `ReplicasPerNodeGroup`, `SnapshotName`... of a replication group) never come back, and a property
 * that does not come back fails the lookup in the CDK CLI ("Cannot read field").
 */
export const DEPLOYED_STATE_PROPERTIES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  'AWS::ElastiCache::ReplicationGroup': {
    Engine: undefined, Port: undefined, ClusterMode: 'disabled', AtRestEncryptionEnabled: false, TransitEncryptionEnabled: false,
    DataTieringEnabled: false, NetworkType: 'ipv4',
  },
  'AWS::ElastiCache::CacheCluster': {
    Engine: undefined, EngineVersion: undefined, Port: undefined, TransitEncryptionEnabled: false, AZMode: 'single-az', NetworkType: 'ipv4',
  },
  'AWS::ElastiCache::ServerlessCache': { Engine: undefined, MajorEngineVersion: undefined },
});

/**
 * The physical-name property of each ElastiCache type the library names, which is also what `Ref` returns for
 * it (the CloudFormation resource reference, "Return values"): a replacement of a named resource fails.
 */
export const NAME_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::CacheCluster': 'ClusterName',
  'AWS::ElastiCache::ServerlessCache': 'ServerlessCacheName',
  'AWS::ElastiCache::User': 'UserId',
  'AWS::ElastiCache::UserGroup': 'UserGroupId',
  'AWS::ElastiCache::SubnetGroup': 'CacheSubnetGroupName',
});
