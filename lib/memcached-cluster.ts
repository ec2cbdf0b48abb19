import { Annotations, IResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnCacheCluster } from 'aws-cdk-lib/aws-elasticache';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { AzMode } from './az-mode';
import { CacheBase, CacheBaseProps } from './cache-base';
import { CacheAuthMode } from './connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from './consumer';
import { CacheDnsRecords, DnsRecordsOptions } from './dns';
import { Endpoint } from './endpoint';
import { CacheEngine, MemcachedVersion } from './engine';
import { CacheMetricOptions, IMemcachedClusterMonitoring } from './monitoring';
import { NodeType } from './node-type';
import { IParameterGroup } from './parameter-group';
import { ISubnetGroup } from './subnet-group';
import { elastiCacheArn } from './private/arns';
import { cacheDefaultPort, CacheConnections } from './private/connections';
import { verifyDeployedState } from './private/deployed-state';
import { warnEngineAndNodeType } from './private/known-values';
import { renderMaintenance } from './private/maintenance';
import { resolveNetwork, validateNetworkType, validateNetworkTypeSubnets, validateZonesInSubnets } from './private/network';
import { validateGravitonEngine } from './private/node-types';
import { resolveParameterGroup } from './private/parameters';
import { ConsumerFacts, rejectConsumerCredentials, wireConsumer } from './private/consumer';
import { addCacheDnsRecords } from './private/dns';
import { CacheValidationError } from './validation-error';
import { invalid } from './private/errors';
import { hitRateMetric, memcachedNodes, MonitoredCache } from './private/metrics';
import { cacheNodeIds, generateName, helperRemovalPolicy, lowercase } from './private/names';
import { allowEventNotifications } from './private/notifications';
import { isToken, validateIdentifier, validateIntegerRange, validatePort } from './private/validation';
import { MAX_CLUSTER_NAME_LENGTH, MAX_MEMCACHED_NODES } from './private/service-limits';
import { validateKnownProps } from './private/known-props';

/** A Memcached cluster: a set of nodes the clients shard keys over. */
export interface IMemcachedCluster extends IResource, ec2.IConnectable, refs.ICacheClusterRef, IMemcachedClusterMonitoring {
  /**
   * The name (cache cluster id) of the cluster.
   * @attribute
   */
  readonly clusterName: string;
  /**
   * The ARN of the cluster.
   * @attribute
   */
  readonly clusterArn: string;
  /**
   * The configuration endpoint: the address clients use for auto discovery of the nodes (shards).
   * @attribute
   */
  readonly configurationEndpoint: Endpoint;
  /** The number of nodes. */
  readonly nodeCount: number;
  /** The ids of the nodes, `0001`, `0002`, ... (the `CacheNodeId` metric dimension). */
  readonly nodeIds: string[];

  /**
   * Wires a consumer in one call: opens the port to it and sets the `CACHE_*` variables (the
   * configuration endpoint, TLS) that `cdk-elasticache/client` reads.
   */
  connectFrom(consumer: ec2.IConnectable, options?: ConnectFromOptions): CacheConnectionBinding;

  /**
   * Writes CNAME records in a Route 53 private hosted zone for the cache's endpoints, and makes
   * `connectFrom()` hand out those names instead of the endpoints (see `DnsRecordsOptions`).
   */
  addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords;
}

/** Attributes of an existing Memcached cluster. */
export interface MemcachedClusterAttributes {
  /** The name (cache cluster id) of the cluster. */
  readonly clusterName: string;
  /**
   * The hostname of the configuration endpoint.
   * @default - unknown: `configurationEndpoint` throws
   */
  readonly configurationEndpointAddress?: string;
  /**
   * The port the cluster listens on.
   * @default - unknown: `configurationEndpoint` throws and `connections` has no default port
   */
  readonly port?: number;
  /**
   * The security groups of the cluster, so that `connections` can open them to clients.
   * @default - none: `connections` cannot allow traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The number of nodes.
   * @default - unknown: `nodeCount` and `nodeIds` throw
   */
  readonly nodes?: number;
  /**
   * Whether the cluster has encryption in transit, for `connectFrom()` (`CACHE_TLS`).
   * @default true
   */
  readonly transitEncryption?: boolean;
}

