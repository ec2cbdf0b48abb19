import { Construct } from 'constructs';
import { NodeType } from './node-type';
import { invalid, phrase } from './private/errors';
import { isToken, validateIntegerRange } from './private/validation';

/** Read replicas of a cluster-mode-disabled replication group (or per shard): 0 to 5. */
const MAX_REPLICAS = 5;

/**
 * The cluster mode of a Valkey / Redis OSS replication group: whether the keyspace is split over
 * shards (cluster mode enabled), and the step in between for an existing group.
 */
export class ClusterMode {
  /** One shard: a primary and its read replicas, clients use the primary and reader endpoints (the default). */
  public static readonly DISABLED = new ClusterMode('disabled');

  /** The value as CloudFormation and the ElastiCache API take it (`disabled`, `compatible`, `enabled`). */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /**
   * Validates and renders the topology of a replication group in this mode: replica counts,
   * failover, Multi-AZ and Availability Zones, so that `ReplicationGroup` only assembles it.
   * @internal
   */
  public _resolveTopology(scope: Construct, nodeType: NodeType, input: TopologyInput): Topology {
    return resolveTopology(scope, this, nodeType, input);
  }

  /** The value. */
  public toString(): string {
    return this.value;
  }
}

/**
 * What the topology of a replication group is built from: the props of `ReplicationGroup` it reads.
 * @internal
 */
export interface TopologyInput {
  readonly replicas?: number;
  readonly automaticFailover?: boolean;
  readonly multiAz?: boolean;
  readonly preferredAvailabilityZones?: string[];
}

/**
 * The L1 properties the topology renders to.
 * @internal
 */
export interface TopologyProps {
  readonly numCacheClusters?: number;
  readonly automaticFailoverEnabled: boolean;
  readonly multiAzEnabled: boolean;
  readonly preferredCacheClusterAZs?: string[];
}

/**
 * The resolved topology of a replication group.
 * @internal
 */
export interface Topology {
  /** The cluster mode. */
  readonly clusterMode: ClusterMode;
  /** Read replicas (per shard). */
  readonly replicas: number;
  /** Nodes of the whole group. */
  readonly nodeCount: number;
  /** The default parameter group name's suffix after `default.<family>` (`''` or `.cluster.on`). */
  readonly defaultParameterGroupSuffix: string;
  /** The L1 properties. */
  readonly props: TopologyProps;
}

function resolveTopology(scope: Construct, mode: ClusterMode, nodeType: NodeType, input: TopologyInput): Topology {
  const replicas = input.replicas ?? 1;
  if (isToken(replicas)) {
    invalid(scope, 'replicas', phrase('a token'), 'Allowed: a literal integer from 0 to 5; the node count '
      + '(replicas + 1), failover and Multi-AZ are derived from it at synth time.');
  }
  validateIntegerRange(scope, 'replicas', replicas, 0, MAX_REPLICAS,
    'a primary and up to 5 read replicas; for more, use cluster mode enabled');
  const { automaticFailover, multiAz } = resolveFailover(scope, replicas, nodeType, input);
  validateZones(scope, replicas, input.preferredAvailabilityZones);
  return {
    clusterMode: mode,
    replicas,
    nodeCount: replicas + 1,
    defaultParameterGroupSuffix: '',
    props: {
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      preferredCacheClusterAZs: input.preferredAvailabilityZones,
    },
  };
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
