import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessString,
  Authentication,
  CacheEngine,
  RedisOssVersion,
  ReplicationGroup,
  ServerlessCache,
  ServerlessEngine,
  User,
  UserAuthentication,
  UserGroup,
} from '../../lib';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const ROTATION_SOURCE = path.join(__dirname, '..', '..', 'lib', 'rotation', 'index.js');

function vpcIn(stack: Stack): ec2.IVpc {
  const existing = stack.node.tryFindChild('Vpc') as ec2.IVpc | undefined;
  return existing ?? ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
}

function stackIn(app: App, id: string): Stack {
  return new Stack(app, id, { env: ENV });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } } | unknown): string {
  return stack.getLogicalId(construct as never);
}

const userArn = (userId: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:elasticache:eu-west-1:123456789012:user:${userId}`]] });

describe('cache.addRotation() on the default cache (generated user group)', () => {
  const app = new App();
  const stack = stackIn(app, 'Valkey');
  const cache = new ReplicationGroup(stack, 'Cache', { vpc: vpcIn(stack) });
  cache.addRotation();
  const second = new ReplicationGroup(stack, 'Second', { vpc: vpcIn(stack), engine: RedisOssVersion.VER_7_1 });
  second.addRotation({ automaticallyAfter: Duration.hours(6) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const appUser = cache.applicationUser!;
  const defaultUser = cache.node.findChild('DefaultUser') as User;
  const fnId = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
  const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];

  test('one function per stack, shared by every rotation in it', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    // the Valkey cache: app and default user; the Redis OSS cache: the app user (its default user has no password)
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 3);
    const lambdas = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'))
      .map(r => r.Properties.RotationLambdaARN);
    expect(lambdas).toEqual(Array(3).fill({ 'Fn::GetAtt': [fnId, 'Arn'] }));
    expect(fnId).toMatch(/^CdkElastiCacheRotationFunction/);
  });

  test('the function: the shipped handler on the newest Node.js runtime, its own role and log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 256,
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^CdkElastiCacheRotationLogGroup') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    // no managed policy (AWSLambdaBasicExecutionRole would allow writing to every log group)
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('Secrets Manager may invoke it, for secrets of this account only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '123456789012',
    });
  });

  test('least privilege: one customer managed policy, each user and each secret by ARN, nothing on *', () => {
    expect(template.findResources('AWS::IAM::Policy')).toEqual({});
    const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0];
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>;
    expect(JSON.stringify(statements)).not.toContain('"*"');
    const secretId = (u: User) => ({ Ref: logicalIdOf(stack, u.secret!.node.defaultChild) });
    const redisUser = second.applicationUser!;
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Action: ['elasticache:DescribeUsers', 'elasticache:ModifyUser'], Effect: 'Allow',
        Resource: [userArn(defaultUser.userId), userArn(appUser.userId), userArn(redisUser.userId)] },
      { Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage'], Effect: 'Allow',
      Resource: [secretId(defaultUser), secretId(appUser), secretId(redisUser)] },
    ]);
    expect(logGroupId).toMatch(/^CdkElastiCacheRotationLogGroup/);
    // the function starts once its permissions exist
    expect(resources[fnId].DependsOn).toEqual(expect.arrayContaining([policyId, roleId]));
  });

  test('the secrets are tagged with what they are the password of (the handler reads the tags)', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretStringTemplate: Match.absent(),
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}' }),
      Tags: [{ Key: 'cdk-elasticache:rotation', Value: 'user' }, { Key: 'cdk-elasticache:user-id', Value: appUser.userId }],
    });
    expect(appUser.userId).toMatch(/^valkey-cache-appuser-/);
  });

  test('the schedule: 30 days by default, hours as a rate; after the function, the user and the cache', () => {
    const appSchedule = resources[logicalIdOf(stack, cache.node.findChild('AppUserRotation'))];
    expect(appSchedule.Properties).toEqual({
      SecretId: { Ref: logicalIdOf(stack, appUser.secret!.node.defaultChild) },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    expect(appSchedule.DependsOn).toEqual(expect.arrayContaining([
      logicalIdOf(stack, appUser.node.defaultChild), logicalIdOf(stack, cache.node.defaultChild), fnId, roleId,
      expect.stringMatching(/^CdkElastiCacheRotationPolicy/),
      expect.stringMatching(/^CdkElastiCacheRotationFunctionInvokeBySecretsManager/),
    ]));
    const redisSchedule = resources[logicalIdOf(stack, second.node.findChild('AppUserRotation'))];
    expect(redisSchedule.Properties!.RotationRules).toEqual({ ScheduleExpression: 'rate(6 hours)' });
  });

  test('the function asset holds exactly the handler, byte for byte, and it loads without aws-cdk-lib', () => {
    const assembly = app.synth();
    const assets = fs.readdirSync(assembly.directory).filter(f => f.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const assetDir = path.join(assembly.directory, assets[0]);
    expect(fs.readdirSync(assetDir)).toEqual(['index.js']);
    expect(fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8')).toEqual(fs.readFileSync(ROTATION_SOURCE, 'utf8'));
    const source = fs.readFileSync(ROTATION_SOURCE, 'utf8');
    expect(source.match(/require\('[^']+'\)/g)).toEqual([
      "require('node:crypto')", "require('node:net')", "require('node:tls')", "require('@aws-sdk/client-secrets-manager')",
      "require('@aws-sdk/client-elasticache')",
    ]);
  });
});

describe('cache.addRotation() with a generated AUTH token', () => {
  const stack = stackIn(new App(), 'Auth');
  const key = new kms.Key(stack, 'Key');
  const cache = new ReplicationGroup(stack, 'Cache', {
    vpc: vpcIn(stack), engine: RedisOssVersion.VER_7_1, kmsKey: key, authentication: Authentication.generatedAuthToken(),
  });
  cache.addRotation({ automaticallyAfter: Duration.days(7), rotateImmediatelyOnUpdate: false });
  const template = Template.fromStack(stack);
  const groupId = (cache.node.defaultChild as CfnReplicationGroup).replicationGroupId!;

  test('tags the token with the group, grants ModifyReplicationGroup on that group only', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: [{ Key: 'cdk-elasticache:replication-group-id', Value: groupId }, { Key: 'cdk-elasticache:rotation', Value: 'auth-token' }],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{
        Action: ['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'], Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:elasticache:eu-west-1:123456789012:replicationgroup:${groupId}`]] },
      }]) },
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { AutomaticallyAfterDays: 7 }, RotateImmediatelyOnUpdate: false,
    });
  });

  test('the customer managed key: encrypt and decrypt through Secrets Manager only, in the function\'s policy (not the key policy)', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as never), 'Arn'] },
      }]) },
    });
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    const keyPolicy = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
    expect(JSON.stringify(keyPolicy)).not.toContain(roleId);
  });

  test('an imported key gets the same statement (aws-cdk-lib\'s grant through Secrets Manager would add nothing for it)', () => {
    const other = stackIn(new App(), 'Imported');
    const imported = kms.Key.fromKeyArn(other, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/k');
    new ReplicationGroup(other, 'Cache', { vpc: vpcIn(other), kmsKey: imported }).addRotation();
    Template.fromStack(other).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      })]) },
    });
  });
});