/** Properties of a `MemcachedCluster`. */
export interface MemcachedClusterProps extends CacheBaseProps {
  /**
   * The name (cache cluster id) of the cluster: 1 to 50 letters, digits and hyphens, starting with
   * a letter, no two consecutive hyphens, no hyphen at the end. ElastiCache stores it lowercase, so
   * it is lowercased here. The cluster always has a name (given or generated), and CloudFormation does
   * not replace a named resource: a change that needs a replacement (`port`, `engine`, the subnet
   * group, `nodes` without `preferredAvailabilityZones`) fails at deployment instead of emptying the
   * cache. Give a new name to replace it on purpose.
   *
   * @default - a name generated from the construct path, lowercase, within 50 characters, that stays
   * the same whatever else changes
   */
  readonly clusterName?: string;
  /**
   * The Memcached version. Valkey and Redis OSS versions are rejected: use `ReplicationGroup`.
   * @default MemcachedVersion.VER_1_6_22
   */
  readonly engine?: MemcachedVersion;
  /**
   * The number of nodes the clients shard keys over: 1 to 40.
   * @default 2
   */
  readonly nodes?: number;
  /**
   * The port the nodes listen on.
   * @default 11211
   */
  readonly port?: number;
  /**
   * How the nodes are placed over Availability Zones. `CROSS_AZ` needs at least 2 nodes.
   * @default - `AzMode.CROSS_AZ` with more than one node (unless every one of
   * `preferredAvailabilityZones` is the same AZ); `AzMode.SINGLE_AZ` with one node; unset
   * (ElastiCache's default, single AZ) when `nodes` is a token
   */
  readonly azMode?: AzMode;
  /**
   * The Availability Zone of each node, one entry per node (an AZ may repeat). Giving them also
   * lets a change of `nodes` add or remove nodes in place instead of replacing the cluster.
   * @default - ElastiCache places the nodes
   */
  readonly preferredAvailabilityZones?: string[];
  /**
   * An existing parameter group, of the engine's family (`memcached1.6` for 1.6.x).
   * @default - the engine's default group (`default.memcached1.6`), or a new group when `parameters` is given
   */
  readonly parameterGroup?: IParameterGroup;
  /**
   * Encryption in transit (TLS). Memcached 1.6.12+ only; the clients must connect with TLS.
   * @default - true where the engine version and node type support TLS (Memcached 1.6.12+), false otherwise
   */
  readonly transitEncryption?: boolean;
  /**
   * What happens to the cluster (and the subnet, parameter and security groups it created) when
   * it leaves the stack. `SNAPSHOT` is rejected: Memcached keeps nothing to snapshot.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Checks the template against the deployed Memcached cluster at synth time: a change CloudFormation
   * cannot make in place (port, subnet group, network type, name, Availability Zones reordered) or one
   * ElastiCache refuses (an engine downgrade, encryption in transit changed, AZ mode cross-az to single-
   * az) is a `CacheValidationError` naming the prop, the deployed and the new value and the steps that
   * work, instead of an update that fails and rolls back after minutes.
   *
   * Two lookups, as every CDK lookup (AWS credentials with read access at the first synthesis of each
   * new template state; the answers are cached in `cdk.context.json`: commit it): the deployment record,
   * an SSM parameter the stack writes after each deployment of the Memcached cluster
   * (`/cdk-elasticache/deployed-state/STACK/LOGICAL_ID`, the properties that decide, never a secret),
   * and the deployed Memcached cluster through the Cloud Control API. The record shows what the Cloud
   * Control API never returns (the Availability Zones, the subnet group), values that are tokens at
   * synth, and a changed `clusterName`; it exists from the first deployment with the check on. A
   * Memcached cluster not deployed yet passes.
   *
   * Needs an environment-bound stack; otherwise it warns (`cdk-elasticache:deployedStateNotVerified`),
   * writes no record and checks nothing. `cdk-elasticache plan` makes the same checks from two cloud
   * assemblies, without credentials.
   * @default false
   */
  readonly verifyDeployedState?: boolean;
}

