import { Annotations, CfnResource, Duration, IResource, RemovalPolicy, Resource, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { Authentication, AuthenticationConfig } from './auth';
import { DailySnapshotTime } from './daily-snapshot-time';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { Endpoint } from './endpoint';
import { CacheDashboardOptions } from './monitoring';
import { NetworkType } from './network';
import { RotationOptions } from './rotation-options';
import { ServerlessEngine } from './serverless-engine';
import { ServerlessRecommendedAlarms, ServerlessRecommendedAlarmsOptions } from './serverless-monitoring';
import { IUser, User } from './user';
import { IUserGroup } from './user-group';
import { elastiCacheArn } from './private/arns';
import { isS3ObjectArn, resolveRetentionDays, validateRestoreSources } from './private/backups';
import { CacheConnections } from './private/connections';
import { CacheConsumerFacts, connectConsumer, rejectConsumerCredentials } from './private/consumer';
import { CacheValidationError } from './validation-error';
import { invalid, phrase } from './private/errors';
import { validateCacheKmsKey } from './private/kms';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { cacheSecurityGroups } from './private/network';
import { rotateCacheCredentials } from './private/cache-rotation';
import { grantConnectAsUser } from './private/grants';
import { createServerlessDashboard } from './private/serverless-dashboard';
import { selectCacheSubnets } from './private/subnets';
import { ecpuPerSecondMetric, MonitoredServerlessCache, serverlessHitRateMetric, serverlessMetric } from './private/serverless-metrics';
import { isToken, validateIdentifier } from './private/validation';

/** The longest serverless cache name this library accepts (as the alpha module and the console: 40). */
const MAX_NAME_LENGTH = 40;
/** Data storage limits, GB (ElastiCache serverless quotas). */
const MIN_STORAGE_GB = 1;
const MAX_STORAGE_GB = 5000;
/** ECPU per second limits. */
const MIN_ECPU = 1000;
const MAX_ECPU = 15_000_000;

/** A serverless cache: Valkey, Redis OSS or Memcached that scales itself, billed per GB stored and per ECPU. */
export interface IServerlessCache extends IResource, ec2.IConnectable, refs.IServerlessCacheRef {
  /**
   * The name of the serverless cache (lowercase): the `clusterId` dimension of its metrics.
   * @attribute
   */
  readonly serverlessCacheName: string;
  /**
   * The ARN of the serverless cache.
   * @attribute
   */
  readonly serverlessCacheArn: string;
  /** The engine and its major version, when known. */
  readonly engine?: ServerlessEngine;
  /**
   * The endpoint: reads and writes (port 6379 for Valkey and Redis OSS, 11211 for Memcached). Clients
   * must use TLS.
   * @attribute
   */
  readonly endpoint: Endpoint;
  /**
   * The reader endpoint of Valkey and Redis OSS caches (port 6380): reads from replicas, which may be
   * slightly behind. Memcached caches have none.
   * @attribute
   */
  readonly readerEndpoint: Endpoint;
  /** The secret clients read to authenticate: the application user's JSON `{ "username", "password" }`. */
  readonly authSecret?: secretsmanager.ISecret;

  /** Grants IAM authentication as an RBAC user: `elasticache:Connect` on the cache and on the user. */
  grantConnect(grantee: iam.IGrantable, user: IUser): iam.Grant;
  /**
   * Wires a consumer in one call: opens both ports to it, grants it its credentials and sets the `CACHE_*`
   * variables the runtime helper (`cdk-elasticache/client`) reads, `CACHE_SERVERLESS=true` among them.
   */
  connectFrom(consumer: ec2.IConnectable, options?: ConnectFromOptions): CacheConnectionBinding;
  /** A metric of the cache (namespace `AWS/ElastiCache`, dimension `clusterId`, one-minute period). */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Creates the recommended alarms (see `ServerlessAlarmOverrides`), once. */
  addRecommendedAlarms(options?: ServerlessRecommendedAlarmsOptions): ServerlessRecommendedAlarms;
  /** Creates a CloudWatch dashboard with the cache's key graphs, once. */
  addDashboard(options?: CacheDashboardOptions): cloudwatch.Dashboard;
}

/** Attributes of an existing serverless cache, for `ServerlessCache.fromServerlessCacheAttributes()`. */
export interface ServerlessCacheAttributes {
  /** The name of the serverless cache. */
  readonly serverlessCacheName: string;
  /**
   * The engine, which decides the ports (6379 and 6380, or 11211).
   * @default - unknown: the endpoints throw and `connections` has no default port
   */
  readonly engine?: ServerlessEngine;
  /**
   * The hostname of the endpoint.
   * @default - unknown: `endpoint` throws
   */
  readonly endpointAddress?: string;
  /**
   * The hostname of the reader endpoint (Valkey and Redis OSS).
   * @default - unknown: `readerEndpoint` throws
   */
  readonly readerEndpointAddress?: string;
  /**
   * The security groups of the cache, so that `connections` can open them to clients.
   * @default - none: `connections` cannot allow traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The secret clients read to authenticate, so that clients can be granted read.
   * @default - none
   */
  readonly authSecret?: secretsmanager.ISecret;
  /**
   * How clients authenticate, for `connectFrom()` (`CACHE_AUTH`): `RBAC_PASSWORD` reads `authSecret`; `IAM`
   * needs the `user` option of `connectFrom()`.
   * @default - `RBAC_PASSWORD` with an `authSecret`, `NONE` without
   */
  readonly authMode?: CacheAuthMode;
  /**
   * The cache's maximum data storage, for the recommended alarm at 75% of it.
   * @default - unknown: no data storage alarm unless its threshold is given
   */
  readonly dataStorageMaximum?: Size;
  /**
   * The cache's maximum ECPUs per second, for the recommended alarm at 75% of it.
   * @default - unknown: no ECPU alarm unless its threshold is given
   */
  readonly ecpuPerSecondMaximum?: number;
}

/** Properties of a `ServerlessCache`. */
export interface ServerlessCacheProps {
  // Identity

  /**
   * The name of the cache: 1 to 40 letters, digits and hyphens, starting with a letter, no two
   * consecutive hyphens, no hyphen at the end. ElastiCache stores it lowercase, so it is lowercased
   * here. The name is create-only: a change of it, `kmsKey`, the subnets or `restoreFromSnapshots`
   * makes CloudFormation replace the cache, which fails for a named cache.
   *
   * @default - generated from the construct path, lowercase, within 40 characters; like an explicit
   * name it makes a change of a create-only setting fail at deployment instead of silently replacing
   * the cache
   */
  readonly serverlessCacheName?: string;
  /**
   * A description, at most 255 characters, without `<` and `>`.
   * @default - 'Serverless cache' followed by the construct path
   */
  readonly description?: string;
  /**
   * The engine and its major version. ElastiCache applies minor versions itself.
   * @default ServerlessEngine.VALKEY_8
   */
  readonly engine?: ServerlessEngine;

  // Network

  /** The VPC the cache's endpoints are placed in. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of `vpc` (all in that VPC) the endpoints are placed in. Create-only: changing them
   * replaces the cache.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The security groups of the endpoints.
   * @default - a new security group with no egress and no ingress: allow clients with `connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The IP address family of the endpoints: `IPV6` needs IPv6-only subnets, `DUAL_STACK` dual-stack ones.
   * @default - IPv4 (the ElastiCache default, unless every subnet is IPv6-only)
   */
  readonly networkType?: NetworkType;

  // Usage limits

  /**
   * The data the cache keeps ready for without scaling: whole GB, 1 to 5,000. You pay for at least this
   * much (and always for at least 1 GB).
   * @default - none: the cache starts small and grows with the data
   */
  readonly dataStorageMinimum?: Size;
  /**
   * The most data the cache holds: whole GB, 1 to 5,000, at least `dataStorageMinimum`. At the maximum
   * the cache evicts keys that have a TTL (LRU), then rejects writes with out-of-memory errors. The
   * recommended alarms watch 75% of it.
   * @default - no maximum (up to the service quota, 5,000 GB): storage costs are unbounded
   */
  readonly dataStorageMaximum?: Size;
  /**
   * The ECPUs per second the cache is ready for without scaling: 1,000 to 15,000,000 (pre-scaling for a
   * known peak). You pay for at least this many.
   * @default - none: the cache scales with the load
   */
  readonly ecpuPerSecondMinimum?: number;
  /**
   * The most ECPUs per second the cache consumes: 1,000 to 15,000,000, at least `ecpuPerSecondMinimum`.
   * At the maximum requests are throttled (`ThrottledCmds`). The recommended alarms watch 75% of it.
   * @default - no maximum (up to the service quota, 15,000,000): request costs are unbounded
   */
  readonly ecpuPerSecondMaximum?: number;

  // Security

  /**
   * A customer managed (symmetric) KMS key for encryption at rest (serverless caches are always
   * encrypted at rest and in transit). Create-only: changing it replaces the cache. The secrets the
   * cache generates are encrypted with the same key.
   * @default - the AWS owned key of ElastiCache
   */
  readonly kmsKey?: kms.IKey;
  /**
   * How clients authenticate (Valkey and Redis OSS; serverless caches take RBAC user groups only, no
   * AUTH token). Memcached serverless caches have no user groups: `Authentication.none()` only.
   * @default - Valkey and Redis OSS: `Authentication.generatedUserGroup()`, RBAC with a new user group
   * (a disabled `default` user and an application user whose password is in a new Secrets Manager
   * secret, `authSecret`); Memcached: `Authentication.none()`
   */
  readonly authentication?: Authentication;

  // Backups

  /**
   * How long the daily snapshots are kept: whole days, 0 to 35. `Duration.days(0)` turns them off.
   * @default - Valkey and Redis OSS: Duration.days(15), as the replication groups; Memcached:
   * Duration.days(0) (Memcached holds a cache of data kept elsewhere)
   */
  readonly backupRetention?: Duration;
  /**
   * When (UTC) ElastiCache takes the daily snapshot.
   * @default - a time ElastiCache picks
   */
  readonly dailySnapshotTime?: DailySnapshotTime;
  /**
   * Restore the new cache from snapshots: ARNs of serverless cache snapshots, of node-based backups
   * (Valkey, Redis OSS) or of `.rdb` files in S3 (Valkey, Redis OSS). Create-only: changing them
   * replaces the cache.
   * @default - an empty cache
   */
  readonly restoreFromSnapshots?: string[];
  /**
   * The name of the final snapshot taken when the cache is deleted with `RemovalPolicy.SNAPSHOT`. Names
   * are unique in the account and Region: deleting a second cache with the same final snapshot name
   * fails (and keeps the cache) until the older snapshot is deleted or renamed.
   * @default - the cache name followed by `-final`
   */
  readonly finalSnapshotName?: string;
  /**
   * What happens to the cache when it leaves the stack or is replaced. `SNAPSHOT` (CloudFormation has
   * no `DeletionPolicy: Snapshot` for serverless caches) sets `FinalSnapshotName`, so that ElastiCache
   * takes a final snapshot as it deletes the cache. The security group, users, user group and secrets
   * the cache creates are retained with `RETAIN` and deleted otherwise.
   * @default - Valkey and Redis OSS: RemovalPolicy.SNAPSHOT; Memcached: RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What every serverless cache, new or imported, offers its consumers. */
export abstract class ServerlessCacheBase extends Resource implements IServerlessCache {
  public abstract readonly serverlessCacheName: string;
  public abstract readonly engine?: ServerlessEngine;
  public abstract readonly endpoint: Endpoint;
  public abstract readonly readerEndpoint: Endpoint;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly authSecret?: secretsmanager.ISecret;

  /** The ARN, `arn:<partition>:elasticache:<region>:<account>:serverlesscache:<name>`. */
  public get serverlessCacheArn(): string {
    return elastiCacheArn(this, 'serverlesscache', this.serverlessCacheName);
  }

  /** A reference to this cache, for L1 constructs and the generated reference interfaces. */
  public get serverlessCacheRef(): refs.ServerlessCacheReference {
    return { serverlessCacheName: this.serverlessCacheName, serverlessCacheArn: this.serverlessCacheArn };
  }

  /**
   * Grants IAM authentication as an RBAC user: `elasticache:Connect` on this cache and on the user.
   * The user must authenticate with IAM (`UserAuthentication.iam()`) and belong to the cache's user
   * group; the grantee signs tokens for the serverless cache (`generateIamAuthToken({ serverless: true })`
   * in `cdk-elasticache/ops`, `token --serverless` on the command line).
   */
  public grantConnect(grantee: iam.IGrantable, user: IUser): iam.Grant {
    return grantConnectAsUser(this, grantee, user, this.serverlessCacheArn);
  }

  /**
   * Wires a consumer in one call (a Lambda function, or an ECS service with `container` and `grantee`):
   * opens both ports to it (6379 and the reader endpoint's 6380; Memcached 11211; across stacks the rule is
   * created in the consumer's stack), grants it read on the application user's secret (or, with an IAM
   * `user`, `elasticache:Connect`), and sets the `CACHE_*` variables: `CACHE_HOST` / `CACHE_PORT`,
   * `CACHE_READER_HOST` / `CACHE_READER_PORT`, `CACHE_TLS=true`, `CACHE_AUTH`, `CACHE_SECRET_ARN`, `CACHE_USER`,
   * and `CACHE_SERVERLESS=true` (IAM tokens are signed for a serverless cache).
   */
  public connectFrom(consumer: ec2.IConnectable, options: ConnectFromOptions = {}): CacheConnectionBinding {
    const facts = this._consumerFacts();
    if (this.engine?.isMemcached) {
      rejectConsumerCredentials(this, options, 'Memcached serverless cache');
    }
    return connectConsumer(this, consumer, options, facts, (g, u) => this.grantConnect(g, u));
  }

  /** What `connectFrom()` needs to know. @internal */
  protected abstract _consumerFacts(): CacheConsumerFacts;

  // Monitoring: one series per metric, dimension `clusterId` = the cache name.

  /** A metric of the cache: namespace `AWS/ElastiCache`, dimension `clusterId`, one-minute period, `Sum` for counters. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return serverlessMetric(this, this.serverlessCacheName, metricName, props);
  }

  /** `BytesUsedForCache`: the bytes the data takes (average). */
  public metricBytesUsedForCache(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesUsedForCache', props);
  }

  /** `ElastiCacheProcessingUnits`: the ECPUs the requests consumed in each period (sum). */
  public metricElastiCacheProcessingUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ElastiCacheProcessingUnits', props);
  }

  /** ECPUs per second: `ElastiCacheProcessingUnits` over the period's length, comparable with `ecpuPerSecondMaximum`. */
  public metricEcpuPerSecond(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return ecpuPerSecondMetric(this, this.serverlessCacheName, props);
  }

  /** `ThrottledCmds`: requests throttled because the load rose faster than the cache scales or hit the ECPU maximum (sum). */
  public metricThrottledCmds(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ThrottledCmds', props);
  }

  /** `Evictions`: keys evicted at the data storage maximum (sum). */
  public metricEvictions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Evictions', props);
  }

  /** Hits: `CacheHits` (Valkey, Redis OSS) or `GetHits` (Memcached), sum. */
  public metricCacheHits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(this.isMemcached ? 'GetHits' : 'CacheHits', props);
  }

  /** Misses: `CacheMisses` (Valkey, Redis OSS) or `GetMisses` (Memcached), sum. */
  public metricCacheMisses(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(this.isMemcached ? 'GetMisses' : 'CacheMisses', props);
  }

  /** The hit rate (percent), `100 * hits / (hits + misses)`. */
  public metricCacheHitRate(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    const [hits, misses] = this.isMemcached ? ['GetHits', 'GetMisses'] : ['CacheHits', 'CacheMisses'];
    return serverlessHitRateMetric(this, this.serverlessCacheName, hits, misses, props);
  }

  /** `SuccessfulReadRequestLatency`: latency of successful reads, microseconds (average). */
  public metricSuccessfulReadRequestLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SuccessfulReadRequestLatency', props);
  }

  /** `SuccessfulWriteRequestLatency`: latency of successful writes, microseconds (average). */
  public metricSuccessfulWriteRequestLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SuccessfulWriteRequestLatency', props);
  }

  /** `CurrConnections`: client connections (average). */
  public metricCurrConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CurrConnections', props);
  }

  /** `TotalCmdsCount`: commands executed (sum). */
  public metricTotalCmdsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalCmdsCount', props);
  }

  /**
   * Creates the recommended alarms, once: data storage and ECPUs at 75% of their configured maximum
   * (AWS's advice), throttled commands and evictions. See `ServerlessAlarmOverrides`.
   */
  public addRecommendedAlarms(options?: ServerlessRecommendedAlarmsOptions): ServerlessRecommendedAlarms {
    return ServerlessRecommendedAlarms._create(this._monitored(), options);
  }

  /** Creates a CloudWatch dashboard with the cache's key graphs (and its recommended alarms, if added before), once. */
  public addDashboard(options?: CacheDashboardOptions): cloudwatch.Dashboard {
    return createServerlessDashboard(this._monitored(), options);
  }

  /** The configured maximums, for the alarms. @internal */
  protected abstract _limits(): { dataStorageMaximumGb?: number; ecpuPerSecondMaximum?: number };

  private get isMemcached(): boolean {
    return this.engine?.isMemcached ?? false;
  }

  private _monitored(): MonitoredServerlessCache {
    return { scope: this, cacheName: this.serverlessCacheName, memcached: this.isMemcached, ...this._limits() };
  }
}

