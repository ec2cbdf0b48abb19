import { Duration, ReferenceStrength, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Authentication, AuthenticationConfig } from './auth';
import { ClusterMode } from './cluster-mode';
import { CacheAuthMode } from './connection-environment';
import { Endpoint } from './endpoint';
import { CacheEngineVersion } from './engine';
import type { IGlobalDatastore } from './global-datastore';
import { LogDelivery } from './logging';
import { CacheMetricOptions } from './monitoring';
import { NodeType } from './node-type';
import { ReplicationGroupBase } from './replication-group-ref';
import { ISubnetGroup } from './subnet-group';
import { MaintenanceWindow, SnapshotWindow } from './windows';
import { replicationGroupRetention } from './private/backups';
import { cacheDefaultPort, CacheConnections } from './private/connections';
import { CacheConsumerFacts } from './private/consumer';
import { defaultAuthentication } from './private/default-authentication';
import { validateAuthentication } from './private/encryption';
import { invalid } from './private/errors';
import { groupEndpoint } from './private/group-endpoints';
import { registerSecondary, rejectInferredProps, validateSecondaryKey } from './private/global-datastore';
import { validateCacheKmsKey } from './private/kms';
import { validateKnownProps } from './private/known-props';
import { LogDeliveries } from './private/log-delivery';
import { renderMaintenance } from './private/maintenance';
import { MonitoredCache, replicationGroupNodes, shardedNodes } from './private/metrics';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { resolveNetwork } from './private/network';
import { allowEventNotifications } from './private/notifications';
import { MAX_REPLICAS, MAX_REPLICATION_GROUP_ID_LENGTH } from './private/service-limits';
import { validateIdentifier, validateIntegerRange, validateLength } from './private/validation';

/**
 * The props of a secondary of a global datastore, as `GlobalDatastore.addSecondary()` takes them.
 *
 * There is no node type, engine, cluster mode, shard count, parameter group, encryption setting,
 * automatic failover or restore source: ElastiCache takes them from the primary and refuses them on a
 * secondary (each is a synth error if passed anyway).
 */
export interface SecondaryReplicationGroupOptions {
  /**
   * The id of the secondary replication group (rules as `ReplicationGroupProps.replicationGroupId`).
   * @default - generated from the construct path, lowercase, within 40 characters
   */
  readonly replicationGroupId?: string;
  /**
   * A description, at most 255 characters.
   * @default - 'Secondary replication group' followed by the construct path
   */
  readonly description?: string;
  /**
   * The number of read replicas (per shard with cluster mode enabled), 0 to 5: it may differ from the
   * primary's, for the reads of this Region.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Multi-AZ within the secondary's Region. Needs a replica.
   * @default - true when there is a replica
   */
  readonly multiAz?: boolean;
  /**
   * The VPC of the secondary's Region. Required unless `subnetGroup` (with `securityGroups`) is given.
   * @default - none: give `subnetGroup`
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the new subnet group holds.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * An existing subnet group of the secondary's Region.
   * @default - a new subnet group over `vpc.selectSubnets(vpcSubnets)`
   */
  readonly subnetGroup?: ISubnetGroup;
  /**
   * The security groups of the nodes.
   * @default - a new security group with no egress and no ingress: allow clients with `connections` or `connectFrom()`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * A customer managed key of the secondary's Region for encryption at rest (KMS keys are regional:
   * the primary's key cannot serve here). Only when the primary encrypts at rest. Create-only.
   * @default - the AWS owned key of ElastiCache (warning `globalDatastoreKmsKey` when the primary has a customer managed key)
   */
  readonly kmsKey?: kms.IKey;
  /**
   * How this Region's clients authenticate: users and user groups are regional, so the secondary has
   * its own (with encryption in transit, a generated user group and application user by default, as a
   * `ReplicationGroup`).
   * @default - as `ReplicationGroupProps.authentication`, from the primary's engine and encryption in transit
   */
  readonly authentication?: Authentication;
  /**
   * How long the secondary's automatic backups are kept, whole days 0 to 35.
   * @default Duration.days(15)
   */
  readonly backupRetention?: Duration;
  /**
   * The daily backup window (UTC).
   * @default - a daily 60-minute window ElastiCache picks
   */
  readonly snapshotWindow?: SnapshotWindow;
  /**
   * The weekly maintenance window (UTC).
   * @default - a weekly 60-minute slot ElastiCache picks
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Whether ElastiCache applies minor engine upgrades in the maintenance window.
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * An SNS topic of the secondary's Region for its ElastiCache events.
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Log deliveries (slow log, engine log) in the secondary's Region.
   * @default - no log delivery
   */
  readonly logs?: LogDelivery[];
  /**
   * What happens to the secondary when it leaves the stack: the primary holds the data, so a secondary
   * is deleted without a final snapshot unless `SNAPSHOT` is asked for.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a `SecondaryReplicationGroup`. */
export interface SecondaryReplicationGroupProps extends SecondaryReplicationGroupOptions {
  /**
   * The global datastore the secondary joins: a `GlobalDatastore` of this app (in the primary's stack),
   * or one imported by its full id (`GlobalDatastore.fromGlobalDatastoreAttributes()`).
   */
  readonly globalDatastore: IGlobalDatastore;
}

/**
 * A secondary of a global datastore: a read-only Valkey / Redis OSS replication group in another Region
 * that ElastiCache keeps in sync with the primary, and that can be promoted to primary by hand. It is a
 * cache like the others (`connectFrom()`, metrics, alarms, dashboard) with its own network,
 * authentication and replica count; it takes the node type, engine, shards, parameter group and
 * encryption from the primary. Its stack must be environment-bound, in the secondary's Region.
 *
 * @resource AWS::ElastiCache::ReplicationGroup
 */
export class SecondaryReplicationGroup extends ReplicationGroupBase {
  public readonly replicationGroupId: string;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  public readonly nodeCount: number;
  /** The global datastore the secondary belongs to. */
  public readonly globalDatastore: IGlobalDatastore;
  /** The Region of the secondary. */
  public readonly region: string;
  /** The number of read replicas (per shard). */
  public readonly replicas: number;
  /** The subnet group the nodes are in. */
  public readonly subnetGroup: ISubnetGroup;
  private readonly resource: CfnReplicationGroup;
  private readonly auth: AuthenticationConfig;
  private readonly logDeliveries: LogDeliveries;
  private readonly engine: CacheEngineVersion;
  private readonly nodeType: NodeType;
  private readonly clusterMode: ClusterMode;
  private readonly shardIds: string[];

