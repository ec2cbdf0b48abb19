import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AuthenticationConfig } from './auth';
import { ClusterMode } from './cluster-mode';
import { ClusterScaling, ClusterScalingContext, ClusterScalingProps, ReplicaScaling, ShardScaling } from './cluster-scaling';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { Endpoint } from './endpoint';
import { CacheEngine, CacheEngineVersion, ValkeyVersion } from './engine';
import { LogDelivery } from './logging';
import { CacheMetricOptions } from './monitoring';
import { NodeType } from './node-type';
import { IParameterGroup } from './parameter-group';
import { ReplicationGroupProps } from './replication-group-props';
import { IReplicationGroup, ReplicationGroupAttributes, ReplicationGroupBase } from './replication-group-ref';
import { RotationOptions } from './rotation-options';
import { ISubnetGroup } from './subnet-group';
import { User } from './user';
import { IUserGroup } from './user-group';
import { CacheValidationError } from './validation-error';
import { replicationGroupRetention, validateReplicationGroupBackups } from './private/backups';
import { rotateCacheCredentials } from './private/cache-rotation';
import { cacheDefaultPort, CacheConnections } from './private/connections';
import { CacheConsumerFacts } from './private/consumer';
import { DnsTargets } from './private/dns';
import { resolveDurability } from './private/durability';
import { defaultAuthentication } from './private/default-authentication';
import { verifyDeployedClusterMode } from './private/deployed-cluster-mode';
import { verifyDeployedState } from './private/deployed-state';
import { resolveAtRest, resolveTransitMode, validateAuthentication } from './private/encryption';
import { invalid } from './private/errors';
import { groupEndpoint } from './private/group-endpoints';
import { ImportedReplicationGroup } from './private/imported-replication-group';
import { validateCacheKmsKey } from './private/kms';
import { warnEngineAndNodeType } from './private/known-values';
import { LogDeliveries } from './private/log-delivery';
import { renderMaintenance } from './private/maintenance';
import { aggregateOver, defaultAggregation, MAX_MATH_METRICS, MonitoredCache, replicationGroupNodes, shardedNodes } from './private/metrics';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { resolveNetwork, validateNetworkType, validateNetworkTypeSubnets, validateZonesInSubnets } from './private/network';
import { validateGravitonEngine } from './private/node-types';
import { allowEventNotifications } from './private/notifications';
import { resolveParameterGroup } from './private/parameters';
import { warnReplicationGroup } from './private/replication-group-warnings';
import { resolveDataTiering, resolveTopology, validateClusterParameters } from './private/topology';
import { validateIdentifier, validateLength, validatePort } from './private/validation';
import { DEFAULT_NODE_QUOTA, MAX_REPLICATION_GROUP_ID_LENGTH } from './private/service-limits';
import { validateKnownProps } from './private/known-props';
import { globalDatastoreOf } from './private/global-datastore';

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
    validateKnownProps(this, 'ReplicationGroup', props);

    // Engine and node type
    const engine = props.engine ?? ValkeyVersion.VER_8_2;
    if (engine.engine.isSameEngine(CacheEngine.MEMCACHED)) {
      invalid(this, 'engine', `${engine}`, 'Allowed: a ValkeyVersion or a RedisOssVersion. Memcached has no replication, '
        + 'persistence or authentication: use MemcachedCluster for it.');
    }
    const nodeType = props.nodeType ?? NodeType.T4G_MICRO;
    const port = props.port ?? engine.defaultPort;
    validatePort(this, port);
    validateIdentifier(this, 'replicationGroupId', props.replicationGroupId, MAX_REPLICATION_GROUP_ID_LENGTH);
    validateLength(this, 'description', props.description, 1, 255);

    // Topology (lib/private/topology.ts)
    const clusterMode = props.clusterMode ?? ClusterMode.DISABLED;
    const topology = resolveTopology(this, clusterMode, engine, nodeType, {
      ...props,
      dataTiering: props.dataTiering ?? nodeType.supportsDataTiering,
    });
    const replicas = topology.replicas;

    // Network and configuration
    validateNetworkType(this, engine, nodeType, props.networkType, props.ipDiscovery);
    const dataTiering = resolveDataTiering(this, engine, nodeType, props.dataTiering);

    // Encryption
    const atRestEncryption = resolveAtRest(this, engine, nodeType, props.atRestEncryption, props.kmsKey);
    const transitEncryption = props.transitEncryption ?? true;
    const transitEncryptionMode = resolveTransitMode(this, engine, nodeType, transitEncryption, props.transitEncryptionMode);
    const durability = resolveDurability(this, props.durability, {
      engine, nodeType, clusterMode, replicas, multiAz: topology.props.multiAzEnabled, transitEncryption, atRestEncryption, dataTiering,
    });

    // Backups and maintenance
    const retentionDays = replicationGroupRetention(this, nodeType, props.backupRetention);
    validateReplicationGroupBackups(this, nodeType, retentionDays, props);
    // Last, so that the feature rules above say what such a node type lacks.
    if (nodeType.isPreviousGeneration) {
      invalid(this, 'nodeType', nodeType.name, 'Allowed: a current-generation node type; t1, m1, m2, m3, r3 and c1 nodes can no '
        + 'longer be created.');
    }
    validateGravitonEngine(this, engine, nodeType);
    warnEngineAndNodeType(this, engine, nodeType);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const helperPolicy = helperRemovalPolicy(removalPolicy);

    // Authentication
    validateCacheKmsKey(this, props.kmsKey, removalPolicy);
    const authentication = props.authentication ?? defaultAuthentication(engine, transitEncryption);
    const auth = authentication._bind(this, { removalPolicy, engine, transitEncryption, kmsKey: props.kmsKey });
    validateAuthentication(this, engine, auth, transitEncryption);

    const network = resolveNetwork(this, props, 'replication group');
    validateNetworkTypeSubnets(this, props.networkType, network);
    validateZonesInSubnets(this, props.preferredAvailabilityZones, network.createdSubnetGroup?.subnets);
    const parameterGroup = resolveParameterGroup(this, engine, props, clusterMode.clusterEnabled
      ? { id: 'ClusterParameterGroup', parameters: topology.parameters } : {});
    validateClusterParameters(this, clusterMode, props);
    warnReplicationGroup(this, engine, clusterMode.sharded ? undefined : replicas, transitEncryption, transitEncryptionMode, atRestEncryption,
      auth.authToken === undefined && auth.userGroupIds === undefined, props);

    this.logDeliveries = new LogDeliveries(this, engine, props.logs, { kmsKey: props.kmsKey });

    const resource = new CfnReplicationGroup(this, 'Resource', {
      // Identity
      replicationGroupId: lowercase(props.replicationGroupId) ?? generateName(this, MAX_REPLICATION_GROUP_ID_LENGTH),
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
      durability,
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
      verifyDeployedClusterMode(this, clusterMode, resource.replicationGroupId!, props.createdWithClusterMode);
    }
    if (topology.onlineResharding) {
      // Shard changes in place, without replacement (CloudFormation UpdatePolicy).
      resource.cfnOptions.updatePolicy = { ...resource.cfnOptions.updatePolicy, useOnlineResharding: true };
    }
    if (props.verifyDeployedState) {
      verifyDeployedState(this, {
        resource, identifier: resource.replicationGroupId!, what: 'replication group', identifierProp: 'replicationGroupId',
        properties: {
          Port: 'port', CacheSubnetGroupName: 'subnetGroup', NetworkType: 'networkType', AtRestEncryptionEnabled: 'atRestEncryption',
          KmsKeyId: 'kmsKey', DataTieringEnabled: 'dataTiering', PreferredCacheClusterAZs: 'preferredAvailabilityZones',
          ReplicasPerNodeGroup: 'replicas', SnapshotName: 'restoreFromSnapshot', SnapshotArns: 'restoreFromS3', Engine: 'engine',
          EngineVersion: 'engine', ClusterMode: 'clusterMode', TransitEncryptionEnabled: 'transitEncryption',
          TransitEncryptionMode: 'transitEncryptionMode', ReplicationGroupId: 'replicationGroupId', AuthToken: 'authentication',
          UserGroupIds: 'authentication', NodeGroupConfiguration: 'shardConfiguration', NumNodeGroups: 'shards', NumCacheClusters: 'replicas',
        },
      });
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
    this.nodeQuota = props.nodeQuota ?? DEFAULT_NODE_QUOTA;
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
  protected _consumerFacts(): CacheConsumerFacts {
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
   * With cluster mode `COMPATIBLE`, the group has all three endpoints: `recordName` names the
   * configuration endpoint (what `connectFrom()` hands out), and the reader and primary endpoints get
   * records too, for the clients not yet moved to a cluster client. @internal
   */
  protected _dnsTargets(): DnsTargets {
    const targets = super._dnsTargets();
    return this.clusterMode !== ClusterMode.COMPATIBLE ? targets : {
      ...targets,
      what: 'replication group with cluster mode compatible',
      reader: this.readerEndpoint.hostname,
      primary: this.primaryEndpoint.hostname,
    };
  }

  /**
   * Wires a consumer in one call, as `ReplicationGroupBase.connectFrom()` does. With cluster mode
   * `COMPATIBLE`, the migration step, a consumer in another stack moves to the configuration
   * endpoint, and this group's stack keeps exporting the primary and reader endpoints that the
   * consumer imported while cluster mode was disabled (`stack.exportValue()`, the same export names):
   * CloudFormation refuses to delete an export that a deployed stack still imports, and would roll
   * the migration back. The exports go with the next step, `ENABLED`, when no consumer imports them.
   */
  public connectFrom(consumer: ec2.IConnectable, options: ConnectFromOptions = {}): CacheConnectionBinding {
    const binding = super.connectFrom(consumer, options);
    if (this.clusterMode === ClusterMode.COMPATIBLE && Construct.isConstruct(consumer) && Stack.of(consumer) !== Stack.of(this)) {
      const stack = Stack.of(this);
      stack.exportValue(this.resource.attrPrimaryEndPointAddress);
      stack.exportValue(this.resource.attrReaderEndPointAddress);
    }
    return binding;
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
    return this.endpoint('primaryEndpoint');
  }

  /** The reader endpoint: spreads connections over the read replicas. Cluster mode disabled and compatible only. */
  public get readerEndpoint(): Endpoint {
    return this.endpoint('readerEndpoint');
  }

  /**
   * The configuration endpoint: cluster clients connect to it and discover the shards and their
   * nodes (`CLUSTER SHARDS`). Cluster mode enabled and compatible only.
   */
  public get configurationEndpoint(): Endpoint {
    return this.endpoint('configurationEndpoint');
  }

  /**
   * The durability the group runs with, as ElastiCache resolved it (CloudFormation's
   * `EffectiveDurability` attribute, a token): `sync`, `async` or `disabled`, also when `durability`
   * is not set or is `default`.
   *
   * @attribute
   */
  public get effectiveDurability(): string {
    return this.resource.attrEffectiveDurability;
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
    const datastore = globalDatastoreOf(this);
    if (datastore) {
      throw new CacheValidationError(`Cannot call ${method}() on a member of a global datastore (${datastore}): ElastiCache does `
        + 'not auto scale members of a global datastore. Allowed: scale the datastore (GlobalDatastore nodeType, shards).', this);
    }
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
      nodeType: this.nodeType,
      nodes: () => (sharded ? shardedNodes(this.replicationGroupId, this.shardIds, this.replicas)
        : replicationGroupNodes(this.memberClusterIds)),
      hasReplicas: this.replicas > 0 || this.scaling.has('replicas'),
      group: groupLevel ? { replicationGroupId: this.replicationGroupId, replicas: this.replicas > 0 || this.scaling.has('replicas') }
        : undefined,
    };
  }

  private endpoint(which: 'primaryEndpoint' | 'readerEndpoint' | 'configurationEndpoint'): Endpoint {
    return groupEndpoint(this, this.resource, this.clusterMode, which, what => (what === 'configurationEndpoint'
      ? 'Cannot read configurationEndpoint of a cluster-mode-disabled replication group: it has none (CloudFormation\'s '
        + 'ConfigurationEndPoint attributes exist only with cluster mode enabled). Allowed: primaryEndpoint and readerEndpoint, or '
        + 'clusterMode: ClusterMode.ENABLED (COMPATIBLE while migrating).'
      : `Cannot read ${what} of a cluster-mode-enabled replication group: it has none (CloudFormation fails on its PrimaryEndPoint `
        + 'and ReaderEndPoint attributes there). Allowed: configurationEndpoint, with a client that speaks the cluster protocol.'));
  }

  /**
   * Adds a log delivery (as the `logs` prop does): the slow log or the engine log, each at most once,
   * on an engine version that has it.
   */
  public addLogDelivery(delivery: LogDelivery): void {
    this.logDeliveries.add(delivery, 'addLogDelivery');
  }
}