/**
 * A serverless cache: Valkey, Redis OSS or Memcached without node types, shards or capacity planning.
 * It scales storage and compute by itself within the usage limits you set, is always encrypted at rest
 * and in transit (TLS), and is billed per GB stored and per ECPU consumed. Secure and durable by
 * default: RBAC with an application user whose password is in Secrets Manager, daily snapshots kept 15
 * days and a final snapshot on delete (Valkey, Redis OSS).
 *
 * @resource AWS::ElastiCache::ServerlessCache
 */
export class ServerlessCache extends ServerlessCacheBase {
  /** Imports an existing serverless cache. Getters of attributes not given throw. */
  public static fromServerlessCacheAttributes(scope: Construct, id: string, attrs: ServerlessCacheAttributes): IServerlessCache {
    return new ImportedServerlessCache(scope, id, attrs);
  }

  public readonly serverlessCacheName: string;
  /**
   * The engine and major version. Always set on a `ServerlessCache`; typed optional as in
   * `ServerlessCacheBase` (jsii: a subclass may not make it required).
   */
  public readonly engine?: ServerlessEngine;
  /** The engine and major version. */
  private readonly serverlessEngine: ServerlessEngine;
  public readonly endpoint: Endpoint;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  /** The RBAC user group clients authenticate against, with a user-group authentication method. */
  public readonly userGroup?: IUserGroup;
  /** The application user `Authentication.generatedUserGroup()` (the default) created; its secret is `authSecret`. */
  public readonly applicationUser?: User;
  /** The subnets the endpoints are placed in. */
  public readonly subnets: ec2.ISubnet[];
  /** The full engine version ElastiCache runs (`8.0`...), a deploy-time attribute. */
  public readonly fullEngineVersion: string;
  private readonly limits: { dataStorageMaximumGb?: number; ecpuPerSecondMaximum?: number };
  private readonly _readerEndpoint: Endpoint;
  private readonly auth: AuthenticationConfig;

