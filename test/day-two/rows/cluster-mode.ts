/** The matrix's rows of `ReplicationGroupProps` that matter per cluster mode: compatible and enabled. */
import { ClusterMode, Durability, EvictionPolicy, NodeType, ValkeyVersion } from '../../../lib';
import { Row } from '../matrix';
import { rg } from '../states';
import { RG_BASE } from './replication-group';

const R = 'ReplicationGroupProps' as const;

export const COMPATIBLE = rg('compatible', () => ({ clusterMode: ClusterMode.COMPATIBLE }));
export const ENABLED = rg('enabled', () => ({ clusterMode: ClusterMode.ENABLED }));
/** Enabled, moved there from compatible: it keeps the properties it was created with (createdWithClusterMode). */
export const MIGRATED = rg('enabled-from-compatible', () => ({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE }));
export const MIGRATED_2_SHARDS = rg('enabled-from-compatible-2-shards',
  () => ({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, shards: 2 }));
export const MIGRATED_1_SHARD = rg('enabled-from-compatible-1-shard',
  () => ({ clusterMode: ClusterMode.ENABLED, createdWithClusterMode: ClusterMode.COMPATIBLE, shards: 1 }));
export const ENABLED_2_SHARDS = rg('enabled-2-shards', () => ({ clusterMode: ClusterMode.ENABLED, shards: 2 }));
export const ENABLED_3_SHARDS = rg('enabled-3-shards', () => ({ clusterMode: ClusterMode.ENABLED, shards: 3 }));
export const ENABLED_2_SHARDS_2_REPLICAS = rg('enabled-2-shards-2-replicas', () => ({ clusterMode: ClusterMode.ENABLED, shards: 2, replicas: 2 }));

/** A Valkey 9.0 group that can be durable: cluster mode enabled, 2 shards x 1 replica, r7g.large (TLS, Multi-AZ by default). */
function valkey9(key_: string, durability?: Durability) {
  return rg(`valkey-9-enabled-r7g-${key_}`, () => ({
    engine: ValkeyVersion.VER_9_0, clusterMode: ClusterMode.ENABLED, shards: 2, nodeType: NodeType.R7G_LARGE, durability,
  }));
}
const DURABILITY_DISABLED = valkey9('disabled', Durability.DISABLED);
const DURABILITY_SYNC = valkey9('sync', Durability.SYNC);
const DURABILITY_ASYNC = valkey9('async', Durability.ASYNC);