/**
 * What every Memcached cluster, new or imported, offers its consumers.
 */
export abstract class MemcachedClusterBase extends CacheBase implements IMemcachedCluster {
  public abstract readonly clusterName: string;
  public abstract readonly configurationEndpoint: Endpoint;

  /**
   * Wires a consumer in one call (a Lambda function, or an ECS service with `container`): opens the
   * port to it (`connections.allowDefaultPortFrom(consumer)`: across stacks, the rule
   * is created in the consumer's stack) and sets the `CACHE_*` variables (`CACHE_<NAME>_*` with `options.name`):
   * the configuration endpoint, for an auto-discovery client, and whether to use TLS. Memcached has
   * no authentication, so nothing is granted.
   */
  public connectFrom(consumer: ec2.IConnectable, options: ConnectFromOptions = {}): CacheConnectionBinding {
    rejectConsumerCredentials(this, options, 'Memcached cluster');
    const facts: ConsumerFacts = { ...this._consumerEndpoint(), authMode: CacheAuthMode.NONE };
    return wireConsumer(this, consumer, options, facts);
  }

  /** @internal */
  protected abstract _consumerEndpoint(): Omit<ConsumerFacts, 'authMode'>;

  /**
   * Writes a CNAME record `recordName` in a Route 53 private hosted zone for the configuration
   * endpoint (a Memcached cluster has no reader endpoint), and makes `connectFrom()` hand out that
   * name instead of the endpoint (`useDnsNames: false` opts a consumer out). Call it before
   * `connectFrom()`. The record belongs to the stack, under its name, so that moving the call to a
   * replacement cluster of the same stack changes the record's value in place.
   */
  public addDnsRecords(options: DnsRecordsOptions): CacheDnsRecords {
    return addCacheDnsRecords(this, options, { what: 'Memcached cluster', host: this._consumerEndpoint().host });
  }

  /** The ARN of the cluster, `arn:<partition>:elasticache:<region>:<account>:cluster:<name>`. */
  public get clusterArn(): string {
    return elastiCacheArn(this, 'cluster', this.clusterName);
  }

  /** The ids of the nodes, `0001`, `0002`, ... (the `CacheNodeId` metric dimension). */
  public get nodeIds(): string[] {
    return cacheNodeIds(this, this.nodeCount, 'nodes');
  }

  /** A reference to this cluster, for L1 constructs and the generated reference interfaces. */
  public get cacheClusterRef(): refs.CacheClusterReference {
    return { clusterName: this.clusterName };
  }

  // Monitoring (lib/monitoring.ts): per node, `CacheClusterId` <clusterName> and `CacheNodeId` 0001...

  /** `GetHits`: get requests that found their key, summed over the nodes. */
  public metricGetHits(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('GetHits', props);
  }

  /** `GetMisses`: get requests that did not, summed over the nodes. */
  public metricGetMisses(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('GetMisses', props);
  }

  /** The hit rate of the whole cluster (percent), `100 * hits / (hits + misses)` over the nodes' sums. */
  public metricGetHitRate(props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    return hitRateMetric(this._monitoredCache(), 'GetHits', 'GetMisses', props, 'Get hit rate (%)');
  }

  /** `CmdGet`: get commands, summed over the nodes. */
  public metricCmdGet(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CmdGet', props);
  }

  /** `CmdSet`: set commands, summed over the nodes. */
  public metricCmdSet(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CmdSet', props);
  }

  /** `CurrItems`: items stored, summed over the nodes. */
  public metricCurrItems(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('CurrItems', props);
  }

  /** `BytesUsedForCacheItems`: bytes used to store items, highest node. */
  public metricBytesUsedForCacheItems(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('BytesUsedForCacheItems', props);
  }