describe('serverlessCache.addRotation()', () => {
  const app = new App();
  const stack = stackIn(app, 'Serverless');
  const cache = new ServerlessCache(stack, 'Cache', { vpc: vpcIn(stack) });
  cache.addRotation({ automaticallyAfter: Duration.days(7) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const appUser = cache.applicationUser!;
  const defaultUser = cache.node.findChild('DefaultUser') as User;

  test('rotates the generated users\' passwords with the stack\'s one function, after the cache exists', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const schedule = resources[logicalIdOf(stack, cache.node.findChild('AppUserRotation'))];
    expect(schedule.Properties).toEqual({
      SecretId: { Ref: logicalIdOf(stack, appUser.secret!.node.defaultChild) },
      RotationLambdaARN: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Lambda::Function'))[0], 'Arn'] },
      RotationRules: { AutomaticallyAfterDays: 7 },
    });
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(stack, cache.node.defaultChild)]));
    expect(cache.node.tryFindChild('DefaultUserRotation')).toBeDefined();
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(`:user:${defaultUser.userId}`);
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(`:user:${appUser.userId}`);
  });

  test('with a vpc, it warns that the check is through the API only; Memcached (no users) is refused', () => {
    const other = stackIn(new App(), 'Other');
    const inVpc = new ServerlessCache(other, 'Cache', { vpc: vpcIn(other) });
    inVpc.addRotation({ vpc: vpcIn(other) });
    Annotations.fromStack(other).hasWarning('/Other/Cache', Match.stringLikeRegexp('rotationVpcWithoutCheck'));
    const memcached = new ServerlessCache(other, 'Memcached', { vpc: vpcIn(other), engine: ServerlessEngine.MEMCACHED_1_6 });
    expect(() => memcached.addRotation())
      .toThrow(/Invalid addRotation: got a serverless cache with .*Allowed: a serverless cache with Authentication.generatedUserGroup\(\)/);
  });
});