  constructor(scope: Construct, id: string, props: ServerlessCacheProps) {
    super(scope, id, { physicalName: lowercase(props.serverlessCacheName) });

    const engine = props.engine ?? ServerlessEngine.VALKEY_8;
    const memcached = engine.isMemcached;
    validateIdentifier(this, 'serverlessCacheName', props.serverlessCacheName, MAX_NAME_LENGTH);
    validateDescription(this, props.description);

    // Usage limits
    const storageMin = this.gigabytes('dataStorageMinimum', props.dataStorageMinimum);
    const storageMax = this.gigabytes('dataStorageMaximum', props.dataStorageMaximum);
    this.validateMinMax('dataStorage', storageMin, storageMax, ' GB');
    this.validateEcpu('ecpuPerSecondMinimum', props.ecpuPerSecondMinimum);
    this.validateEcpu('ecpuPerSecondMaximum', props.ecpuPerSecondMaximum);
    this.validateMinMax('ecpuPerSecond', props.ecpuPerSecondMinimum, props.ecpuPerSecondMaximum, ' ECPUs per second');

    // Backups
    const removalPolicy = props.removalPolicy ?? (memcached ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT);
    const retentionDays = resolveRetentionDays(this, props.backupRetention ?? Duration.days(memcached ? 0 : 15), 'daily snapshots');
    this.validateRestore(engine, props.restoreFromSnapshots);
    if (props.finalSnapshotName !== undefined && removalPolicy !== RemovalPolicy.SNAPSHOT) {
      invalid(this, 'finalSnapshotName', props.finalSnapshotName, `Allowed: nothing with removalPolicy ${removalPolicy}; the final `
        + 'snapshot is taken only with RemovalPolicy.SNAPSHOT.');
    }
    validateIdentifier(this, 'finalSnapshotName', props.finalSnapshotName, 255);
    if (props.dailySnapshotTime && retentionDays === 0) {
      Annotations.of(this).addWarningV2('cdk-elasticache:snapshotTimeWithoutBackups', 'dailySnapshotTime is set but daily '
        + 'snapshots are off (backupRetention: 0 days): the time is unused.');
    }

    // Network
    const subnets = this.selectSubnets(props.vpc, props.vpcSubnets);
    const helperPolicy = helperRemovalPolicy(removalPolicy);
    const securityGroups = cacheSecurityGroups(this, props.vpc, props.securityGroups, 'serverless cache');
    if (!props.securityGroups) {
      securityGroups.forEach(sg => sg.applyRemovalPolicy(helperPolicy));
    }

    // Authentication
    validateCacheKmsKey(this, props.kmsKey, removalPolicy, 'serverless cache');
    const authentication = props.authentication
      ?? (memcached ? Authentication.none() : Authentication._defaultFor(engine._features, true));
    // A Memcached cache binds with Valkey's features, so that a user group is refused below with the serverless reason
    // (no user groups on Memcached) rather than the node-based one (no RBAC on the engine version).
    const bindEngine = memcached ? ServerlessEngine.VALKEY_8._features : engine._features;
    const auth = authentication._bind(this, { removalPolicy, engine: bindEngine, transitEncryption: true, kmsKey: props.kmsKey });
    if (auth.authToken !== undefined) {
      invalid(this, 'authentication', phrase(auth.description), 'Allowed: Authentication.generatedUserGroup() (the default), '
        + 'Authentication.userGroup(group) or Authentication.none(); serverless caches have no AUTH token, only RBAC user groups.');
    }
    if (memcached && auth.userGroupIds !== undefined) {
      invalid(this, 'authentication', phrase(auth.description), `Allowed: Authentication.none() on ${engine}; Memcached serverless `
        + 'caches take no user groups (RBAC is Valkey and Redis OSS only).');
    }
    if (!memcached && auth.userGroupIds === undefined) {
      Annotations.of(this).addWarningV2('cdk-elasticache:serverlessNoAuthentication', 'The serverless cache has no user group: '
        + 'any client that reaches the endpoint acts as the default user, with full access. Prefer RBAC '
        + '(Authentication.generatedUserGroup(), the default).');
    }

    const name = lowercase(props.serverlessCacheName) ?? generateName(this, MAX_NAME_LENGTH);
    const resource = new CfnServerlessCache(this, 'Resource', {
      serverlessCacheName: name,
      description: props.description ?? `Serverless cache ${this.node.path}`.replace(/[<>]/g, '').slice(0, 255),
      engine: engine.engine.name,
      majorEngineVersion: engine.majorVersion,
      cacheUsageLimits: renderLimits(storageMin, storageMax, props.ecpuPerSecondMinimum, props.ecpuPerSecondMaximum),
      subnetIds: subnets.map(s => s.subnetId),
      securityGroupIds: securityGroups.map(sg => sg.securityGroupId),
      networkType: props.networkType?.value,
      kmsKeyId: props.kmsKey?.keyArn,
      userGroupId: auth.userGroupIds?.[0],
      snapshotRetentionLimit: retentionDays,
      dailySnapshotTime: props.dailySnapshotTime?.value,
      snapshotArnsToRestore: props.restoreFromSnapshots,
      finalSnapshotName: removalPolicy === RemovalPolicy.SNAPSHOT ? (lowercase(props.finalSnapshotName) ?? `${name}-final`) : undefined,
    });
    // CloudFormation has no DeletionPolicy Snapshot for this type: the final snapshot is FinalSnapshotName's job.
    resource.applyRemovalPolicy(removalPolicy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.DESTROY : removalPolicy);

    this.engine = engine;
    this.serverlessEngine = engine;
    this.subnets = subnets;
    this.auth = auth;
    this.authSecret = auth.secret;
    this.userGroup = auth.userGroup;
    this.applicationUser = auth.applicationUser;
    this.limits = { dataStorageMaximumGb: storageMax, ecpuPerSecondMaximum: props.ecpuPerSecondMaximum };
    this.serverlessCacheName = resource.ref;
    this.fullEngineVersion = resource.attrFullEngineVersion;
    this.endpoint = new Endpoint(resource.attrEndpointAddress, Token.asNumber(resource.attrEndpointPort));
    this._readerEndpoint = new Endpoint(resource.attrReaderEndpointAddress, Token.asNumber(resource.attrReaderEndpointPort));
    // Literal ports (policy packs read them): both the endpoint's and the reader endpoint's.
    // Rules for consumers of other stacks go to their stacks (CacheConnections).
    this.connections = new CacheConnections({ securityGroups, defaultPort: serverlessPorts(engine) });
  }