  /** `UnusedMemory`: bytes Memcached has not used yet, lowest node. */
  public metricUnusedMemory(props?: CacheMetricOptions): cloudwatch.IMetric {
    return this.metric('UnusedMemory', props);
  }

  /** @internal */
  protected _monitoredCache(): MonitoredCache {
    return {
      scope: this,
      replicationGroup: false,
      what: 'Memcached cluster',
      nodes: () => memcachedNodes(this.clusterName, this.nodeIds),
      sharedClusterId: this.clusterName,
      nodeType: this instanceof MemcachedCluster ? this.nodeType : undefined,
    };
  }
}

/**
 * A Memcached cluster: 1 to 40 nodes, spread across Availability Zones, over which the clients
 * shard keys (found through the configuration endpoint's auto discovery). Memcached is
 * multi-threaded and has no replication, persistence, backups or authentication; for those use
 * `ReplicationGroup` (Valkey / Redis OSS).
 *
 * @resource AWS::ElastiCache::CacheCluster
 */
export class MemcachedCluster extends MemcachedClusterBase {
  /** Imports an existing Memcached cluster. Getters of attributes not given throw. */
  public static fromMemcachedClusterAttributes(scope: Construct, id: string, attrs: MemcachedClusterAttributes): IMemcachedCluster {
    return new ImportedMemcachedCluster(scope, id, attrs);
  }

  public readonly clusterName: string;
  public readonly configurationEndpoint: Endpoint;
  public readonly connections: ec2.Connections;
  public readonly nodeCount: number;
  /** The engine version. */
  public readonly engine: MemcachedVersion;
  /** The node type. */
  public readonly nodeType: NodeType;
  /** The subnet group the nodes are in. */
  public readonly subnetGroup: ISubnetGroup;
  /** The parameter group, unless the engine's default group is used. */
  public readonly parameterGroup?: IParameterGroup;
  /** Whether the nodes take TLS connections only. */
  public readonly transitEncryption: boolean;
  /** The placement mode over Availability Zones, unless left to ElastiCache. */
  public readonly azMode?: AzMode;

  constructor(scope: Construct, id: string, props: MemcachedClusterProps) {
    super(scope, id, { physicalName: lowercase(props.clusterName) });
    validateKnownProps(this, 'MemcachedCluster', props);

    const engine = props.engine ?? MemcachedVersion.VER_1_6_22;
    if (!engine.engine.isSameEngine(CacheEngine.MEMCACHED)) {
      invalid(this, 'engine', `${engine}`, 'Allowed: a MemcachedVersion. For Valkey or Redis OSS (replication, persistence, '
        + 'backups, authentication) use ReplicationGroup.');
    }
    const nodeType = props.nodeType ?? NodeType.T4G_MICRO;
    const nodes = props.nodes ?? 2;
    const port = props.port ?? engine.defaultPort;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    validateIdentifier(this, 'clusterName', props.clusterName, MAX_CLUSTER_NAME_LENGTH);
    validateIntegerRange(this, 'nodes', nodes, 1, MAX_MEMCACHED_NODES, 'more needs an ElastiCache quota increase');
    validatePort(this, port);
    validateGravitonEngine(this, engine, nodeType);
    warnEngineAndNodeType(this, engine, nodeType);
    validateNetworkType(this, engine, nodeType, props.networkType, props.ipDiscovery);
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      invalid(this, 'removalPolicy', removalPolicy, 'Allowed: RemovalPolicy.DESTROY or RemovalPolicy.RETAIN. Memcached has '
        + 'no snapshots (no persistence, no backups), so there is nothing to keep on deletion.');
    }
    const transitEncryption = resolveTransitEncryption(this, engine, nodeType, props.transitEncryption);
    const azMode = resolveAzMode(this, nodes, props.azMode, props.preferredAvailabilityZones);

    const network = resolveNetwork(this, props, 'Memcached cluster');
    validateNetworkTypeSubnets(this, props.networkType, network);
    validateZonesInSubnets(this, props.preferredAvailabilityZones, network.createdSubnetGroup?.subnets);
    const parameterGroup = resolveParameterGroup(this, engine, { parameterGroup: props.parameterGroup, parameters: props.parameters });

