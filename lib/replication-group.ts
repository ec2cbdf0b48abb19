import { Annotations, ArnFormat, Duration, IResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { Authentication, AuthenticationConfig } from './auth';
import { CacheBase, CacheBaseProps } from './cache-base';
import { ClusterMode, ShardConfiguration } from './cluster-mode';
import { ClusterScaling, ClusterScalingContext, ClusterScalingProps, ReplicaScaling, ShardScaling } from './cluster-scaling';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { Endpoint } from './endpoint';
import { CacheEngine, CacheEngineVersion, ValkeyVersion } from './engine';
import { LogDelivery } from './logging';
import { CacheMetricOptions, IReplicationGroupMonitoring } from './monitoring';
import { NodeType } from './node-type';
import { EvictionPolicy, IParameterGroup, ParameterGroup } from './parameter-group';
import { RotationOptions } from './rotation-options';
import { ISubnetGroup } from './subnet-group';
import { IUser, User, UserAuthenticationType } from './user';
import { IUserGroup } from './user-group';
import { SnapshotWindow } from './windows';
import {
  cacheDefaultPort, CacheConnections, renderMaintenance, resolveNetwork, resolveParameterGroup, validateNetworkType, validatePort,
  validateZonesInSubnets,
} from './private/common';
import { CacheAuthFacts, ConsumerFacts, resolveConsumerAuth, wireConsumer } from './private/consumer';
import { CacheValidationError, invalid, phrase } from './private/errors';
import { validateCacheKmsKey } from './private/kms';
import { LogDeliveries } from './private/log-delivery';
import {
  aggregateOver, defaultAggregation, hitRateMetric, MAX_MATH_METRICS, MonitoredCache, replicationGroupNodes, shardedNodes,
} from './private/metrics';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { allowEventNotifications } from './private/notifications';
import { rotateCacheCredentials } from './private/rotation';
import { isToken, validateIdentifier, validateLength } from './private/validation';

/** The longest replication group id ElastiCache takes. */
const MAX_ID_LENGTH = 40;
/** Automatic backups are kept 0 to 35 days. */
const MAX_RETENTION_DAYS = 35;

/**
 * How encryption in transit treats clients that do not use TLS.
 */
export enum TransitEncryptionMode {
  /** Only TLS connections are accepted. */
  REQUIRED = 'required',
  /**
   * TLS and plaintext connections are both accepted: the step in between when turning TLS on for an
   * existing cache (Valkey 7.2+, Redis OSS 7.0+). Move the clients to TLS, then set `REQUIRED`.
   */
  PREFERRED = 'preferred',
}

/**
 * A Valkey / Redis OSS replication group: one primary and its read replicas (cluster mode disabled),
 * or shards of a primary and replicas each (cluster mode enabled).
 */
export interface IReplicationGroup extends IResource, ec2.IConnectable, refs.IReplicationGroupRef, IReplicationGroupMonitoring {
  /**
   * The id of the replication group (lowercase).
   * @attribute
   */
  readonly replicationGroupId: string;
  /**
   * The ARN of the replication group.
   * @attribute
   */
  readonly replicationGroupArn: string;
  /**
   * The primary endpoint: the node that takes writes (follows failovers). Cluster mode disabled
   * and compatible only: reading it on a cluster-mode-enabled group throws (use `configurationEndpoint`).
   * @attribute
   */
  readonly primaryEndpoint: Endpoint;
  /**
   * The reader endpoint: spreads connections over the read replicas (the primary when there are none).
   * Cluster mode disabled and compatible only.
   * @attribute
   */
  readonly readerEndpoint: Endpoint;
  /**
   * The configuration endpoint, which cluster clients discover the shards through. Cluster mode
   * enabled and compatible only: reading it on a cluster-mode-disabled group throws.
   * @attribute
   */
  readonly configurationEndpoint: Endpoint;
  /**
   * The secret clients read to authenticate, when there is one in Secrets Manager: the application
   * user's JSON `{ "username", "password" }` (the default, `Authentication.generatedUserGroup()`), or
   * the AUTH token.
   */
  readonly authSecret?: secretsmanager.ISecret;
  /** The number of nodes: the primary plus the replicas (of every shard). */
  readonly nodeCount: number;
  /**
   * The ids of the member clusters (one per node), `<replicationGroupId>-001` to `-00N`, or
   * `<replicationGroupId>-<shard>-00N` on a cluster-mode-enabled group (`-0001-001`): the
   * `CacheClusterId` dimension of the node metrics.
   */
  readonly memberClusterIds: string[];

  /**
   * Grants IAM authentication as an RBAC user: `elasticache:Connect` on the replication group and on
   * the user.
   */
  grantConnect(grantee: iam.IGrantable, user: IUser): iam.Grant;

  /**
   * Wires a consumer in one call: opens the port to it, grants it the credentials (read on the
   * secret and decrypt on its key, or `elasticache:Connect` for an IAM user) and sets the `CACHE_*`
   * variables `cdk-elasticache/client` reads (on a Lambda function, or `options.container`).
   */
  connectFrom(consumer: ec2.IConnectable, options?: ConnectFromOptions): CacheConnectionBinding;
}

/** Attributes of an existing replication group. */
export interface ReplicationGroupAttributes {
  /** The id of the replication group. */
  readonly replicationGroupId: string;
  /**
   * The hostname of the primary endpoint.
   * @default - unknown: `primaryEndpoint` throws
   */
  readonly primaryEndpointAddress?: string;
  /**
   * The hostname of the reader endpoint.
   * @default - unknown: `readerEndpoint` throws
   */
  readonly readerEndpointAddress?: string;
  /**
   * The hostname of the configuration endpoint (cluster mode enabled or compatible).
   * @default - unknown: `configurationEndpoint` throws
   */
  readonly configurationEndpointAddress?: string;
  /**
   * The port the nodes listen on.
   * @default - unknown: the endpoints throw and `connections` has no default port
   */
  readonly port?: number;
  /**
   * The security groups of the replication group, so that `connections` can open them to clients.
   * @default - none: `connections` cannot allow traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The secret clients read to authenticate (an AUTH token, or a user's `{ username, password }`),
   * so that clients can be granted read.
   * @default - none
   */
  readonly authSecret?: secretsmanager.ISecret;
  /**
   * The number of nodes (primary plus replicas), of a cluster-mode-disabled group.
   * @default - unknown: `nodeCount` and `memberClusterIds` throw
   */
  readonly nodes?: number;
  /**
   * The engine, for `connectFrom()` (`CACHE_ENGINE`).
   * @default CacheEngine.VALKEY
   */
  readonly engine?: CacheEngine;
  /**
   * Whether the group has encryption in transit, for `connectFrom()` (`CACHE_TLS`).
   * @default true
   */
  readonly transitEncryption?: boolean;
  /**
   * How clients authenticate, for `connectFrom()` (`CACHE_AUTH`): `RBAC_PASSWORD` and `AUTH_TOKEN`
   * read `authSecret`; `IAM` needs the `user` option of `connectFrom()`.
   * @default - `CacheAuthMode.RBAC_PASSWORD` with `authSecret` (the library's default), `CacheAuthMode.NONE` without
   */
  readonly authMode?: CacheAuthMode;
  /**
   * The group's cluster mode, for `connectFrom()`: with `ENABLED` or `COMPATIBLE`, `CACHE_HOST` is the
   * configuration endpoint (`configurationEndpointAddress` needed) and `CACHE_CLUSTER` is `true`, so
   * that the consumer uses a cluster client.
   * @default ClusterMode.DISABLED: `CACHE_HOST` is the primary endpoint (`primaryEndpointAddress` needed)
   */
  readonly clusterMode?: ClusterMode;
}

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

/**
 * What every replication group, new or imported, offers its consumers.
 */
export abstract class ReplicationGroupBase extends CacheBase implements IReplicationGroup {
  public abstract readonly replicationGroupId: string;
  public abstract readonly primaryEndpoint: Endpoint;
  public abstract readonly readerEndpoint: Endpoint;
  public abstract readonly configurationEndpoint: Endpoint;
  public abstract readonly authSecret?: secretsmanager.ISecret;

  /** The ARN of the group, `arn:<partition>:elasticache:<region>:<account>:replicationgroup:<id>`. */
  public get replicationGroupArn(): string {
    return Stack.of(this).formatArn({
      service: 'elasticache',
      resource: 'replicationgroup',
      resourceName: this.replicationGroupId,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * Grants IAM authentication as an RBAC user: `elasticache:Connect` on this replication group and
   * on the user (both ARNs built with the stack's partition, Region and account). The user must
   * authenticate with IAM (`UserAuthentication.iam()`) and belong to the group's user group; the
   * grantee then signs tokens with its own credentials (`generateIamAuthToken` in
   * `cdk-elasticache/ops`). Password users need no grant: give them read on their secret instead.
   *
   * @param grantee the principal (a Lambda function, a role...)
   * @param user the IAM-authenticated user the grantee connects as
   */
  public grantConnect(grantee: iam.IGrantable, user: IUser): iam.Grant {
    if (user.authenticationType !== undefined && user.authenticationType !== UserAuthenticationType.IAM) {
      const label = Token.isUnresolved(user.userId) ? `at ${user.node.path}` : `'${user.userId}'`;
      invalid(this, 'grantConnect user', phrase(`the ${user.authenticationType} user ${label}`), 'Allowed: a user with IAM '
        + 'authentication (UserAuthentication.iam()); elasticache:Connect only lets IAM users in. For a password user, grant '
        + 'read on its secret (user.secret.grantRead(grantee)).');
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [this.replicationGroupArn, user.userArn],
    });
  }

  /**
   * Wires a consumer in one call (a Lambda function, or an ECS service with `grantee` and `container`):
   *
   * - opens the port to it (`connections.allowDefaultPortFrom(consumer)`: across stacks, the
   *   rule is created in the consumer's stack);
   * - grants it the credentials as identity policies of the grantee: read on the secret and
   *   `kms:Decrypt` on its customer managed key through Secrets Manager (RBAC password, AUTH token), or
   *   `elasticache:Connect` on the group and the user (IAM user, `options.user`);
   * - sets the `CACHE_*` variables (`CACHE_<NAME>_*` with `options.name`) that
   *   `cdk-elasticache/client` turns into client settings (see the README for the table).
   *
   * Unlike `grantConnect(grantee, user)`, which is IAM's `elasticache:Connect` only, this is the whole
   * wiring. Nothing is added to the cache's stack, so a consumer in another stack creates no cycle.
   */
  public connectFrom(consumer: ec2.IConnectable, options: ConnectFromOptions = {}): CacheConnectionBinding {
    const facts = this._consumerFacts();
    const auth = resolveConsumerAuth(this, { ...facts.auth, grantConnect: (g, u) => this.grantConnect(g, u) }, options);
    const base: ConsumerFacts = { ...facts.endpoint, ...auth };
    return wireConsumer(this, consumer, options, base);
  }

  /** What `connectFrom()` needs to know. @internal */
  protected abstract _consumerFacts(): { endpoint: Omit<ConsumerFacts, 'authMode'>; auth: Omit<CacheAuthFacts, 'grantConnect'> };

  /**
   * The ids of the member clusters (one per node): `<replicationGroupId>-001` to `-00N`, or
   * `<replicationGroupId>-<shard>-00N` with cluster mode enabled.
   */
  public get memberClusterIds(): string[] {
    const count = this.nodeCount;
    if (Token.isUnresolved(count)) {
      throw new CacheValidationError('Cannot list the member cluster ids: the node count is a token. Allowed: a literal count.', this);
    }
    return Array.from({ length: count }, (_, i) => `${this.replicationGroupId}-${String(i + 1).padStart(3, '0')}`);
  }

  /** A reference to this group, for L1 constructs and the generated reference interfaces. */
  public get replicationGroupRef(): refs.ReplicationGroupReference {
    return { replicationGroupId: this.replicationGroupId };
  }

  // Monitoring (lib/monitoring.ts): per node, `CacheClusterId` <id>-00N and `CacheNodeId` 0001.

  /** `EngineCPUUtilization`: CPU of the engine thread (percent), highest node. */
  public metricEngineCpuUtilization(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('EngineCPUUtilization', props);
  }

  /** `DatabaseMemoryUsagePercentage`: used memory over `maxmemory` (percent), highest node. */
  public metricDatabaseMemoryUsagePercentage(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('DatabaseMemoryUsagePercentage', props);
  }

  /** `CacheHits`: successful key lookups, summed over the nodes. */
  public metricCacheHits(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CacheHits', props);
  }

  /** `CacheMisses`: unsuccessful key lookups, summed over the nodes. */
  public metricCacheMisses(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CacheMisses', props);
  }

  /** The hit rate of the whole group (percent), `100 * hits / (hits + misses)` over the nodes' sums. */
  public metricCacheHitRate(props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    return hitRateMetric(this._monitoredCache(), 'CacheHits', 'CacheMisses', props, 'Cache hit rate (%)');
  }

  /** `ReplicationLag`: seconds the replicas are behind the primary, highest replica. */
  public metricReplicationLag(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('ReplicationLag', props);
  }

  /** @internal */
  protected _monitoredCache(): MonitoredCache {
    return {
      scope: this,
      replicationGroup: true,
      what: 'replication group',
      nodes: () => replicationGroupNodes(this.memberClusterIds),
      nodeType: this instanceof ReplicationGroup ? this.nodeType : undefined,
    };
  }
}

/**
 * A Valkey / Redis OSS replication group: with cluster mode disabled (the default) one primary node
 * that takes writes and 0 to 5 read replicas, with cluster mode enabled 1 to 500 shards of a primary
 * and 0 to 5 replicas each; automatic failover and Multi-AZ, in a subnet group of your VPC.
 * Secure and durable by default: encrypted at rest and in transit, RBAC with an application user
 * whose password is in Secrets Manager, daily backups kept 15 days and a final snapshot on delete.
 *
 * @resource AWS::ElastiCache::ReplicationGroup
 */
export class ReplicationGroup extends ReplicationGroupBase {
  /** Imports an existing replication group. Getters of attributes not given throw. */
  public static fromReplicationGroupAttributes(scope: Construct, id: string, attrs: ReplicationGroupAttributes): IReplicationGroup {
    return new ImportedReplicationGroup(scope, id, attrs);
  }

  public readonly replicationGroupId: string;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  public readonly nodeCount: number;
  /** The engine version. */
  public readonly engine: CacheEngineVersion;
  /** The node type. */
  public readonly nodeType: NodeType;
  /** The cluster mode. */
  public readonly clusterMode: ClusterMode;
  /** The number of shards (1 unless cluster mode is enabled), as rendered; auto scaling may change it. */
  public readonly shards: number;
  /** The ids of the shards (`NodeGroupId`s), '0001'... */
  public readonly shardIds: string[];
  /** The number of read replicas (per shard), as rendered; auto scaling may change it. */
  public readonly replicas: number;
  /** The subnet group the nodes are in. */
  public readonly subnetGroup: ISubnetGroup;
  /** The parameter group, unless the engine's default group is used. */
  public readonly parameterGroup?: IParameterGroup;
  /** The RBAC user group clients authenticate against, with a user-group authentication method. */
  public readonly userGroup?: IUserGroup;
  /**
   * The application user `Authentication.generatedUserGroup()` (the default) created; its secret is
   * `authSecret`.
   */
  public readonly applicationUser?: User;
  /** Whether encryption in transit is on. */
  public readonly transitEncryption: boolean;
  /** The log deliveries (slow log, engine log). */
  private readonly logDeliveries: LogDeliveries;
  /** The L1. */
  private readonly resource: CfnReplicationGroup;
  /** The dimensions auto scaling changes ('shards', 'replicas'). */
  private readonly scaling = new Set<string>();
  private shardScaling?: ShardScaling;
  private replicaScaling?: ReplicaScaling;
  private readonly dataTiering: boolean;
  private readonly nodeQuota: number;
  /** The port, as set in the template. */
  private readonly templatePort: number;
  /** The authentication method, bound (consumer facts, addRotation). */
  private readonly auth: AuthenticationConfig;

  constructor(scope: Construct, id: string, props: ReplicationGroupProps) {
    super(scope, id, { physicalName: lowercase(props.replicationGroupId) });

    // Engine and node type
    const engine = props.engine ?? ValkeyVersion.VER_8_2;
    if (engine.engine.isSameEngine(CacheEngine.MEMCACHED)) {
      invalid(this, 'engine', `${engine}`, 'Allowed: a ValkeyVersion or a RedisOssVersion. Memcached has no replication, '
        + 'persistence or authentication: use MemcachedCluster for it.');
    }
    const nodeType = props.nodeType ?? NodeType.T4G_MICRO;
    const port = props.port ?? engine.defaultPort;
    validatePort(this, port);
    validateIdentifier(this, 'replicationGroupId', props.replicationGroupId, MAX_ID_LENGTH);
    validateLength(this, 'description', props.description, 1, 255);

    // Topology (lib/cluster-mode.ts)
    const clusterMode = props.clusterMode ?? ClusterMode.DISABLED;
    const topology = clusterMode._resolveTopology(this, engine, nodeType, {
      ...props,
      dataTiering: props.dataTiering ?? nodeType.supportsDataTiering,
    });
    const replicas = topology.replicas;

    // Network and configuration
    validateNetworkType(this, engine, nodeType, props.networkType, props.ipDiscovery);
    const dataTiering = this.resolveDataTiering(engine, nodeType, props.dataTiering);

    // Encryption
    const atRestEncryption = this.resolveAtRest(engine, nodeType, props.atRestEncryption, props.kmsKey);
    const transitEncryption = props.transitEncryption ?? true;
    const transitEncryptionMode = this.resolveTransitMode(engine, nodeType, transitEncryption, props.transitEncryptionMode);

    // Backups and maintenance
    const retentionDays = this.resolveRetention(nodeType, props.backupRetention);
    this.validateBackups(nodeType, retentionDays, props);
    // Last, so that the feature rules above say what such a node type lacks.
    if (nodeType.isPreviousGeneration) {
      invalid(this, 'nodeType', nodeType.name, 'Allowed: a current-generation node type; t1, m1, m2, m3, r3 and c1 nodes can no '
        + 'longer be created.');
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const helperPolicy = helperRemovalPolicy(removalPolicy);

    // Authentication
    validateCacheKmsKey(this, props.kmsKey, removalPolicy);
    const authentication = props.authentication ?? Authentication._defaultFor(engine, transitEncryption);
    const auth = authentication._bind(this, { removalPolicy, engine, transitEncryption, kmsKey: props.kmsKey });
    if (auth.requiresTransitEncryption && !transitEncryption) {
      invalid(this, 'authentication', phrase(auth.description), 'Allowed: Authentication.none() without encryption in transit; AUTH tokens, '
        + 'RBAC and IAM authentication need transitEncryption: true (ElastiCache refuses credentials over plaintext).');
    }
    if (auth.requiredFeature && !engine.features[auth.requiredFeature]) {
      const needs = auth.requiredFeature === 'rbac' ? 'RBAC (user groups) needs Valkey 7.2+ or Redis OSS 6.0+'
        : 'IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+';
      invalid(this, 'authentication', phrase(auth.description), `Allowed: an AUTH token or none on ${engine}; ${needs}.`);
    }

    const network = resolveNetwork(this, props, 'replication group');
    validateZonesInSubnets(this, props.preferredAvailabilityZones, network.createdSubnetGroup?.subnets);
    const parameterGroup = resolveParameterGroup(this, engine, props, clusterMode.clusterEnabled
      ? { id: 'ClusterParameterGroup', parameters: topology.parameters } : {});
    this.validateClusterParameters(clusterMode, props);
    this.warn(engine, clusterMode.sharded ? undefined : replicas, transitEncryption, transitEncryptionMode, atRestEncryption,
      auth.authToken === undefined && auth.userGroupIds === undefined, props);

    this.logDeliveries = new LogDeliveries(this, engine, props.logs, { kmsKey: props.kmsKey });

    const resource = new CfnReplicationGroup(this, 'Resource', {
      // Identity
      replicationGroupId: lowercase(props.replicationGroupId) ?? generateName(this, MAX_ID_LENGTH),
      replicationGroupDescription: props.description ?? `Replication group ${this.node.path}`.slice(0, 255),
      // Engine
      engine: engine.engine.name,
      engineVersion: engine.version,
      cacheNodeType: nodeType.name,
      port,
      cacheParameterGroupName: parameterGroup?.parameterGroupName
        ?? `default.${engine.parameterGroupFamily}${topology.defaultParameterGroupSuffix}`,
      // Topology
      ...topology.props,
      // Network
      cacheSubnetGroupName: network.subnetGroup.subnetGroupName,
      securityGroupIds: network.securityGroups.map(sg => sg.securityGroupId),
      networkType: props.networkType?.value,
      ipDiscovery: props.ipDiscovery?.value,
      dataTieringEnabled: dataTiering ? true : undefined,
      // Encryption and authentication
      atRestEncryptionEnabled: atRestEncryption,
      kmsKeyId: props.kmsKey?.keyArn,
      transitEncryptionEnabled: transitEncryption,
      transitEncryptionMode,
      authToken: auth.authToken?.unsafeUnwrap(),
      userGroupIds: auth.userGroupIds,
      // Backups
      snapshotRetentionLimit: retentionDays,
      snapshotWindow: props.snapshotWindow?.value,
      snapshotName: props.restoreFromSnapshot,
      snapshotArns: props.restoreFromS3,
      // Maintenance
      ...renderMaintenance(props),
      // Logs
      logDeliveryConfigurations: this.logDeliveries.render(),
    });
    resource.applyRemovalPolicy(removalPolicy);
    if (props.verifyDeployedClusterMode) {
      clusterMode._verifyDeployed(this, resource.replicationGroupId!);
    }
    if (topology.onlineResharding) {
      // Shard changes in place, without replacement (CloudFormation UpdatePolicy).
      resource.cfnOptions.updatePolicy = { ...resource.cfnOptions.updatePolicy, useOnlineResharding: true };
    }
    allowEventNotifications(this, props.notificationTopic);
    // A retained group keeps using the groups it was created with: deleting them would fail.
    network.createdSubnetGroup?.applyRemovalPolicy(helperPolicy);
    if (parameterGroup && !props.parameterGroup) {
      parameterGroup.applyRemovalPolicy(helperPolicy);
    }
    if (!props.securityGroups) {
      network.securityGroups.forEach(sg => sg.applyRemovalPolicy(helperPolicy));
    }

    this.engine = engine;
    this.nodeType = nodeType;
    this.clusterMode = clusterMode;
    this.shards = topology.shards;
    this.shardIds = topology.shardIds;
    this.replicas = replicas;
    this.nodeCount = topology.nodeCount;
    this.resource = resource;
    this.dataTiering = dataTiering;
    this.nodeQuota = props.nodeQuota ?? 90;
    this.subnetGroup = network.subnetGroup;
    this.parameterGroup = parameterGroup;
    this.transitEncryption = transitEncryption;
    this.authSecret = auth.secret;
    this.auth = auth;
    this.templatePort = port;
    this.userGroup = auth.userGroup;
    this.applicationUser = auth.applicationUser;
    this.replicationGroupId = resource.ref;
    // The port the template sets, a literal: policy packs can read the ingress rules (a token port is
    // "could not be validated"). Rules for consumers of other stacks go to their stacks (CacheConnections).
    this.connections = new CacheConnections({
      securityGroups: network.securityGroups,
      defaultPort: cacheDefaultPort(port),
    });
  }

  /** @internal */
  protected _consumerFacts(): { endpoint: Omit<ConsumerFacts, 'authMode'>; auth: Omit<CacheAuthFacts, 'grantConnect'> } {
    const auth = this.auth;
    const mode = auth.applicationUser || auth.userGroup ? CacheAuthMode.RBAC_PASSWORD
      : auth.authToken !== undefined ? CacheAuthMode.AUTH_TOKEN : CacheAuthMode.NONE;
    const cluster = this.clusterMode.clusterEnabled;
    return {
      endpoint: {
        engine: this.engine.engine.name,
        id: this.replicationGroupId,
        // Cluster mode enabled: clients discover the shards through the configuration endpoint (no reader endpoint).
        // Compatible, the migration step: clients move to a cluster client on the configuration endpoint now, as
        // ElastiCache requires before the group becomes enabled (the nodes accept both protocols meanwhile).
        host: cluster ? this.configurationEndpoint.hostname : this.primaryEndpoint.hostname,
        port: String(this.templatePort),
        readerHost: cluster ? undefined : this.readerEndpoint.hostname,
        tls: this.transitEncryption,
        cluster,
      },
      auth: {
        mode,
        authSecret: auth.secret,
        secretField: auth.secretJsonField,
        applicationUser: auth.applicationUser,
        givenUserGroup: auth.userGroup !== undefined && auth.applicationUser === undefined,
      },
    };
  }

  /**
   * Rotates the credentials the group generated with Secrets Manager on a schedule (every 30 days by
   * default), by the library's rotation function (one per stack, shared by every rotation in it):
   *
   * - `Authentication.generatedUserGroup()` (the default): the application user's password and the
   *   disabled `default` user's, as `user.addRotation()` does: the new password is added next to the
   *   current one, so clients that hold the current one keep working until the next rotation.
   * - `Authentication.generatedAuthToken()`: the AUTH token, `ROTATE` with the new token (old and new
   *   both valid), then the new token becomes current in the secret, then `SET` (only the new one).
   *
   * Clients re-read `authSecret` when the server answers `WRONGPASS`. With a user group or a token of
   * yours, rotate those: `user.addRotation()` on a user with a generated password, or by hand (README:
   * Rotating credentials).
   */
  public addRotation(options: RotationOptions = {}): void {
    const resource = this.node.defaultChild as CfnReplicationGroup;
    rotateCacheCredentials(this, {
      auth: this.auth, resource, replicationGroupId: resource.replicationGroupId ?? this.replicationGroupId, kind: 'replication group',
      connections: this,
    }, options);
  }

  /**
   * The primary endpoint: the node that takes writes (follows failovers). Cluster mode disabled and
   * compatible only.
   */
  public get primaryEndpoint(): Endpoint {
    this.requireUnsharded('primaryEndpoint');
    return new Endpoint(this.resource.attrPrimaryEndPointAddress, Token.asNumber(this.resource.attrPrimaryEndPointPort));
  }

  /** The reader endpoint: spreads connections over the read replicas. Cluster mode disabled and compatible only. */
  public get readerEndpoint(): Endpoint {
    this.requireUnsharded('readerEndpoint');
    return new Endpoint(this.resource.attrReaderEndPointAddress, Token.asNumber(this.resource.attrReaderEndPointPort));
  }

  /**
   * The configuration endpoint: cluster clients connect to it and discover the shards and their
   * nodes (`CLUSTER SHARDS`). Cluster mode enabled and compatible only.
   */
  public get configurationEndpoint(): Endpoint {
    if (!this.clusterMode.clusterEnabled) {
      throw new CacheValidationError('Cannot read configurationEndpoint of a cluster-mode-disabled replication group: '
        + 'it has none (CloudFormation\'s ConfigurationEndPoint attributes exist only with cluster mode enabled). Allowed: '
        + 'primaryEndpoint and readerEndpoint, or clusterMode: ClusterMode.ENABLED (COMPATIBLE while migrating).', this);
    }
    return new Endpoint(this.resource.attrConfigurationEndPointAddress, Token.asNumber(this.resource.attrConfigurationEndPointPort));
  }

  /** The member cluster ids: `<id>-001`... or, with cluster mode enabled, `<id>-<shard>-001`... */
  public get memberClusterIds(): string[] {
    if (!this.clusterMode.sharded) {
      return super.memberClusterIds;
    }
    return this.shardIds.flatMap(shard => Array.from({ length: this.replicas + 1 },
      (_, i) => `${this.replicationGroupId}-${shard}-${String(i + 1).padStart(3, '0')}`));
  }

  /**
   * A metric of one shard: its nodes' metrics combined by `aggregation` (by default as `metric()`
   * does), a math expression over the shard's members `<id>-<shard>-001`... Cluster mode enabled.
   *
   * @param shardId the shard, one of `shardIds` ('0001'...)
   */
  public shardMetric(shardId: string, metricName: string, props: CacheMetricOptions = {}): cloudwatch.IMetric {
    if (!this.shardIds.includes(shardId)) {
      invalid(this, 'shardMetric shardId', shardId, `Allowed: a shard of the group, ${this.shardIds.join(', ')}.`);
    }
    const options: CacheMetricOptions = { ...props };
    const agg = options.aggregation ?? defaultAggregation(metricName);
    delete (options as { aggregation?: string }).aggregation;
    return aggregateOver(this._monitoredCache(), shardedNodes(this.replicationGroupId, [shardId], this.replicas), metricName,
      options, agg, MAX_MATH_METRICS, `nodes of shard ${shardId}`);
  }

  /**
   * Auto scales the shards (Application Auto Scaling, `elasticache:replication-group:NodeGroups`):
   * add target-tracking policies (`scaleOnEngineCpuUtilization()`, `scaleOnMemoryUtilization()`...)
   * and schedules to the returned object. Cluster mode enabled only, on the node types and versions
   * ElastiCache auto scales; call it before `addRecommendedAlarms()` and `addDashboard()`, which
   * then watch the group by role (`ReplicationGroupId` + `Role`) instead of by member. The
   * template keeps `shards` as created: a later change of `shards` resets the live count.
   */
  public autoScaleShards(props: ClusterScalingProps): ShardScaling {
    this.beforeScaling('autoScaleShards', this.shardScaling);
    this.shardScaling = ShardScaling._create(this, props, this.scalingContext(this.shards,
      cap => cap * (1 + (this.replicaScaling?.maxCapacity ?? this.replicas))));
    this.scaling.add('shards');
    return this.shardScaling;
  }

  /**
   * Auto scales the replicas of every shard (`elasticache:replication-group:Replicas`), 1 to 5;
   * see `autoScaleShards()`.
   */
  public autoScaleReplicas(props: ClusterScalingProps): ReplicaScaling {
    this.beforeScaling('autoScaleReplicas', this.replicaScaling);
    this.replicaScaling = ReplicaScaling._create(this, props, this.scalingContext(this.replicas,
      cap => (this.shardScaling?.maxCapacity ?? this.shards) * (1 + cap)));
    this.scaling.add('replicas');
    return this.replicaScaling;
  }

  private beforeScaling(method: string, existing: ClusterScaling | undefined): void {
    if (existing) {
      throw new CacheValidationError(`Cannot call ${method}() twice: the group already has a scalable target for it. Allowed: `
        + 'one call; add policies and schedules to the object it returned.', this);
    }
    const monitoring = ['RecommendedAlarms', 'Dashboard'].filter(id => this.node.tryFindChild(id));
    if (monitoring.length) {
      throw new CacheValidationError(`Cannot call ${method}() after ${monitoring.map(id => id === 'Dashboard' ? 'addDashboard()'
        : 'addRecommendedAlarms()').join(' and ')}: they watch the group's members, which auto scaling changes. Allowed: `
        + `${method}() first; the alarms and the dashboard then use the group-level dimensions (ReplicationGroupId + Role).`, this);
    }
  }

  private scalingContext(current: number, nodesAt: (capacity: number) => number): ClusterScalingContext {
    return {
      sharded: this.clusterMode.sharded,
      engine: this.engine,
      nodeType: this.nodeType,
      dataTiering: this.dataTiering,
      current,
      nodesAt,
      nodeQuota: this.nodeQuota,
      replicationGroupId: this.replicationGroupId,
    };
  }

  /** @internal */
  protected _monitoredCache(): MonitoredCache {
    const sharded = this.clusterMode.sharded;
    const groupLevel = this.scaling.size > 0 || this.nodeCount > MAX_MATH_METRICS;
    return {
      ...super._monitoredCache(),
      nodes: () => (sharded ? shardedNodes(this.replicationGroupId, this.shardIds, this.replicas)
        : replicationGroupNodes(this.memberClusterIds)),
      hasReplicas: this.replicas > 0 || this.scaling.has('replicas'),
      group: groupLevel ? { replicationGroupId: this.replicationGroupId, replicas: this.replicas > 0 || this.scaling.has('replicas') }
        : undefined,
    };
  }

  private requireUnsharded(what: string): void {
    if (this.clusterMode.sharded) {
      throw new CacheValidationError(`Cannot read ${what} of a cluster-mode-enabled replication group: it has none `
        + '(CloudFormation fails on its PrimaryEndPoint and ReaderEndPoint attributes there). Allowed: configurationEndpoint, '
        + 'with a client that speaks the cluster protocol.', this);
    }
  }

  /** `cluster-enabled` must match the cluster mode, in the user's parameters and in a given group whose parameters are known. */
  private validateClusterParameters(clusterMode: ClusterMode, props: ReplicationGroupProps): void {
    const wanted = clusterMode.clusterEnabled ? 'yes' : 'no';
    const given = props.parameters?.['cluster-enabled'];
    if (given !== undefined && !isToken(given) && given !== wanted) {
      invalid(this, "parameters['cluster-enabled']", given, `Allowed: '${wanted}' with ClusterMode.${clusterMode.value.toUpperCase()}, `
        + 'or leave it out (the library sets it).');
    }
    const group = props.parameterGroup;
    if (group instanceof ParameterGroup) {
      const value = group.parameter('cluster-enabled') ?? 'no';
      if (!isToken(value) && value !== wanted) {
        invalid(this, 'parameterGroup', phrase(`a group with cluster-enabled ${value}`), `Allowed: a group with cluster-enabled `
          + `${wanted} with ClusterMode.${clusterMode.value.toUpperCase()}${clusterMode.clusterEnabled ? ' (ElastiCache runs the '
            + 'nodes in cluster mode only with it)' : ''}.`);
      }
    }
  }

  /**
   * Adds a log delivery (as the `logs` prop does): the slow log or the engine log, each at most once,
   * on an engine version that has it.
   */
  public addLogDelivery(delivery: LogDelivery): void {
    this.logDeliveries.add(delivery, 'addLogDelivery');
  }

  /** Data tiering is mandatory on r6gd nodes and impossible on any other. */
  private resolveDataTiering(engine: CacheEngineVersion, nodeType: NodeType, wanted: boolean | undefined): boolean {
    if (wanted === true && !nodeType.supportsDataTiering) {
      invalid(this, 'dataTiering', true, `Allowed: false on ${nodeType}; data tiering needs an r6gd node type (NodeType.R6GD_*).`);
    }
    if (wanted === false && nodeType.supportsDataTiering) {
      invalid(this, 'dataTiering', false, `Allowed: true on ${nodeType}; r6gd nodes always use data tiering. `
        + 'For memory only, choose an r7g or r6g node type.');
    }
    const dataTiering = wanted ?? nodeType.supportsDataTiering;
    if (dataTiering && !engine.features.dataTiering) {
      invalid(this, 'engine', `${engine}`, `Allowed: Valkey 7.2+ or Redis OSS 6.2+ with data tiering (${nodeType}).`);
    }
    return dataTiering;
  }

  /** Encryption at rest: on unless turned off; a KMS key needs it on. */
  private resolveAtRest(engine: CacheEngineVersion, nodeType: NodeType, wanted: boolean | undefined, kmsKey: kms.IKey | undefined): boolean {
    if (kmsKey && wanted === false) {
      invalid(this, 'kmsKey', phrase('a key'), 'Allowed: no kmsKey with atRestEncryption: false; the key is only used to encrypt at rest.');
    }
    const atRest = wanted ?? true;
    if (atRest && !engine.features.atRestEncryption) {
      invalid(this, 'atRestEncryption', true, `Allowed: false on ${engine}; encryption at rest needs Valkey 7.2+ or Redis OSS 4.0.10+.`);
    }
    if (atRest && !nodeType.supportsAtRestEncryption) {
      invalid(this, 'atRestEncryption', true, `Allowed: false on ${nodeType}; encryption at rest is not supported on T1, M1, M2 and C1 nodes.`);
    }
    return atRest;
  }

  /** TLS and its mode: the mode is rendered explicitly (`required`) where the version has it. */
  private resolveTransitMode(engine: CacheEngineVersion, nodeType: NodeType, transitEncryption: boolean,
    mode: TransitEncryptionMode | undefined): string | undefined {
    if (transitEncryption && !engine.features.transitEncryption) {
      invalid(this, 'transitEncryption', true, `Allowed: false on ${engine}; encryption in transit needs Valkey 7.2+ or `
        + 'Redis OSS 3.2.6 / 4.0.10+.');
    }
    if (transitEncryption && !nodeType.supportsTransitEncryption) {
      invalid(this, 'transitEncryption', true, `Allowed: false on ${nodeType}; encryption in transit is not supported on M1 and M2 nodes.`);
    }
    if (mode !== undefined && !transitEncryption) {
      invalid(this, 'transitEncryptionMode', mode, 'Allowed: no mode with transitEncryption: false; the mode says how TLS is '
        + 'enforced once it is on.');
    }
    if (mode !== undefined && !engine.features.transitEncryptionMode) {
      invalid(this, 'transitEncryptionMode', mode, `Allowed: no mode on ${engine} (always required there); the mode needs `
        + 'Valkey 7.2+ or Redis OSS 7.0+.');
    }
    if (!transitEncryption || !engine.features.transitEncryptionMode) {
      return undefined;
    }
    return mode ?? TransitEncryptionMode.REQUIRED;
  }

  /** Retention in whole days, 0 to 35; backups need a node type that has them. */
  private resolveRetention(nodeType: NodeType, retention: Duration | undefined): number {
    const value = retention ?? Duration.days(15);
    if (value.isUnresolved()) {
      return value.toDays();
    }
    const days = value.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
      invalid(this, 'backupRetention', `${value.toHumanString()}`, `Allowed: whole days from 0 to ${MAX_RETENTION_DAYS} `
        + '(Duration.days(0) turns automatic backups off).');
    }
    if (days > 0 && !nodeType.supportsBackups) {
      invalid(this, 'backupRetention', `${value.toHumanString()}`, `Allowed: Duration.days(0) on ${nodeType}; `
        + 'cache.t1.micro nodes have no backups.');
    }
    return days;
  }

  /** Windows, restore sources. */
  private validateBackups(nodeType: NodeType, retentionDays: number, props: ReplicationGroupProps): void {
    if (props.snapshotWindow && props.maintenanceWindow && props.snapshotWindow.overlaps(props.maintenanceWindow)) {
      invalid(this, 'snapshotWindow', props.snapshotWindow.value, `Allowed: a window that does not overlap the maintenance window `
        + `'${props.maintenanceWindow.value}' on any day (ElastiCache rejects overlapping windows).`);
    }
    if (props.restoreFromSnapshot !== undefined && props.restoreFromS3 !== undefined) {
      invalid(this, 'restoreFromS3', props.restoreFromS3, `Allowed: no S3 files together with restoreFromSnapshot `
        + `('${props.restoreFromSnapshot}'); restore from one source.`);
    }
    if ((props.restoreFromSnapshot !== undefined || props.restoreFromS3 !== undefined) && !nodeType.supportsBackups) {
      invalid(this, props.restoreFromSnapshot !== undefined ? 'restoreFromSnapshot' : 'restoreFromS3',
        props.restoreFromSnapshot ?? props.restoreFromS3, `Allowed: nothing on ${nodeType}; cache.t1.micro nodes have no restore.`);
    }
    if (props.restoreFromSnapshot !== undefined && !isToken(props.restoreFromSnapshot)
      && !/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(props.restoreFromSnapshot)) {
      invalid(this, 'restoreFromSnapshot', props.restoreFromSnapshot, 'Allowed: the name of an ElastiCache backup '
        + '(letters, digits and hyphens).');
    }
    if (props.restoreFromS3 !== undefined && !isToken(props.restoreFromS3)) {
      if (props.restoreFromS3.length === 0) {
        invalid(this, 'restoreFromS3', props.restoreFromS3, 'Allowed: at least one S3 object ARN, or leave it out.');
      }
      for (const arn of props.restoreFromS3) {
        if (!isToken(arn) && !/^arn:aws[a-z-]*:s3:::[^/,]+\/[^,]+$/.test(arn)) {
          invalid(this, 'restoreFromS3', arn, 'Allowed: S3 object ARNs of .rdb files, such as '
            + '\'arn:aws:s3:::my-bucket/backups/cache.rdb\' (no commas).');
        }
      }
    }
    if (props.snapshotWindow && retentionDays === 0) {
      Annotations.of(this).addWarningV2('cdk-elasticache:snapshotWindowWithoutBackups', 'snapshotWindow is set but automatic '
        + 'backups are off (backupRetention: 0 days): the window is unused.');
    }
  }

  private warn(engine: CacheEngineVersion, replicas: number | undefined, transitEncryption: boolean, mode: string | undefined,
    atRest: boolean, noAuthentication: boolean, props: ReplicationGroupProps): void {
    const annotations = Annotations.of(this);
    if (replicas === 0) {
      annotations.addWarningV2('cdk-elasticache:noReplicas', 'The replication group has no read replica: no automatic failover '
        + 'and no Multi-AZ. When the node fails, the data written since the last backup is lost and the cache is down '
        + 'until the node is replaced. Use replicas: 1 or more for production.');
    }
    if (!transitEncryption) {
      annotations.addWarningV2('cdk-elasticache:transitEncryptionDisabled', engine.features.transitEncryptionMode
        ? `Encryption in transit is off: cache traffic and credentials cross the network in plaintext. Turning it on later takes two deployments on ${engine}: `
          + 'transitEncryptionMode PREFERRED, move the clients to TLS, then REQUIRED.'
        : `Encryption in transit is off: cache traffic crosses the network in plaintext. Turning it on later replaces the group on ${engine} `
          + '(the in-place migration needs Valkey 7.2+ or Redis OSS 7.0+).');
    }
    if (mode === TransitEncryptionMode.PREFERRED) {
      annotations.addWarningV2('cdk-elasticache:transitEncryptionPreferred', 'transitEncryptionMode is PREFERRED: plaintext '
        + 'connections are still accepted. Set REQUIRED once every client uses TLS.');
    }
    if (!atRest) {
      annotations.addWarningV2('cdk-elasticache:atRestEncryptionDisabled', 'Encryption at rest is off: the data on disk and in '
        + 'backups is not encrypted. Turning it on later replaces the group.');
    }
    if (noAuthentication && transitEncryption) {
      annotations.addWarningV2('cdk-elasticache:noAuthToken', 'The replication group has no AUTH token: adding one later makes '
        + 'CloudFormation replace the group. Choose the authentication method at creation.');
    }
    if (props.parameterGroup && props.parameterGroup.family === undefined) {
      annotations.addWarningV2('cdk-elasticache:parameterGroupFamilyUnknown', `The family of parameterGroup is unknown, so it `
        + `cannot be checked against ${engine} (family ${engine.parameterGroupFamily}). Import it with `
        + 'ParameterGroup.fromParameterGroupAttributes({ family }) to have it checked.');
    }
  }
}

class ImportedReplicationGroup extends ReplicationGroupBase {
  public readonly replicationGroupId: string;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  private readonly attrs: ReplicationGroupAttributes;

  constructor(scope: Construct, id: string, attrs: ReplicationGroupAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.replicationGroupId = attrs.replicationGroupId;
    this.authSecret = attrs.authSecret;
    this.connections = new CacheConnections({
      securityGroups: attrs.securityGroups,
      defaultPort: attrs.port !== undefined ? ec2.Port.tcp(attrs.port) : undefined,
    });
  }

  public get primaryEndpoint(): Endpoint {
    return this.endpoint('primaryEndpoint', 'primaryEndpointAddress', this.attrs.primaryEndpointAddress);
  }

  public get readerEndpoint(): Endpoint {
    return this.endpoint('readerEndpoint', 'readerEndpointAddress', this.attrs.readerEndpointAddress);
  }

  public get configurationEndpoint(): Endpoint {
    return this.endpoint('configurationEndpoint', 'configurationEndpointAddress', this.attrs.configurationEndpointAddress);
  }

  /** @internal */
  protected _consumerFacts(): { endpoint: Omit<ConsumerFacts, 'authMode'>; auth: Omit<CacheAuthFacts, 'grantConnect'> } {
    // Cluster mode enabled or compatible: a cluster client on the configuration endpoint, as for a created group.
    const cluster = this.attrs.clusterMode?.clusterEnabled ?? false;
    const endpoint = cluster ? this.configurationEndpoint : this.primaryEndpoint;
    return {
      endpoint: {
        engine: (this.attrs.engine ?? CacheEngine.VALKEY).name,
        id: this.replicationGroupId,
        host: endpoint.hostname,
        port: endpoint.portAsString,
        readerHost: cluster ? undefined : this.attrs.readerEndpointAddress,
        tls: this.attrs.transitEncryption ?? true,
        cluster,
      },
      auth: {
        mode: this.attrs.authMode ?? (this.authSecret ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE),
        authSecret: this.authSecret,
      },
    };
  }

  public get nodeCount(): number {
    if (this.attrs.nodes === undefined) {
      throw new CacheValidationError('Cannot read nodeCount or memberClusterIds of an imported replication group without nodes: '
        + 'give it in fromReplicationGroupAttributes().', this);
    }
    return this.attrs.nodes;
  }

  private endpoint(what: string, addressAttr: string, address: string | undefined): Endpoint {
    if (address === undefined || this.attrs.port === undefined) {
      throw new CacheValidationError(`Cannot read ${what} of an imported replication group without `
        + `${address === undefined ? addressAttr : 'port'}: give it in fromReplicationGroupAttributes().`, this);
    }
    return new Endpoint(address, this.attrs.port);
  }
}