  /** The reader endpoint (Valkey and Redis OSS, port 6380); Memcached has none, and reading it throws. */
  /**
   * Rotates the passwords the cache's authentication generated with Secrets Manager on a schedule
   * (every 30 days by default), by the library's rotation function (one per stack): with
   * `Authentication.generatedUserGroup()` (the default), the application user's password and the
   * disabled `default` user's, as `user.addRotation()` does. The new password is added next to the
   * current one, so clients that hold the current one keep working until the next rotation; clients
   * re-read `authSecret` when the server answers `WRONGPASS`.
   *
   * The new password is checked through the ElastiCache API only: `vpc` (the data-plane check of a
   * replication group) is not offered for serverless caches and gets the warning
   * `cdk-elasticache:rotationVpcWithoutCheck`.
   */
  public addRotation(options: RotationOptions = {}): void {
    if (options.vpc) {
      Annotations.of(this).addWarningV2('cdk-elasticache:rotationVpcWithoutCheck', 'addRotation({ vpc }) on a serverless cache runs '
        + 'the rotation function in the VPC, but testSecret checks the new password through the API only (the data-plane check '
        + 'is for replication groups). Leave vpc out unless the function must run there.');
    }
    rotateCacheCredentials(this, { auth: this.auth, resource: this.node.defaultChild as CfnResource, kind: 'serverless cache' },
      options);
  }