    if (nodes === 1) {
      Annotations.of(this).addWarningV2('cdk-elasticache:memcachedSingleNode', 'A Memcached cluster with one node has no '
        + 'sharding: losing the node empties the whole cache. Use 2 or more nodes across Availability Zones.');
    }
    if (props.transitEncryption === false && engine.features.transitEncryption) {
      Annotations.of(this).addWarningV2('cdk-elasticache:transitEncryptionDisabled', `Encryption in transit is turned off on ${engine}, `
        + 'which supports it: cache traffic crosses the network in plaintext.');
    }

    const resource = new CfnCacheCluster(this, 'Resource', {
      clusterName: lowercase(props.clusterName) ?? generateName(this, MAX_CLUSTER_NAME_LENGTH),
      engine: engine.engine.name,
      engineVersion: engine.version,
      cacheNodeType: nodeType.name,
      numCacheNodes: nodes,
      port,
      azMode,
      preferredAvailabilityZones: props.preferredAvailabilityZones,
      cacheSubnetGroupName: network.subnetGroup.subnetGroupName,
      vpcSecurityGroupIds: network.securityGroups.map(sg => sg.securityGroupId),
      networkType: props.networkType?.value,
      ipDiscovery: props.ipDiscovery?.value,
      cacheParameterGroupName: parameterGroup?.parameterGroupName,
      transitEncryptionEnabled: engine.features.transitEncryption ? transitEncryption : undefined,
      ...renderMaintenance(props),
    });
    resource.applyRemovalPolicy(removalPolicy);
    if (props.verifyDeployedState) {
      verifyDeployedState(this, {
        resource, identifier: resource.clusterName!, what: 'Memcached cluster', identifierProp: 'clusterName',
        properties: {
          Port: 'port', CacheSubnetGroupName: 'subnetGroup', NetworkType: 'networkType', Engine: 'engine', EngineVersion: 'engine',
          TransitEncryptionEnabled: 'transitEncryption', AZMode: 'azMode', ClusterName: 'clusterName', NumCacheNodes: 'nodes',
          PreferredAvailabilityZones: 'preferredAvailabilityZones',
        },
      });
    }
    allowEventNotifications(this, props.notificationTopic);
    // A retained cluster keeps using the groups it was created with: deleting them would fail.
    const helperPolicy = helperRemovalPolicy(removalPolicy);
    network.createdSubnetGroup?.applyRemovalPolicy(helperPolicy);
    if (parameterGroup && !props.parameterGroup) {
      parameterGroup.applyRemovalPolicy(helperPolicy);
    }
    if (!props.securityGroups && helperPolicy === RemovalPolicy.RETAIN) {
      network.securityGroups.forEach(sg => sg.applyRemovalPolicy(helperPolicy));
    }

    this.engine = engine;
    this.nodeType = nodeType;
    this.nodeCount = nodes;
    this.subnetGroup = network.subnetGroup;
    this.parameterGroup = parameterGroup;
    this.transitEncryption = transitEncryption;
    this.azMode = azMode;
    this.clusterName = resource.ref;
    this.configurationEndpoint = new Endpoint(resource.attrConfigurationEndpointAddress,
      Token.asNumber(resource.attrConfigurationEndpointPort));
    // The port the template sets, a literal (see ReplicationGroup).
    this.connections = new CacheConnections({
      securityGroups: network.securityGroups,
      defaultPort: cacheDefaultPort(port),
    });
    this.templatePort = port;
  }

  /** The port, as set in the template. */
  private readonly templatePort: number;

  /** @internal */
  protected _consumerEndpoint(): Omit<ConsumerFacts, 'authMode'> {
    return {
      engine: CacheEngine.MEMCACHED.name,
      id: this.clusterName,
      host: this.configurationEndpoint.hostname,
      port: String(this.templatePort),
      tls: this.transitEncryption,
    };
  }
}