describe('user.addRotation()', () => {
  test('a user of your own group; the schedule is returned for dependencies', () => {
    const stack = stackIn(new App(), 'Users');
    const user = new User(stack, 'Orders', { userName: 'orders', accessString: AccessString.keyPrefix('orders:') });
    new UserGroup(stack, 'Group', { users: [user] });
    const schedule = user.addRotation({ automaticallyAfter: Duration.days(90) });
    const template = Template.fromStack(stack);
    expect(schedule.node.path).toBe('Users/OrdersRotation');
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { AutomaticallyAfterDays: 90 } });
    template.hasResource('AWS::SecretsManager::RotationSchedule', {
      DependsOn: Match.arrayWith([stack.getLogicalId(user.node.defaultChild as never)]),
    });
    // the group does not wait for the schedule (which would be a cycle once the schedule waits for a cache)
    const group = Object.values(template.findResources('AWS::ElastiCache::UserGroup'))[0];
    expect(group.DependsOn ?? []).not.toContain(stack.getLogicalId(schedule));
  });

  test('with a vpc, a user warns that only a cache can check the password on the server; a cache does not warn', () => {
    const stack = stackIn(new App(), 'Users');
    const vpc = vpcIn(stack);
    new User(stack, 'Orders', { userName: 'orders' }).addRotation({ vpc });
    new ReplicationGroup(stack, 'Cache', { vpc }).addRotation({ vpc });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-elasticache:rotationVpcWithoutCheck'));
    expect(warnings.map(w => w.id)).toEqual(['/Users/Orders']);
    expect(warnings[0].entry.data).toMatch(/a user does not know its cache, so testSecret checks the new password through the API only/);
  });

  test.each([
    ['a user with passwords you hold', () => UserAuthentication.password([SecretValue.unsafePlainText('Password0123456789')]), 'a user with password authentication and no generated password'],
    ['an IAM user', () => UserAuthentication.iam(), 'a user with iam authentication and no generated password'],
  ])('%s is rejected', (_name, auth, message) => {
    const stack = stackIn(new App(), 'Users');
    const user = new User(stack, 'U', { userName: 'u', engine: CacheEngine.VALKEY, authentication: auth() }) as User;
    expect(() => user.addRotation()).toThrow(`Users/U: Invalid addRotation: got ${message}. Allowed: a user with `
      + 'UserAuthentication.generatedPassword()');
  });
});

