import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  CacheEngineVersion, LogDelivery, LogDestination, LogFormat, LogType, RedisOssVersion, ReplicationGroup, ValkeyVersion,
} from '../lib';
import { CacheValidationError } from '../lib/validation-error';

const RG = 'AWS::ElastiCache::ReplicationGroup';

function setup() {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
    { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ] });
  return { stack, vpc };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rgProps(template: Template): Record<string, any> {
  const groups = Object.values(template.findResources(RG));
  expect(groups).toHaveLength(1);
  return groups[0].Properties;
}

describe('log delivery', () => {
  test('slow log to a new log group: JSON, kept a month, retained', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(LogDestination.newLogGroup())] });
    const template = Template.fromStack(stack);
    const groups = template.findResources('AWS::Logs::LogGroup');
    const [groupId] = Object.keys(groups);
    expect(Object.keys(groups)).toHaveLength(1);
    expect(groupId).toMatch(/^CacheSlowLogGroup/);
    expect(groups[groupId]).toEqual({
      Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
    expect(rgProps(template).LogDeliveryConfigurations).toEqual([{
      LogType: 'slow-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs',
      DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: groupId } } },
    }]);
  });

  test('a new log group with retention, removal policy and name; one group per log type', () => {
    const { stack, vpc } = setup();
    const destination = LogDestination.newLogGroup({
      retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY, logGroupName: '/aws/vendedlogs/elasticache/orders',
    });
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.engineLog(destination, { format: LogFormat.TEXT })] });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90, LogGroupName: '/aws/vendedlogs/elasticache/orders' }, DeletionPolicy: 'Delete',
    });
    expect(rgProps(template).LogDeliveryConfigurations).toEqual([expect.objectContaining({ LogType: 'engine-log', LogFormat: 'text' })]);
  });

  test('new log groups follow the cache\'s kmsKey; its policy lets CloudWatch Logs use it, once', () => {
    const { stack, vpc } = setup();
    const key = new kms.Key(stack, 'Key');
    new ReplicationGroup(stack, 'Cache', {
      vpc, kmsKey: key,
      logs: [LogDelivery.slowLog(LogDestination.newLogGroup()), LogDelivery.engineLog(LogDestination.newLogGroup())],
    });
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(g => g.Properties.KmsKeyId)).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }, { 'Fn::GetAtt': [keyId, 'Arn'] }]);
    const statements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement;
    expect(statements.filter((st: { Sid?: string }) => st.Sid === 'AllowCloudWatchLogsEncryption')).toEqual([{
      Sid: 'AllowCloudWatchLogsEncryption',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']] } } },
    }]);
  });

  test('newLogGroup({ encryptionKey }) takes a key of its own; an imported key warns what its policy must allow', () => {
    const { stack, vpc } = setup();
    const own = new kms.Key(stack, 'LogKey');
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/k');
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(LogDestination.newLogGroup({ encryptionKey: own }))] });
    new ReplicationGroup(stack, 'Other', { vpc, kmsKey: imported, logs: [LogDelivery.slowLog(LogDestination.newLogGroup())] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k' });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Other', Match.stringLikeRegexp('logs.<region>.amazonaws.com.*\\[ack: cdk-elasticache:logGroupKeyPolicy\\]'));
    annotations.hasNoWarning('/Stack/Cache', Match.stringLikeRegexp('logGroupKeyPolicy'));
  });

  test('without a key, new log groups use CloudWatch Logs\' own encryption', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(LogDestination.newLogGroup())] });
    expect(Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))[0].Properties.KmsKeyId).toBeUndefined();
  });

  test('both logs to an existing log group', () => {
    const { stack, vpc } = setup();
    const group = new logs.LogGroup(stack, 'Logs');
    const destination = LogDestination.cloudWatchLogs(group);
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(destination), LogDelivery.engineLog(destination)] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    const details = { CloudWatchLogsDetails: { LogGroup: { Ref: stack.getLogicalId(group.node.defaultChild as logs.CfnLogGroup) } } };
    expect(rgProps(template).LogDeliveryConfigurations).toEqual([
      { LogType: 'slow-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs', DestinationDetails: details },
      { LogType: 'engine-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs', DestinationDetails: details },
    ]);
  });

  test('to an Amazon Data Firehose delivery stream', () => {
    const { stack, vpc } = setup();
    const stream = firehose.DeliveryStream.fromDeliveryStreamName(stack, 'Stream', 'cache-logs');
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(LogDestination.firehose(stream), { format: LogFormat.TEXT })] });
    expect(rgProps(Template.fromStack(stack)).LogDeliveryConfigurations).toEqual([{
      LogType: 'slow-log', LogFormat: 'text', DestinationType: 'kinesis-firehose',
      DestinationDetails: { KinesisFirehoseDetails: { DeliveryStream: 'cache-logs' } },
    }]);
  });

  test('addLogDelivery() adds one after construction', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.slowLog(LogDestination.newLogGroup())] });
    cache.addLogDelivery(LogDelivery.engineLog(LogDestination.newLogGroup()));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    expect(rgProps(template).LogDeliveryConfigurations.map((c: { LogType: string }) => c.LogType)).toEqual(['slow-log', 'engine-log']);
  });

  test('no logs by default: the property is left out', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, logs: [] });
    expect(rgProps(Template.fromStack(stack)).LogDeliveryConfigurations).toBeUndefined();
  });

  test('the log types', () => {
    expect(LogDelivery.slowLog(LogDestination.newLogGroup()).logType).toBe(LogType.SLOW_LOG);
    expect(`${LogType.ENGINE_LOG}`).toBe('engine-log');
  });

  test.each<[string, CacheEngineVersion, () => LogDelivery[]]>([
    ['slow log on Valkey 7.2', ValkeyVersion.VER_7_2, () => [LogDelivery.slowLog(LogDestination.newLogGroup())]],
    ['engine log on Valkey 7.2', ValkeyVersion.VER_7_2, () => [LogDelivery.engineLog(LogDestination.newLogGroup())]],
    ['slow log on Redis OSS 6.0', RedisOssVersion.VER_6_0, () => [LogDelivery.slowLog(LogDestination.newLogGroup())]],
    ['engine log on Redis OSS 6.2', RedisOssVersion.VER_6_2, () => [LogDelivery.engineLog(LogDestination.newLogGroup())]],
  ])('accepts the %s', (_name, engine, deliveries) => {
    const { stack, vpc } = setup();
    expect(() => new ReplicationGroup(stack, 'Cache', { vpc, engine, transitEncryption: false, logs: deliveries() })).not.toThrow();
  });

  test.each<[string, CacheEngineVersion, () => LogDelivery[], string]>([
    ['the slow log before Redis OSS 6.0', RedisOssVersion.VER_5_0_6, () => [LogDelivery.slowLog(LogDestination.newLogGroup())],
      "Stack/Cache: Invalid logs: got 'slow-log'. Allowed: no slow-log on Redis OSS 5.0.6; the slow-log needs Valkey or Redis OSS 6.0+."],
    ['the engine log before Redis OSS 6.2', RedisOssVersion.VER_6_0, () => [LogDelivery.engineLog(LogDestination.newLogGroup())],
      "Stack/Cache: Invalid logs: got 'engine-log'. Allowed: no engine-log on Redis OSS 6.0; the engine-log needs Valkey or Redis OSS 6.2+."],
    ['a log type twice', ValkeyVersion.VER_8_2, () => [LogDelivery.slowLog(LogDestination.newLogGroup()),
      LogDelivery.slowLog(LogDestination.newLogGroup())],
    "Stack/Cache: Invalid logs: got 'slow-log twice'. Allowed: one delivery per log type (ElastiCache takes one slow-log configuration)"],
  ])('rejects %s', (_name, engine, deliveries, message) => {
    const { stack, vpc } = setup();
    let error: unknown;
    try {
      new ReplicationGroup(stack, 'Cache', { vpc, engine, transitEncryption: false, logs: deliveries() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheValidationError);
    expect((error as Error).message).toContain(message);
  });

  test('addLogDelivery() checks the same rules', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, logs: [LogDelivery.engineLog(LogDestination.newLogGroup())] });
    expect(() => cache.addLogDelivery(LogDelivery.engineLog(LogDestination.newLogGroup())))
      .toThrow("Stack/Cache: Invalid addLogDelivery: got 'engine-log twice'.");
    const old = new ReplicationGroup(stack, 'Old', { vpc, engine: RedisOssVersion.VER_6_0, transitEncryption: false });
    expect(() => old.addLogDelivery(LogDelivery.engineLog(LogDestination.newLogGroup())))
      .toThrow("Stack/Old: Invalid addLogDelivery: got 'engine-log'. Allowed: no engine-log on Redis OSS 6.0");
  });
});