class ImportedMemcachedCluster extends MemcachedClusterBase {
  public readonly clusterName: string;
  public readonly connections: ec2.Connections;
  private readonly attrs: MemcachedClusterAttributes;

  constructor(scope: Construct, id: string, attrs: MemcachedClusterAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.clusterName = attrs.clusterName;
    this.connections = new CacheConnections({
      securityGroups: attrs.securityGroups,
      defaultPort: attrs.port !== undefined ? ec2.Port.tcp(attrs.port) : undefined,
    });
  }

  /** @internal */
  protected _consumerEndpoint(): Omit<ConsumerFacts, 'authMode'> {
    const endpoint = this.configurationEndpoint;
    return {
      engine: CacheEngine.MEMCACHED.name,
      id: this.clusterName,
      host: endpoint.hostname,
      port: endpoint.portAsString,
      tls: this.attrs.transitEncryption ?? true,
    };
  }

  public get configurationEndpoint(): Endpoint {
    if (this.attrs.configurationEndpointAddress === undefined || this.attrs.port === undefined) {
      throw new CacheValidationError('Cannot read configurationEndpoint of an imported Memcached cluster without '
        + `${this.attrs.configurationEndpointAddress === undefined ? 'configurationEndpointAddress' : 'port'}: `
        + 'give it in fromMemcachedClusterAttributes().', this);
    }
    return new Endpoint(this.attrs.configurationEndpointAddress, this.attrs.port);
  }

  public get nodeCount(): number {
    if (this.attrs.nodes === undefined) {
      throw new CacheValidationError('Cannot read nodeCount or nodeIds of an imported Memcached cluster without nodes: '
        + 'give it in fromMemcachedClusterAttributes().', this);
    }
    return this.attrs.nodes;
  }
}

/** TLS: on by default where the version and the node type support it; asked for where they don't, an error. */
function resolveTransitEncryption(scope: Construct, engine: MemcachedVersion, nodeType: NodeType, wanted?: boolean): boolean {
  const supported = engine.features.transitEncryption && nodeType.supportsTransitEncryption;
  if (wanted === true && !engine.features.transitEncryption) {
    invalid(scope, 'transitEncryption', true, `Allowed: false on ${engine}; encryption in transit needs Memcached 1.6.12 or later.`);
  }
  if (wanted === true && !nodeType.supportsTransitEncryption) {
    invalid(scope, 'transitEncryption', true, `Allowed: false on ${nodeType}; encryption in transit is not supported on M1 and M2 nodes.`);
  }
  return wanted ?? supported;
}

/** The AZ mode: given (and checked), or cross-AZ with more than one node. */
function resolveAzMode(scope: Construct, nodes: number, wanted: AzMode | undefined, zones: string[] | undefined): AzMode | undefined {
  const literalZones = zones && !isToken(zones) ? zones : undefined;
  if (literalZones && !isToken(nodes) && literalZones.length !== nodes) {
    invalid(scope, 'preferredAvailabilityZones', literalZones, `Allowed: exactly one Availability Zone per node, ${nodes} `
      + `(got ${literalZones.length}); repeat an AZ to place several nodes in it.`);
  }
  const distinct = literalZones ? new Set(literalZones).size : undefined;
  if (wanted === AzMode.CROSS_AZ && !isToken(nodes) && nodes < 2) {
    invalid(scope, 'azMode', wanted, 'Allowed: AzMode.SINGLE_AZ with one node; AzMode.CROSS_AZ needs 2 or more nodes.');
  }
  if (wanted === AzMode.SINGLE_AZ && distinct !== undefined && distinct > 1) {
    invalid(scope, 'azMode', wanted, `Allowed: AzMode.CROSS_AZ, since preferredAvailabilityZones names ${distinct} different `
      + 'Availability Zones; or list a single AZ.');
  }
  if (wanted !== undefined) {
    return wanted;
  }
  if (isToken(nodes)) {
    return undefined;
  }
  if (nodes < 2 || distinct === 1) {
    return AzMode.SINGLE_AZ;
  }
  return AzMode.CROSS_AZ;
}
