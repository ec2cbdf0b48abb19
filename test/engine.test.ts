import { Token } from 'aws-cdk-lib';
import { CacheEngine, MemcachedVersion, RedisOssVersion, ValkeyVersion } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

describe('CacheEngine', () => {
  test('names and default ports', () => {
    expect(CacheEngine.VALKEY.name).toBe('valkey');
    expect(CacheEngine.REDIS_OSS.name).toBe('redis');
    expect(CacheEngine.MEMCACHED.name).toBe('memcached');
    expect(CacheEngine.VALKEY.defaultPort).toBe(6379);
    expect(CacheEngine.REDIS_OSS.defaultPort).toBe(6379);
    expect(CacheEngine.MEMCACHED.defaultPort).toBe(11211);
    expect(CacheEngine.VALKEY.isSameEngine(CacheEngine.VALKEY)).toBe(true);
    expect(CacheEngine.VALKEY.isSameEngine(CacheEngine.REDIS_OSS)).toBe(false);
    expect(`${CacheEngine.MEMCACHED}`).toBe('memcached');
  });
});

describe('parameter group families and versions', () => {
  test.each([
    [ValkeyVersion.VER_7_2, 'valkey', '7.2', '7', 'valkey7', 6379],
    [ValkeyVersion.VER_8_0, 'valkey', '8.0', '8', 'valkey8', 6379],
    [ValkeyVersion.VER_8_1, 'valkey', '8.1', '8', 'valkey8', 6379],
    [ValkeyVersion.VER_8_2, 'valkey', '8.2', '8', 'valkey8', 6379],
    [ValkeyVersion.VER_9_0, 'valkey', '9.0', '9', 'valkey9', 6379],
    [RedisOssVersion.VER_4_0_10, 'redis', '4.0.10', '4', 'redis4.0', 6379],
    [RedisOssVersion.VER_5_0_6, 'redis', '5.0.6', '5', 'redis5.0', 6379],
    [RedisOssVersion.VER_6_0, 'redis', '6.0', '6', 'redis6.x', 6379],
    [RedisOssVersion.VER_6_2, 'redis', '6.2', '6', 'redis6.x', 6379],
    [RedisOssVersion.VER_7_0, 'redis', '7.0', '7', 'redis7', 6379],
    [RedisOssVersion.VER_7_1, 'redis', '7.1', '7', 'redis7', 6379],
    [RedisOssVersion.of('3.2.6'), 'redis', '3.2.6', '3', 'redis3.2', 6379],
    [MemcachedVersion.VER_1_4_34, 'memcached', '1.4.34', '1.4', 'memcached1.4', 11211],
    [MemcachedVersion.VER_1_5_16, 'memcached', '1.5.16', '1.5', 'memcached1.5', 11211],
    [MemcachedVersion.VER_1_6_6, 'memcached', '1.6.6', '1.6', 'memcached1.6', 11211],
    [MemcachedVersion.VER_1_6_22, 'memcached', '1.6.22', '1.6', 'memcached1.6', 11211],
  ])('%s', (v, engine, version, major, family, port) => {
    expect(v.engine.name).toBe(engine);
    expect(v.version).toBe(version);
    expect(v.majorVersion).toBe(major);
    expect(v.parameterGroupFamily).toBe(family);
    expect(v.defaultPort).toBe(port);
  });

  test('of() takes a family override for releases newer than the library', () => {
    expect(ValkeyVersion.of('9.1', { parameterGroupFamily: 'valkey9.x' }).parameterGroupFamily).toBe('valkey9.x');
    expect(RedisOssVersion.of('7.1', { parameterGroupFamily: 'redis7.1' }).parameterGroupFamily).toBe('redis7.1');
    expect(MemcachedVersion.of('1.7.0').parameterGroupFamily).toBe('memcached1.7');
  });

  test('toString names the engine and version', () => {
    expect(`${ValkeyVersion.VER_8_2}`).toBe('Valkey 8.2');
    expect(`${RedisOssVersion.VER_7_1}`).toBe('Redis OSS 7.1');
    expect(`${MemcachedVersion.VER_1_6_22}`).toBe('Memcached 1.6.22');
  });
});

type FeatureName = keyof typeof ValkeyVersion.VER_8_2.features;

