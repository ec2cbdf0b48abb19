import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterMode, ShardConfiguration } from '../cluster-mode';
import { CacheEngineVersion } from '../engine';
import { NodeType } from '../node-type';
import { ParameterGroup } from '../parameter-group';
import { ReplicationGroupProps } from '../replication-group-props';
import { invalid, phrase } from './errors';
import { isToken, validateIntegerRange } from './validation';
import { DEFAULT_NODE_QUOTA, LAST_SLOT, MAX_NODE_QUOTA, MAX_REPLICAS, MAX_SHARDS } from './service-limits';
import { CLUSTER_MODE_ORDER } from './transitions';

/**
 * The topology of a replication group in its cluster mode: shard and replica counts, failover,
 * Multi-AZ and Availability Zones, validated and rendered to the L1's properties, so that
 * `ReplicationGroup` only assembles them.
 */

/**
 * What the topology of a replication group is built from: the props of `ReplicationGroup` it reads.
 */
export interface TopologyInput {
  readonly shards?: number;
  readonly replicas?: number;
  readonly automaticFailover?: boolean;
  readonly multiAz?: boolean;
  readonly preferredAvailabilityZones?: string[];
  readonly shardConfiguration?: ShardConfiguration[];
  readonly nodeQuota?: number;
  readonly restoreFromS3?: string[];
  readonly dataTiering?: boolean;
  /** The cluster mode the group was created in (`createdWithClusterMode`), when it has moved since. */
  readonly createdWithClusterMode?: ClusterMode;
}

/**
 * The L1 properties the topology renders to.
 */
export interface TopologyProps {
  readonly clusterMode?: string;
  readonly numCacheClusters?: number;
  readonly numNodeGroups?: number;
  readonly replicasPerNodeGroup?: number;
  readonly nodeGroupConfiguration?: Array<{
    readonly nodeGroupId: string;
    readonly primaryAvailabilityZone?: string;
    readonly replicaAvailabilityZones?: string[];
    readonly slots?: string;
  }>;
  readonly automaticFailoverEnabled: boolean;
  readonly multiAzEnabled: boolean;
  readonly preferredCacheClusterAZs?: string[];
}

/**
 * The resolved topology of a replication group.
 */
export interface Topology {
  /** The cluster mode. */
  readonly clusterMode: ClusterMode;
  /** Shards (1 unless enabled). */
  readonly shards: number;
  /** Read replicas (per shard). */
  readonly replicas: number;
  /** Nodes of the whole group. */
  readonly nodeCount: number;
  /** The shard ids (`NodeGroupId`): '0001' ... */
  readonly shardIds: string[];
  /** The default parameter group name's suffix after `default.<family>` (`''` or `.cluster.on`). */
  readonly defaultParameterGroupSuffix: string;
  /** Parameters a created parameter group needs (`cluster-enabled yes`). */
  readonly parameters: Record<string, string>;
  /** Whether the L1 gets `UpdatePolicy: UseOnlineResharding`. */
  readonly onlineResharding: boolean;
  /** The L1 properties. */
  readonly props: TopologyProps;
}

