import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../bin/app';

describe('example app', () => {
  // One synthesis of the app for every test (each reads its stacks, none changes them): synthesizing
  // the seven stacks took about 0.4 s a test.
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = buildApp(new App()).synth();
  });
  const templateOf = (stackName: string) => Template.fromJSON(assembly.getStackByName(stackName).template);

  test('synthesizes every stack without AWS credentials (environment-agnostic)', () => {
    const names = assembly.stacks.map(s => s.stackName).sort();
    expect(names).toEqual(['CacheStack', 'ConsumerStack', 'HandsOnStack', 'MemcachedStack', 'NetworkStack', 'ServerlessStack',
      'ShardedCacheStack']);
    for (const stack of assembly.stacks) {
      expect(stack.environment.account).toBe('unknown-account');
      expect(stack.environment.region).toBe('unknown-region');
    }
  });

  test('NetworkStack holds a subnet group over the isolated subnets and an allkeys-lru parameter group', () => {
    const template = templateOf('NetworkStack');
    template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'allkeys-lru' },
    });
  });

  test('MemcachedStack holds a 3-node cross-AZ Memcached cluster in the NetworkStack VPC, open to the app tier only', () => {
    const template = Template.fromJSON(assembly.getStackByName('MemcachedStack').template);
    template.resourceCountIs('AWS::ElastiCache::CacheCluster', 1);
    template.hasResourceProperties('AWS::ElastiCache::CacheCluster', {
      Engine: 'memcached',
      NumCacheNodes: 3,
      AZMode: 'cross-az',
      TransitEncryptionEnabled: true,
      Port: 11211,
    });
    // The subnets come from the NetworkStack (cross-stack imports), not from a VPC of its own.
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('^NetworkStack:') }]),
    });
    const ingress = template.findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.values(ingress)).toHaveLength(1);
    expect(Object.values(ingress)[0].Properties).toMatchObject({
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^AppSecurityGroup/), 'GroupId'] },
      Description: 'Application tier to Memcached',
    });
    template.hasOutput('ConfigurationEndpoint', {});
  });

  test('HandsOnStack is the seed hands-on configuration in the NetworkStack VPC', () => {
    const template = templateOf('HandsOnStack');
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      CacheNodeType: 'cache.t3.micro',
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      SnapshotRetentionLimit: 0,
      AutoMinorVersionUpgrade: true,
      CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^CacheSubnetGroup') },
    });
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('^NetworkStack:') }]),
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasOutput('PrimaryEndpoint', {});
  });

  test('no stack has a node type ElastiCache no longer creates (T2 is retired), nor warns nodeTypeRetired', () => {
    const nodeTypes = assembly.stacks.flatMap(stack => Object.values(stack.template.Resources as Record<string, {
      Type: string; Properties?: { CacheNodeType?: string };
    }>).filter(r => r.Type.startsWith('AWS::ElastiCache::')).map(r => r.Properties?.CacheNodeType).filter(t => t !== undefined));
    expect(nodeTypes.length).toBeGreaterThan(0);
    for (const nodeType of nodeTypes) {
      expect(nodeType).not.toMatch(/^cache\.(t1|t2|m1|m2|m3|r3|c1)\./);
    }
    const messages = assembly.stacks.flatMap(stack => stack.messages).map(m => String(m.entry.data));
    expect(messages.filter(m => m.includes('cdk-elasticache:nodeTypeRetired') || m.includes('cdk-elasticache:unknown'))).toEqual([]);
  });

  test('CacheStack: the production default (RBAC), a Lambda consumer allowed to connect and to read the app user\'s secret', () => {
    const template = templateOf('CacheStack');
    template.resourceCountIs('AWS::EC2::VPC', 0);
    const groups = template.findResources('AWS::ElastiCache::ReplicationGroup');
    const [cacheId] = Object.keys(groups);
    expect(groups[cacheId].Properties).toMatchObject({
      Engine: 'valkey', NumCacheClusters: 2, MultiAZEnabled: true, AutomaticFailoverEnabled: true,
      AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true, SnapshotRetentionLimit: 15,
      UserGroupIds: [{ Ref: expect.stringMatching(/^CacheUserGroup/) }],
    });
    expect(groups[cacheId].Properties.AuthToken).toBeUndefined();
    expect(groups[cacheId].DeletionPolicy).toBe('Snapshot');
    // The secret the consumer reads is the application user's: JSON { username: 'app', password }.
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}' }) },
    }));
    expect(secretId).toMatch(/^CacheAppUserSecret/);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'app',
      AuthenticationMode: { Type: 'password', Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId },
        ':SecretString:password::}}']] }] },
    });
    // The consumer may connect on the cache's port (the literal the template sets)...
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6379,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsumerSecurityGroup'), 'GroupId'] },
      Description: 'Consumer to the cache',
    });
    // ...and read the application user's credentials.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: secretId },
      })]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: {
        CACHE_HOST: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
        CACHE_PORT: { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
        CACHE_READER_HOST: { 'Fn::GetAtt': [cacheId, 'ReaderEndPoint.Address'] },
        CACHE_SECRET_ARN: { Ref: secretId },
      } },
    });
    for (const output of ['PrimaryEndpoint', 'ReaderEndpoint', 'AuthSecretArn']) {
      template.hasOutput(output, {});
    }
  });

  test('CacheStack is watched: recommended alarms to an SNS topic, a dashboard, the slow log in a new log group', () => {
    const template = templateOf('CacheStack');
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    // cache.t4g.micro (2 vCPUs) with a replica: CPU at 45%, memory, swap, evictions, connections, replication lag.
    expect(alarms.map(([id, a]) => [id.replace(/^CacheRecommendedAlarms|[0-9A-F]{8}$/g, ''), a.Properties.Threshold])).toEqual([
      ['CpuUtilization', 45], ['MemoryUsage', 80], ['SwapUsage', 52428800], ['Evictions', 0], ['CurrConnections', 52000],
      ['ReplicationLag', 5],
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [groupId] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } }));
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      LogDeliveryConfigurations: [{
        LogType: 'slow-log', LogFormat: 'json', DestinationType: 'cloudwatch-logs',
        DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: groupId } } },
      }],
    });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  test('ConsumerStack: a Lambda function of its own stack uses the CacheStack\'s group, without a dependency cycle', () => {
    const consumer = assembly.getStackByName('ConsumerStack');
    const cache = assembly.getStackByName('CacheStack');
    expect(consumer.dependencies.map(d => d.id).filter(id => !id.endsWith('.assets')).sort()).toEqual(['CacheStack', 'NetworkStack']);
    expect(JSON.stringify(cache.template)).not.toMatch(/ConsumerStack/);
    const template = Template.fromJSON(consumer.template);
    const fromCache = (name: string) => ({ 'Fn::ImportValue': Match.stringLikeRegexp(`^CacheStack:ExportsOutput.*${name}`) });
    // The ingress rules on the cache's group and on the Secrets Manager endpoint's are in this stack.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
      GroupId: fromCache('CacheSecurityGroup'),
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiSecurityGroup'), 'GroupId'] },
      Description: 'Api (ConsumerStack) to the cache',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443, GroupId: fromCache('SecretsManagerEndpointSecurityGroup'),
      Description: 'Api (ConsumerStack) to Secrets Manager',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: fromCache('CacheAppUserSecret'),
      })]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('^NetworkStack:') }]) }),
      Environment: { Variables: {
        CACHE_HOST: fromCache('PrimaryEndPointAddress'),
        CACHE_PORT: fromCache('PrimaryEndPointPort'),
        CACHE_SECRET_ARN: fromCache('CacheAppUserSecret'),
      } },
    });
  });

  test('ShardedCacheStack: a cluster-mode-enabled group, shards and replicas auto scaled, alarms by role, the app tier allowed in', () => {
    const stack = assembly.getStackByName('ShardedCacheStack');
    const template = Template.fromJSON(stack.template);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'enabled', CacheNodeType: 'cache.r7g.large', NumNodeGroups: 3, ReplicasPerNodeGroup: 2,
      CacheParameterGroupName: 'default.valkey8.cluster.on',
    });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { UpdatePolicy: { UseOnlineResharding: true } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'elasticache:replication-group:NodeGroups', MinCapacity: 3, MaxCapacity: 12,
      ScheduledActions: Match.arrayWith([Match.objectLike({ ScheduledActionName: 'WeekdayMornings', ScalableTargetAction: { MinCapacity: 6 } })]),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'elasticache:replication-group:Replicas', MinCapacity: 1, MaxCapacity: 3,
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 3);
    template.resourceCountIs('AWS::IAM::Role', 0);
    // Alarms by ReplicationGroupId + Role: no member id, which auto scaling would make stale.
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toMatch(/CacheClusterId/);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { Description: 'Application tier to the sharded cache' });
    template.hasOutput('ConfigurationEndpoint', {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'ConfigurationEndPoint.Address'] }, ':',
        { 'Fn::GetAtt': [Match.anyValue(), 'ConfigurationEndPoint.Port'] }]] },
    });
    // The capacity warnings are acknowledged; nothing else is left.
    const warnings = stack.messages.filter(m => m.level === 'warning').map(m => String(m.entry.data));
    expect(warnings).toEqual([]);
  });
});
