import { App, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  Authentication, CacheAuthMode, CacheEngine, ConnectionEnvironment, MemcachedCluster, RedisOssVersion, ReplicationGroup, User,
  UserAuthentication, UserGroup,
} from '../lib';

const CODE = lambda.Code.fromInline('exports.handler = async () => {}');

class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
  }
}

/** The acceptance app: VPC / cache with defaults (optionally a customer managed key) / consumer Lambda wired with the one call. */
function threeStackApp(withKey: boolean) {
  const app = new App();
  const network = new NetworkStack(app, 'Network');
  const cacheStack = new Stack(app, 'Cache');
  const key = withKey ? new kms.Key(cacheStack, 'Key') : undefined;
  const cache = new ReplicationGroup(cacheStack, 'Orders', { vpc: network.vpc, kmsKey: key });
  const consumerStack = new Stack(app, 'Consumer');
  const fn = new lambda.Function(consumerStack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, vpc: network.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const binding = cache.connectFrom(fn);
  // Synthesizing the whole app throws on a dependency cycle.
  const assembly = app.synth();
  return { app, assembly, network, cacheStack, consumerStack, cache, fn, binding,
    consumer: Template.fromStack(consumerStack), cacheTemplate: Template.fromStack(cacheStack) };
}

function importsOf(template: Template): string[] {
  return JSON.stringify(template.toJSON()).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
}

describe.each([false, true])('a three-stack app (kmsKey: %s)', withKey => {
  let t: ReturnType<typeof threeStackApp>;
  beforeAll(() => {
    t = threeStackApp(withKey);
  });

  test('synthesizes without a cycle: the consumer depends on the cache, never the reverse', () => {
    expect(t.consumerStack.dependencies.map(s => s.stackName)).toEqual(expect.arrayContaining(['Network', 'Cache']));
    expect(t.cacheStack.dependencies.map(s => s.stackName)).toEqual(['Network']);
    expect(importsOf(t.cacheTemplate).filter(i => i.includes('Consumer'))).toEqual([]);
  });

  test('the Lambda function has the documented variables', () => {
    const env = t.consumer.findResources('AWS::Lambda::Function')[Object.keys(t.consumer.findResources('AWS::Lambda::Function'))[0]]
      .Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['CACHE_AUTH', 'CACHE_ENGINE', 'CACHE_HOST', 'CACHE_ID', 'CACHE_PORT',
      'CACHE_READER_HOST', 'CACHE_SECRET_ARN', 'CACHE_TLS', 'CACHE_USER']);
    expect(env).toMatchObject({ CACHE_ENGINE: 'valkey', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password',
      CACHE_USER: 'app' });
    for (const name of ['CACHE_ID', 'CACHE_HOST', 'CACHE_READER_HOST', 'CACHE_SECRET_ARN']) {
      expect(env[name]).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Cache:ExportsOutput/) });
    }
    expect(t.binding.authMode).toBe(CacheAuthMode.RBAC_PASSWORD);
    expect(Object.keys(t.binding.environment).sort()).toEqual(Object.keys(env).sort());
  });

  test('the ingress rule on the cache port is in the consumer stack, from the function\'s security group', () => {
    t.consumer.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
      GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Cache:ExportsOutputFnGetAttOrdersSecurityGroup') },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiSecurityGroup'), 'GroupId'] },
    });
    expect(t.cacheTemplate.findResources('AWS::EC2::SecurityGroupIngress')).toEqual({});
  });

  test('read on the secret is an identity policy of the function\'s role', () => {
    t.consumer.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{
        Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { 'Fn::ImportValue': Match.stringLikeRegexp('^Cache:ExportsOutputRefOrdersAppUserSecret') },
      }]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^ApiServiceRole') }],
    });
    expect(t.cacheTemplate.findResources('AWS::SecretsManager::ResourcePolicy')).toEqual({});
  });

  test(withKey ? 'kms:Decrypt on the key, through Secrets Manager only; the key policy is untouched'
    : 'no KMS statement without a customer managed key', () => {
    const statements = Object.values(t.consumer.findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    const kmsStatements = statements.filter(s => JSON.stringify(s.Action).includes('kms:'));
    if (!withKey) {
      expect(kmsStatements).toEqual([]);
      return;
    }
    expect(kmsStatements).toEqual([{
      Effect: 'Allow', Action: 'kms:Decrypt',
      Resource: { 'Fn::ImportValue': expect.stringMatching(/^Cache:ExportsOutputFnGetAttKey/) },
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    }]);
    const keyPolicy = JSON.stringify(t.cacheTemplate.findResources('AWS::KMS::Key'));
    expect(keyPolicy).not.toContain('Consumer');
    expect(keyPolicy).not.toContain('ApiServiceRole');
  });

  test('snapshot of the consumer stack', () => {
    expect(t.consumer.toJSON()).toMatchSnapshot();
  });
});

