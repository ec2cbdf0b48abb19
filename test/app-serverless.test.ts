import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NetworkStack, ServerlessStack } from '../bin/app';

describe('example app: ServerlessStack', () => {
  // The two stacks it needs, as buildApp() composes them (test/app.test.ts synthesizes the whole app).
  const app = new App();
  const network = new NetworkStack(app, 'NetworkStack');
  const template = Template.fromStack(new ServerlessStack(app, 'ServerlessStack', { vpc: network.vpc }));

  test('a serverless Valkey cache with usage limits in the NetworkStack VPC', () => {
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      MajorEngineVersion: '8',
      CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Maximum: 100000 } },
      SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('^NetworkStack:') }]),
      UserGroupId: { Ref: Match.stringLikeRegexp('^CacheUserGroup') },
    });
  });

  test('the consumer, wired with connectFrom(), reaches both endpoints (6379-6380) and reads the application user\'s secret', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6379, ToPort: 6380,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsumerSecurityGroup'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheSecurityGroup'), 'GroupId'] },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(fn.Properties.Environment.Variables).toEqual(expect.objectContaining({
      CACHE_ENGINE: 'valkey', CACHE_PORT: '6379', CACHE_READER_PORT: '6380', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password',
      CACHE_SERVERLESS: 'true', CACHE_SECRET_ARN: { Ref: expect.stringMatching(/^CacheAppUserSecret/) },
    }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: Match.stringLikeRegexp('^CacheAppUserSecret') },
      })]) },
    });
  });

  test('alarms at 75% of each limit, throttling and evictions, to an SNS topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map(a => a.Properties.Threshold).sort((a, b) => a - b)).toEqual([0, 0, 75000, 7500000000]);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^CacheAlarms/) }]);
    }
  });
});