export function resolveTopology(scope: Construct, mode: ClusterMode, engine: CacheEngineVersion, nodeType: NodeType,
  input: TopologyInput): Topology {
  const replicas = input.replicas ?? 1;
  if (isToken(replicas)) {
    invalid(scope, 'replicas', phrase('a token'), 'Allowed: a literal integer from 0 to 5; the node count '
      + '(replicas + 1), failover and Multi-AZ are derived from it at synth time.');
  }
  validateIntegerRange(scope, 'replicas', replicas, 0, MAX_REPLICAS, mode.sharded
    ? 'a primary and up to 5 read replicas per shard'
    : 'a primary and up to 5 read replicas; for more, use cluster mode enabled');
  if (mode.clusterEnabled && !clusterModeSupported(engine)) {
    invalid(scope, 'clusterMode', mode.value, `Allowed: ClusterMode.DISABLED on ${engine}; the ClusterMode setting `
      + '(compatible and enabled) needs Valkey 7.2+ or Redis OSS 7.0+. Upgrade the engine first.');
  }
  const created = input.createdWithClusterMode;
  if (created !== undefined && CLUSTER_MODE_ORDER.indexOf(created.value) > CLUSTER_MODE_ORDER.indexOf(mode.value)) {
    invalid(scope, 'createdWithClusterMode', created.value, `Allowed: a cluster mode the group has moved from to clusterMode `
      + `(${mode.value}): ${CLUSTER_MODE_ORDER.slice(0, CLUSTER_MODE_ORDER.indexOf(mode.value) + 1).map(m => `ClusterMode.${m.toUpperCase()}`).join(', ')}; `
      + 'a group moves to cluster mode one way only (disabled -> compatible -> enabled).');
  }
  if (!mode.sharded) {
    for (const prop of ['shards', 'shardConfiguration', 'nodeQuota'] as const) {
      if (input[prop] !== undefined) {
        const got = prop === 'shardConfiguration' ? phrase(`${input.shardConfiguration!.length} shard configurations`) : input[prop];
        invalid(scope, prop, got, `Allowed: nothing with ClusterMode.${mode.value.toUpperCase()} (one shard); `
          + `${prop} is for clusterMode: ClusterMode.ENABLED.`);
      }
    }
    return unsharded(scope, mode, replicas, nodeType, input);
  }
  return sharded(scope, mode, replicas, nodeType, input);
}


/** `ClusterMode` (compatible, enabled) needs Valkey 7.2+ or Redis OSS 7.0+: the versions with the TLS mode. */
function clusterModeSupported(engine: CacheEngineVersion): boolean {
  return engine.features.transitEncryptionMode;
}

/** Disabled and compatible: one shard of `replicas + 1` cache clusters (`NumCacheClusters`). */
function unsharded(scope: Construct, mode: ClusterMode, replicas: number, nodeType: NodeType, input: TopologyInput): Topology {
  const { automaticFailover, multiAz } = resolveFailover(scope, replicas, nodeType, input);
  if (mode.clusterEnabled && (!automaticFailover || replicas === 0)) {
    invalid(scope, replicas === 0 ? 'replicas' : 'automaticFailover', replicas === 0 ? replicas : automaticFailover,
      'Allowed: automatic failover with at least one replica in ClusterMode.COMPATIBLE; ElastiCache moves a group to the '
      + 'cluster mode only when it can fail over.');
  }
  validateZones(scope, replicas, input.preferredAvailabilityZones);
  validateMultiAzZones(scope, multiAz, input.multiAz, 'preferredAvailabilityZones', input.preferredAvailabilityZones);
  return {
    clusterMode: mode,
    shards: 1,
    replicas,
    nodeCount: replicas + 1,
    shardIds: ['0001'],
    defaultParameterGroupSuffix: mode.clusterEnabled ? '.cluster.on' : '',
    parameters: mode.clusterEnabled ? { 'cluster-enabled': 'yes' } : {},
    onlineResharding: false,
    props: {
      clusterMode: mode.clusterEnabled ? mode.value : undefined,
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      preferredCacheClusterAZs: input.preferredAvailabilityZones,
    },
  };
}

