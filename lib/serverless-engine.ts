import { Token } from 'aws-cdk-lib';
import { CacheEngine, CacheEngineVersion, MemcachedVersion, RedisOssVersion, ValkeyVersion } from './engine';
import { CacheValidationError } from './validation-error';

/**
 * The engine of a serverless cache and its major version (`MajorEngineVersion`): ElastiCache applies
 * minor versions and patches itself, and upgrades the major version only on request.
 *
 * Unlike the alpha module's `*_LATEST` values, which send no version at all (so the cache gets
 * whatever major is newest on the day it is created, and a later synthesis says nothing about it),
 * every value here names its major version.
 *
 * @example
 * ServerlessEngine.VALKEY_8
 * ServerlessEngine.valkey('9')
 */
export class ServerlessEngine {
  /** Valkey 8: the newest Valkey major this library knows on serverless. */
  public static readonly VALKEY_8 = ServerlessEngine.valkey('8');
  /** Valkey 7 (7.2). */
  public static readonly VALKEY_7 = ServerlessEngine.valkey('7');
  /** Redis OSS 7 (7.1): the only Redis OSS major on serverless. For new caches prefer Valkey. */
  public static readonly REDIS_OSS_7 = ServerlessEngine.redisOss('7');
  /** Memcached 1.6. */
  public static readonly MEMCACHED_1_6 = ServerlessEngine.memcached('1.6');

  /**
   * A Valkey major version, for releases newer than this library.
   * @param majorVersion the major version as ElastiCache takes it (`8`, `9`)
   */
  public static valkey(majorVersion: string): ServerlessEngine {
    const major = parseMajor(CacheEngine.VALKEY, majorVersion, /^\d+$/, 'a whole number such as 8');
    if (major[0] < 7) {
      throw new CacheValidationError(`Invalid Valkey serverless major version: got '${majorVersion}'. Allowed: 7 or later.`);
    }
    return new ServerlessEngine(CacheEngine.VALKEY, majorVersion,
      major[0] === 7 ? ValkeyVersion.VER_7_2 : ValkeyVersion.of(`${majorVersion}.0`));
  }

  /**
   * A Redis OSS major version.
   * @param majorVersion the major version as ElastiCache takes it (`7`)
   */
  public static redisOss(majorVersion: string): ServerlessEngine {
    const major = parseMajor(CacheEngine.REDIS_OSS, majorVersion, /^\d+$/, 'a whole number such as 7');
    if (major[0] < 7) {
      throw new CacheValidationError(`Invalid Redis OSS serverless major version: got '${majorVersion}'. Allowed: 7 or later `
        + '(serverless caches start at Redis OSS 7.1).');
    }
    return new ServerlessEngine(CacheEngine.REDIS_OSS, majorVersion,
      major[0] === 7 ? RedisOssVersion.VER_7_1 : RedisOssVersion.of(`${majorVersion}.0`));
  }

  /**
   * A Memcached major version (major.minor, as Memcached's parameter group families).
   * @param majorVersion the major version as ElastiCache takes it (`1.6`)
   */
  public static memcached(majorVersion: string): ServerlessEngine {
    parseMajor(CacheEngine.MEMCACHED, majorVersion, /^\d+\.\d+$/, 'major.minor such as 1.6');
    return new ServerlessEngine(CacheEngine.MEMCACHED, majorVersion,
      majorVersion === '1.6' ? MemcachedVersion.VER_1_6_22 : MemcachedVersion.of(`${majorVersion}.0`));
  }

  /** The engine (`valkey`, `redis`, `memcached`). */
  public readonly engine: CacheEngine;
  /** The major version (`8`, `7`, `1.6`). */
  public readonly majorVersion: string;
  /**
   * A node-based engine version with the same features, for the checks the library shares with the
   * node-based caches (RBAC, user group engines, IAM users).
   * @internal
   */
  public readonly _features: CacheEngineVersion;

  private constructor(engine: CacheEngine, majorVersion: string, features: CacheEngineVersion) {
    this.engine = engine;
    this.majorVersion = majorVersion;
    this._features = features;
  }

  /** Whether this is Memcached (no user groups, one port). */
  public get isMemcached(): boolean {
    return this.engine.name === CacheEngine.MEMCACHED.name;
  }

  /** The port of the endpoint: 6379 for Valkey and Redis OSS, 11211 for Memcached. */
  public get port(): number {
    return this.engine.defaultPort;
  }

  /**
   * The port of the reader endpoint, which serves reads from replicas (Valkey and Redis OSS: 6380,
   * one above the endpoint's); undefined for Memcached, which has none.
   */
  public get readerPort(): number | undefined {
    return this.isMemcached ? undefined : this.engine.defaultPort + 1;
  }

  /** `<engine> <major>`, for messages. */
  public toString(): string {
    return `${this.engine.displayName} ${this.majorVersion} (serverless)`;
  }
}

function parseMajor(engine: CacheEngine, version: string, pattern: RegExp, allowed: string): number[] {
  if (Token.isUnresolved(version)) {
    throw new CacheValidationError(`Invalid ${engine.displayName} serverless major version: got a token. Allowed: a literal `
      + `${allowed} (it decides the ports and the authentication rules).`);
  }
  if (!pattern.test(version)) {
    throw new CacheValidationError(`Invalid ${engine.displayName} serverless major version: got '${version}'. Allowed: ${allowed}.`);
  }
  return version.split('.').map(Number);
}
