import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CacheBaseProps } from '../cache-base';
import { CacheEngineVersion } from '../engine';
import { IpDiscovery, NetworkType } from '../network';
import { NodeType } from '../node-type';
import { ISubnetGroup, SubnetGroup } from '../subnet-group';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';
import { isPlaceholderZone, selectCacheSubnets } from './subnets';
import { isToken } from './validation';

/**
 * Network placement, shared by the caches: subnet groups and security groups (replication group,
 * Memcached cluster, serverless cache), network types and Availability Zones.
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

  validateSecurityGroups(scope, input.securityGroups);

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
  const securityGroups = cacheSecurityGroups(scope, input.vpc, input.securityGroups, what);
  return { subnetGroup, securityGroups, createdSubnetGroup };
}

/**
 * The security groups of a cache: the given ones (at least one), or one created with no egress and no
 * ingress (construct id `SecurityGroup`) until `connections.allow*` opens it.
 *
 * @param what the construct's kind, for the description ('replication group')
 */
export function cacheSecurityGroups(scope: Construct, vpc: ec2.IVpc | undefined, given: ec2.ISecurityGroup[] | undefined,
  what: string): ec2.ISecurityGroup[] {
  validateSecurityGroups(scope, given);
  return given ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: vpc!,
    description: `ElastiCache ${what} ${scope.node.path}`,
    allowAllOutbound: false,
  })];
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

/**
 * IPv6 and dual stack need subnets with IPv6 CIDR blocks; IPv6 needs IPv6-only subnets. Source: ElastiCache
 * User Guide, "Choosing a network type" (dual stack: subnets with IPv4 and IPv6 CIDR blocks; IPv6: IPv6-only
 * subnets); ElastiCache refuses the subnet group's network type at create otherwise.
 *
 * Checked at synthesis (`node.addValidation`), so that a subnet given its IPv6 block after the cache was
 * created counts, and only for the subnets of the app (`ec2.Subnet`, whose `CfnSubnet` says whether it has
 * `ipv6CidrBlock` / `ipv6IpamPoolId` and is `ipv6Native`): an imported subnet or VPC is unknown here and
 * passes. A block given through `addPropertyOverride` is not seen: set `CfnSubnet.ipv6CidrBlock` instead.
 */
export function validateNetworkTypeSubnets(scope: Construct, networkType: NetworkType | undefined,
  placement: CacheNetwork | ec2.ISubnet[]): void {
  const wanted = networkType?.value;
  if (wanted !== 'ipv6' && wanted !== 'dual_stack') {
    return;
  }
  scope.node.addValidation({
    validate: () => {
      for (const subnet of subnetsOf(placement)) {
        const cfn = subnet.node.defaultChild;
        if (!(cfn instanceof ec2.CfnSubnet) || isToken(cfn.ipv6Native)) {
          continue;
        }
        const ipv6 = cfn.ipv6CidrBlock !== undefined || cfn.ipv6IpamPoolId !== undefined;
        const ipv6Only = cfn.ipv6Native === true;
        const fits = wanted === 'ipv6' ? ipv6Only : ipv6 && !ipv6Only;
        if (!fits) {
          const what = ipv6Only ? 'an IPv6-only subnet' : ipv6 ? 'a dual-stack subnet' : 'a subnet without an IPv6 CIDR block';
          return [errorMessage(() => invalid(scope, 'networkType', wanted, `Allowed: ${wanted === 'ipv6'
            ? 'IPv6-only subnets (ipv6Native) for NetworkType.IPV6' : 'dual-stack subnets (IPv4 and IPv6 CIDR blocks) for '
            + 'NetworkType.DUAL_STACK'}; ${subnet.node.path} is ${what}. Give the VPC IPv6 (ec2.Vpc with ipProtocol: `
            + 'ec2.IpProtocol.DUAL_STACK) or choose other subnets, or use NetworkType.IPV4.'))];
        }
      }
      return [];
    },
  });
}

/** The subnets of a cache's placement, where the app knows them (a subnet group it created or holds). */
function subnetsOf(placement: CacheNetwork | ec2.ISubnet[]): ec2.ISubnet[] {
  if (Array.isArray(placement)) {
    return placement;
  }
  const group = placement.createdSubnetGroup ?? placement.subnetGroup;
  return group instanceof SubnetGroup ? group.subnets : [];
}

/** The message of a `CacheValidationError` that `check` throws (for `node.addValidation`). */
function errorMessage(check: () => never): string {
  try {
    check();
  } catch (e) {
    if (e instanceof CacheValidationError) {
      return e.message;
    }
    throw e;
  }
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

/** A list of security groups, when given, holds at least one. */
function validateSecurityGroups(scope: Construct, given: ec2.ISecurityGroup[] | undefined): void {
  if (given && given.length === 0) {
    throw new CacheValidationError('Invalid securityGroups: got an empty list. Allowed: at least one security group, '
      + 'or leave it out to have one created.', scope);
  }
}