/** Enabled: `shards` node groups of a primary and `replicas` replicas each, every shard listed by id. */
function sharded(scope: Construct, mode: ClusterMode, replicas: number, nodeType: NodeType, input: TopologyInput): Topology {
  const configs = input.shardConfiguration;
  if (configs !== undefined && isToken(configs)) {
    invalid(scope, 'shardConfiguration', phrase('a token'), 'Allowed: a literal list, one entry per shard.');
  }
  const shards = input.shards ?? configs?.length ?? 1;
  if (isToken(shards)) {
    invalid(scope, 'shards', phrase('a token'), `Allowed: a literal integer from 1 to ${MAX_SHARDS}; the node count and the `
      + 'shard ids are derived from it at synth time.');
  }
  validateIntegerRange(scope, 'shards', shards, 1, MAX_SHARDS, 'shards of a cluster-mode-enabled group');
  if (configs !== undefined && configs.length !== shards) {
    invalid(scope, 'shardConfiguration', phrase(`${configs.length} entr${configs.length === 1 ? 'y' : 'ies'}`),
      `Allowed: one entry per shard, ${shards} (shards: ${shards}).`);
  }
  const quota = input.nodeQuota ?? DEFAULT_NODE_QUOTA;
  validateIntegerRange(scope, 'nodeQuota', input.nodeQuota, 1, MAX_NODE_QUOTA, 'the nodes-per-cluster quota of the account');
  const nodeCount = shards * (replicas + 1);
  if (nodeCount > quota) {
    invalid(scope, 'shards', shards, `Allowed: at most ${quota} nodes in the group, shards x (1 + replicas); got ${shards} x `
      + `${1 + replicas} = ${nodeCount}. ${input.nodeQuota === undefined ? 'The default quota is 90 nodes per cluster: raise '
        + 'it in Service Quotas (ElastiCache "Nodes per cluster (cluster mode enabled)", up to 500 on Valkey and Redis OSS '
        + '5.0.6+) and give the new quota as nodeQuota.' : 'Raise the quota in Service Quotas, up to 500, and nodeQuota with it.'}`);
  }
  if (input.automaticFailover === false) {
    invalid(scope, 'automaticFailover', false, 'Allowed: true (or unset) with ClusterMode.ENABLED; ElastiCache needs automatic '
      + 'failover on every cluster-mode-enabled group.');
  }
  if (input.multiAz === true && replicas === 0) {
    invalid(scope, 'multiAz', true, 'Allowed: false with 0 replicas per shard. Multi-AZ keeps a replica of each shard in '
      + 'another Availability Zone to fail over to, so it needs replicas: 1 or more.');
  }
  if (input.multiAz === true && !nodeType.supportsMultiAz) {
    invalid(scope, 'multiAz', true, `Allowed: false on ${nodeType}; Multi-AZ is not supported on T1 nodes.`);
  }
  const migrated = input.createdWithClusterMode !== undefined && !input.createdWithClusterMode.sharded;
  if (input.preferredAvailabilityZones !== undefined && !migrated) {
    invalid(scope, 'preferredAvailabilityZones', input.preferredAvailabilityZones, 'Allowed: nothing with '
      + 'ClusterMode.ENABLED; place the nodes of each shard with shardConfiguration (primaryAvailabilityZone, '
      + 'replicaAvailabilityZones).');
  }
  const multiAz = input.multiAz ?? (replicas > 0 && nodeType.supportsMultiAz);
  if (replicas === 0) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:clusterWithoutReplicas', 'The cluster-mode-enabled group has no '
      + 'replica per shard: ElastiCache creates it with automatic failover on, but then rejects every later update of the group '
      + '(even of its security groups) until each shard has a replica, and a failed primary loses its shard\'s data. '
      + 'Use replicas: 1 or more.');
  }

  const shardIds = (configs ?? Array.from({ length: shards }, () => ({} as ShardConfiguration)))
    .map((c, i) => c.shardId ?? String(i + 1).padStart(4, '0'));
  validateShardIds(scope, shardIds);
  if (configs) {
    validateShardZones(scope, replicas, configs);
    configs.forEach((c, i) => validateMultiAzZones(scope, multiAz, input.multiAz, `shardConfiguration[${i}]`,
      c.primaryAvailabilityZone !== undefined && c.replicaAvailabilityZones !== undefined
        ? [c.primaryAvailabilityZone, ...c.replicaAvailabilityZones] : undefined));
    validateSlots(scope, configs, input);
  } else if (input.restoreFromS3 !== undefined) {
    invalid(scope, 'shardConfiguration', phrase('nothing'), 'Allowed: one entry per shard with its slots when seeding a '
      + 'cluster-mode-enabled group from .rdb files (restoreFromS3); ElastiCache needs to know which slots each shard takes.');
  }
  const base = {
    clusterMode: mode,
    shards,
    replicas,
    nodeCount,
    shardIds,
    defaultParameterGroupSuffix: '.cluster.on',
    parameters: { 'cluster-enabled': 'yes' },
    onlineResharding: true,
  };
  if (migrated) {
    // Created disabled or compatible: the properties it was created with stay (CloudFormation replaces a group whose
    // ReplicasPerNodeGroup or NodeGroupConfiguration changes), NumNodeGroups joins them for online resharding.
    if (configs !== undefined) {
      invalid(scope, 'shardConfiguration', phrase(`${configs.length} shard configuration${configs.length === 1 ? '' : 's'}`),
        `Allowed: nothing on a group created with cluster mode ${input.createdWithClusterMode.value} (createdWithClusterMode): `
        + 'the placement of its shards (NodeGroupConfiguration) is fixed at creation; ElastiCache places the shards online resharding adds.');
    }
    return {
      ...base,
      props: {
        clusterMode: mode.value,
        numCacheClusters: replicas + 1,
        numNodeGroups: input.shards !== undefined ? shards : undefined,
        automaticFailoverEnabled: true,
        multiAzEnabled: multiAz,
        // Kept as created (create-only); they place the first shard's nodes.
        preferredCacheClusterAZs: input.preferredAvailabilityZones,
      },
    };
  }
  return {
    ...base,
    props: {
      clusterMode: mode.value,
      numNodeGroups: shards,
      replicasPerNodeGroup: replicas,
      // Only the keys that are set: the template is the same, and there is less to resolve at synth.
      nodeGroupConfiguration: shardIds.map((nodeGroupId, i) => {
        const c = configs?.[i];
        return {
          nodeGroupId,
          ...(c?.primaryAvailabilityZone !== undefined ? { primaryAvailabilityZone: c.primaryAvailabilityZone } : {}),
          ...(c?.replicaAvailabilityZones !== undefined ? { replicaAvailabilityZones: c.replicaAvailabilityZones } : {}),
          ...(c?.slots !== undefined ? { slots: c.slots } : {}),
        };
      }),
      automaticFailoverEnabled: true,
      multiAzEnabled: multiAz,
    },
  };
}

