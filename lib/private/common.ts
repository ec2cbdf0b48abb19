import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CacheBaseProps } from '../cache-base';
import { CacheEngineVersion } from '../engine';
import { IpDiscovery, NetworkType } from '../network';
import { NodeType } from '../node-type';
import { EvictionPolicy, IParameterGroup, ParameterGroup } from '../parameter-group';
import { ISubnetGroup, SubnetGroup } from '../subnet-group';
import { CacheValidationError, invalid } from './errors';
import { isPlaceholderZone, selectCacheSubnets } from './subnets';
import { isToken, validateIntegerRange } from './validation';

export { belongsToConsumerStack } from './cross-stack';
export { cacheDefaultPort, CacheConnections } from './connections';
export { CacheSecret } from './secret';
export { isPlaceholderZone, selectCacheSubnets, validateSubnetSelection, warnPublicSubnets } from './subnets';

/**
 * The logic the cache constructs (replication group, Memcached cluster) share: network
 * placement, security groups, parameter groups, ports and network types. Each construct keeps
 * its own flat, documented props; these helpers take the subset they need.
 */

/** Where a cache is placed: its subnet group and security groups. */
export interface CacheNetwork {
  readonly subnetGroup: ISubnetGroup;
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The subnet group the construct created, if any. */
  readonly createdSubnetGroup?: SubnetGroup;
}

/**
 * Resolves the subnet group (given, or created over `vpc.selectSubnets(vpcSubnets)`: an empty
 * selection is an error, public subnets a warning, see `selectCacheSubnets`) and the security groups
 * (given, or one created with no egress and no ingress).
 *
 * @param what the construct's kind, for messages and descriptions ('replication group')
 */
export function resolveNetwork(scope: Construct, input: Pick<CacheBaseProps, 'vpc' | 'vpcSubnets' | 'subnetGroup' | 'securityGroups'>,
  what: string): CacheNetwork {
  if (!input.vpc && !input.subnetGroup) {
    throw new CacheValidationError(`Invalid vpc: got nothing. Allowed: a vpc (the ${what} creates a subnet group over its `
      + 'private subnets) or an existing subnetGroup.', scope);
  }
  if (input.subnetGroup && input.vpcSubnets) {
    throw new CacheValidationError('Invalid vpcSubnets: got a selection together with subnetGroup. Allowed: one of them; '
      + 'an existing subnet group already fixes the subnets.', scope);
  }
  if (!input.vpc && !input.securityGroups?.length) {
    throw new CacheValidationError(`Invalid securityGroups: got ${input.securityGroups ? 'an empty list' : 'nothing'} and no vpc. `
      + `Allowed: with an existing subnetGroup and no vpc, give securityGroups (the ${what} cannot create one without the vpc).`, scope);
  }
  if (input.securityGroups && input.securityGroups.length === 0) {
    throw new CacheValidationError('Invalid securityGroups: got an empty list. Allowed: at least one security group, '
      + 'or leave it out to have one created.', scope);
  }

  let createdSubnetGroup: SubnetGroup | undefined;
  let subnetGroup = input.subnetGroup;
  if (!subnetGroup) {
    selectCacheSubnets(scope, input.vpc!, input.vpcSubnets, what);
    createdSubnetGroup = new SubnetGroup(scope, 'SubnetGroup', {
      vpc: input.vpc!,
      vpcSubnets: input.vpcSubnets,
      description: `Subnets of the ElastiCache ${what} ${scope.node.path}`,
    });
    subnetGroup = createdSubnetGroup;
  }
  const securityGroups = input.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: input.vpc!,
    description: `ElastiCache ${what} ${scope.node.path}`,
    allowAllOutbound: false,
  })];
  return { subnetGroup, securityGroups, createdSubnetGroup };
}

/** The parameter group props every cache construct has. */
export interface CacheParameterInput {
  readonly parameterGroup?: IParameterGroup;
  readonly parameters?: Record<string, string>;
  readonly evictionPolicy?: EvictionPolicy;
}

/** What a cluster-mode-enabled (or compatible) replication group needs of a parameter group it creates. */
export interface ClusterParameterOptions {
  /** The construct id of a created group. @default 'ParameterGroup' */
  readonly id?: string;
  /** Parameters a created group must have (`cluster-enabled yes`), over the user's. @default - none */
  readonly parameters?: Record<string, string>;
}

/**
 * The parameter group of a cache: the given one (whose family must match the engine), one created
 * from `parameters` / `evictionPolicy`, or undefined (the engine's default group).
 */
