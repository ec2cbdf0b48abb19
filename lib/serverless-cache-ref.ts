import { IResource, Resource, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { CacheDnsRecords, DnsRecordsOptions } from './dns';
import { Endpoint } from './endpoint';
import { CacheDashboardOptions } from './monitoring';
import { ServerlessEngine } from './serverless-engine';
import { ServerlessRecommendedAlarms, ServerlessRecommendedAlarmsOptions } from './serverless-monitoring';
import { IUser } from './user';
import { elastiCacheArn } from './private/arns';
import { CacheConsumerFacts, connectConsumer, rejectConsumerCredentials } from './private/consumer';
import { addCacheDnsRecords } from './private/dns';
import { grantConnectAsUser } from './private/grants';
import { createServerlessDashboard } from './private/serverless-dashboard';
import { ecpuPerSecondMetric, MonitoredServerlessCache, serverlessHitRateMetric, serverlessMetric } from './private/serverless-metrics';

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
  /**
   * Writes CNAME records in a Route 53 private hosted zone for the cache's endpoints, and makes
   * `connectFrom()` hand out those names instead of the endpoints (see `DnsRecordsOptions`).
   */
  addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords;
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

  /**
   * Writes CNAME records in a Route 53 private hosted zone: `recordName` for the endpoint and, on a
   * Valkey / Redis OSS cache, `readerRecordName` for the reader endpoint (port 6380); then
   * `connectFrom()` hands out those names instead of the endpoints (`useDnsNames: false` opts a
   * consumer out). Call it before `connectFrom()`. The records belong to the stack, under their names,
   * so that moving the call to a replacement cache of the same stack changes the records' values in place.
   */
  public addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords {
    const endpoint = this._consumerFacts().endpoint;
    return addCacheDnsRecords(this, options, {
      what: `${this.isMemcached ? 'Memcached ' : ''}serverless cache`,
      host: endpoint.host,
      ...(endpoint.readerHost !== undefined ? { reader: endpoint.readerHost } : {}),
    });
  }

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
