import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../bin/app';

describe('example app', () => {
  test('synthesizes every stack without AWS credentials (environment-agnostic)', () => {
    const app = buildApp(new App());
    const assembly = app.synth();
    const names = assembly.stacks.map(s => s.stackName).sort();
    expect(names).toEqual(['NetworkStack']);
    for (const stack of assembly.stacks) {
      expect(stack.environment.account).toBe('unknown-account');
      expect(stack.environment.region).toBe('unknown-region');
    }
  });

  test('NetworkStack holds a subnet group over the isolated subnets and an allkeys-lru parameter group', () => {
    const app = buildApp(new App());
    const template = Template.fromJSON(app.synth().getStackByName('NetworkStack').template);
    template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'allkeys-lru' },
    });
  });
});
