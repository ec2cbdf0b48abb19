import { Annotations as CoreAnnotations, App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  CacheEngineVersion, MemcachedCluster, MemcachedVersion, NodeType, RedisOssVersion, ReplicationGroup, ServerlessCache,
  ServerlessEngine, ValkeyVersion,
} from '../lib';

function setup(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(new App(), 'Stack');
  return { stack, vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 }) };
}

function warnings(stack: Stack, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-elasticache:${id}\\]`))
    .map(w => String(w.entry.data));
}

describe('retired node types (T2): a warning, not an error, so that existing clusters keep synthesizing', () => {
  test('the seed\'s hands-on form on cache.t2.micro synthesizes with cdk-elasticache:nodeTypeRetired, once', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', {
      vpc, engine: RedisOssVersion.VER_7_1, nodeType: NodeType.T2_MICRO, replicas: 0, multiAz: false,
      atRestEncryption: false, transitEncryption: false, backupRetention: Duration.days(0),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.t2.micro' });
    expect(warnings(stack, 'nodeTypeRetired')).toEqual(['cache.t2.micro is retired: ElastiCache no longer creates T2 clusters '
      + '(existing ones keep running, so this still synthesizes, but a new cache fails at deployment). Use cache.t3.micro or '
      + 'cache.t4g.micro (NodeType.T3_MICRO or NodeType.T4G_MICRO) for a new cache. [ack: cdk-elasticache:nodeTypeRetired]']);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('acknowledged on the construct, it is gone', () => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, nodeType: NodeType.T2_MEDIUM });
    CoreAnnotations.of(cache).acknowledgeWarning('cdk-elasticache:nodeTypeRetired', 'An existing T2 cluster, kept as it is.');
    expect(warnings(stack, 'nodeTypeRetired')).toEqual([]);
  });

  test('a Memcached cluster warns too, with the same-size replacements', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Cache', { vpc, nodeType: NodeType.of('cache.t2.small') });
    expect(warnings(stack, 'nodeTypeRetired')).toEqual([expect.stringContaining('Use cache.t3.small or cache.t4g.small')]);
  });

  test.each([NodeType.T2_MICRO, NodeType.T2_SMALL, NodeType.T2_MEDIUM])('%s is retired, not previous generation', nodeType => {
    expect([nodeType.isRetired, nodeType.isPreviousGeneration]).toEqual([true, false]);
  });

  test.each([NodeType.T3_MICRO, NodeType.T4G_MICRO, NodeType.of('cache.t1.micro')])('%s is not retired', nodeType => {
    expect(nodeType.isRetired).toBe(false);
  });
});

describe('escape hatches: a version or node type the library does not know synthesizes, with a warning', () => {
  test.each<[string, () => { engine?: ValkeyVersion | RedisOssVersion; nodeType?: NodeType }, string, string]>([
    ['Valkey 7.3', () => ({ engine: ValkeyVersion.of('7.3') }), 'unknownEngineVersion',
      'Valkey 7.3 is not a version this library knows (known: 7.2, 8.0, 8.1, 8.2'],
    ['Redis OSS 7.2', () => ({ engine: RedisOssVersion.of('7.2') }), 'unknownEngineVersion',
      'Redis OSS 7.2 is not a version this library knows (known: 4.0.10, 5.0.6, 6.0, 6.2, 7.0, 7.1)'],
    ['an unknown family', () => ({ nodeType: NodeType.of('cache.r9g.large') }), 'unknownNodeType',
      'cache.r9g.large is not a node type this library knows: the family r9g is none of the current ones (t4g, t3, '],
    ['an unknown size of a known family', () => ({ nodeType: NodeType.of('cache.r7g.32xlarge') }), 'unknownNodeType',
      'cache.r7g.32xlarge is not a node type this library knows: r7g comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge.'],
  ])('ReplicationGroup with %s', (_name, props, id, message) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, ...props() });
    const ws = warnings(stack, id);
    expect(ws).toEqual([expect.stringContaining(message)]);
    expect(ws[0]).toContain('If it does not exist, the deployment fails');
  });

  test('MemcachedCluster with Memcached 1.6.99', () => {
    const { stack, vpc } = setup();
    new MemcachedCluster(stack, 'Cache', { vpc, engine: MemcachedVersion.of('1.6.99') });
    expect(warnings(stack, 'unknownEngineVersion')).toEqual([expect.stringMatching(
      /^Memcached 1\.6\.99 is not a version this library knows \(known: 1\.4\.5, .*, 1\.6\.22\)\. .*MemcachedVersion\.of\(\)/)]);
  });

  test('ServerlessCache with Valkey 10', () => {
    const { stack, vpc } = setup();
    new ServerlessCache(stack, 'Cache', { vpc, engine: ServerlessEngine.valkey('10') });
    expect(warnings(stack, 'unknownEngineVersion')).toEqual([expect.stringMatching(
      /^Valkey 10 \(serverless\) is not a version this library knows \(known: 8, 7(, \d+)*\)\. .*ServerlessEngine\.valkey\(\)/)]);
  });

  test('no warning for the defaults, a known node type made with of(), or a known version made with of()', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Default', { vpc });
    new ReplicationGroup(stack, 'Of', { vpc, engine: ValkeyVersion.of('8.1'), nodeType: NodeType.of('cache.r6g.12xlarge') });
    new MemcachedCluster(stack, 'Memcached', { vpc, nodeType: NodeType.of('cache.m5.24xlarge') });
    new ServerlessCache(stack, 'Serverless', { vpc, engine: ServerlessEngine.REDIS_OSS_7 });
    expect([...warnings(stack, 'unknownEngineVersion'), ...warnings(stack, 'unknownNodeType')]).toEqual([]);
  });

  // The known versions are the classes' constants: a constant added there (VER_9_0) is known without
  // another list to update.
  test.each([ValkeyVersion, RedisOssVersion, MemcachedVersion])('every constant of %p is known', versionClass => {
    const versions = Object.values(versionClass).filter((v): v is CacheEngineVersion => v instanceof CacheEngineVersion);
    expect(versions.length).toBeGreaterThan(0);
    const { stack, vpc } = setup();
    versions.forEach((engine, i) => {
      if (engine instanceof MemcachedVersion) {
        new MemcachedCluster(stack, `Cache${i}`, { vpc, engine, nodeType: NodeType.M5_LARGE });
      } else {
        new ReplicationGroup(stack, `Cache${i}`, { vpc, engine, nodeType: NodeType.M5_LARGE });
      }
    });
    expect(warnings(stack, 'unknownEngineVersion')).toEqual([]);
  });
});
