import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import {
  ClusterMode, Durability, NodeType, RedisOssVersion, ReplicationGroup, ReplicationGroupProps, TransitEncryptionMode, ValkeyVersion,
} from '../lib';
import { CacheValidationError } from '../lib/validation-error';

/** A stack with a VPC of isolated subnets in 2 AZs. */
function setup() {
  const stack = new Stack(new App(), 'Stack');
  const isolated = { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  return { stack, vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [isolated] }) };
}

/** A durable Valkey 9 group as the User Guide's "Getting started with durability" creates it. */
const DURABLE: Partial<ReplicationGroupProps> = {
  engine: ValkeyVersion.VER_9_0,
  clusterMode: ClusterMode.ENABLED,
  shards: 2,
  replicas: 1,
  nodeType: NodeType.R7G_LARGE,
  durability: Durability.SYNC,
};

function warningsOf(stack: Stack, cache: ReplicationGroup): string[] {
  return Annotations.fromStack(stack).findWarning(`/${cache.node.path}`, Match.anyValue()).map(w => String(w.entry.data));
}

describe('a durable Valkey 9 group (2 shards x 1 replica, r7g.large)', () => {
  const { stack, vpc } = setup();
  const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE });
  const template = Template.fromStack(stack);

  test('Durability sync, with TLS, Multi-AZ, automatic failover and encryption at rest', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '9.0',
      CacheNodeType: 'cache.r7g.large',
      CacheParameterGroupName: 'default.valkey9.cluster.on',
      ClusterMode: 'enabled',
      NumNodeGroups: 2,
      ReplicasPerNodeGroup: 1,
      Durability: 'sync',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      AtRestEncryptionEnabled: true,
    });
  });

  test('no warning of its own', () => {
    expect(warningsOf(stack, cache).filter(w => /durab/i.test(w))).toEqual([]);
  });

  test('effectiveDurability is the EffectiveDurability attribute', () => {
    const resource = cache.node.defaultChild as CfnReplicationGroup;
    expect(Token.isUnresolved(cache.effectiveDurability)).toBe(true);
    expect(stack.resolve(cache.effectiveDurability)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(resource), 'EffectiveDurability'] });
  });
});

describe('durability rendering', () => {
  test.each([
    ['ASYNC', Durability.ASYNC, 'async'],
    ['DISABLED', Durability.DISABLED, 'disabled'],
    ['of(default)', Durability.of('default'), 'default'],
  ])('%s', (_, durability, rendered) => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE, durability });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Durability: rendered });
  });

  test('not set: no Durability (the default template is unchanged)', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE, durability: undefined });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Durability: Match.absent() });
  });

  test('DISABLED and default need nothing but Valkey 9: a cluster-mode-disabled t4g group without TLS takes them', () => {
    const { stack, vpc } = setup();
    for (const [i, durability] of [Durability.DISABLED, Durability.of('default')].entries()) {
      expect(() => new ReplicationGroup(stack, `Cache${i}`, { vpc, engine: ValkeyVersion.VER_9_0, transitEncryption: false, durability }))
        .not.toThrow();
    }
  });

  test('TLS mode preferred is still TLS', () => {
    const { stack, vpc } = setup();
    new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE, transitEncryptionMode: TransitEncryptionMode.PREFERRED });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Durability: 'sync', TransitEncryptionMode: 'preferred' });
  });

  test('a token durability: only the engine is checked', () => {
    const { stack, vpc } = setup();
    const token = Token.asString({ Ref: 'DurabilityParam' });
    new ReplicationGroup(stack, 'Cache', { vpc, engine: ValkeyVersion.VER_9_0, durability: Durability.of(token) });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Durability: { Ref: 'DurabilityParam' } });
    expect(() => new ReplicationGroup(stack, 'Old', { vpc, durability: Durability.of(token) })).toThrow(/Invalid durability/);
  });

  test.each(['cache.r8g.large', 'cache.m8g.large', 'cache.c8gn.large'])('%s: accepted with warning durabilityNodeTypeUnconfirmed', name => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE, nodeType: NodeType.of(name) });
    expect(warningsOf(stack, cache)).toEqual([expect.stringMatching(
      new RegExp(`Durability on ${name.replace(/\./g, '\\.')}.*r7g, r6g, m7g, m6g or c7gn.*\\[ack: cdk-elasticache:durabilityNodeTypeUnconfirmed\\]`))]);
  });

  test.each([NodeType.R6G_LARGE, NodeType.M7G_LARGE, NodeType.M6G_LARGE, NodeType.C7GN_LARGE, NodeType.R7G_16XLARGE])('%s: accepted', nodeType => {
    const { stack, vpc } = setup();
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, ...DURABLE, nodeType });
    expect(warningsOf(stack, cache).filter(w => /durab/i.test(w))).toEqual([]);
  });
});