  public get readerEndpoint(): Endpoint {
    if (this.serverlessEngine.isMemcached) {
      throw new CacheValidationError('Cannot read readerEndpoint of a Memcached serverless cache: Memcached has no reader endpoint; '
        + 'use endpoint.', this);
    }
    return this._readerEndpoint;
  }

  /** @internal */
  protected _limits() {
    return this.limits;
  }

  /** @internal */
  protected _consumerFacts(): CacheConsumerFacts {
    const memcached = this.serverlessEngine.isMemcached;
    return {
      endpoint: {
        engine: this.serverlessEngine.engine.name,
        id: this.serverlessCacheName,
        host: this.endpoint.hostname,
        // The service's fixed ports, literal (no cross-stack export for them).
        port: String(this.serverlessEngine.port),
        ...(memcached ? {} : { readerHost: this._readerEndpoint.hostname, readerPort: String(this.serverlessEngine.readerPort) }),
        serverless: true,
        // ElastiCache Serverless for Valkey / Redis OSS is cluster mode enabled: cluster clients are the recommended ones.
        cluster: !memcached,
        tls: true,
      },
      auth: {
        mode: this.userGroup ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE,
        authSecret: this.authSecret,
        applicationUser: this.applicationUser,
        givenUserGroup: this.userGroup !== undefined && this.applicationUser === undefined,
      },
    };
  }

