import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { EvictionPolicy, ParameterGroup, SubnetGroup, ValkeyVersion } from '../lib';

/**
 * aws-cdk-lib validates synthesized templates against CloudFormation's rules (resource schemas,
 * references). The rest of the suite turns that off for speed (test/setup-env.ts); here it runs in
 * construct-library strict mode, where any finding fails the synthesis.
 */
describe('CloudFormation validation of the templates the library writes', () => {
  const previous = process.env.CDK_VALIDATION;
  beforeAll(() => { delete process.env.CDK_VALIDATION; });
  afterAll(() => { process.env.CDK_VALIDATION = previous; });

  test('subnet group and parameter group', () => {
    const app = new App({ context: { '@aws-cdk/core:strictCfnValidateErrors': true } });
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new SubnetGroup(stack, 'Subnets', { vpc });
    new ParameterGroup(stack, 'Params', { engine: ValkeyVersion.VER_8_2, evictionPolicy: EvictionPolicy.ALLKEYS_LRU });
    expect(() => app.synth()).not.toThrow();
  });

  test('strict mode really fails on a finding', () => {
    const app = new App({ context: { '@aws-cdk/core:strictCfnValidateErrors': true } });
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // A reference to nothing: the validator must catch it, or this test proves nothing.
    const sg = new SubnetGroup(stack, 'Other', { vpc });
    (sg.node.defaultChild as CfnSubnetGroup).addPropertyOverride('CacheSubnetGroupName', { Ref: 'Nothing' });
    expect(() => app.synth()).toThrow();
  });
});