test('across stacks, an AUTH token secret of the user\'s, encrypted with a key of the cache stack: no cycle', () => {
  const app = new App();
  const network = new NetworkStack(app, 'Network');
  const cacheStack = new Stack(app, 'Cache');
  const key = new kms.Key(cacheStack, 'TokenKey');
  const token = new secretsmanager.Secret(cacheStack, 'Token', { encryptionKey: key, generateSecretString: { excludePunctuation: true } });
  const cache = new ReplicationGroup(cacheStack, 'Legacy', { vpc: network.vpc, engine: RedisOssVersion.VER_5_0_6,
    authentication: Authentication.authTokenFromSecret(token) });
  const consumerStack = new Stack(app, 'Consumer');
  const fn = new lambda.Function(consumerStack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE,
    vpc: network.vpc });
  cache.connectFrom(fn);
  app.synth();
  Template.fromStack(consumerStack).hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([
    Match.objectLike({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } } }),
  ]) } });
  expect(JSON.stringify(Template.fromStack(cacheStack).toJSON())).not.toContain('Consumer');
});

describe('connectFrom in one stack', () => {
  function oneStack() {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, vpc });
    return { stack, vpc, fn };
  }

  test('opens the port with the same rule (and logical id) as connections.allowDefaultPortFrom', () => {
    const a = oneStack();
    new ReplicationGroup(a.stack, 'Cache', { vpc: a.vpc }).connectFrom(a.fn);
    const b = oneStack();
    new ReplicationGroup(b.stack, 'Cache', { vpc: b.vpc }).connections.allowDefaultPortFrom(b.fn);
    const rules = (s: Stack) => Template.fromStack(s).findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.keys(rules(a.stack))).toHaveLength(1);
    expect(rules(a.stack)).toEqual(rules(b.stack));
  });

  test('a connection name prefixes every variable, so one consumer can use two caches', () => {
    const { stack, vpc, fn } = oneStack();
    const orders = new ReplicationGroup(stack, 'Orders', { vpc });
    const sessions = new MemcachedCluster(stack, 'Sessions', { vpc });
    orders.connectFrom(fn, { name: 'orders' });
    const binding = sessions.connectFrom(fn, { name: 'user-sessions' });
    const env = Template.fromStack(stack).findResources('AWS::Lambda::Function').Fn1A78C7E5?.Properties?.Environment?.Variables
      ?? Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
    expect(Object.keys(env).filter(k => k.startsWith('CACHE_ORDERS_'))).toHaveLength(9);
    expect(env).toMatchObject({ CACHE_USER_SESSIONS_ENGINE: 'memcached', CACHE_USER_SESSIONS_PORT: '11211',
      CACHE_USER_SESSIONS_TLS: 'true', CACHE_USER_SESSIONS_AUTH: 'none' });
    expect(Object.keys(binding.environment).sort()).toEqual(['CACHE_USER_SESSIONS_AUTH', 'CACHE_USER_SESSIONS_ENGINE',
      'CACHE_USER_SESSIONS_HOST', 'CACHE_USER_SESSIONS_ID', 'CACHE_USER_SESSIONS_PORT', 'CACHE_USER_SESSIONS_TLS']);
    expect(ConnectionEnvironment.variableName(ConnectionEnvironment.HOST, 'user-sessions')).toBe('CACHE_USER_SESSIONS_HOST');
  });

  test('an IAM user gets elasticache:Connect on the group and the user, and no secret', () => {
    const { stack, vpc, fn } = oneStack();
    const iamUser = new User(stack, 'IamUser', { userId: 'app-iam', authentication: UserAuthentication.iam() });
    const group = new UserGroup(stack, 'Group', { users: [iamUser] });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.userGroup(group) });
    const binding = cache.connectFrom(fn, { user: iamUser });
    expect(binding.authMode).toBe(CacheAuthMode.IAM);
    expect(binding.environment).toMatchObject({ CACHE_AUTH: 'iam', CACHE_USER: 'app-iam' });
    expect(binding.environment.CACHE_SECRET_ARN).toBeUndefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{
      Effect: 'Allow', Action: 'elasticache:Connect',
      Resource: [
        { 'Fn::Join': ['', Match.arrayWith([':replicationgroup:', { Ref: Match.stringLikeRegexp('^Cache') }])] },
        { 'Fn::Join': ['', Match.arrayWith([':user:app-iam'])] },
      ],
    }] } });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('secretsmanager');
  });

  test('a password user of a given group: read on its own secret', () => {
    const { stack, vpc, fn } = oneStack();
    const user = new User(stack, 'Reporting', { userName: 'reporting' });
    const group = new UserGroup(stack, 'Group', { users: [user] });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.userGroup(group) });
    const binding = cache.connectFrom(fn, { user });
    expect(binding.environment).toMatchObject({ CACHE_AUTH: 'rbac-password', CACHE_USER: 'reporting' });
    expect(stack.resolve(binding.environment.CACHE_SECRET_ARN)).toEqual({ Ref: expect.stringMatching(/^ReportingSecret/) });
  });

  test('AUTH tokens: a generated token, and a field of a JSON secret', () => {
    const { stack, vpc, fn } = oneStack();
    const generated = new ReplicationGroup(stack, 'Legacy', { vpc, engine: RedisOssVersion.VER_5_0_6 }).connectFrom(fn, { name: 'legacy' });
    expect(generated.environment).toMatchObject({ CACHE_LEGACY_ENGINE: 'redis', CACHE_LEGACY_AUTH: 'auth-token' });
    expect(generated.environment.CACHE_LEGACY_SECRET_FIELD).toBeUndefined();
    const secret = new secretsmanager.Secret(stack, 'Token');
    const fromJson = new ReplicationGroup(stack, 'Json', { vpc, authentication: Authentication.authTokenFromSecret(secret, 'token') })
      .connectFrom(fn, { name: 'json' });
    expect(fromJson.environment).toMatchObject({ CACHE_JSON_AUTH: 'auth-token', CACHE_JSON_SECRET_FIELD: 'token' });
  });

  test('no authentication: no grant, CACHE_AUTH none, CACHE_TLS false', () => {
    const { stack, vpc, fn } = oneStack();
    const binding = new ReplicationGroup(stack, 'Cache', { vpc, transitEncryption: false }).connectFrom(fn);
    expect(binding.environment).toMatchObject({ CACHE_AUTH: 'none', CACHE_TLS: 'false' });
    expect(binding.environment.CACHE_SECRET_ARN).toBeUndefined();
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'))).not.toContain('secretsmanager');
  });

  test('an ECS service: the port from the service, the grant to the task role, the variables on the container', () => {
    const { stack, vpc } = oneStack();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    const container = taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22') });
    const service = new ecs.FargateService(stack, 'Service', { cluster: new ecs.Cluster(stack, 'Cluster', { vpc }), taskDefinition });
    cache.connectFrom(service, { grantee: taskDefinition.taskRole, container });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({
      Environment: Match.arrayWith([{ Name: 'CACHE_PORT', Value: '6379' }, { Name: 'CACHE_AUTH', Value: 'rbac-password' }]),
    })] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6379, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceSecurityGroup'), 'GroupId'] },
    });
  });

  test('imported caches: the variables from the attributes, the library\'s defaults where not given', () => {
    const { stack, fn } = oneStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'orders-app');
    const group = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Orders', {
      replicationGroupId: 'orders', primaryEndpointAddress: 'master.orders.example', port: 6380, securityGroups: [sg], authSecret: secret,
    });
    expect(group.connectFrom(fn).environment).toEqual({ CACHE_ENGINE: 'valkey', CACHE_ID: 'orders', CACHE_HOST: 'master.orders.example',
      CACHE_PORT: '6380', CACHE_TLS: 'true', CACHE_AUTH: 'rbac-password', CACHE_SECRET_ARN: secret.secretArn });
    const legacy = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Legacy', {
      replicationGroupId: 'legacy', primaryEndpointAddress: 'legacy.example', readerEndpointAddress: 'legacy-ro.example', port: 6379,
      securityGroups: [sg], authSecret: secret, engine: CacheEngine.REDIS_OSS, authMode: CacheAuthMode.AUTH_TOKEN,
    });
    expect(legacy.connectFrom(fn, { name: 'legacy' }).environment).toMatchObject({ CACHE_LEGACY_ENGINE: 'redis',
      CACHE_LEGACY_AUTH: 'auth-token', CACHE_LEGACY_READER_HOST: 'legacy-ro.example' });
    // A secret imported by name: the policy takes the random suffix into account, as grantRead does.
    expect(JSON.stringify(stack.resolve(Template.fromStack(stack).findResources('AWS::IAM::Policy')))).toContain('secret:orders-app-??????');
    const memcached = MemcachedCluster.fromMemcachedClusterAttributes(stack, 'Mc', {
      clusterName: 'mc', configurationEndpointAddress: 'mc.cfg.example', port: 11211, securityGroups: [sg], transitEncryption: false,
    });
    expect(memcached.connectFrom(fn, { name: 'mc' }).environment).toEqual({ CACHE_MC_ENGINE: 'memcached', CACHE_MC_ID: 'mc',
      CACHE_MC_HOST: 'mc.cfg.example', CACHE_MC_PORT: '11211', CACHE_MC_TLS: 'false', CACHE_MC_AUTH: 'none' });
  });

  test('an imported cache without security groups warns: no rule can be added', () => {
    const { stack, fn } = oneStack();
    ReplicationGroup.fromReplicationGroupAttributes(stack, 'Orders', { replicationGroupId: 'orders', primaryEndpointAddress: 'h', port: 6379 })
      .connectFrom(fn);
    Annotations.fromStack(stack).hasWarning('/Stack/Orders', Match.stringLikeRegexp('connectFromNoSecurityGroups'));
  });

  describe('invalid calls', () => {
    const cases: Array<[string, (s: ReturnType<typeof oneStack>) => void, string]> = [
      ['a bad connection name', ({ stack, vpc, fn }) => new ReplicationGroup(stack, 'C', { vpc }).connectFrom(fn, { name: 'orders.v2' }),
        "Invalid connectFrom name: got 'orders.v2'. Allowed: a letter, then letters, digits, '-' or '_', at most 32"],
      ['a given user group without a user', ({ stack, vpc, fn }) => {
        const group = new UserGroup(stack, 'G', { users: [new User(stack, 'U', { userName: 'u' })] });
        new ReplicationGroup(stack, 'C', { vpc, authentication: Authentication.userGroup(group) }).connectFrom(fn);
      }, 'Invalid connectFrom user: got nothing. Allowed: the user of the group the consumer connects as ({ user }); with '
        + 'Authentication.userGroup(group) the construct cannot choose one.'],
      ['a user on a cache with an AUTH token', ({ stack, vpc, fn }) => {
        const user = new User(stack, 'U', { userId: 'u' });
        new ReplicationGroup(stack, 'C', { vpc, authentication: Authentication.generatedAuthToken() }).connectFrom(fn, { user });
      }, "Invalid connectFrom user: got the user 'u'. Allowed: no user on a cache with an AUTH token; users need RBAC (a user group)."],
      ['a no-password user', ({ stack, vpc, fn }) => {
        const user = new User(stack, 'U', { userId: 'np', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.noPassword() });
        const group = new UserGroup(stack, 'G', { engine: CacheEngine.REDIS_OSS, users: [user] });
        new ReplicationGroup(stack, 'C', { vpc, engine: RedisOssVersion.VER_7_1, authentication: Authentication.userGroup(group) })
          .connectFrom(fn, { user });
      }, "Invalid connectFrom user: got the no-password user 'np'. Allowed: a password or IAM user"],
      ['a password user without a known secret', ({ stack, vpc, fn }) => {
        const user = User.fromUserAttributes(stack, 'U', { userId: 'ext', userName: 'ext', authenticationType: undefined });
        const group = new UserGroup(stack, 'G', { users: [new User(stack, 'Own', { userName: 'own' })] });
        new ReplicationGroup(stack, 'C', { vpc, authentication: Authentication.userGroup(group) }).connectFrom(fn, { user });
      }, "Invalid connectFrom secret: got nothing for the user 'ext'. Allowed: the secret with the user's { \"username\", \"password\" }"],
      ['an AUTH token without a secret', ({ stack, vpc, fn }) => new ReplicationGroup(stack, 'C', { vpc,
        authentication: Authentication.authToken(SecretValue.unsafePlainText('a-literal-token-of-32-characters')) }).connectFrom(fn),
      'Invalid connectFrom secret: got nothing. Allowed: the secret that holds the AUTH token ({ secret }); '
        + 'Authentication.authToken(value) gives consumers nothing to read'],
      ['a consumer that is not IGrantable, with a secret to grant', ({ stack, vpc }) => {
        const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
        new ReplicationGroup(stack, 'C', { vpc }).connectFrom({ connections: new ec2.Connections({ securityGroups: [sg] }) });
      }, 'Invalid connectFrom grantee: got nothing (the consumer is not IGrantable). Allowed: the principal the consumer runs as'],
      ['an imported group without a port', ({ stack, fn }) => ReplicationGroup.fromReplicationGroupAttributes(stack, 'C', {
        replicationGroupId: 'c' }).connectFrom(fn),
      'Cannot read primaryEndpoint of an imported replication group without primaryEndpointAddress'],
      ['a user on a Memcached cluster', ({ stack, vpc, fn }) => new MemcachedCluster(stack, 'C', { vpc })
        .connectFrom(fn, { user: new User(stack, 'U', { userId: 'u' }) }),
      'Invalid connectFrom user: got a value. Allowed: none on a Memcached cluster, which has no authentication.'],
    ];
    test.each(cases)('%s', (_name, call, message) => {
      expect(() => call(oneStack())).toThrow(message);
    });
  });

  test('a consumer that is not IGrantable still gets the port and the variables when nothing is to be granted', () => {
    const { stack, vpc } = oneStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const binding = new MemcachedCluster(stack, 'C', { vpc }).connectFrom({ connections: new ec2.Connections({ securityGroups: [sg] }) });
    expect(binding.environment.CACHE_ENGINE).toBe('memcached');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 11211, ToPort: 11211, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] },
    });
  });

  test('the grantee option overrides the consumer as the principal', () => {
    const { stack, vpc, fn } = oneStack();
    const role = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new ReplicationGroup(stack, 'C', { vpc }).connectFrom(fn, { grantee: role });
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies.map(p => p.Properties.Roles)).toEqual([[{ Ref: expect.stringMatching(/^Other/) }]]);
  });
});