  /** A size in whole GB from 1 to 5,000 (tokens pass). */
  private gigabytes(prop: string, size: Size | undefined): number | undefined {
    if (size === undefined) {
      return undefined;
    }
    if (size.isUnresolved()) {
      return size.toGibibytes();
    }
    const gb = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(gb) || gb < MIN_STORAGE_GB || gb > MAX_STORAGE_GB) {
      invalid(this, prop, phrase(`${gb} GB`), `Allowed: whole GB from ${MIN_STORAGE_GB} to ${MAX_STORAGE_GB}, such as Size.gibibytes(10).`);
    }
    return gb;
  }

  private validateEcpu(prop: string, value: number | undefined): void {
    if (value === undefined || isToken(value)) {
      return;
    }
    if (!Number.isInteger(value) || value < MIN_ECPU || value > MAX_ECPU) {
      invalid(this, prop, value, `Allowed: an integer from ${MIN_ECPU.toLocaleString('en-US')} to ${MAX_ECPU.toLocaleString('en-US')} `
        + 'ECPUs per second.');
    }
  }

  private validateMinMax(prop: string, min: number | undefined, max: number | undefined, unit: string): void {
    if (min === undefined || max === undefined || isToken(min) || isToken(max)) {
      return;
    }
    if (min > max) {
      invalid(this, `${prop}Minimum`, phrase(`${min}${unit}`), `Allowed: at most ${prop}Maximum (${max}${unit}).`);
    }
  }

  private validateRestore(engine: ServerlessEngine, arns: string[] | undefined): void {
    validateRestoreSources(this, 'restoreFromSnapshots', arns, 'snapshot ARN', arn => {
      const elasticache = /^arn:aws[a-z-]*:elasticache:[a-z0-9-]+:\d{12}:(serverlesscachesnapshot|snapshot):[a-zA-Z0-9-]+$/.test(arn);
      if (!elasticache && !isS3ObjectArn(arn)) {
        invalid(this, 'restoreFromSnapshots', arn, 'Allowed: ARNs of serverless cache snapshots '
          + '(arn:aws:elasticache:<region>:<account>:serverlesscachesnapshot:<name>), of backups (...:snapshot:<name>) or of .rdb '
          + 'files in S3 (arn:aws:s3:::bucket/key.rdb).');
      }
      if (engine.isMemcached && !/:serverlesscachesnapshot:/.test(arn)) {
        invalid(this, 'restoreFromSnapshots', arn, `Allowed: serverless cache snapshots on ${engine}; backups of node-based caches `
          + 'and .rdb files hold Valkey / Redis OSS data (node-based Memcached has no backups).');
      }
    });
  }

  /**
   * The subnets of the endpoints: the rules every cache shares (`selectCacheSubnets`: private by default, an
   * empty selection is an error, public subnets a warning), and all of them in `vpc`.
   */
  private selectSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): ec2.ISubnet[] {
    const selected = selectCacheSubnets(this, vpc, selection, 'serverless cache');
    const stack = Stack.of(this);
    const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
    for (const subnet of selected.subnets) {
      const cfn = subnet.node.defaultChild;
      if (cfn instanceof ec2.CfnSubnet) {
        const comparable = isToken(cfn.vpcId) === isToken(vpc.vpcId);
        if (comparable && JSON.stringify(stack.resolve(cfn.vpcId)) !== vpcId) {
          invalid(this, 'vpcSubnets', phrase(`subnet ${subnet.node.path} of another VPC`), 'Allowed: subnets of vpc only; a '
            + 'serverless cache places all its endpoints in one VPC.');
        }
      }
    }
    return selected.subnets;
  }
}

