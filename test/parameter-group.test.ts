import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnParameterGroup } from 'aws-cdk-lib/aws-elasticache';
import { EvictionPolicy, MemcachedVersion, ParameterGroup, RedisOssVersion, ValkeyVersion } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

function stack() {
  return new Stack(new App(), 'Stack');
}

describe('EvictionPolicy', () => {
  test.each([
    [EvictionPolicy.VOLATILE_LRU, 'volatile-lru'], [EvictionPolicy.ALLKEYS_LRU, 'allkeys-lru'],
    [EvictionPolicy.VOLATILE_LFU, 'volatile-lfu'], [EvictionPolicy.ALLKEYS_LFU, 'allkeys-lfu'],
    [EvictionPolicy.VOLATILE_RANDOM, 'volatile-random'], [EvictionPolicy.ALLKEYS_RANDOM, 'allkeys-random'],
    [EvictionPolicy.VOLATILE_TTL, 'volatile-ttl'], [EvictionPolicy.NO_EVICTION, 'noeviction'],
    [EvictionPolicy.of('allkeys-lfu'), 'allkeys-lfu'],
    [EvictionPolicy.unchecked('allkeys-newpolicy'), 'allkeys-newpolicy'],
  ])('%s', (policy, value) => {
    expect(policy.value).toBe(value);
    expect(`${policy}`).toBe(value);
  });

  test.each(['allkeys-newpolicy', 'ALLKEYS-LRU', 'allkeys_lru', 'lru', ''])('of(%p) accepts only the engines\' policies', (value) => {
    expect(() => EvictionPolicy.of(value)).toThrow(new CacheValidationError(`Invalid evictionPolicy: got '${value}'. Allowed: 'volatile-lru', `
      + "'allkeys-lru', 'volatile-lfu', 'allkeys-lfu', 'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction' "
      + '(EvictionPolicy.unchecked() takes a newer one).'));
  });

  test('unchecked() is the escape hatch for newer policies, still rejecting what cannot be one; tokens pass both', () => {
    expect(() => EvictionPolicy.unchecked('All Keys')).toThrow("Invalid evictionPolicy: got 'All Keys'. Allowed: a maxmemory-policy value");
    const token = Token.asString({ Ref: 'Policy' });
    expect(EvictionPolicy.of(token).value).toBe(token);
    expect(EvictionPolicy.unchecked(token).value).toBe(token);
  });
});

