import { App, Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { MemcachedCluster, ReplicationGroup, SubnetGroup } from '../lib';

/**
 * Where the caches' nodes go, as a user meets it: env-bound stacks on their first synthesis (the CDK's
 * placeholder Availability Zones), public-only VPCs, empty subnet selections. Both caches share the rules.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
/** The context key `cdk.context.json` holds the Region's zones under, once the CLI looked them up. */
const AZ_CONTEXT_KEY = 'availability-zones:account=123456789012:region=us-east-1';

type CacheFactory = (scope: Construct, id: string, props: { vpc: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; zones?: string[] }) => unknown;

const CACHES: Array<[string, CacheFactory]> = [
  ['ReplicationGroup', (scope, id, { vpc, vpcSubnets, zones }) =>
    new ReplicationGroup(scope, id, { vpc, vpcSubnets, preferredAvailabilityZones: zones })],
  ['MemcachedCluster', (scope, id, { vpc, vpcSubnets, zones }) =>
    new MemcachedCluster(scope, id, { vpc, vpcSubnets, preferredAvailabilityZones: zones })],
];

/** An env-bound stack with a new VPC over the Region's zones: the placeholders until the context has them. */
function envBound(context?: Record<string, unknown>) {
  const app = new App({ context });
  const stack = new Stack(app, 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return { app, stack, vpc };
}

describe.each(CACHES)('%s placement', (_name, create) => {
  test('an env-bound stack without context synthesizes, and the assembly asks for the zones', () => {
    const { app, stack, vpc } = envBound();
    expect(vpc.availabilityZones).toEqual(['dummy1a', 'dummy1b']);
    create(stack, 'Cache', { vpc, zones: ['us-east-1a', 'us-east-1b'] });
    const assembly = app.synth();
    expect(assembly.manifest.missing?.map(m => m.key)).toEqual([AZ_CONTEXT_KEY]);
  });

  test('with the zones in context, a zone without a subnet is still the clear error', () => {
    const { stack, vpc } = envBound({ [AZ_CONTEXT_KEY]: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    expect(vpc.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(() => create(stack, 'Cache', { vpc, zones: ['us-east-1a', 'us-east-1c'] })).toThrow(
      "Stack/Cache: Invalid preferredAvailabilityZones: got ['us-east-1c']. Allowed: the Availability Zones of the subnet group's "
      + 'subnets, us-east-1a, us-east-1b.');
    expect(() => create(stack, 'Good', { vpc, zones: ['us-east-1b', 'us-east-1a'] })).not.toThrow();
  });

  test('an imported VPC with literal zones is checked even without context', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'],
      isolatedSubnetIds: ['subnet-1', 'subnet-2'], isolatedSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
    });
    expect(() => create(stack, 'Cache', { vpc, zones: ['us-east-1a', 'us-east-1d'] })).toThrow(
      "Invalid preferredAvailabilityZones: got ['us-east-1d']");
    // The check asks for no lookup the app did not need.
    create(stack, 'Good', { vpc, zones: ['us-east-1b', 'us-east-1a'] });
    expect(stack.node.root instanceof App && stack.node.root.synth().manifest.missing).toBeFalsy();
  });

  test('public subnets: a warning that says how to pick private ones', () => {
    const stack = new Stack(new App(), 'Stack');
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const mixed = new ec2.Vpc(stack, 'Mixed', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ] });
    create(stack, 'OnlyPublic', { vpc: publicOnly });
    create(stack, 'SelectedPublic', { vpc: mixed, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    create(stack, 'Private', { vpc: mixed });
    const annotations = Annotations.fromStack(stack);
    for (const path of ['/Stack/OnlyPublic', '/Stack/SelectedPublic']) {
      annotations.hasWarning(path, Match.stringLikeRegexp(
        'placed in public subnets.*no public address.*vpcSubnets: \\{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED \\}.*'
        + '\\[ack: cdk-elasticache:publicSubnets\\]'));
    }
    annotations.hasNoWarning('/Stack/Private', Match.stringLikeRegexp('publicSubnets'));
  });

  test('the public subnets warning can be acknowledged', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const cache = create(stack, 'Cache', { vpc }) as Construct;
    create(stack, 'Other', { vpc });
    CoreAnnotations.of(cache).acknowledgeWarning('cdk-elasticache:publicSubnets');
    const annotations = Annotations.fromStack(stack);
    annotations.hasNoWarning('/Stack/Cache', Match.stringLikeRegexp('publicSubnets'));
    annotations.hasWarning('/Stack/Other', Match.stringLikeRegexp('publicSubnets'));
  });

  test('an empty selection is an error naming vpcSubnets, not SubnetIds: []', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    expect(() => create(stack, 'Cache', { vpc, vpcSubnets: { subnets: [] } })).toThrow(
      /^Stack\/Cache: Invalid vpcSubnets: got \[\]\. Allowed: a selection of at least one subnet/);
    expect(stack.node.tryFindChild('Cache')?.node.tryFindChild('SubnetGroup')).toBeUndefined();
  });
});

test('a SubnetGroup of no subnets is an error too', () => {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  expect(() => new SubnetGroup(stack, 'Subnets', { vpc, vpcSubnets: { subnets: [] } })).toThrow(
    /^Stack\/Subnets: Invalid vpcSubnets: got \[\]/);
  Template.fromStack(stack).resourceCountIs('AWS::ElastiCache::SubnetGroup', 0);
});