class ImportedServerlessCache extends ServerlessCacheBase {
  public readonly serverlessCacheName: string;
  public readonly engine?: ServerlessEngine;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  private readonly attrs: ServerlessCacheAttributes;

  constructor(scope: Construct, id: string, attrs: ServerlessCacheAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.serverlessCacheName = attrs.serverlessCacheName;
    this.engine = attrs.engine;
    this.authSecret = attrs.authSecret;
    this.connections = new CacheConnections({
      securityGroups: attrs.securityGroups,
      defaultPort: attrs.engine ? serverlessPorts(attrs.engine) : undefined,
    });
  }

  public get endpoint(): Endpoint {
    if (this.attrs.endpointAddress === undefined || this.attrs.engine === undefined) {
      throw new CacheValidationError('Cannot read endpoint of an imported serverless cache without '
        + `${this.attrs.endpointAddress === undefined ? 'endpointAddress' : 'engine (which decides the port)'}: `
        + 'give it in fromServerlessCacheAttributes().', this);
    }
    return new Endpoint(this.attrs.endpointAddress, this.attrs.engine.port);
  }

  public get readerEndpoint(): Endpoint {
    if (this.attrs.engine?.isMemcached) {
      throw new CacheValidationError('Cannot read readerEndpoint of a Memcached serverless cache: Memcached has no reader endpoint.', this);
    }
    if (this.attrs.readerEndpointAddress === undefined || this.attrs.engine === undefined) {
      throw new CacheValidationError('Cannot read readerEndpoint of an imported serverless cache without '
        + `${this.attrs.readerEndpointAddress === undefined ? 'readerEndpointAddress' : 'engine (which decides the port)'}: `
        + 'give it in fromServerlessCacheAttributes().', this);
    }
    return new Endpoint(this.attrs.readerEndpointAddress, this.attrs.engine.readerPort!);
  }