export const CLUSTER_MODE_ROWS: Row[] = [
  { subject: R, prop: 'clusterMode', change: 'disabled -> compatible', before: RG_BASE, after: COMPATIBLE, expected: 'in-place',
    note: 'the cache stack keeps exporting the primary and reader endpoints the deployed consumer imports (connectFrom)' },
  { subject: R, prop: 'clusterMode', change: 'compatible -> enabled, createdWithClusterMode not set', before: COMPATIBLE, after: ENABLED, expected: 'refused',
    note: 'NumCacheClusters would become ReplicasPerNodeGroup / NodeGroupConfiguration (create-only, the update fails): set createdWithClusterMode' },
  { subject: R, prop: 'createdWithClusterMode', change: 'compatible -> enabled with createdWithClusterMode: COMPATIBLE', before: COMPATIBLE, after: MIGRATED,
    expected: 'in-place', note: 'the group keeps NumCacheClusters; only ClusterMode changes' },
  { subject: R, prop: 'shards', change: '1 -> 2, a group moved from compatible (online resharding)', before: MIGRATED, after: MIGRATED_2_SHARDS,
    expected: 'in-place', note: 'NumNodeGroups joins NumCacheClusters under UseOnlineResharding (unconfirmed on a live group: make it its own deployment)' },
  { subject: R, prop: 'shards', change: '2 -> 1, a group moved from compatible (online resharding)', before: MIGRATED_2_SHARDS, after: MIGRATED_1_SHARD,
    expected: 'in-place' },
  { subject: R, prop: 'clusterMode', change: 'disabled -> enabled (one step)', before: RG_BASE, after: ENABLED, expected: 'refused',
    note: 'ElastiCache moves a group to enabled only through compatible' },
  { subject: R, prop: 'clusterMode', change: 'enabled -> compatible (back)', before: ENABLED, after: COMPATIBLE, expected: 'refused',
    note: 'ElastiCache moves a group to cluster mode one way only' },
  { subject: R, prop: 'replicas', change: '1 -> 2, compatible', before: COMPATIBLE,
    after: rg('compatible-replicas-2', () => ({ clusterMode: ClusterMode.COMPATIBLE, replicas: 2 })), expected: 'in-place' },
  { subject: R, prop: 'preferredAvailabilityZones', change: 'none -> a, b, compatible', before: COMPATIBLE,
    after: rg('compatible-azs', () => ({ clusterMode: ClusterMode.COMPATIBLE, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] })), expected: 'fails' },
  { subject: R, prop: 'evictionPolicy', change: 'none -> allkeys-lfu, compatible (a cluster-enabled parameter group)', before: COMPATIBLE,
    after: rg('compatible-eviction', () => ({ clusterMode: ClusterMode.COMPATIBLE, evictionPolicy: EvictionPolicy.ALLKEYS_LFU })), expected: 'in-place' },
  { subject: R, prop: 'shards', change: '2 -> 3, enabled (online resharding)', before: ENABLED_2_SHARDS, after: ENABLED_3_SHARDS, expected: 'in-place' },
  { subject: R, prop: 'shards', change: '3 -> 2, enabled (online resharding)', before: ENABLED_3_SHARDS, after: ENABLED_2_SHARDS, expected: 'in-place' },
  { subject: R, prop: 'replicas', change: '1 -> 2, enabled', before: ENABLED_2_SHARDS, after: ENABLED_2_SHARDS_2_REPLICAS, expected: 'in-place',
    note: 'ReplicasPerNodeGroup alone: in place since 2026-07 (the CloudFormation team on cloudformation-coverage-roadmap issue 918; the '
      + 'registry schema and the CDK spec still say create-only, so cdk diff shows a replacement)' },
  { subject: R, prop: 'replicas', change: '2 -> 1, enabled', before: ENABLED_2_SHARDS_2_REPLICAS, after: ENABLED_2_SHARDS, expected: 'in-place' },
  { subject: R, prop: 'replicas', change: '1 -> 2 with shards 2 -> 3 in the same deployment, enabled', before: ENABLED_2_SHARDS,
    after: rg('enabled-3-shards-2-replicas', () => ({ clusterMode: ClusterMode.ENABLED, shards: 3, replicas: 2 })), expected: 'fails',
    note: 'ReplicasPerNodeGroup with a change of NodeGroupConfiguration can replace the group: deploy the shards, then the replicas' },
  { subject: R, prop: 'shardConfiguration', change: 'placed by ElastiCache -> primary AZs given, enabled', before: ENABLED_2_SHARDS,
    after: rg('enabled-2-shards-azs', () => ({ clusterMode: ClusterMode.ENABLED, shardConfiguration: [
      { primaryAvailabilityZone: 'us-east-1a', replicaAvailabilityZones: ['us-east-1b'] },
      { primaryAvailabilityZone: 'us-east-1b', replicaAvailabilityZones: ['us-east-1c'] },
    ] })), expected: 'fails' },
  { subject: R, prop: 'nodeQuota', change: '90 -> 120, enabled', before: ENABLED_2_SHARDS,
    after: rg('enabled-2-shards-quota', () => ({ clusterMode: ClusterMode.ENABLED, shards: 2, nodeQuota: 120 })), expected: 'unchanged',
    note: 'a synth-time check only: nothing in the template changes' },
  { subject: R, prop: 'evictionPolicy', change: 'none -> allkeys-lfu, enabled', before: ENABLED_2_SHARDS,
    after: rg('enabled-2-shards-eviction', () => ({ clusterMode: ClusterMode.ENABLED, shards: 2, evictionPolicy: EvictionPolicy.ALLKEYS_LFU })), expected: 'in-place' },
  // Durability: the CDK spec of the diff engine (@aws-cdk/aws-service-spec 0.1.216, 2026-09) says a change of it does
  // not replace the group, so the engine classes every change of it in place.
  // The User Guide: sync <-> async switches in place ("Changing durability on an existing
  // cluster"); on <-> off is fixed at creation ("Limitations", "Configuring durability", and the CloudFormation property
  // text) or possible since 2026-10 (the announcement, "Changing durability"): unconfirmed which CloudFormation follows.
  { subject: R, prop: 'durability', change: 'disabled -> sync, Valkey 9.0 enabled', before: DURABILITY_DISABLED, after: DURABILITY_SYNC,
    expected: 'in-place', note: 'the CloudFormation property says turning durability on fails; a 2026-10 announcement says it works: unconfirmed, choose it at creation' },
  { subject: R, prop: 'durability', change: 'sync -> async, Valkey 9.0 enabled', before: DURABILITY_SYNC, after: DURABILITY_ASYNC,
    expected: 'in-place', note: 'documented in place (Changing durability on an existing cluster)' },
  { subject: R, prop: 'durability', change: 'async -> sync, Valkey 9.0 enabled', before: DURABILITY_ASYNC, after: DURABILITY_SYNC,
    expected: 'in-place', note: 'documented in place (Changing durability on an existing cluster)' },
  { subject: R, prop: 'durability', change: 'sync -> disabled, Valkey 9.0 enabled', before: DURABILITY_SYNC, after: DURABILITY_DISABLED,
    expected: 'in-place', note: 'the CloudFormation property and the Limitations page say turning durability off fails; a 2026-10 announcement says it works: unconfirmed' },
];
