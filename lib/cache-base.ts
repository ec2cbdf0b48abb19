import { Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IpDiscovery, NetworkType } from './network';
import { NodeType } from './node-type';
import { ISubnetGroup } from './subnet-group';
import { MaintenanceWindow } from './windows';
import { CacheDashboardOptions, CacheMetricOptions, ICacheMonitoring, NetworkAllowance, RecommendedAlarms, RecommendedAlarmsOptions } from './monitoring';
import { createDashboard } from './private/dashboard';
import { aggregateMetric, MonitoredCache, nodeMetrics } from './private/metrics';

/**
 * The props every cache of the library takes (`ReplicationGroupProps`, `MemcachedClusterProps`):
 * node type, network placement, extra parameters, maintenance and notifications.
 */
export interface CacheBaseProps {
  /**
   * The node type of every node.
   * @default NodeType.T4G_MICRO
   */
  readonly nodeType?: NodeType;
  /**
   * The VPC the cache is placed in. Required unless `subnetGroup` (with `securityGroups`) is given.
   * @default - none: give `subnetGroup`
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the new subnet group holds.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * An existing subnet group, instead of a new one. Changing the subnet group replaces the cache.
   * @default - a new subnet group over `vpc.selectSubnets(vpcSubnets)`
   */
  readonly subnetGroup?: ISubnetGroup;
  /**
   * The security groups of the nodes.
   * @default - a new security group with no egress and no ingress: allow clients with `connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The IP address family of the endpoints. IPv6 and dual stack need Valkey 7.2+, Redis OSS 6.2+ or
   * Memcached 1.6.6+, a Nitro-based node type and matching subnets. Changing it replaces the cache.
   * @default - IPv4 (the ElastiCache default)
   */
  readonly networkType?: NetworkType;
  /**
   * Which address family discovery advertises on a dual-stack cache.
   * @default - the ElastiCache default
   */
  readonly ipDiscovery?: IpDiscovery;
  /**
   * Parameters for a new parameter group of the engine's family (`maxmemory-policy` for Valkey,
   * `max_item_size` for Memcached...).
   * @default - none: the engine's default group
   */
  readonly parameters?: Record<string, string>;
  /**
   * The weekly maintenance window (UTC).
   * @default - a weekly 60-minute slot ElastiCache picks
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Whether ElastiCache applies minor engine upgrades in the maintenance window (honoured for
   * Valkey 7.2+ and Redis OSS 6.0+).
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * An SNS topic for the cache's ElastiCache events (failovers, node replacements, maintenance...).
   * When the topic is encrypted with a customer managed KMS key, the key policy is given a statement
   * that lets ElastiCache (`elasticache.amazonaws.com`) publish (`kms:GenerateDataKey*`, `kms:Decrypt`).
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * What every cache of the library (replication group, Memcached cluster; new or imported) offers:
 * its network face and the metrics, alarms and dashboard that both engines share. The engine's own
 * metrics are on `ReplicationGroupBase` and `MemcachedClusterBase`.
 */
export abstract class CacheBase extends Resource implements ICacheMonitoring, ec2.IConnectable {
  /** The security groups of the cache, with its port as the default port. */
  public abstract readonly connections: ec2.Connections;
  /** The number of nodes. */
  public abstract readonly nodeCount: number;

  /**
   * A metric of the whole cache (namespace `AWS/ElastiCache`, one-minute period): the nodes'
   * metrics (ElastiCache publishes per node) combined by `aggregation` (by default `SUM` for counts,
   * `MIN` for free memory, `MAX` otherwise), in a math expression up to 10 nodes and a CloudWatch
   * Metrics Insights query above (an alarm on a math expression takes at most 10 metrics).
   */
  public metric(metricName: string, props: CacheMetricOptions = {}): cloudwatch.IMetric {
    return aggregateMetric(this._monitoredCache(), metricName, props, props.aggregation);
  }

  /**
   * A metric of each node, in node order: dimensions `CacheClusterId` (the member cluster
   * `<replicationGroupId>-00N` of a replication group, the cluster name of a Memcached cluster)
   * and `CacheNodeId` (`0001`...).
   */
  public nodeMetrics(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric[] {
    return nodeMetrics(this._monitoredCache(), metricName, props);
  }

  /** `CPUUtilization` of the hosts (percent), highest node. */
  public metricCpuUtilization(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CPUUtilization', props);
  }

  /** `FreeableMemory` of the hosts (bytes), lowest node. */
  public metricFreeableMemory(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('FreeableMemory', props);
  }

  /** `SwapUsage` of the hosts (bytes), highest node. */
  public metricSwapUsage(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('SwapUsage', props);
  }

  /** `Evictions`: keys or items evicted to make room, summed over the nodes. */
  public metricEvictions(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('Evictions', props);
  }

  /** `CurrConnections`: client connections, summed over the nodes. */
  public metricCurrConnections(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CurrConnections', props);
  }

  /** `NewConnections`: connections accepted, summed over the nodes. */
  public metricNewConnections(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('NewConnections', props);
  }

  /** Packets queued or dropped because a network allowance of the hosts was exceeded, highest node. */
  public metricNetworkAllowanceExceeded(allowance: NetworkAllowance, props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric(allowance, props);
  }

  /**
   * Creates the alarms recommended for the cache, once; see `RecommendedAlarmOverrides` for each
   * alarm and threshold. A replication group gets CPU or engine CPU (by vCPU count), memory, swap,
   * evictions, connections and replication lag; a Memcached cluster CPU, swap, evictions and
   * connections. An imported cache needs its `nodes` attribute, and an imported replication group
   * `nodeType` (for the CPU thresholds).
   */
  public addRecommendedAlarms(options?: RecommendedAlarmsOptions): RecommendedAlarms {
    return RecommendedAlarms._create(this._monitoredCache(), options);
  }

  /** Creates a CloudWatch dashboard with the cache's key graphs (and its recommended alarms, if added before), once. */
  public addDashboard(options?: CacheDashboardOptions): cloudwatch.Dashboard {
    return createDashboard(this._monitoredCache(), options);
  }

  /** What the monitoring code needs to know of the cache. @internal */
  protected abstract _monitoredCache(): MonitoredCache;
}
