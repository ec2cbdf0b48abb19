import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  Authentication, MemcachedCluster, RedisOssVersion, ReplicationGroup, User, UserAuthentication, UserGroup,
} from '../lib';

/**
 * A consumer in another stack, as applications are put together: a VPC stack, a cache stack and a
 * consumer stack whose Lambda functions (in the VPC) read the cache's endpoint and secret, wired with
 * the README's one-liners, both ways round. Each app must synthesize without a dependency cycle, with
 * what the consumers add (ingress rules, key grants) in the consumer's stack.
 */

interface ThreeStacks {
  readonly app: App;
  readonly network: Stack;
  readonly cacheStack: Stack;
  readonly vpc: ec2.Vpc;
}

function threeStacks(): ThreeStacks {
  const app = new App();
  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ] });
  const cacheStack = new Stack(app, 'Cache');
  // The consumer stack is created by each test after the cache stack, as an app creates the stacks that use a cache.
  return { app, network, cacheStack, vpc };
}

function consumer(scope: Stack, id: string, vpc: ec2.IVpc, environment: Record<string, string>): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => process.env.CACHE_HOST;'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    environment,
  });
}

/** Synthesizes (throws on a dependency cycle) and returns the templates. */
function synth(app: App): Record<string, Template> {
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map(s => [s.stackName, Template.fromJSON(s.template)]));
}