  /** @internal */
  protected _consumerFacts(): CacheConsumerFacts {
    const endpoint = this.endpoint;
    const engine = this.attrs.engine!;
    return {
      endpoint: {
        engine: engine.engine.name,
        id: this.serverlessCacheName,
        host: endpoint.hostname,
        port: String(engine.port),
        ...(this.attrs.readerEndpointAddress !== undefined && engine.readerPort !== undefined
          ? { readerHost: this.attrs.readerEndpointAddress, readerPort: String(engine.readerPort) } : {}),
        serverless: true,
        cluster: !engine.isMemcached,
        tls: true,
      },
      auth: {
        mode: this.attrs.authMode ?? (this.authSecret ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE),
        authSecret: this.authSecret,
      },
    };
  }

  /** @internal */
  protected _limits() {
    const max = this.attrs.dataStorageMaximum;
    return {
      dataStorageMaximumGb: max === undefined ? undefined : max.toGibibytes({ rounding: SizeRoundingBehavior.NONE }),
      ecpuPerSecondMaximum: this.attrs.ecpuPerSecondMaximum,
    };
  }
}

/** The ports a client needs: 6379 (endpoint) and 6380 (reader endpoint) for Valkey and Redis OSS, 11211 for Memcached. */
function serverlessPorts(engine: ServerlessEngine): ec2.Port {
  return engine.readerPort === undefined ? ec2.Port.tcp(engine.port) : ec2.Port.tcpRange(engine.port, engine.readerPort);
}

function validateDescription(scope: Construct, description: string | undefined): void {
  if (description === undefined || isToken(description)) {
    return;
  }
  if (description.length > 255 || /[<>]/.test(description)) {
    invalid(scope, 'description', description, `Allowed: at most 255 characters (got ${description.length}), without < and >.`);
  }
}

function renderLimits(storageMin: number | undefined, storageMax: number | undefined, ecpuMin: number | undefined,
  ecpuMax: number | undefined): CfnServerlessCache.CacheUsageLimitsProperty | undefined {
  const dataStorage = storageMin === undefined && storageMax === undefined
    ? undefined : { minimum: storageMin, maximum: storageMax, unit: 'GB' };
  const ecpuPerSecond = ecpuMin === undefined && ecpuMax === undefined ? undefined : { minimum: ecpuMin, maximum: ecpuMax };
  return dataStorage || ecpuPerSecond ? { dataStorage, ecpuPerSecond } : undefined;
}