/**
 * Shard ids: 1 to 4 digits, unique. Source: the `NodeGroupId` of `NodeGroupConfiguration` (ElastiCache API
 * reference; CloudFormation registry schema of AWS::ElastiCache::ReplicationGroup: pattern `^\d+$`,
 * length 1-4), refused by ElastiCache at create otherwise.
 */
function validateShardIds(scope: Construct, ids: string[]): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (isToken(id)) {
      return;
    }
    if (!/^\d{1,4}$/.test(id)) {
      invalid(scope, `shardConfiguration[${i}].shardId`, id, 'Allowed: 1 to 4 digits, such as \'0001\' (the NodeGroupId '
        + 'pattern of ElastiCache).');
    }
    if (seen.has(id)) {
      invalid(scope, `shardConfiguration[${i}].shardId`, id, 'Allowed: an id no other shard of the group has.');
    }
    seen.add(id);
  });
}

/** A shard's replica AZs: one per replica. */
function validateShardZones(scope: Construct, replicas: number, configs: ShardConfiguration[]): void {
  configs.forEach((c, i) => {
    const zones = c.replicaAvailabilityZones;
    if (zones !== undefined && !isToken(zones) && zones.length !== replicas) {
      invalid(scope, `shardConfiguration[${i}].replicaAvailabilityZones`, zones, `Allowed: one Availability Zone per replica `
        + `of the shard: ${replicas} for replicas: ${replicas} (got ${zones.length}).`);
    }
  });
  if (configs.some(c => c.primaryAvailabilityZone !== undefined || c.replicaAvailabilityZones !== undefined)) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:shardAvailabilityZones', 'shardConfiguration places shards in '
      + 'Availability Zones: changing a shard\'s zones later replaces the group, and an online reshard (a change of shards) '
      + 'only applies in place while every listed zone matches where the nodes are. Keep the zones as deployed.');
  }
}

