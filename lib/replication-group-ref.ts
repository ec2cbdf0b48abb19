import { IResource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { CacheBase } from './cache-base';
import { ClusterMode } from './cluster-mode';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { CacheDnsRecords, DnsRecordsOptions } from './dns';
import { Endpoint } from './endpoint';
import { CacheEngine } from './engine';
import { CacheMetricOptions, IReplicationGroupMonitoring } from './monitoring';
import { IUser } from './user';
import { CacheValidationError } from './validation-error';
import { elastiCacheArn } from './private/arns';
import { CacheConsumerFacts, connectConsumer } from './private/consumer';
import { addCacheDnsRecords, DnsTargets } from './private/dns';
import { grantConnectAsUser } from './private/grants';
import { hitRateMetric, MonitoredCache, replicationGroupNodes } from './private/metrics';

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

  /**
   * Writes CNAME records in a Route 53 private hosted zone for the endpoints the cache has (see
   * `DnsRecordsOptions`), and makes `connectFrom()` hand out those names instead of the endpoints
   * (`useDnsNames: false` opts a consumer out), so that a replacement cache moves the clients by one
   * change of each record. Call it before `connectFrom()`.
   */
  addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords;
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
    return elastiCacheArn(this, 'replicationgroup', this.replicationGroupId);
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
    return grantConnectAsUser(this, grantee, user, this.replicationGroupArn);
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
    return connectConsumer(this, consumer, options, this._consumerFacts(), (g, u) => this.grantConnect(g, u));
  }


  /** What `connectFrom()` needs to know. @internal */
  protected abstract _consumerFacts(): CacheConsumerFacts;

  /**
   * Writes CNAME records in a Route 53 private hosted zone for the group's endpoints: `recordName`
   * for the primary endpoint (cluster mode disabled) or the configuration endpoint (cluster mode
   * enabled or compatible), `readerRecordName` for the reader endpoint (disabled and compatible) and,
   * with cluster mode compatible, `primaryRecordName` for the primary endpoint. `connectFrom()` then
   * hands out the names instead of the endpoints (`useDnsNames: false` opts a consumer out). Call it
   * before `connectFrom()`. The records belong to the stack, under their names, so that moving the
   * call to a replacement group of the same stack changes the records' values in place.
   */
  public addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords {
    return addCacheDnsRecords(this, options, this._dnsTargets());
  }

  /** The endpoints `addDnsRecords()` names: those `connectFrom()` hands out. @internal */
  protected _dnsTargets(): DnsTargets {
    const endpoint = this._consumerFacts().endpoint;
    return {
      what: `replication group with cluster mode ${endpoint.cluster ? 'enabled' : 'disabled'}`,
      host: endpoint.host,
      ...(endpoint.readerHost !== undefined ? { reader: endpoint.readerHost } : {}),
    };
  }

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
    };
  }
}