describe('features', () => {
  test('every Valkey version supports every Valkey feature, durability from 9.0', () => {
    for (const v of [ValkeyVersion.VER_7_2, ValkeyVersion.VER_8_2]) {
      const { durability, ...others } = v.features;
      expect(Object.values(others).every(f => f === true)).toBe(true);
      expect(durability).toBe(false);
    }
    expect(Object.values(ValkeyVersion.VER_9_0.features).every(f => f === true)).toBe(true);
  });

  test.each<[string, FeatureName, boolean[]]>([
    // versions:                       4.0.10, 5.0.6, 6.0,  6.2,  7.0,  7.1
    ['TLS', 'transitEncryption', [true, true, true, true, true, true]],
    ['TLS mode (migration)', 'transitEncryptionMode', [false, false, false, false, true, true]],
    ['at-rest encryption', 'atRestEncryption', [true, true, true, true, true, true]],
    ['RBAC', 'rbac', [false, false, true, true, true, true]],
    ['IAM', 'iamAuthentication', [false, false, false, false, true, true]],
    ['slow-log', 'slowLog', [false, false, true, true, true, true]],
    ['engine-log', 'engineLog', [false, false, false, true, true, true]],
    ['data tiering', 'dataTiering', [false, false, false, true, true, true]],
    ['IPv6', 'ipv6', [false, false, false, true, true, true]],
    ['auto minor upgrade', 'autoMinorVersionUpgrade', [false, false, true, true, true, true]],
    ['backups', 'backups', [true, true, true, true, true, true]],
    ['replication', 'replication', [true, true, true, true, true, true]],
    ['durability', 'durability', [false, false, false, false, false, false]],
  ])('Redis OSS %s', (_name, feature, expected) => {
    const versions = [RedisOssVersion.VER_4_0_10, RedisOssVersion.VER_5_0_6, RedisOssVersion.VER_6_0,
      RedisOssVersion.VER_6_2, RedisOssVersion.VER_7_0, RedisOssVersion.VER_7_1];
    expect(versions.map(v => v.features[feature])).toEqual(expected);
  });

  test('Redis OSS before 4.0.10 has no TLS except 3.2.6', () => {
    expect(RedisOssVersion.of('4.0.9').features.transitEncryption).toBe(false);
    expect(RedisOssVersion.of('3.2.4').features.transitEncryption).toBe(false);
    expect(RedisOssVersion.of('3.2.6').features.transitEncryption).toBe(true);
    expect(RedisOssVersion.of('3.2.6').features.atRestEncryption).toBe(true);
  });

  test.each<[string, FeatureName, boolean[]]>([
    // versions:          1.5.16, 1.6.6, 1.6.12, 1.6.22
    ['TLS', 'transitEncryption', [false, false, true, true]],
    ['IPv6', 'ipv6', [false, true, true, true]],
    ['at rest', 'atRestEncryption', [false, false, false, false]],
    ['backups', 'backups', [false, false, false, false]],
    ['replication', 'replication', [false, false, false, false]],
    ['AUTH', 'authToken', [false, false, false, false]],
    ['RBAC', 'rbac', [false, false, false, false]],
    ['slow-log', 'slowLog', [false, false, false, false]],
  ])('Memcached %s', (_name, feature, expected) => {
    const versions = [MemcachedVersion.VER_1_5_16, MemcachedVersion.VER_1_6_6, MemcachedVersion.VER_1_6_12, MemcachedVersion.VER_1_6_22];
    expect(versions.map(v => v.features[feature])).toEqual(expected);
  });
});

describe('validation', () => {
  test.each([
    ['Valkey patch version', () => ValkeyVersion.of('8.0.1'), "Invalid Valkey version: got '8.0.1'. Allowed: major.minor, such as 8.2"],
    ['Valkey before 7.2', () => ValkeyVersion.of('7.0'), "Invalid Valkey version: got '7.0'. Allowed: 7.2 or later"],
    ['Valkey garbage', () => ValkeyVersion.of('latest'), "got 'latest'. Allowed: major.minor"],
    ['Redis garbage', () => RedisOssVersion.of('7'), "Invalid Redis OSS version: got '7'. Allowed: major.minor or major.minor.patch"],
    ['Redis 6.x', () => RedisOssVersion.of('6.x'), "got '6.x'"],
    ['Memcached without patch', () => MemcachedVersion.of('1.6'), "Invalid Memcached version: got '1.6'. Allowed: major.minor.patch, such as 1.6.22"],
    ['token version', () => ValkeyVersion.of(Token.asString({ Ref: 'V' })), 'got a token. The version must be known at synth time'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(CacheValidationError);
    expect(make).toThrow(message);
  });
});