/** Slots: ranges within 0-16383, together covering the keyspace once; only to seed from S3. */
function validateSlots(scope: Construct, configs: ShardConfiguration[], input: TopologyInput): void {
  const given = configs.map(c => c.slots);
  if (given.every(s => s === undefined)) {
    if (input.restoreFromS3 !== undefined) {
      invalid(scope, 'shardConfiguration[0].slots', phrase('nothing'), 'Allowed: the slots of every shard when seeding a '
        + 'cluster-mode-enabled group from .rdb files (restoreFromS3), such as \'0-8191\' and \'8192-16383\'.');
    }
    return;
  }
  if (input.restoreFromS3 === undefined) {
    const i = given.findIndex(s => s !== undefined);
    invalid(scope, `shardConfiguration[${i}].slots`, given[i], 'Allowed: nothing unless the group is seeded from .rdb files '
      + '(restoreFromS3); ElastiCache spreads the slots evenly, and online resharding moves them itself.');
  }
  if (input.dataTiering) {
    invalid(scope, 'shardConfiguration[0].slots', given.find(s => s !== undefined), 'Allowed: nothing with data tiering; '
      + 'a chosen keyspace distribution is an offline operation, which data-tiering groups do not support.');
  }
  if (given.some(s => s !== undefined && isToken(s))) {
    return;
  }
  const ranges: Array<{ start: number; end: number; shard: number }> = [];
  given.forEach((text, i) => {
    if (text === undefined) {
      invalid(scope, `shardConfiguration[${i}].slots`, phrase('nothing'), 'Allowed: the slots of every shard once one shard '
        + 'has them (seeding from .rdb files needs all of them).');
    }
    for (const part of text.split(',')) {
      const match = /^\s*(\d+)-(\d+)\s*$/.exec(part);
      const start = match ? Number(match[1]) : NaN;
      const end = match ? Number(match[2]) : NaN;
      if (!match || start > end || end > LAST_SLOT) {
        invalid(scope, `shardConfiguration[${i}].slots`, text, `Allowed: ranges start-end within 0-${LAST_SLOT}, start <= end, `
          + 'comma-separated, such as \'0-8191\'.');
      }
      ranges.push({ start, end, shard: i });
    }
  });
  ranges.sort((a, b) => a.start - b.start);
  let next = 0;
  for (const r of ranges) {
    if (r.start < next) {
      invalid(scope, `shardConfiguration[${r.shard}].slots`, given[r.shard], `Allowed: slots no other shard holds; slot ${r.start} `
        + 'is in two shards.');
    }
    if (r.start > next) {
      invalid(scope, 'shardConfiguration slots', given as string[], `Allowed: ranges that together cover 0-${LAST_SLOT}; `
        + `slots ${next}-${r.start - 1} are in no shard.`);
    }
    next = r.end + 1;
  }
  if (next <= LAST_SLOT) {
    invalid(scope, 'shardConfiguration slots', given as string[], `Allowed: ranges that together cover 0-${LAST_SLOT}; `
      + `slots ${next}-${LAST_SLOT} are in no shard.`);
  }
  Annotations.of(scope).addWarningV2('cdk-elasticache:shardSlots', 'shardConfiguration gives slots: they seed the new group '
    + 'from .rdb files. Remove them (and restoreFromS3) once the group exists: an online reshard spreads the slots evenly, '
    + 'and slots that no longer match the group make later updates fail.');
}

/** Failover and Multi-AZ follow the replica count unless set; set, they are checked against it. */
function resolveFailover(scope: Construct, replicas: number, nodeType: NodeType, input: TopologyInput)
  : { automaticFailover: boolean; multiAz: boolean } {
  const hasReplica = replicas > 0;
  if (input.automaticFailover === true && !hasReplica) {
    invalid(scope, 'automaticFailover', true, 'Allowed: false with 0 replicas. Failover promotes a read replica to primary, '
      + 'so it needs at least one (replicas: 1 or more); ElastiCache rejects it on a single node, and a single node with '
      + 'automatic failover blocks every later update of the group. Leave automaticFailover unset to follow the replica count.');
  }
  const automaticFailover = input.automaticFailover ?? hasReplica;
  if (input.multiAz === true) {
    if (!hasReplica) {
      invalid(scope, 'multiAz', true, 'Allowed: false with 0 replicas. Multi-AZ keeps a replica in another Availability Zone '
        + 'to fail over to, so it needs replicas: 1 or more.');
    }
    if (!automaticFailover) {
      invalid(scope, 'multiAz', true, 'Allowed: false with automaticFailover: false. Multi-AZ fails over to a replica in '
        + 'another Availability Zone, so it needs automatic failover.');
    }
    if (!nodeType.supportsMultiAz) {
      invalid(scope, 'multiAz', true, `Allowed: false on ${nodeType}; Multi-AZ is not supported on T1 nodes.`);
    }
  }
  const multiAz = input.multiAz ?? (automaticFailover && nodeType.supportsMultiAz);
  return { automaticFailover, multiAz };
}