describe('ParameterGroup', () => {
  test.each([
    [ValkeyVersion.VER_8_2, 'valkey8'], [ValkeyVersion.VER_7_2, 'valkey7'], [RedisOssVersion.VER_7_1, 'redis7'],
    [RedisOssVersion.VER_6_2, 'redis6.x'], [MemcachedVersion.VER_1_6_22, 'memcached1.6'],
  ])('family of %s is %s', (engine, family) => {
    const s = stack();
    const group = new ParameterGroup(s, 'Params', { engine });
    expect(group.family).toBe(family);
    const template = Template.fromStack(s);
    template.hasResource('AWS::ElastiCache::ParameterGroup', {
      Properties: {
        CacheParameterGroupFamily: family,
        Description: `Parameter group for ElastiCache ${family} Stack/Params`,
        Properties: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('parameters, evictionPolicy and addParameter all reach the template', () => {
    const s = stack();
    const group = new ParameterGroup(s, 'Params', {
      engine: ValkeyVersion.VER_8_2,
      parameters: { 'reserved-memory-percent': '30' },
      evictionPolicy: EvictionPolicy.ALLKEYS_LFU,
      description: 'sessions',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    group.addParameter('timeout', '300');
    expect(group.parameter('maxmemory-policy')).toBe('allkeys-lfu');
    Template.fromStack(s).hasResource('AWS::ElastiCache::ParameterGroup', {
      Properties: {
        Description: 'sessions',
        Properties: { 'reserved-memory-percent': '30', 'maxmemory-policy': 'allkeys-lfu', 'timeout': '300' },
      },
      DeletionPolicy: 'Retain',
    });
    const logicalId = s.getLogicalId(group.node.defaultChild as CfnParameterGroup);
    expect(s.resolve(group.parameterGroupName)).toEqual({ Ref: logicalId });
    expect(s.resolve(group.parameterGroupRef.cacheParameterGroupName)).toEqual({ Ref: logicalId });
  });

  test('EvictionPolicy.unchecked() stays the escape hatch, also with the same raw value; tokens pass', () => {
    const s = stack();
    const group = new ParameterGroup(s, 'Params', {
      engine: ValkeyVersion.VER_8_2,
      parameters: { 'maxmemory-policy': 'allkeys-lrm' },
      evictionPolicy: EvictionPolicy.unchecked('allkeys-lrm'),
    });
    expect(group.parameter('maxmemory-policy')).toBe('allkeys-lrm');
    const token = Token.asString({ Ref: 'Policy' });
    expect(() => new ParameterGroup(s, 'Tokens', { engine: ValkeyVersion.VER_8_2, parameters: { 'maxmemory-policy': token } })).not.toThrow();
  });

  test('the same value twice is fine', () => {
    const s = stack();
    expect(() => new ParameterGroup(s, 'Params', {
      engine: ValkeyVersion.VER_8_2,
      parameters: { 'maxmemory-policy': 'allkeys-lru' },
      evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
    })).not.toThrow();
  });

  test.each([
    ['eviction policy on Memcached', () => new ParameterGroup(stack(), 'Params', {
      engine: MemcachedVersion.VER_1_6_22, evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
    }), "Stack/Params: Invalid evictionPolicy: got 'allkeys-lru'. Allowed: only on Valkey and Redis OSS; Memcached (Memcached 1.6.22)"],
    ['maxmemory-policy twice', () => new ParameterGroup(stack(), 'Params', {
      engine: ValkeyVersion.VER_8_2, parameters: { 'maxmemory-policy': 'noeviction' }, evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
    }), "Stack/Params: Parameter 'maxmemory-policy' is set twice: got 'allkeys-lru' after 'noeviction'."],
    ['bad parameter name', () => new ParameterGroup(stack(), 'Params', {
      engine: ValkeyVersion.VER_8_2, parameters: { 'max memory': '1' },
    }), "Stack/Params: Invalid parameter name: got 'max memory'."],
    ['a raw maxmemory-policy the engine does not know', () => new ParameterGroup(stack(), 'Params', {
      engine: ValkeyVersion.VER_8_2, parameters: { 'maxmemory-policy': 'allkeys-lrm' },
    }), "Stack/Params: Invalid parameters['maxmemory-policy']: got 'allkeys-lrm'. Allowed: a policy Valkey 8.2 knows, 'volatile-lru', "
      + "'allkeys-lru', 'volatile-lfu', 'allkeys-lfu', 'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction'; ElastiCache "
      + 'refuses the parameter group otherwise. For a policy newer than this library, give evictionPolicy: '
      + 'EvictionPolicy.unchecked(...) instead.'],
    ['a misspelt maxmemory-policy through addParameter', () => new ParameterGroup(stack(), 'Params', {
      engine: RedisOssVersion.VER_7_1 }).addParameter('maxmemory-policy', 'allkeys_lru'),
    "Stack/Params: Invalid parameters['maxmemory-policy']: got 'allkeys_lru'. Allowed: a policy Redis OSS 7.1 knows"],
    ['a maxmemory-policy on Memcached', () => new ParameterGroup(stack(), 'Params', {
      engine: MemcachedVersion.VER_1_6_22, parameters: { 'maxmemory-policy': 'allkeys-lru' },
    }), "Stack/Params: Invalid parameters['maxmemory-policy']: got 'allkeys-lru'. Allowed: nothing on Memcached 1.6.22; Memcached "
      + 'evicts least recently used items and has no maxmemory-policy parameter.'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(CacheValidationError);
    expect(make).toThrow(message);
  });

  test('imports', () => {
    const s = stack();
    const byName = ParameterGroup.fromParameterGroupName(s, 'ByName', 'default.valkey8');
    expect(byName.parameterGroupName).toBe('default.valkey8');
    expect(byName.family).toBeUndefined();
    const withFamily = ParameterGroup.fromParameterGroupAttributes(s, 'WithFamily', { parameterGroupName: 'mine', family: 'redis7' });
    expect(withFamily.family).toBe('redis7');
    expect(withFamily.parameterGroupRef.cacheParameterGroupName).toBe('mine');
  });
});
