import { Annotations, ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isToken } from './validation';

/**
 * The subnet rules every cache shares (replication group, Memcached cluster, serverless cache): where
 * the nodes go, what is an error and what a warning. No import of the public files, so that any
 * construct (the `SubnetGroup` too) can use them.
 */

/**
 * Selects the subnets of a cache: `vpc.selectSubnets(vpcSubnets)`, an error when the selection is
 * empty (a subnet group of no subnets, `SubnetIds: []`, fails at deployment), and the warning
 * `cdk-elasticache:publicSubnets` when it holds public subnets.
 *
 * @param what the construct's kind, for the messages ('replication group')
 */
export function selectCacheSubnets(scope: IConstruct, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined,
  what: string): ec2.SelectedSubnets {
  const selected = vpc.selectSubnets(vpcSubnets);
  validateSubnetSelection(scope, selected);
  warnPublicSubnets(scope, selected, what);
  return selected;
}

/** A selection of no subnets is an error naming `vpcSubnets` (a VPC lookup still pending passes). */
export function validateSubnetSelection(scope: IConstruct, selected: ec2.SelectedSubnets): void {
  if (selected.isPendingLookup || isToken(selected.subnetIds)) {
    return;
  }
  if (selected.subnets.length === 0) {
    invalid(scope, 'vpcSubnets', selected.subnetIds, 'Allowed: a selection of at least one subnet (ElastiCache takes no '
      + 'empty subnet group); leave vpcSubnets out for the VPC\'s private subnets, or give subnetType: '
      + 'ec2.SubnetType.PRIVATE_ISOLATED, a subnetGroupName or the subnets.');
  }
}

/**
 * Public subnets are legal but doubtful: the nodes get no public address (ElastiCache never assigns one),
 * so they are not reachable from the internet, but their subnets route to it, and a security group
 * opened too widely is then one step from exposure. Warning `cdk-elasticache:publicSubnets`.
 */
export function warnPublicSubnets(scope: IConstruct, selected: ec2.SelectedSubnets, what: string): void {
  if (!selected.hasPublic || selected.isPendingLookup) {
    return;
  }
  Annotations.of(scope).addWarningV2('cdk-elasticache:publicSubnets', `The ${what} is placed in public subnets `
    + '(subnets that route to an internet gateway), because the VPC has no private ones or vpcSubnets selects them. '
    + 'Its nodes get no public address, but nothing else keeps the subnets away from the internet. Choose private '
    + 'subnets: add PRIVATE_ISOLATED (or PRIVATE_WITH_EGRESS) subnets to the VPC and leave vpcSubnets out, or give '
    + 'vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }. Acknowledge this warning if the placement is deliberate.');
}

/** The zones an env-bound stack without context gets, read once from a probe stack of its own app. */
let placeholderZones: string[] | undefined;

function placeholders(): string[] {
  if (!placeholderZones) {
    // A stack without a scope gets an app of its own (no auto-synthesis): asking it for its zones
    // reports nothing missing to the user's app. The environment is one no context file holds.
    const probe = new Stack(undefined, 'PlaceholderZonesProbe', { env: { account: '000000000000', region: 'placeholder-probe-1' } });
    placeholderZones = [...probe.availabilityZones];
  }
  return placeholderZones;
}

/**
 * Whether a subnet's Availability Zone is one of the CDK's placeholders: an env-bound stack without
 * `availability-zones` context yet (the first `cdk synth`, before the CLI looks the zones up) gets
 * placeholder zones (`dummy1a`...), with which a check against real zone names must not throw, or the
 * CLI never gets to the lookup. Read through public API: the stack's context key for the zones is
 * missing, and the subnet's zone is one such a stack returns in their place (asked of a probe stack,
 * so that an imported VPC with literal zones adds no lookup to the user's app). An imported VPC with
 * literal zones is not a placeholder.
 */
export function isPlaceholderZone(subnet: ec2.ISubnet): boolean {
  const zone = subnet.availabilityZone;
  if (zone === undefined || Token.isUnresolved(zone)) {
    return false;
  }
  const stack = Stack.of(subnet);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    return false;
  }
  const { key } = ContextProvider.getKey(stack, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER });
  if (stack.node.tryGetContext(key) !== undefined) {
    return false;
  }
  return placeholders().includes(zone);
}
