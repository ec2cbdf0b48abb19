/**
 * The cluster mode of a Valkey / Redis OSS replication group: whether the keyspace is split over
 * shards (cluster mode enabled), and the step in between for an existing group.
 *
 * An existing group moves one way only, in two deployments: `DISABLED` -> `COMPATIBLE` (clients
 * move to the cluster protocol and the configuration endpoint) -> `ENABLED`. Both steps need
 * Valkey 7.2+ or Redis OSS 7.0+, automatic failover and a replica.
 */
export class ClusterMode {
  /**
   * Cluster mode disabled (the default): one shard, a primary and 0 to 5 read replicas; clients use
   * the primary and reader endpoints.
   */
  public static readonly DISABLED = new ClusterMode('disabled');
  /**
   * The migration step between disabled and enabled: still one shard, but the nodes run with
   * `cluster-enabled yes` and accept both the cluster and the standalone protocol, so that the
   * clients can move to the configuration endpoint before the group becomes `ENABLED`.
   */
  public static readonly COMPATIBLE = new ClusterMode('compatible');
  /**
   * Cluster mode enabled: the keyspace (16384 hash slots) split over 1 to 500 shards, each a
   * primary with 0 to 5 replicas; clients speak the cluster protocol through the configuration
   * endpoint. Shards are added and removed online (`UpdatePolicy: UseOnlineResharding`).
   */
  public static readonly ENABLED = new ClusterMode('enabled');

  /** The value as CloudFormation and the ElastiCache API take it (`disabled`, `compatible`, `enabled`). */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** Whether the nodes run with `cluster-enabled yes` (compatible and enabled): the `.cluster.on` parameter groups. */
  public get clusterEnabled(): boolean {
    return this.value !== 'disabled';
  }

  /** Whether the keyspace is split over shards: the configuration endpoint, `shards`, `shardConfiguration`. */
  public get sharded(): boolean {
    return this.value === 'enabled';
  }

  /** The value. */
  public toString(): string {
    return this.value;
  }
}

/**
 * The configuration of one shard of a cluster-mode-enabled group (`NodeGroupConfiguration`).
 * Every field is optional: give the Availability Zones to place the nodes, and the slots only to
 * seed the group from `.rdb` files in S3.
 */
export interface ShardConfiguration {
  /**
   * The shard's id (`NodeGroupId`): 1 to 4 digits, unique in the group. Rendered for
   * every shard, as online resharding needs.
   * @default - the shard's position, as ElastiCache numbers shards: '0001', '0002', ...
   */
  readonly shardId?: string;
  /**
   * The Availability Zone of the shard's primary. Changing it later replaces the group.
   * @default - ElastiCache places the primary
   */
  readonly primaryAvailabilityZone?: string;
  /**
   * The Availability Zone of each of the shard's replicas: one entry per replica (`replicas`).
   * Changing them later replaces the group.
   * @default - ElastiCache places the replicas
   */
  readonly replicaAvailabilityZones?: string[];
  /**
   * The hash slots the shard holds, as ranges `start-end` within 0-16383, comma-separated
   * (`'0-8191'`). Only to seed a new group from `.rdb` files (`restoreFromS3`), where ElastiCache
   * needs them for every shard; the shards' ranges must cover 0-16383 without overlap. Remove them
   * once the group exists: online resharding spreads the slots itself.
   * @default - ElastiCache spreads the slots evenly
   */
  readonly slots?: string;
}
