/**
 * CACHE_CLUSTER: connectFrom() tells the consumer when it must use a cluster client. One three-stack
 * app (VPC / caches / consumer), synthesized once; each cache wired to the same Lambda function under
 * its own connection name.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ClusterMode, ConnectionEnvironment, MemcachedCluster, ReplicationGroup, ServerlessCache, ServerlessEngine } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

const app = new App();
const network = new Stack(app, 'Network');
const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
  { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
] });
const cacheStack = new Stack(app, 'Cache');
const consumerStack = new Stack(app, 'Consumer');
const fn = new lambda.Function(consumerStack, 'Api', {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
});
const secret = secretsmanager.Secret.fromSecretCompleteArn(consumerStack, 'Secret',
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-app-AbCdEf');
const sg = ec2.SecurityGroup.fromSecurityGroupId(consumerStack, 'CacheSg', 'sg-0123456789abcdef0');

const caches = {
  enabled: new ReplicationGroup(cacheStack, 'Enabled', { vpc, clusterMode: ClusterMode.ENABLED, shards: 2 }),
  compatible: new ReplicationGroup(cacheStack, 'Compatible', { vpc, clusterMode: ClusterMode.COMPATIBLE }),
  disabled: new ReplicationGroup(cacheStack, 'Disabled', { vpc }),
  serverless: new ServerlessCache(cacheStack, 'Serverless', { vpc }),
  serverlessMemcached: new ServerlessCache(cacheStack, 'ServerlessMemcached', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 }),
  memcached: new MemcachedCluster(cacheStack, 'Memcached', { vpc }),
};
const imported = (id: string, attrs: Partial<Parameters<typeof ReplicationGroup.fromReplicationGroupAttributes>[2]>) =>
  ReplicationGroup.fromReplicationGroupAttributes(consumerStack, id, {
    replicationGroupId: id.toLowerCase(), port: 6379, securityGroups: [sg], authSecret: secret, ...attrs,
  });
const imports = {
  importedEnabled: imported('ImportedEnabled', {
    clusterMode: ClusterMode.ENABLED, configurationEndpointAddress: 'clustercfg.orders.abc123.euw1.cache.amazonaws.com',
  }),
  importedCompatible: imported('ImportedCompatible', {
    clusterMode: ClusterMode.COMPATIBLE, configurationEndpointAddress: 'clustercfg.legacy.abc123.euw1.cache.amazonaws.com',
    primaryEndpointAddress: 'master.legacy.abc123.euw1.cache.amazonaws.com', readerEndpointAddress: 'replica.legacy.abc123.euw1.cache.amazonaws.com',
  }),
  importedDefault: imported('ImportedDefault', {
    primaryEndpointAddress: 'master.plain.abc123.euw1.cache.amazonaws.com', readerEndpointAddress: 'replica.plain.abc123.euw1.cache.amazonaws.com',
  }),
};
const bindings = Object.fromEntries(Object.entries({ ...caches, ...imports })
  .map(([name, cache]) => [name, cache.connectFrom(fn, { name })]));
app.synth(); // throws on a dependency cycle
const variables: Record<string, unknown> = Template.fromStack(consumerStack).findResources('AWS::Lambda::Function')[
  consumerStack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables;

/** The variables of one connection, resolved, keyed by their `ConnectionEnvironment` key. */
function keysOf(name: string): Record<string, string> {
  const prefix = ConnectionEnvironment.variableName('', name);
  return Object.fromEntries(Object.entries(variables).filter(([k]) => k.startsWith(prefix))
    .map(([k, v]) => [k.slice(prefix.length), typeof v === 'string' ? v : JSON.stringify(v)]));
}

describe('CACHE_CLUSTER from connectFrom()', () => {
  test('CLUSTER is in the documented contract, after the keys before it and before DNS_ALIAS (addDnsRecords())', () => {
    expect(ConnectionEnvironment.CLUSTER).toBe('CLUSTER');
    expect(ConnectionEnvironment.ALL_KEYS.slice(-2)).toEqual([ConnectionEnvironment.CLUSTER, ConnectionEnvironment.DNS_ALIAS]);
  });

  test.each([
    ['enabled', /ConfigurationEndPointAddress/],
    ['compatible', /ConfigurationEndPointAddress/],
  ])('a created group in cluster mode %s: CACHE_CLUSTER=true on the configuration endpoint, no reader endpoint', (name, host) => {
    const vars = keysOf(name);
    expect(vars.CLUSTER).toBe('true');
    expect(vars.HOST).toMatch(host);
    expect(vars.HOST).toContain('Fn::ImportValue');
    expect(vars.READER_HOST).toBeUndefined();
    expect(vars.PORT).toBe('6379');
    expect(bindings[name].environment[ConnectionEnvironment.variableName(ConnectionEnvironment.CLUSTER, name)]).toBe('true');
  });

  test('a created group with cluster mode disabled: no CACHE_CLUSTER, the primary and reader endpoints', () => {
    const vars = keysOf('disabled');
    expect(vars.CLUSTER).toBeUndefined();
    expect(vars.HOST).toMatch(/PrimaryEndPointAddress/);
    expect(vars.READER_HOST).toMatch(/ReaderEndPointAddress/);
  });

  test('an imported group: its clusterMode attribute chooses the endpoint and CACHE_CLUSTER', () => {
    expect(keysOf('importedEnabled')).toEqual(expect.objectContaining({
      CLUSTER: 'true', HOST: 'clustercfg.orders.abc123.euw1.cache.amazonaws.com', PORT: '6379' }));
    expect(keysOf('importedEnabled').READER_HOST).toBeUndefined();
    // Compatible: the configuration endpoint even though the primary endpoint is known (clients move now).
    expect(keysOf('importedCompatible')).toEqual(expect.objectContaining({
      CLUSTER: 'true', HOST: 'clustercfg.legacy.abc123.euw1.cache.amazonaws.com' }));
    expect(keysOf('importedCompatible').READER_HOST).toBeUndefined();
    const plain = keysOf('importedDefault');
    expect(plain.CLUSTER).toBeUndefined();
    expect([plain.HOST, plain.READER_HOST]).toEqual(['master.plain.abc123.euw1.cache.amazonaws.com', 'replica.plain.abc123.euw1.cache.amazonaws.com']);
  });

  test('an imported enabled group without its configuration endpoint is an error naming the attribute', () => {
    const stack = new Stack(new App(), 'Other');
    const group = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Orders', {
      replicationGroupId: 'orders', port: 6379, clusterMode: ClusterMode.ENABLED, primaryEndpointAddress: 'master.orders.example',
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
    });
    const consumer = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Consumer', 'sg-0fedcba9876543210');
    expect(() => group.connectFrom(consumer)).toThrow(CacheValidationError);
    expect(() => group.connectFrom(consumer)).toThrow(/without configurationEndpointAddress/);
  });

  test('serverless Valkey / Redis OSS is cluster mode enabled: CACHE_CLUSTER=true; Memcached never', () => {
    expect(keysOf('serverless')).toEqual(expect.objectContaining({ CLUSTER: 'true', SERVERLESS: 'true', READER_PORT: '6380' }));
    expect(keysOf('serverlessMemcached').CLUSTER).toBeUndefined();
    expect(keysOf('serverlessMemcached').SERVERLESS).toBe('true');
    expect(keysOf('memcached').CLUSTER).toBeUndefined();
    expect(keysOf('memcached').HOST).toBeDefined();
  });
});