/**
 * Multi-AZ keeps a replica in another Availability Zone than its primary: with Multi-AZ on, a list of
 * zones (the primary's first) that puts every node of a shard in one zone is refused. Source: ElastiCache
 * User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ" (a replica in another AZ to fail
 * over to), refused by ElastiCache at create. Checked only when every zone is a literal.
 *
 * @param given multiAz as the user set it (undefined: the default, on with a replica)
 * @param prop the prop that holds the zones, for the message
 */
function validateMultiAzZones(scope: Construct, multiAz: boolean, given: boolean | undefined, prop: string,
  zones: string[] | undefined): void {
  if (!multiAz || !zones || zones.length < 2 || isToken(zones) || zones.some(z => isToken(z))) {
    return;
  }
  if (new Set(zones).size === 1) {
    invalid(scope, prop, prop.startsWith('shard') ? phrase(`every node in ${zones[0]}`) : zones, `Allowed: at least one `
      + `replica in another Availability Zone than the primary's (${zones[0]}) while Multi-AZ is on${given === undefined
        ? ' (the default with a replica)' : ''}; Multi-AZ fails over to a replica in another zone. Or set multiAz: false to `
      + 'keep every node in one zone.');
  }
}

/** One Availability Zone per node, the primary's first. */
function validateZones(scope: Construct, replicas: number, zones: string[] | undefined): void {
  if (!zones || isToken(zones)) {
    return;
  }
  if (zones.length !== replicas + 1) {
    invalid(scope, 'preferredAvailabilityZones', zones, `Allowed: exactly one Availability Zone per node, the primary's first: `
      + `${replicas + 1} for ${replicas} replica${replicas === 1 ? '' : 's'} (got ${zones.length}).`);
  }
}

/** `cluster-enabled` must match the cluster mode, in the user's parameters and in a given group whose parameters are known. */
export function validateClusterParameters(scope: Construct, clusterMode: ClusterMode, props: ReplicationGroupProps): void {
  const wanted = clusterMode.clusterEnabled ? 'yes' : 'no';
  const given = props.parameters?.['cluster-enabled'];
  if (given !== undefined && !isToken(given) && given !== wanted) {
    invalid(scope, "parameters['cluster-enabled']", given, `Allowed: '${wanted}' with ClusterMode.${clusterMode.value.toUpperCase()}, `
      + 'or leave it out (the library sets it).');
  }
  const group = props.parameterGroup;
  if (group instanceof ParameterGroup) {
    const value = group.parameter('cluster-enabled') ?? 'no';
    if (!isToken(value) && value !== wanted) {
      invalid(scope, 'parameterGroup', phrase(`a group with cluster-enabled ${value}`), `Allowed: a group with cluster-enabled `
        + `${wanted} with ClusterMode.${clusterMode.value.toUpperCase()}${clusterMode.clusterEnabled ? ' (ElastiCache runs the '
          + 'nodes in cluster mode only with it)' : ''}.`);
    }
  }
}

/** Data tiering is mandatory on r6gd nodes and impossible on any other. */
export function resolveDataTiering(scope: Construct, engine: CacheEngineVersion, nodeType: NodeType, wanted: boolean | undefined): boolean {
  if (wanted === true && !nodeType.supportsDataTiering) {
    invalid(scope, 'dataTiering', true, `Allowed: false on ${nodeType}; data tiering needs an r6gd node type (NodeType.R6GD_*).`);
  }
  if (wanted === false && nodeType.supportsDataTiering) {
    invalid(scope, 'dataTiering', false, `Allowed: true on ${nodeType}; r6gd nodes always use data tiering. `
      + 'For memory only, choose an r7g or r6g node type.');
  }
  const dataTiering = wanted ?? nodeType.supportsDataTiering;
  if (dataTiering && !engine.features.dataTiering) {
    invalid(scope, 'engine', `${engine}`, `Allowed: Valkey 7.2+ or Redis OSS 6.2+ with data tiering (${nodeType}).`);
  }
  return dataTiering;
}