export function resolveParameterGroup(scope: Construct, engine: CacheEngineVersion, input: CacheParameterInput,
  cluster: ClusterParameterOptions = {}): IParameterGroup | undefined {
  const wantsNew = input.parameters !== undefined || input.evictionPolicy !== undefined;
  if (input.parameterGroup && wantsNew) {
    throw new CacheValidationError(`Invalid ${input.evictionPolicy ? 'evictionPolicy' : 'parameters'}: got it together with `
      + 'parameterGroup. Allowed: one of them; set the parameters on the existing group, or leave parameterGroup out to have one created.', scope);
  }
  if (input.parameterGroup) {
    validateParameterGroupFamily(scope, engine, input.parameterGroup);
    return input.parameterGroup;
  }
  if (wantsNew) {
    const extra = cluster.parameters ?? {};
    return new ParameterGroup(scope, cluster.id ?? 'ParameterGroup', {
      engine,
      parameters: Object.keys(extra).length ? { ...input.parameters, ...extra } : input.parameters,
      evictionPolicy: input.evictionPolicy,
      description: `Parameters of the ElastiCache ${engine} cache ${scope.node.path}`,
    });
  }
  return undefined;
}

/** A parameter group of another family is rejected (ElastiCache: "Expected family ..."). */
export function validateParameterGroupFamily(scope: Construct, engine: CacheEngineVersion, group: IParameterGroup): void {
  const family = group.family;
  if (family === undefined || Token.isUnresolved(family)) {
    return;
  }
  if (family !== engine.parameterGroupFamily) {
    invalid(scope, 'parameterGroup', `family ${family}`, `Allowed: a group of family ${engine.parameterGroupFamily}, the family `
      + `of ${engine}. A new engine major needs a parameter group of the new family.`);
  }
}

/** Validates a port: an integer from 1 to 65535. */
export function validatePort(scope: Construct, port: number | undefined): void {
  validateIntegerRange(scope, 'port', port, 1, 65535);
}

/** Validates a network type against the engine version and the node type. */
export function validateNetworkType(scope: Construct, engine: CacheEngineVersion, nodeType: NodeType,
  networkType: NetworkType | undefined, ipDiscovery: IpDiscovery | undefined): void {
  if (networkType && networkType !== NetworkType.IPV4 && networkType.value !== 'ipv4') {
    if (!engine.features.ipv6) {
      invalid(scope, 'networkType', networkType.value, `Allowed: ipv4 on ${engine}; IPv6 and dual stack need Valkey 7.2+, `
        + 'Redis OSS 6.2+ or Memcached 1.6.6+.');
    }
    if (!nodeType.supportsIpv6) {
      invalid(scope, 'networkType', networkType.value, `Allowed: ipv4 on ${nodeType}; IPv6 and dual stack need a Nitro-based `
        + 'node type (not t1, t2, m1-m4, r3, r4, c1).');
    }
  }
  if (ipDiscovery && ipDiscovery.value === 'ipv6' && (!networkType || networkType.value === 'ipv4')) {
    invalid(scope, 'ipDiscovery', ipDiscovery.value, 'Allowed: ipv6 discovery only with networkType IPV6 or DUAL_STACK.');
  }
}

/** The L1 properties (shared by `CfnReplicationGroup` and `CfnCacheCluster`) that maintenance and notifications render to. */
export interface CacheMaintenanceProps {
  readonly preferredMaintenanceWindow?: string;
  readonly autoMinorVersionUpgrade: boolean;
  readonly notificationTopicArn?: string;
}

/**
 * Renders the maintenance window (undefined: ElastiCache picks a weekly slot), minor version
 * auto-upgrade (on unless turned off) and the SNS topic for ElastiCache events.
 */
export function renderMaintenance(
  input: Pick<CacheBaseProps, 'maintenanceWindow' | 'autoMinorVersionUpgrade' | 'notificationTopic'>): CacheMaintenanceProps {
  return {
    preferredMaintenanceWindow: input.maintenanceWindow?.value,
    autoMinorVersionUpgrade: input.autoMinorVersionUpgrade ?? true,
    notificationTopicArn: input.notificationTopic?.topicArn,
  };
}

/**
 * The ids ElastiCache gives the nodes of a cache cluster, `0001`, `0002`, ... (the `CacheNodeId`
 * metric dimension). A token count cannot be expanded and is an error.
 *
 * @param what what the count is, for the message ('nodes')
 */
export function cacheNodeIds(scope: Construct, count: number, what: string): string[] {
  if (Token.isUnresolved(count)) {
    throw new CacheValidationError(`Cannot list the node ids: ${what} is a token. Allowed: a literal node count.`, scope);
  }
  return Array.from({ length: count }, (_, i) => String(i + 1).padStart(4, '0'));
}

/**
 * Each preferred AZ must hold a subnet of the group (checked when both are known at synth time; not
 * while the subnets' zones are the CDK's placeholders, see `isPlaceholderZone`).
 */
export function validateZonesInSubnets(scope: Construct, zones: string[] | undefined, subnets: ec2.ISubnet[] | undefined): void {
  if (!zones || isToken(zones) || !subnets) {
    return;
  }
  const available = subnets.map(s => s.availabilityZone);
  if (available.length === 0 || available.some(az => isToken(az)) || subnets.some(isPlaceholderZone)) {
    return;
  }
  const missing = zones.filter(z => !isToken(z) && !available.includes(z));
  if (missing.length) {
    invalid(scope, 'preferredAvailabilityZones', missing, `Allowed: the Availability Zones of the subnet group's subnets, `
      + `${[...new Set(available)].join(', ')}.`);
  }
}