describe('connectFrom() twice on one consumer: each connection needs its own name', () => {
  function setup() {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const orders = new ReplicationGroup(stack, 'Orders', { vpc });
    const sessions = new MemcachedCluster(stack, 'Sessions', { vpc });
    const fn = new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, vpc });
    return { stack, vpc, orders, sessions, fn };
  }

  test.each<[string, string | undefined, string | undefined, string]>([
    ['no name twice', undefined, undefined, "Invalid connectFrom name: got none again. The consumer is already connected to S/Orders with no name: "
      + "its CACHE_HOST... variables would be overwritten. Allowed: a different name on each connectFrom() of one consumer, such as "
      + "{ name: 'sessions' } (CACHE_SESSIONS_HOST...)."],
    ['a name twice, in another spelling', 'cart-cache', 'CART_CACHE', "Invalid connectFrom name: got 'CART_CACHE'. The consumer is already "
      + 'connected to S/Orders with that name: its CACHE_CART_CACHE_HOST... variables would be overwritten.'],
  ])('%s: a CacheValidationError saying to name them', (_label, first, second, message) => {
    const { orders, sessions, fn } = setup();
    orders.connectFrom(fn, first === undefined ? {} : { name: first });
    expect(() => sessions.connectFrom(fn, second === undefined ? {} : { name: second })).toThrow(expect.objectContaining({
      name: 'CacheValidationError', message: expect.stringContaining(message),
    }));
  });

  test('the same cache twice without a name is refused too; different names, or different consumers, are fine', () => {
    const { stack, vpc, orders, sessions, fn } = setup();
    orders.connectFrom(fn);
    expect(() => orders.connectFrom(fn)).toThrow(/already connected to this cache with no name/);
    sessions.connectFrom(fn, { name: 'sessions' });
    const other = new lambda.Function(stack, 'Worker', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, vpc });
    orders.connectFrom(other);
    sessions.connectFrom(other, { name: 'sessions' });
    const env = Template.fromStack(stack).findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)]
      .Properties.Environment.Variables;
    expect(Object.keys(env).filter(k => k.endsWith('HOST')).sort()).toEqual(['CACHE_HOST', 'CACHE_READER_HOST', 'CACHE_SESSIONS_HOST']);
  });

  test('two containers of one task definition each get their connection without a name; one container twice is refused', () => {
    const { stack, vpc, orders, sessions } = setup();
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    const web = taskDefinition.addContainer('Web', { image: ecs.ContainerImage.fromRegistry('web') });
    const jobs = taskDefinition.addContainer('Jobs', { image: ecs.ContainerImage.fromRegistry('jobs') });
    const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
    orders.connectFrom(service, { grantee: taskDefinition.taskRole, container: web });
    sessions.connectFrom(service, { container: jobs });
    expect(() => sessions.connectFrom(service, { container: web })).toThrow(/already connected to S\/Orders with no name/);
  });
});

