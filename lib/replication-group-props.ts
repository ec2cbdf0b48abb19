import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Authentication } from './auth';
import { CacheBaseProps } from './cache-base';
import { ClusterMode, ShardConfiguration } from './cluster-mode';
import { Durability } from './durability';
import { CacheEngineVersion } from './engine';
import { LogDelivery } from './logging';
import { EvictionPolicy, IParameterGroup } from './parameter-group';
import { TransitEncryptionMode } from './transit-encryption-mode';
import { SnapshotWindow } from './windows';

/** Properties of a `ReplicationGroup`. */
export interface ReplicationGroupProps extends CacheBaseProps {
  // Identity

  /**
   * The id of the replication group: 1 to 40 letters, digits and hyphens, starting with a letter,
   * no two consecutive hyphens, no hyphen at the end. ElastiCache stores it lowercase, so it is
   * lowercased here. A named group cannot be replaced by CloudFormation: a change of a
   * create-only setting (port, subnet group, network type, encryption at rest, KMS key, data
   * tiering, Availability Zones, restore source, adding an AUTH token) then fails.
   *
   * @default - generated from the construct path, lowercase, within 40 characters. Like an explicit
   * id, it makes a change of a create-only setting fail at deployment (CloudFormation will not
   * replace a named resource) instead of silently replacing the cache; to replace it on purpose,
   * give a new `replicationGroupId`
   */
  readonly replicationGroupId?: string;
  /**
   * A description, at most 255 characters.
   * @default - 'Replication group' followed by the construct path
   */
  readonly description?: string;

  // Engine

  /**
   * The engine version: a `ValkeyVersion` or a `RedisOssVersion` (Memcached is rejected: use `MemcachedCluster`).
   * A new major version needs a parameter group of the new family; the group this construct uses
   * (the default one or one created from `parameters`) follows the engine.
   * @default ValkeyVersion.VER_8_2
   */
  readonly engine?: CacheEngineVersion;
  /**
   * The port the nodes listen on. Changing it replaces the group.
   * @default - the engine's default port, 6379, set explicitly
   */
  readonly port?: number;

  // Topology (validated and rendered by lib/cluster-mode.ts)