describe('validation', () => {
  test.each([
    [Duration.hours(2), '2 hours'],
    [Duration.hours(30), '1 day 6 hours'],
    [Duration.days(1001), '1001 days'],
    [Duration.minutes(90), '1 hour 30 minutes'],
  ])('automaticallyAfter %s', (after, shown) => {
    const stack = stackIn(new App(), 'S');
    const cache = new ReplicationGroup(stack, 'Cache', { vpc: vpcIn(stack) });
    expect(() => cache.addRotation({ automaticallyAfter: after })).toThrow(`Invalid automaticallyAfter: got '${shown}'. Allowed: whole `
      + 'days from 1 to 1000, or whole hours from 4 to 23');
  });

  test('a second addRotation', () => {
    const stack = stackIn(new App(), 'S');
    const cache = new ReplicationGroup(stack, 'Cache', { vpc: vpcIn(stack) });
    cache.addRotation();
    expect(() => cache.addRotation()).toThrow('Invalid addRotation: got \'a second call\'. Allowed: one rotation per secret');
  });

  test.each([
    ['an AUTH token you hold', (stack: Stack) => Authentication.authTokenFromSecret(new secretsmanager.Secret(stack, 'Token')), 'an AUTH token'],
    ['a user group of yours', (stack: Stack) => Authentication.userGroup(new UserGroup(stack, 'Group', {
      users: [new User(stack, 'Default', { userName: 'default', accessString: AccessString.disabled() })],
    })), 'a user group'],
    ['no authentication', () => Authentication.none(), 'no authentication'],
  ])('a cache with %s', (_name, auth, description) => {
    const stack = stackIn(new App(), 'S');
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc: vpcIn(stack), authentication: auth(stack), transitEncryption: description !== 'no authentication',
    });
    expect(() => cache.addRotation()).toThrow(`S/Cache: Invalid addRotation: got a replication group with ${description}. Allowed: a replication group `
      + 'with Authentication.generatedUserGroup() (the default) or Authentication.generatedAuthToken()');
  });
});

describe('cache.addRotation({ vpc }): the function in the VPC, with the data-plane check', () => {
  const stack = stackIn(new App(), 'InVpc');
  const vpc = vpcIn(stack);
  const cache = new ReplicationGroup(stack, 'Cache', { vpc });
  cache.addRotation({ vpc });
  const template = Template.fromStack(stack);
  const groupId = (cache.node.defaultChild as CfnReplicationGroup).replicationGroupId!;
  const sgs = template.findResources('AWS::EC2::SecurityGroup');
  const fnSg = Object.keys(sgs).find(id => id.startsWith('CdkElastiCacheRotationInVpc'))!;

  test('the function runs in the private subnets with its own security group and the check switched on', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: [{ 'Fn::GetAtt': [fnSg, 'GroupId'] }] },
      Environment: { Variables: Match.objectLike({ CDK_ELASTICACHE_DATA_PLANE_CHECK: 'true' }) },
    });
    expect(fnSg).toBeDefined();
  });

  test('the function\'s security group lets out HTTPS (the AWS APIs) and the cache\'s port to the cache, nothing else', () => {
    const cacheSg = Object.keys(sgs).find(id => id.startsWith('CacheSecurityGroup'))!;
    expect(sgs[fnSg].Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to the AWS APIs (Secrets Manager, ElastiCache)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map(r => r.Properties);
    expect(egress).toEqual([expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [cacheSg, 'GroupId'] },
    })]);
  });

  test('the cache lets the function in on its port; the user secrets name the group, which the function may describe', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}' }),
      Tags: Match.arrayWith([{ Key: 'cdk-elasticache:replication-group-id', Value: groupId }]),
    });
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'elasticache:DescribeReplicationGroups', Effect: 'Allow', Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }) },
      // what Lambda needs to place a function in a VPC (the one statement on *)
      { Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Effect: 'Allow', Resource: '*' },
    ]));
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });
});