  constructor(scope: Construct, id: string, props: SecondaryReplicationGroupProps) {
    super(scope, id, { physicalName: lowercase(props.replicationGroupId) });
    rejectInferredProps(this, props);
    validateKnownProps(this, 'SecondaryReplicationGroup', props);
    const datastore = props.globalDatastore;
    const region = registerSecondary(datastore, datastore.primaryRegion, this);
    const engine = datastore.engine;
    const nodeType = datastore.nodeType;
    const clusterMode = datastore.clusterMode;
    const transitEncryption = datastore.transitEncryption;

    validateIdentifier(this, 'replicationGroupId', props.replicationGroupId, MAX_REPLICATION_GROUP_ID_LENGTH);
    validateLength(this, 'description', props.description, 1, 255);
    const replicas = props.replicas ?? 1;
    validateIntegerRange(this, 'replicas', replicas, 0, MAX_REPLICAS, 'read replicas per shard');
    if (props.multiAz === true && replicas === 0) {
      invalid(this, 'multiAz', true, 'Allowed: false with 0 replicas. Multi-AZ needs a replica to fail over to: replicas: 1 or more.');
    }
    const multiAz = props.multiAz ?? replicas > 0;
    validateSecondaryKey(this, props.kmsKey, region, datastore);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateCacheKmsKey(this, props.kmsKey, removalPolicy);
    const retentionDays = replicationGroupRetention(this, nodeType, props.backupRetention);
    if (props.snapshotWindow && props.maintenanceWindow && props.snapshotWindow.overlaps(props.maintenanceWindow)) {
      invalid(this, 'snapshotWindow', props.snapshotWindow.value, `Allowed: a window that does not overlap the maintenance window `
        + `'${props.maintenanceWindow.value}' on any day (ElastiCache rejects overlapping windows).`);
    }

    const authentication = props.authentication ?? defaultAuthentication(engine, transitEncryption);
    const auth = authentication._bind(this, { removalPolicy, engine, transitEncryption, kmsKey: props.kmsKey });
    validateAuthentication(this, engine, auth, transitEncryption);

    const network = resolveNetwork(this, props, 'replication group');
    this.logDeliveries = new LogDeliveries(this, engine, props.logs, { kmsKey: props.kmsKey });
    const sharded = clusterMode.sharded;

    const resource = new CfnReplicationGroup(this, 'Resource', {
      replicationGroupId: lowercase(props.replicationGroupId) ?? generateName(this, MAX_REPLICATION_GROUP_ID_LENGTH),
      replicationGroupDescription: props.description ?? `Secondary replication group ${this.node.path}`.slice(0, 255),
      // The datastore's full id, read from the primary's stack at deployment (Fn::GetStackOutput): a weak
      // cross-Region reference, no export custom resources that would lock the primary's stack.
      globalReplicationGroupId: Token.isUnresolved(datastore.globalDatastoreId)
        ? Stack.consumeReference(datastore.globalDatastoreId, ReferenceStrength.WEAK) : datastore.globalDatastoreId,
      port: datastore.port,
      // Replicas: the only part of the topology a secondary sets (node type, shards, failover: the primary's).
      numCacheClusters: sharded ? undefined : replicas + 1,
      replicasPerNodeGroup: sharded ? replicas : undefined,
      multiAzEnabled: multiAz,
      cacheSubnetGroupName: network.subnetGroup.subnetGroupName,
      securityGroupIds: network.securityGroups.map(sg => sg.securityGroupId),
      kmsKeyId: props.kmsKey?.keyArn,
      authToken: auth.authToken?.unsafeUnwrap(),
      userGroupIds: auth.userGroupIds,
      snapshotRetentionLimit: retentionDays,
      snapshotWindow: props.snapshotWindow?.value,
      ...renderMaintenance(props),
      logDeliveryConfigurations: this.logDeliveries.render(),
    });
    resource.applyRemovalPolicy(removalPolicy);
    allowEventNotifications(this, props.notificationTopic);
    const helperPolicy = helperRemovalPolicy(removalPolicy);
    network.createdSubnetGroup?.applyRemovalPolicy(helperPolicy);
    if (!props.securityGroups) {
      network.securityGroups.forEach(sg => sg.applyRemovalPolicy(helperPolicy));
    }

    this.globalDatastore = datastore;
    this.region = region;
    this.resource = resource;
    this.auth = auth;
    this.engine = engine;
    this.nodeType = nodeType;
    this.clusterMode = clusterMode;
    this.shardIds = datastore.shardIds;
    this.replicas = replicas;
    this.nodeCount = datastore.shards * (replicas + 1);
    this.subnetGroup = network.subnetGroup;
    this.authSecret = auth.secret;
    this.replicationGroupId = resource.ref;
    this.connections = new CacheConnections({
      securityGroups: network.securityGroups,
      defaultPort: cacheDefaultPort(datastore.port),
    });
  }