/** The names of the stacks a template imports from. */
function importsFrom(template: Template): string[] {
  const text = JSON.stringify(template.toJSON());
  return [...new Set([...text.matchAll(/"Fn::ImportValue":"([A-Za-z0-9]+):/g)].map(m => m[1]))].sort();
}

function ingressRules(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties);
}

/** The statements of every IAM policy of a template. */
function policyStatements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
}

function keyPolicyPrincipals(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::KMS::Key')).flatMap(k => k.Properties.KeyPolicy.Statement.map((s: { Principal: unknown }) => s.Principal));
}

/** The identity statement that grants the key through Secrets Manager, as aws-cdk-lib's key grant reads. */
const VIA_SECRETS_MANAGER = {
  'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
};

describe('a replication group used from another stack', () => {
  for (const withKey of [false, true]) {
    describe(withKey ? 'with a customer managed key of the cache stack' : 'with AWS managed keys', () => {
      const s = threeStacks();
      const key = withKey ? new kms.Key(s.cacheStack, 'Key') : undefined;
      const cache = new ReplicationGroup(s.cacheStack, 'Sessions', { vpc: s.vpc, kmsKey: key });
      // A Redis OSS 5 group: an AUTH token in a generated secret.
      const legacy = new ReplicationGroup(s.cacheStack, 'Legacy', {
        vpc: s.vpc, kmsKey: key, engine: RedisOssVersion.VER_5_0_6, authentication: Authentication.generatedAuthToken(),
      });
      const consumerStack = new Stack(s.app, 'Consumer');
      const env = { CACHE_HOST: cache.primaryEndpoint.hostname, CACHE_SECRET: cache.authSecret!.secretArn };
      // The README's idiom from the cache's side...
      const fromCacheSide = consumer(consumerStack, 'Api', s.vpc, env);
      cache.connections.allowDefaultPortFrom(fromCacheSide, 'Api to the cache');
      cache.authSecret!.grantRead(fromCacheSide);
      // ...and from the consumer's side.
      const fromConsumerSide = consumer(consumerStack, 'Worker', s.vpc, env);
      fromConsumerSide.connections.allowToDefaultPort(cache, 'Worker to the cache');
      cache.authSecret!.grantRead(fromConsumerSide);
      const legacyClient = consumer(consumerStack, 'Legacy', s.vpc, { CACHE_HOST: legacy.primaryEndpoint.hostname });
      legacy.connections.allowDefaultPortFrom(legacyClient);
      legacy.authSecret!.grantRead(legacyClient);

      const templates = synth(s.app);

      test('synthesizes: the consumer stack depends on the cache stack, never the other way round', () => {
        expect(importsFrom(templates.Consumer)).toEqual(['Cache', 'Network']);
        expect(importsFrom(templates.Cache)).toEqual(['Network']);
      });

      test('both idioms put the ingress rule, on the literal port, in the consumer stack', () => {
        expect(ingressRules(templates.Cache)).toEqual([]);
        const rules = ingressRules(templates.Consumer);
        expect(rules).toHaveLength(3);
        for (const description of ['Api to the cache', 'Worker to the cache']) {
          expect(rules).toContainEqual(expect.objectContaining({
            Description: description,
            IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
            GroupId: { 'Fn::ImportValue': expect.stringMatching(/^Cache:ExportsOutputFnGetAttSessionsSecurityGroup/) },
          }));
        }
      });

      test('the cache-side idiom adds no warning of its own (no ignored egress rule on the consumer\'s group)', () => {
        Annotations.fromStack(consumerStack).hasNoWarning('/Consumer/Api/SecurityGroup', Match.stringLikeRegexp('Ignoring Egress'));
      });

      test('the secrets are readable by the consumers: identity policies in the consumer stack', () => {
        const statements = policyStatements(templates.Consumer);
        const secretReads = statements.filter(st => JSON.stringify(st.Action) === JSON.stringify(
          ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']));
        expect(secretReads).toHaveLength(3);
        expect(policyStatements(templates.Cache)).toEqual([]);
      });

      if (withKey) {
        test('the key grants stay out of the key policy: kms:Decrypt via Secrets Manager in each consumer\'s policy', () => {
          const decrypts = policyStatements(templates.Consumer).filter(st => st.Action === 'kms:Decrypt');
          expect(decrypts).toHaveLength(3);
          for (const statement of decrypts) {
            expect(statement).toEqual({
              Action: 'kms:Decrypt',
              Effect: 'Allow',
              Resource: { 'Fn::ImportValue': expect.stringMatching(/^Cache:ExportsOutputFnGetAttKey/) },
              Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } },
            });
          }
          // The key policy keeps only its default statement: nothing of the consumer stack.
          expect(JSON.stringify(keyPolicyPrincipals(templates.Cache))).not.toMatch(/Consumer|ImportValue/);
        });
      }
    });
  }

  test('within one stack, the rule and the key grant are aws-cdk-lib\'s, unchanged', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const key = new kms.Key(stack, 'Key');
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    const fn = consumer(stack, 'Api', vpc, { CACHE_HOST: cache.primaryEndpoint.hostname });
    cache.connections.allowDefaultPortFrom(fn);
    cache.authSecret!.grantRead(fn);
    const template = Template.fromStack(stack);
    // The rule belongs to the cache's security group, with the id aws-cdk-lib gives it there.
    const [ruleId] = Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ruleId).toMatch(/^CacheSecurityGroupfromStackApiSecurityGroup[0-9A-F]{8}IndirectPort[0-9A-F]{8}$/);
    // The key grant is in the key policy (kms.ViaServicePrincipal), not in the function's policy.
    expect(policyStatements(template).filter(st => String(st.Action).startsWith('kms:'))).toEqual([]);
    const keyStatements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(keyStatements).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } },
      Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^ApiServiceRole/), 'Arn'] } },
    }));
  });

  test('a peer of a stack the cache stack depends on (a shared group of the VPC stack) keeps its rule in the cache stack', () => {
    const s = threeStacks();
    const shared = new ec2.SecurityGroup(s.network, 'AppTier', { vpc: s.vpc });
    const cache = new ReplicationGroup(s.cacheStack, 'Sessions', { vpc: s.vpc });
    cache.connections.allowDefaultPortFrom(shared);
    const templates = synth(s.app);
    expect(ingressRules(templates.Network)).toEqual([]);
    expect(ingressRules(templates.Cache)).toEqual([expect.objectContaining({
      FromPort: 6379, SourceSecurityGroupId: { 'Fn::ImportValue': expect.stringMatching(/^Network:/) },
    })]);
    expect(importsFrom(templates.Network)).toEqual([]);
  });

  test('the cache\'s own security group of the VPC stack: a consumer\'s rule still goes to the consumer stack', () => {
    const s = threeStacks();
    const cacheGroup = new ec2.SecurityGroup(s.network, 'CacheGroup', { vpc: s.vpc, allowAllOutbound: false });
    const cache = new ReplicationGroup(s.cacheStack, 'Sessions', { vpc: s.vpc, securityGroups: [cacheGroup] });
    const consumerStack = new Stack(s.app, 'Consumer');
    const fn = consumer(consumerStack, 'Api', s.vpc, { CACHE_HOST: cache.primaryEndpoint.hostname });
    cache.connections.allowDefaultPortFrom(fn);
    const templates = synth(s.app);
    expect(ingressRules(templates.Network)).toEqual([]);
    expect(ingressRules(templates.Consumer)).toEqual([expect.objectContaining({
      FromPort: 6379, GroupId: { 'Fn::ImportValue': expect.stringMatching(/^Network:ExportsOutputFnGetAttCacheGroup/) },
    })]);
    expect(importsFrom(templates.Network)).toEqual([]);
  });

  test('an explicit dependency decides over creation order', () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // The consumer stack is created first but declared to depend on the cache stack.
    const consumerStack = new Stack(app, 'Consumer');
    const cacheStack = new Stack(app, 'Cache');
    consumerStack.addStackDependency(cacheStack);
    const client = new ec2.SecurityGroup(consumerStack, 'Client', { vpc });
    const cache = new ReplicationGroup(cacheStack, 'Sessions', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    new iam.Role(consumerStack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const templates = synth(app);
    expect(ingressRules(templates.Cache)).toEqual([]);
    expect(ingressRules(templates.Consumer)).toHaveLength(1);
  });

  test('a peer with a restricted outbound group gets its egress rule in its own stack too', () => {
    const s = threeStacks();
    const cache = new ReplicationGroup(s.cacheStack, 'Sessions', { vpc: s.vpc });
    const consumerStack = new Stack(s.app, 'Consumer');
    const client = new ec2.SecurityGroup(consumerStack, 'Client', { vpc: s.vpc, allowAllOutbound: false });
    cache.connections.allowDefaultPortFrom(client, 'Client to the cache');
    const templates = synth(s.app);
    templates.Consumer.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    templates.Consumer.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: 6379, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Cache:') },
    });
    templates.Cache.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('an imported key: the consumer is granted kms:Decrypt via Secrets Manager (aws-cdk-lib granted nothing)', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/k');
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, kmsKey: key });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    cache.authSecret!.grantRead(role);
    expect(policyStatements(Template.fromStack(stack))).toContainEqual({
      Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } },
    });
  });
});