  /**
   * The cluster mode: `DISABLED`, one shard; `ENABLED`, the keyspace split over `shards`;
   * `COMPATIBLE`, the step an existing group takes from disabled to enabled (one deployment each:
   * disabled, compatible, enabled; one way only). Compatible and enabled need Valkey 7.2+ or
   * Redis OSS 7.0+; they use the `default.<family>.cluster.on` parameter group, or a created one
   * with `cluster-enabled yes`.
   * @default ClusterMode.DISABLED
   */
  readonly clusterMode?: ClusterMode;
  /**
   * The cluster mode the group was created in, for a group that has moved since (disabled ->
   * compatible -> enabled). CloudFormation cannot change the topology properties of a live group
   * (`ReplicasPerNodeGroup`, `NodeGroupConfiguration` are create-only), so a group created disabled or
   * compatible keeps the properties it was created with once it is `ClusterMode.ENABLED`: its nodes as
   * `NumCacheClusters` (`replicas + 1`), and `NumNodeGroups` once `shards` is set, which online
   * resharding changes in place. Set it (to `ClusterMode.DISABLED` or `ClusterMode.COMPATIBLE`, they
   * render the same) in the deployment that moves the group to `ClusterMode.ENABLED`, and keep it.
   * Such a group takes no `shardConfiguration` (ElastiCache places the shards online resharding adds).
   * @default - `clusterMode`: the group was created as it is
   */
  readonly createdWithClusterMode?: ClusterMode;
  /**
   * Checks `clusterMode` against the deployed group at synth time: the group (by its
   * `replicationGroupId`) is looked up through the Cloud Control API, and a move ElastiCache refuses
   * is a synth-time error instead of a deployment that fails after minutes: disabled -> enabled
   * without compatible, and any step back (enabled or compatible -> disabled, enabled -> compatible).
   * A group that is not found (a new one) passes.
   *
   * Opt-in, because a lookup needs AWS credentials (read access to the group) at the first
   * synthesis after each change of `clusterMode`, and its result is cached in `cdk.context.json`
   * (commit it, as for every CDK lookup; refresh it with `cdk context --reset <key>`, the key is in
   * the error message). Needs an environment-bound stack (`env: { account, region }`); on an
   * environment-agnostic stack, or with a token `replicationGroupId`, it warns
   * (`cdk-elasticache:clusterModeNotVerified`) and checks nothing.
   * @default false
   */
  readonly verifyDeployedClusterMode?: boolean;
  /**
   * Checks the template against the deployed replication group at synth time: a change CloudFormation
   * cannot make in place (port, subnet group, network type, encryption at rest, KMS key, data tiering,
   * Availability Zones, name, restore source, AUTH token added or removed, shards reconfigured) or one
   * ElastiCache refuses (an engine downgrade, Valkey to Redis OSS, cluster mode backwards or past
   * compatible, TLS turned on or off without the `preferred` step) is a `CacheValidationError` naming
   * the prop, the deployed and the new value and the steps that work, instead of an update that fails
   * and rolls back after minutes.
   *
   * Two lookups, as every CDK lookup (AWS credentials with read access at the first synthesis of each
   * new template state; the answers are cached in `cdk.context.json`: commit it): the deployment record,
   * an SSM parameter the stack writes after each deployment of the replication group
   * (`/cdk-elasticache/deployed-state/STACK/LOGICAL_ID`, the properties that decide, never a secret),
   * and the deployed replication group through the Cloud Control API. The record shows what the Cloud
   * Control API never returns (the engine version, KMS key, Availability Zones, AUTH token, restore
   * source, shard configuration), values that are tokens at synth, and a changed `replicationGroupId`;
   * it exists from the first deployment with the check on. A replication group not deployed yet passes.
   *
   * Needs an environment-bound stack; otherwise it warns (`cdk-elasticache:deployedStateNotVerified`),
   * writes no record and checks nothing. `cdk-elasticache plan` makes the same checks from two cloud
   * assemblies, without credentials.
   * @default false
   */
  readonly verifyDeployedState?: boolean;
  /**
   * The number of shards (`NumNodeGroups`) of a cluster-mode-enabled group: 1 to 500, within the
   * node quota (`nodeQuota`). A later change is an online reshard (`UpdatePolicy:
   * UseOnlineResharding` is always on): make it the only change of that deployment.
   * `ClusterMode.ENABLED` only.
   * @default - the length of `shardConfiguration`, or 1
   */
  readonly shards?: number;
  /**
   * The configuration of each shard (Availability Zones, id, slots), one entry per shard.
   * `ClusterMode.ENABLED` only.
   * @default - shards '0001' to 'N', placed by ElastiCache, the slots spread evenly
   */
  readonly shardConfiguration?: ShardConfiguration[];
  /**
   * The account's quota of nodes per cluster-mode-enabled group (Service Quotas, ElastiCache
   * "Nodes per cluster (cluster mode enabled)"), which `shards x (1 + replicas)` is checked
   * against: 90 by default, raisable up to 500. `ClusterMode.ENABLED` only.
   * @default 90
   */
  readonly nodeQuota?: number;
  /**
   * The number of read replicas (per shard with cluster mode enabled): 0 to 5. With none there is
   * no failover: losing the primary loses the data written since the last backup.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Automatic failover: a replica is promoted when the primary fails. Needs at least one replica;
   * always on with cluster mode enabled (ElastiCache requires it).
   * @default - true when there is a replica, false with none; true with cluster mode enabled
   */
  readonly automaticFailover?: boolean;
  /**
   * Multi-AZ: ElastiCache keeps the replicas in other Availability Zones and fails over across
   * them. Needs at least one replica and automatic failover.
   * @default - true when there is a replica, false with none
   */
  readonly multiAz?: boolean;
  /**
   * The Availability Zone of each node, the primary's first: one entry per node (`replicas + 1`).
   * Changing them replaces the group. Cluster mode disabled and compatible only (with cluster mode
   * enabled, see `shardConfiguration`).
   * @default - ElastiCache places the nodes
   */
  readonly preferredAvailabilityZones?: string[];

  // Configuration

  /**
   * An existing parameter group, of the engine's family (`valkey8` for Valkey 8.x), with
   * `cluster-enabled yes` for cluster mode compatible or enabled (checked when the group's
   * parameters are known: a `ParameterGroup` of this app).
   * @default - the engine's default group, `default.<family>` (`default.<family>.cluster.on` with
   * cluster mode compatible or enabled), set explicitly (so that an engine upgrade to a new major
   * changes the group in the same update); a new group when `parameters` or `evictionPolicy` is
   * given (construct id `ClusterParameterGroup`, with `cluster-enabled yes`, for cluster mode
   * compatible or enabled: the flag cannot change on a group in use, so moving to the cluster mode
   * creates a new group)
   */
  readonly parameterGroup?: IParameterGroup;
  /**
   * The eviction policy (`maxmemory-policy`) of a new parameter group: what leaves a full cache.
   * @default - the ElastiCache default, `volatile-lru`
   */
  readonly evictionPolicy?: EvictionPolicy;
  /**
   * Data tiering (memory plus SSD). Must be on with r6gd node types, and only with them
   * (Valkey 7.2+, Redis OSS 6.2+). Changing it replaces the group.
   * @default - true on r6gd node types, off otherwise
   */
  readonly dataTiering?: boolean;
  /**
   * Durability (Valkey 9.0+): writes kept in a Multi-AZ transactional log, so that a failure loses
   * none of them (`Durability.SYNC`, single-digit millisecond writes) or at most the last 10 seconds
   * (`Durability.ASYNC`, microsecond writes). Needs cluster mode enabled, Multi-AZ with at least one
   * replica per shard, encryption in transit and at rest (durability turns it on: `atRestEncryption:
   * false` is refused), an r7g, r6g, m7g, m6g or c7gn node type (r8g, m8g and c8gn warn
   * `durabilityNodeTypeUnconfirmed`), no data tiering. `SYNC` and `ASYNC` switch in place; turning
   * durability on or off on an existing group is documented both ways (the CloudFormation property
   * says it fails): choose it when the group is created.
   * @default - not set: ElastiCache's default, no durability
   */
  readonly durability?: Durability;