describe('durability validation: one row per rule', () => {
  const shared = setup();
  let count = 0;
  test.each<[string, Partial<ReplicationGroupProps>, string]>([
    ['Valkey 8.2 (the default engine)', { engine: undefined },
      "Invalid durability: got 'sync'. Allowed: no durability on Valkey 8.2; durability needs Valkey 9.0 or later (engine: ValkeyVersion.VER_9_0)."],
    ['Redis OSS, even disabled', { engine: RedisOssVersion.VER_7_1, durability: Durability.DISABLED },
      "Invalid durability: got 'disabled'. Allowed: no durability on Redis OSS 7.1; durability needs Valkey 9.0 or later"],
    ['cluster mode disabled', { clusterMode: undefined, shards: undefined },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with ClusterMode.DISABLED; durability needs clusterMode: ClusterMode.ENABLED."],
    ['cluster mode compatible', { clusterMode: ClusterMode.COMPATIBLE, shards: undefined, durability: Durability.ASYNC },
      "Invalid durability: got 'async'. Allowed: Durability.DISABLED (or none) with ClusterMode.COMPATIBLE; durability needs clusterMode: ClusterMode.ENABLED."],
    ['no replica', { replicas: 0 },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with replicas: 0; durability needs Multi-AZ with at least one replica per shard (replicas: 1 or more)."],
    ['Multi-AZ off', { multiAz: false },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with multiAz: false; durability needs Multi-AZ with at least one replica per shard"],
    ['TLS off', { transitEncryption: false },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with transitEncryption: false; durability needs encryption in transit (TLS)."],
    ['encryption at rest off', { atRestEncryption: false },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with atRestEncryption: false; durability needs encryption at rest and turns it on"],
    ['data tiering (r6gd)', { nodeType: NodeType.R6GD_XLARGE },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) with data tiering (cache.r6gd.xlarge); durability is not supported with data tiering: choose a node type of the r7g, r6g, m7g, m6g or c7gn families."],
    ['a node family without durability (t4g)', { nodeType: NodeType.T4G_MEDIUM },
      "Invalid durability: got 'sync'. Allowed: Durability.DISABLED (or none) on cache.t4g.medium; durability needs a node type of the r7g, r6g, m7g, m6g or c7gn families (such as NodeType.R7G_LARGE)."],
    ['a node family without durability (r5)', { nodeType: NodeType.R5_LARGE, durability: Durability.of('sync-all') },
      "Invalid durability: got 'sync-all'. Allowed: Durability.DISABLED (or none) on cache.r5.large"],
  ])('%s', (_, extra, message) => {
    // One stack for the table (never synthesized): each attempt a new construct id.
    const create = () => new ReplicationGroup(shared.stack, `Cache${++count}`, { vpc: shared.vpc, ...DURABLE, ...extra });
    expect(create).toThrow(CacheValidationError);
    expect(create).toThrow(message);
  });
});

describe('Durability', () => {
  test('constants, value and toString', () => {
    expect([Durability.SYNC, Durability.ASYNC, Durability.DISABLED].map(d => d.value)).toEqual(['sync', 'async', 'disabled']);
    expect(`${Durability.ASYNC}`).toBe('async');
    expect([Durability.SYNC, Durability.ASYNC, Durability.DISABLED, Durability.of('default')].map(d => d.durable))
      .toEqual([true, true, false, false]);
  });

  test('of() takes the API values and newer ones of the same shape; a newer value is durable', () => {
    expect(Durability.of('sync').value).toBe('sync');
    expect(Durability.of('default').value).toBe('default');
    expect(Durability.of('sync-all').durable).toBe(true);
    expect(() => Durability.of('SYNC')).toThrow(new CacheValidationError(
      "Invalid durability: got 'SYNC'. Allowed: 'sync', 'async', 'disabled', 'default', or a newer value of lowercase letters and hyphens."));
    expect(() => Durability.of('Sync All')).toThrow(CacheValidationError);
  });

  test('Valkey 9.0: family valkey9, durability among its features; not before', () => {
    expect(ValkeyVersion.VER_9_0.parameterGroupFamily).toBe('valkey9');
    expect(ValkeyVersion.VER_9_0.features.durability).toBe(true);
    expect(ValkeyVersion.of('9.1').features.durability).toBe(true);
    expect(ValkeyVersion.VER_8_2.features.durability).toBe(false);
    expect(RedisOssVersion.VER_7_1.features.durability).toBe(false);
  });
});
