import { Annotations, CfnResource, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Authentication, AuthenticationConfig } from './auth';
import { CacheAuthMode } from './connection-environment';
import { DailySnapshotTime } from './daily-snapshot-time';
import { Endpoint } from './endpoint';
import { NetworkType } from './network';
import { RotationOptions } from './rotation-options';
import { IServerlessCache, ServerlessCacheAttributes, ServerlessCacheBase } from './serverless-cache-ref';
import { ServerlessEngine } from './serverless-engine';
import { User } from './user';
import { IUserGroup } from './user-group';
import { CacheValidationError } from './validation-error';
import { isS3ObjectArn, resolveRetentionDays, validateRestoreSources } from './private/backups';
import { rotateCacheCredentials } from './private/cache-rotation';
import { CacheConnections, serverlessPorts } from './private/connections';
import { CacheConsumerFacts } from './private/consumer';
import { defaultAuthentication } from './private/default-authentication';
import { invalid, phrase } from './private/errors';
import { verifyDeployedState } from './private/deployed-state';
import { ImportedServerlessCache } from './private/imported-serverless-cache';
import { warnServerlessEngine } from './private/known-values';
import { validateCacheKmsKey } from './private/kms';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { cacheSecurityGroups, validateNetworkTypeSubnets } from './private/network';
import { selectCacheSubnets } from './private/subnets';
import { resolveUsageLimits } from './private/usage-limits';
import { isToken, validateIdentifier } from './private/validation';
import { MAX_SERVERLESS_CACHE_NAME_LENGTH } from './private/service-limits';
import { validateKnownProps } from './private/known-props';

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
  /**
   * Checks the template against the deployed serverless cache at synth time: a change CloudFormation
   * cannot make in place (KMS key, subnets, network type, name, restore source) or one ElastiCache
   * refuses (an engine downgrade, Valkey to Redis OSS) is a `CacheValidationError` naming the prop, the
   * deployed and the new value and the steps that work, instead of an update that fails and rolls back
   * after minutes.
   *
   * Two lookups, as every CDK lookup (AWS credentials with read access at the first synthesis of each
   * new template state; the answers are cached in `cdk.context.json`: commit it): the deployment record,
   * an SSM parameter the stack writes after each deployment of the serverless cache
   * (`/cdk-elasticache/deployed-state/STACK/LOGICAL_ID`, the properties that decide, never a secret),
   * and the deployed serverless cache through the Cloud Control API. The record shows what the Cloud
   * Control API never returns (the KMS key, the restore source, imported subnets), values that are
   * tokens at synth, and a changed `serverlessCacheName`; it exists from the first deployment with the
   * check on. A serverless cache not deployed yet passes.
   *
   * Needs an environment-bound stack; otherwise it warns (`cdk-elasticache:deployedStateNotVerified`),
   * writes no record and checks nothing. `cdk-elasticache plan` makes the same checks from two cloud
   * assemblies, without credentials.
   * @default false
   */
  readonly verifyDeployedState?: boolean;
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
    validateKnownProps(this, 'ServerlessCache', props);

    const engine = props.engine ?? ServerlessEngine.VALKEY_8;
    const memcached = engine.isMemcached;
    warnServerlessEngine(this, engine);
    validateIdentifier(this, 'serverlessCacheName', props.serverlessCacheName, MAX_SERVERLESS_CACHE_NAME_LENGTH);
    validateDescription(this, props.description);

    // Usage limits
    const limits = resolveUsageLimits(this, props);

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
    validateNetworkTypeSubnets(this, props.networkType, subnets);
    const helperPolicy = helperRemovalPolicy(removalPolicy);
    const securityGroups = cacheSecurityGroups(this, props.vpc, props.securityGroups, 'serverless cache');
    if (!props.securityGroups) {
      securityGroups.forEach(sg => sg.applyRemovalPolicy(helperPolicy));
    }

    // Authentication
    validateCacheKmsKey(this, props.kmsKey, removalPolicy, 'serverless cache');
    const authentication = props.authentication
      ?? (memcached ? Authentication.none() : defaultAuthentication(engine._features, true));
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

    const name = lowercase(props.serverlessCacheName) ?? generateName(this, MAX_SERVERLESS_CACHE_NAME_LENGTH);
    const resource = new CfnServerlessCache(this, 'Resource', {
      serverlessCacheName: name,
      description: props.description ?? `Serverless cache ${this.node.path}`.replace(/[<>]/g, '').slice(0, 255),
      engine: engine.engine.name,
      majorEngineVersion: engine.majorVersion,
      cacheUsageLimits: limits.rendered,
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
    if (props.verifyDeployedState) {
      verifyDeployedState(this, {
        resource, identifier: name, what: 'serverless cache', identifierProp: 'serverlessCacheName',
        properties: {
          KmsKeyId: 'kmsKey', SubnetIds: 'vpcSubnets', SnapshotArnsToRestore: 'restoreFromSnapshots', Engine: 'engine', MajorEngineVersion: 'engine',
          ServerlessCacheName: 'serverlessCacheName', NetworkType: 'networkType',
        },
      });
    }

    this.engine = engine;
    this.serverlessEngine = engine;
    this.subnets = subnets;
    this.auth = auth;
    this.authSecret = auth.secret;
    this.userGroup = auth.userGroup;
    this.applicationUser = auth.applicationUser;
    this.limits = { dataStorageMaximumGb: limits.dataStorageMaximumGb, ecpuPerSecondMaximum: props.ecpuPerSecondMaximum };
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

function validateDescription(scope: Construct, description: string | undefined): void {
  if (description === undefined || isToken(description)) {
    return;
  }
  if (description.length > 255 || /[<>]/.test(description)) {
    invalid(scope, 'description', description, `Allowed: at most 255 characters (got ${description.length}), without < and >.`);
  }
}