describe('a consumer that cannot reach Secrets Manager for its password: a warning naming the fix', () => {
  const WARNING = /cdk-elasticache:consumerCannotReachSecretsManager/;

  function warningsOf(stack: Stack): string[] {
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('consumerCannotReachSecretsManager'))
      .map(w => `${w.id} ${String(w.entry.data)}`);
  }

  function isolatedApp(subnetConfiguration?: ec2.SubnetConfiguration[], natGateways = 0) {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways, subnetConfiguration: subnetConfiguration ?? [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
    const stack = new Stack(app, 'App');
    return { app, network, vpc, stack };
  }
  const fnIn = (stack: Stack, vpc: ec2.IVpc, subnetType = ec2.SubnetType.PRIVATE_ISOLATED) => new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, vpc, vpcSubnets: { subnetType },
  });

  test('isolated subnets, no NAT, no endpoint, a password in a secret: warned on the consumer, with the fix', () => {
    const { vpc, stack } = isolatedApp();
    new ReplicationGroup(stack, 'Cache', { vpc }).connectFrom(fnIn(stack, vpc));
    expect(warningsOf(stack)).toEqual([expect.stringMatching(new RegExp('^/App/Api connectFrom\\(\\): this consumer reads its cache password '
      + 'from Secrets Manager, but runs in isolated subnets \\(2 of 2\\) of a VPC without a NAT route or a Secrets Manager interface endpoint: '
      + 'the read times out. Add vpc.addInterfaceEndpoint\\(\'SecretsManager\', \\{ service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER \\}\\), '
      + 'or run it in PRIVATE_WITH_EGRESS subnets'))]);
    expect(warningsOf(stack)[0]).toMatch(WARNING);
  });

  test('the endpoint added after connectFrom() counts: the check runs at synthesis', () => {
    const { vpc, stack, network } = isolatedApp();
    new ReplicationGroup(stack, 'Cache', { vpc }).connectFrom(fnIn(stack, vpc));
    vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    expect(warningsOf(stack)).toEqual([]);
    expect(Template.fromStack(network).resourceCountIs('AWS::EC2::VPCEndpoint', 1));
  });

  test.each<[string, (s: ReturnType<typeof isolatedApp>) => void]>([
    ['an endpoint of another service', ({ vpc }) => vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS })],
    ['a Secrets Manager endpoint without private DNS', ({ vpc }) => vpc.addInterfaceEndpoint('Sm', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, privateDnsEnabled: false,
    })],
    ['a Secrets Manager endpoint in another VPC', ({ network }) => new ec2.Vpc(network, 'Other', { maxAzs: 1, natGateways: 0 })
      .addInterfaceEndpoint('Sm', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER })],
  ])('%s does not help: still warned', (_label, add) => {
    const app = isolatedApp();
    new ReplicationGroup(app.stack, 'Cache', { vpc: app.vpc }).connectFrom(fnIn(app.stack, app.vpc));
    add(app);
    expect(warningsOf(app.stack)).toHaveLength(1);
  });

  test('an ECS service in isolated subnets is warned as well', () => {
    const { vpc, stack } = isolatedApp();
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    const container = taskDefinition.addContainer('Web', { image: ecs.ContainerImage.fromRegistry('web') });
    const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    new ReplicationGroup(stack, 'Cache', { vpc }).connectFrom(service, { grantee: taskDefinition.taskRole, container });
    expect(warningsOf(stack)).toEqual([expect.stringMatching(/^\/App\/Service connectFrom\(\): .*isolated subnets \(2 of 2\)/)]);
  });

  test.each<[string, () => Stack]>([
    ['private subnets with a NAT route', () => {
      const { vpc, stack } = isolatedApp([
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ], 1);
      new ReplicationGroup(stack, 'Cache', { vpc }).connectFrom(fnIn(stack, vpc, ec2.SubnetType.PRIVATE_WITH_EGRESS));
      return stack;
    }],
    ['a cache without a secret (Memcached)', () => {
      const { vpc, stack } = isolatedApp();
      new MemcachedCluster(stack, 'Cache', { vpc }).connectFrom(fnIn(stack, vpc));
      return stack;
    }],
    ['an IAM user (no secret to read)', () => {
      const { vpc, stack } = isolatedApp();
      const user = new User(stack, 'Reader', { userId: 'reader', authentication: UserAuthentication.iam() });
      const cache = new ReplicationGroup(stack, 'Cache', { vpc, authentication: Authentication.userGroup(new UserGroup(stack, 'G', { users: [user] })) });
      cache.connectFrom(fnIn(stack, vpc), { user });
      return stack;
    }],
    ['an imported VPC: its NAT routes and endpoints are not in the app, so nothing is known', () => {
      const { stack } = isolatedApp();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'],
      });
      new ReplicationGroup(stack, 'Cache', { vpc }).connectFrom(fnIn(stack, vpc));
      return stack;
    }],
  ])('%s: no warning', (_label, build) => {
    expect(warningsOf(build())).toEqual([]);
  });
});