describe('a Memcached cluster used from another stack', () => {
  const s = threeStacks();
  const cluster = new MemcachedCluster(s.cacheStack, 'Memcached', { vpc: s.vpc });
  const consumerStack = new Stack(s.app, 'Consumer');
  const env = { CACHE_HOST: cluster.configurationEndpoint.hostname };
  cluster.connections.allowDefaultPortFrom(consumer(consumerStack, 'Api', s.vpc, env), 'Api to Memcached');
  consumer(consumerStack, 'Worker', s.vpc, env).connections.allowToDefaultPort(cluster, 'Worker to Memcached');
  const templates = synth(s.app);

  test('synthesizes with both idioms; the rules, on port 11211, are in the consumer stack', () => {
    expect(importsFrom(templates.Cache)).toEqual(['Network']);
    expect(ingressRules(templates.Cache)).toEqual([]);
    expect(ingressRules(templates.Consumer).map(r => [r.Description, r.FromPort]).sort()).toEqual([
      ['Api to Memcached', 11211], ['Worker to Memcached', 11211],
    ]);
  });
});

describe('RBAC users of a user group used from another stack', () => {
  const s = threeStacks();
  const key = new kms.Key(s.cacheStack, 'Key');
  const app = new User(s.cacheStack, 'AppUser', {
    userName: 'app', authentication: UserAuthentication.generatedPassword({ encryptionKey: key }),
  });
  const group = new UserGroup(s.cacheStack, 'Users', { users: [app], defaultUserEncryptionKey: key });
  const cache = new ReplicationGroup(s.cacheStack, 'Sessions', {
    vpc: s.vpc, kmsKey: key, authentication: Authentication.userGroup(group),
  });
  const consumerStack = new Stack(s.app, 'Consumer');
  const fn = consumer(consumerStack, 'Api', s.vpc, { CACHE_HOST: cache.primaryEndpoint.hostname, SECRET: app.secret!.secretArn });
  cache.connections.allowDefaultPortFrom(fn);
  app.secret!.grantRead(fn);
  const writer = new iam.Role(consumerStack, 'Rotator', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  app.secret!.grantWrite(writer);
  const templates = synth(s.app);

  test('synthesizes: the user\'s secret grants, read and write, are in the consumer stack', () => {
    expect(importsFrom(templates.Cache)).toEqual(['Network']);
    const statements = policyStatements(templates.Consumer);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret', 'secretsmanager:UpdateSecretVersionStage'],
    }));
    expect(JSON.stringify(keyPolicyPrincipals(templates.Cache))).not.toMatch(/ImportValue|Consumer/);
  });

  test('the created default user\'s secret is under the given key', () => {
    const defaultUser = group.users[0] as User;
    expect(defaultUser.userName).toBe('default');
    templates.Cache.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Password of the ElastiCache Valkey user Cache/Users/DefaultUser',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });
});