  /** The secondary's primary endpoint (read-only until the secondary is promoted). Cluster mode disabled only. */
  public get primaryEndpoint(): Endpoint {
    return this.endpoint('primaryEndpoint');
  }

  /** The secondary's reader endpoint. Cluster mode disabled only. */
  public get readerEndpoint(): Endpoint {
    return this.endpoint('readerEndpoint');
  }

  /** The secondary's configuration endpoint. Cluster mode enabled only. */
  public get configurationEndpoint(): Endpoint {
    return this.endpoint('configurationEndpoint');
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
   * `GlobalDatastoreReplicationLag`: seconds the secondary's primary node is behind the primary Region's
   * (with cluster mode enabled, the most behind shard), highest node. Published by the secondary's nodes.
   */
  public metricGlobalDatastoreReplicationLag(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('GlobalDatastoreReplicationLag', props);
  }

  /**
   * Adds a log delivery (as the `logs` prop does).
   */
  public addLogDelivery(delivery: LogDelivery): void {
    this.logDeliveries.add(delivery, 'addLogDelivery');
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
        host: cluster ? this.configurationEndpoint.hostname : this.primaryEndpoint.hostname,
        port: String(this.globalDatastore.port),
        readerHost: cluster ? undefined : this.readerEndpoint.hostname,
        tls: this.globalDatastore.transitEncryption,
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

  /** @internal */
  protected _monitoredCache(): MonitoredCache {
    return {
      ...super._monitoredCache(),
      nodeType: this.nodeType,
      nodes: () => (this.clusterMode.sharded ? shardedNodes(this.replicationGroupId, this.shardIds, this.replicas)
        : replicationGroupNodes(this.memberClusterIds)),
      hasReplicas: this.replicas > 0,
      globalDatastoreSecondary: true,
    };
  }

  private endpoint(which: 'primaryEndpoint' | 'readerEndpoint' | 'configurationEndpoint'): Endpoint {
    return groupEndpoint(this, this.resource, this.clusterMode, which, what => (what === 'configurationEndpoint'
      ? 'Cannot read configurationEndpoint of a secondary whose primary has cluster mode disabled: it has none. '
        + 'Allowed: primaryEndpoint and readerEndpoint.'
      : `Cannot read ${what} of a secondary whose primary has cluster mode enabled: it has none. `
        + 'Allowed: configurationEndpoint, with a client that speaks the cluster protocol.'));
  }
}
