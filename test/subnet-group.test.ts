import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { SubnetGroup } from '../lib';

function setup() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
  return { stack, vpc };
}

describe('SubnetGroup', () => {
  test('defaults: the private subnets, a generated lowercase name, DESTROY', () => {
    const { stack, vpc } = setup();
    const group = new SubnetGroup(stack, 'CacheSubnets', { vpc });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::SubnetGroup', {
      Properties: {
        Description: 'Subnet group for ElastiCache Stack/CacheSubnets',
        SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('VpcIsolatedSubnet2') }],
        CacheSubnetGroupName: Match.stringLikeRegexp('^stack-cachesubnets-[a-z0-9]+$'),
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    expect(group.subnets).toHaveLength(2);
    const logicalId = stack.getLogicalId(group.node.defaultChild as CfnSubnetGroup);
    expect(logicalId).toMatch(/^CacheSubnets[0-9A-F]{8}$/);
    expect(stack.resolve(group.subnetGroupName)).toEqual({ Ref: logicalId });
    expect(stack.resolve(group.subnetGroupRef.cacheSubnetGroupName)).toEqual({ Ref: logicalId });
  });

  test('generated names stay within 255 characters and start with a letter', () => {
    const { stack, vpc } = setup();
    new SubnetGroup(stack, 'A'.repeat(300), { vpc });
    new SubnetGroup(stack, '9Groups', { vpc });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::ElastiCache::SubnetGroup'))
      .map(r => r.Properties.CacheSubnetGroupName as string);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(255);
      expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(name).not.toContain('--');
    }
  });

  test('an explicit name is lowercased; subnets, description', () => {
    const { stack, vpc } = setup();
    new SubnetGroup(stack, 'Group', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      subnetGroupName: 'My-Cache-Subnets',
      description: 'cache subnets',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      CacheSubnetGroupName: 'my-cache-subnets',
      Description: 'cache subnets',
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPublicSubnet2') }],
    });
  });

  test.each([
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.SNAPSHOT, 'Delete'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('removal policy %s maps to %s', (policy, expected) => {
    const { stack, vpc } = setup();
    new SubnetGroup(stack, 'Group', { vpc, removalPolicy: policy });
    Template.fromStack(stack).hasResource('AWS::ElastiCache::SubnetGroup', { DeletionPolicy: expected });
  });

  test.each([
    ['', "Stack/Group: Invalid subnetGroupName: got ''. Allowed: 1 to 255 characters (got 0)."],
    ['x'.repeat(256), 'Allowed: 1 to 255 characters (got 256).'],
    ['my_subnets', "Stack/Group: Invalid subnetGroupName: got 'my_subnets'. Allowed: letters, digits and hyphens."],
  ])('rejects name %p', (name, message) => {
    const { stack, vpc } = setup();
    expect(() => new SubnetGroup(stack, 'Group', { vpc, subnetGroupName: name })).toThrow(message);
  });

  test('accepts a token name', () => {
    const { stack, vpc } = setup();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => new SubnetGroup(stack, 'Group', { vpc, subnetGroupName: name })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', { CacheSubnetGroupName: { Ref: 'Name' } });
  });

  test('fromSubnetGroupName works with an L1 that takes the reference', () => {
    const { stack } = setup();
    const group = SubnetGroup.fromSubnetGroupName(stack, 'Imported', 'existing-group');
    expect(group.subnetGroupName).toBe('existing-group');
    expect(group.subnetGroupRef.cacheSubnetGroupName).toBe('existing-group');
    new CfnReplicationGroup(stack, 'Rg', {
      replicationGroupDescription: 'd', cacheSubnetGroupName: group.subnetGroupName,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheSubnetGroupName: 'existing-group' });
  });
});