  // Encryption

  /**
   * Encryption at rest (disk, backups). Changing it replaces the group.
   * @default true
   */
  readonly atRestEncryption?: boolean;
  /**
   * A customer managed (symmetric) KMS key for encryption at rest, of the data on disk and of the
   * backups. Create-only: changing it replaces the group (warning `kmsKeyCreateOnly`), and a disabled
   * or deleted key makes the group and its backups irrecoverable. ElastiCache creates a KMS grant
   * with the deploying principal's permissions (`kms:CreateGrant`, `kms:DescribeKey`); nothing is
   * added to the key policy for it. What the group creates follows the key: the secrets it generates
   * (passwords, AUTH token) unless their own `encryptionKey` is given, and new log groups
   * (`LogDestination.newLogGroup()`, which add a key policy statement for CloudWatch Logs) unless
   * theirs is.
   * @default - the AWS owned key of ElastiCache
   */
  readonly kmsKey?: kms.IKey;
  /**
   * Encryption in transit (TLS); clients must connect with TLS.
   * @default true
   */
  readonly transitEncryption?: boolean;
  /**
   * Whether plaintext clients are still accepted while encryption in transit is on
   * (Valkey 7.2+, Redis OSS 7.0+).
   * @default - TransitEncryptionMode.REQUIRED where the version supports the mode, unset otherwise
   */
  readonly transitEncryptionMode?: TransitEncryptionMode;

  // Authentication

  /**
   * How clients authenticate.
   * @default - with encryption in transit, on Valkey and Redis OSS 6.0+:
   * `Authentication.generatedUserGroup()`, RBAC with a new user group (a disabled `default` user and
   * a least-privilege application user `app`, `AccessString.readWrite()`, its password in a new Secrets Manager secret,
   * `authSecret`); on Redis OSS before 6.0: `Authentication.generatedAuthToken()`, an AUTH token in a
   * new secret (`authSecret`); without encryption in transit: `Authentication.none()`
   */
  readonly authentication?: Authentication;

  // Backups

  /**
   * How long automatic backups are kept: whole days, 0 to 35. `Duration.days(0)` turns automatic
   * backups off.
   * @default Duration.days(15) - the minimum the HIPAA and NIST 800-53 policy packs accept
   */
  readonly backupRetention?: Duration;
  /**
   * The daily window (UTC) of the automatic backups; must not overlap `maintenanceWindow`.
   * @default - a daily 60-minute window ElastiCache picks
   */
  readonly snapshotWindow?: SnapshotWindow;
  /**
   * Restore the new group from an ElastiCache backup (its name, in the same account and Region).
   * Create-only: changing it replaces the group.
   * @default - an empty cache
   */
  readonly restoreFromSnapshot?: string;
  /**
   * Restore the new group from `.rdb` files in S3: their object ARNs (`arn:aws:s3:::bucket/key.rdb`).
   * ElastiCache must be allowed to read them. Create-only: changing them replaces the group.
   * @default - an empty cache
   */
  readonly restoreFromS3?: string[];

  // Logs

  /**
   * Log deliveries: the slow log (Valkey, Redis OSS 6.0+) and the engine log (Valkey, Redis OSS
   * 6.2+), each at most once, to CloudWatch Logs or Amazon Data Firehose. More can be added with
   * `addLogDelivery()`.
   * @default - no log delivery
   */
  readonly logs?: LogDelivery[];

  /**
   * What happens to the group when it leaves the stack or is replaced. `SNAPSHOT` takes a final
   * backup (CloudFormation `DeletionPolicy: Snapshot`) and deletes the group. The subnet,
   * parameter and security groups it creates and the generated AUTH token secret are retained
   * with `RETAIN` and deleted otherwise.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}
