import { Token } from 'aws-cdk-lib';
import { CacheEngine } from './cache-engine';
import { CacheValidationError } from './validation-error';

export { CacheEngine } from './cache-engine';

/**
 * What an engine version supports. Constructs validate props against it at synth time.
 *
 * Sources: the ElastiCache user guide pages on in-transit and at-rest encryption, RBAC, IAM
 * authentication, log delivery, data tiering, network types and engine versions.
 */
export interface EngineFeatures {
  /** In-transit encryption (TLS). Valkey 7.2+, Redis OSS 3.2.6 and 4.0.10+, Memcached 1.6.12+. */
  readonly transitEncryption: boolean;
  /**
   * Enabling TLS on an existing cache through `TransitEncryptionMode: preferred`
   * (and the mode prop itself). Valkey 7.2+, Redis OSS 7.0+.
   */
  readonly transitEncryptionMode: boolean;
  /** Encryption at rest. Valkey 7.2+, Redis OSS 3.2.6 and 4.0.10+; never node-based Memcached. */
  readonly atRestEncryption: boolean;
  /** Replication (read replicas, automatic failover, Multi-AZ). Valkey and Redis OSS. */
  readonly replication: boolean;
  /** Backups (snapshots) and restore. Valkey and Redis OSS; never node-based Memcached. */
  readonly backups: boolean;
  /** AUTH token. Valkey and Redis OSS (with TLS). */
  readonly authToken: boolean;
  /** Role-based access control (users and user groups). Valkey 7.2+, Redis OSS 6.0+. */
  readonly rbac: boolean;
  /** IAM authentication. Valkey 7.2+, Redis OSS 7.0+. */
  readonly iamAuthentication: boolean;
  /** Slow-log delivery. Valkey 7.2+, Redis OSS 6.0+. */
  readonly slowLog: boolean;
  /** Engine-log delivery. Valkey 7.2+, Redis OSS 6.2+. */
  readonly engineLog: boolean;
  /** Data tiering on r6gd nodes. Valkey 7.2+, Redis OSS 6.2+. */
  readonly dataTiering: boolean;
  /**
   * Graviton-based node types (t4g, m6g, r6g, m7g, r7g, c7gn...). Valkey 7.2+, Redis OSS 5.0.6+,
   * Memcached 1.5.16+ (ElastiCache API reference, `CacheNode`: supported node types).
   */
  readonly gravitonNodeTypes: boolean;
  /** IPv6 and dual-stack networking. Valkey 7.2+, Redis OSS 6.2+, Memcached 1.6.6+. */
  readonly ipv6: boolean;
  /** Automatic minor version upgrades are honoured. Valkey 7.2+, Redis OSS 6.0+. */
  readonly autoMinorVersionUpgrade: boolean;
  /**
   * Durability (`Durability.SYNC` / `ASYNC`): writes kept in a Multi-AZ transactional log.
   * Valkey 9.0+ (User Guide, durability "Limitations"); never Redis OSS or Memcached.
   */
  readonly durability: boolean;
}

/** Options for an engine version made with `of()`. */
export interface EngineVersionOptions {
  /**
   * The parameter group family, when the one derived from the version is wrong
   * (for a release newer than this library).
   *
   * @default - derived from the version: `valkey<major>`, `redis7`, `redis6.x`, `redis<major.minor>`,
   * `memcached<major.minor>`
   */
  readonly parameterGroupFamily?: string;
}

/**
 * A version of a cache engine: the engine, the version string ElastiCache takes, its
 * parameter group family, its default port and what it supports.
 *
 * Use the subclasses' constants (`ValkeyVersion.VER_8_2`) or their `of()` escape hatch.
 */
export abstract class CacheEngineVersion {
  /** The engine. */
  public readonly engine: CacheEngine;
  /** The version as ElastiCache takes it in `EngineVersion` (for example `8.2`, `7.1`, `1.6.22`). */
  public readonly version: string;
  /** The major version (`8`, `7`; `1.6` for Memcached, whose families follow major.minor). */
  public readonly majorVersion: string;
  /** The parameter group family (`valkey8`, `redis7`, `redis6.x`, `memcached1.6`...). */
  public readonly parameterGroupFamily: string;
  /** What this version supports. */
  public readonly features: EngineFeatures;

  protected constructor(engine: CacheEngine, version: string, majorVersion: string,
    parameterGroupFamily: string, features: EngineFeatures) {
    this.engine = engine;
    this.version = version;
    this.majorVersion = majorVersion;
    this.parameterGroupFamily = parameterGroupFamily;
    this.features = features;
  }

  /** The engine's default port (6379 for Valkey and Redis OSS, 11211 for Memcached). */
  public get defaultPort(): number {
    return this.engine.defaultPort;
  }

  /** `<engine> <version>`, for messages. */
  public toString(): string {
    return `${this.engine.displayName} ${this.version}`;
  }
}

/** Parses `a.b[.c]` into numbers; throws a clear error for anything else. */
function parseVersion(engine: CacheEngine, version: string, pattern: RegExp, allowed: string): number[] {
  if (Token.isUnresolved(version)) {
    throw new CacheValidationError(`Invalid ${engine.displayName} version: got a token. The version must be known at synth time `
      + '(it decides the parameter group family and the features); use a literal string.');
  }
  if (!pattern.test(version)) {
    throw new CacheValidationError(`Invalid ${engine.displayName} version: got '${version}'. Allowed: ${allowed}.`);
  }
  return version.split('.').map(n => Number(n));
}

/** Whether version `v` is at least `min` (component-wise, missing parts count as 0). */
function atLeast(v: number[], ...min: number[]): boolean {
  for (let i = 0; i < Math.max(v.length, min.length); i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) {
      return a > b;
    }
  }
  return true;
}

/**
 * A Valkey engine version.
 *
 * @example
 * ValkeyVersion.VER_9_0
 * ValkeyVersion.of('9.1', { parameterGroupFamily: 'valkey9' })
 */
export class ValkeyVersion extends CacheEngineVersion {
  /** Valkey 7.2 (parameter group family `valkey7`). */
  public static readonly VER_7_2 = ValkeyVersion.of('7.2');
  /** Valkey 8.0 (family `valkey8`). */
  public static readonly VER_8_0 = ValkeyVersion.of('8.0');
  /** Valkey 8.1 (family `valkey8`). */
  public static readonly VER_8_1 = ValkeyVersion.of('8.1');
  /** Valkey 8.2 (family `valkey8`): the library's default engine. */
  public static readonly VER_8_2 = ValkeyVersion.of('8.2');
  /**
   * Valkey 9.0 (family `valkey9`): durability (`Durability.SYNC` / `ASYNC`), full-text search and
   * aggregations, hash field expiration, several databases in cluster mode (User Guide, engine
   * versions). The family name follows the `valkey<major>` pattern; the API reference's list of
   * families still ends at `valkey8`.
   */
  public static readonly VER_9_0 = ValkeyVersion.of('9.0');

  /**
   * Any Valkey version, for releases newer than this library.
   *
   * @param version the version as ElastiCache takes it, `major.minor` (for example `9.0`)
   */
  public static of(version: string, options: EngineVersionOptions = {}): ValkeyVersion {
    const v = parseVersion(CacheEngine.VALKEY, version, /^\d+\.\d+$/, 'major.minor, such as 8.2');
    if (!atLeast(v, 7, 2)) {
      throw new CacheValidationError(`Invalid Valkey version: got '${version}'. Allowed: 7.2 or later (the first Valkey release on ElastiCache).`);
    }
    return new ValkeyVersion(version, String(v[0]), options.parameterGroupFamily ?? `valkey${v[0]}`);
  }

  private constructor(version: string, major: string, family: string) {
    super(CacheEngine.VALKEY, version, major, family, {
      transitEncryption: true,
      transitEncryptionMode: true,
      atRestEncryption: true,
      replication: true,
      backups: true,
      authToken: true,
      rbac: true,
      iamAuthentication: true,
      slowLog: true,
      engineLog: true,
      dataTiering: true,
      gravitonNodeTypes: true,
      ipv6: true,
      autoMinorVersionUpgrade: true,
      durability: Number(major) >= 9,
    });
  }
}

/**
 * A Redis OSS engine version. For new caches prefer Valkey, a drop-in replacement for Redis OSS 7.
 */
export class RedisOssVersion extends CacheEngineVersion {
  /**
   * Redis OSS 4.0.10 (family `redis4.0`).
   * @deprecated standard support ended on 2026-01-31 (paid Extended Support); upgrade to Valkey
   */
  public static readonly VER_4_0_10 = RedisOssVersion.of('4.0.10');
  /**
   * Redis OSS 5.0.6 (family `redis5.0`).
   * @deprecated standard support ended on 2026-01-31 (paid Extended Support); upgrade to Valkey
   */
  public static readonly VER_5_0_6 = RedisOssVersion.of('5.0.6');
  /**
   * Redis OSS 6.0 (family `redis6.x`).
   * @deprecated use 6.2 or later: 6.2 adds engine logs, data tiering and IPv6
   */
  public static readonly VER_6_0 = RedisOssVersion.of('6.0');
  /** Redis OSS 6.2 (family `redis6.x`). */
  public static readonly VER_6_2 = RedisOssVersion.of('6.2');
  /** Redis OSS 7.0 (family `redis7`). */
  public static readonly VER_7_0 = RedisOssVersion.of('7.0');
  /** Redis OSS 7.1 (family `redis7`). */
  public static readonly VER_7_1 = RedisOssVersion.of('7.1');

  /**
   * Any Redis OSS version.
   *
   * @param version the version as ElastiCache takes it (`7.1`, `6.2`, `5.0.6`)
   */
  public static of(version: string, options: EngineVersionOptions = {}): RedisOssVersion {
    const v = parseVersion(CacheEngine.REDIS_OSS, version, /^\d+\.\d+(\.\d+)?$/, 'major.minor or major.minor.patch, such as 7.1');
    let family: string;
    if (v[0] >= 7) {
      family = `redis${v[0]}`;
    } else if (v[0] === 6) {
      family = 'redis6.x';
    } else {
      family = `redis${v[0]}.${v[1]}`;
    }
    return new RedisOssVersion(version, v, options.parameterGroupFamily ?? family);
  }

  private constructor(version: string, v: number[], family: string) {
    const tls = atLeast(v, 4, 0, 10) || (v[0] === 3 && v[1] === 2 && v[2] === 6);
    super(CacheEngine.REDIS_OSS, version, String(v[0]), family, {
      transitEncryption: tls,
      transitEncryptionMode: atLeast(v, 7, 0),
      atRestEncryption: tls,
      replication: true,
      backups: true,
      authToken: true,
      rbac: atLeast(v, 6, 0),
      iamAuthentication: atLeast(v, 7, 0),
      slowLog: atLeast(v, 6, 0),
      engineLog: atLeast(v, 6, 2),
      dataTiering: atLeast(v, 6, 2),
      gravitonNodeTypes: atLeast(v, 5, 0, 6),
      ipv6: atLeast(v, 6, 2),
      autoMinorVersionUpgrade: atLeast(v, 6, 0),
      durability: false,
    });
  }
}

/**
 * A Memcached engine version. Memcached has no replication, persistence, backups or authentication.
 */
export class MemcachedVersion extends CacheEngineVersion {
  /** Memcached 1.4.5 (family `memcached1.4`). @deprecated use 1.6.22 */
  public static readonly VER_1_4_5 = MemcachedVersion.of('1.4.5');
  /** Memcached 1.4.14 (family `memcached1.4`). @deprecated use 1.6.22 */
  public static readonly VER_1_4_14 = MemcachedVersion.of('1.4.14');
  /** Memcached 1.4.24 (family `memcached1.4`). @deprecated use 1.6.22 */
  public static readonly VER_1_4_24 = MemcachedVersion.of('1.4.24');
  /** Memcached 1.4.33 (family `memcached1.4`). @deprecated use 1.6.22 */
  public static readonly VER_1_4_33 = MemcachedVersion.of('1.4.33');
  /** Memcached 1.4.34 (family `memcached1.4`). @deprecated use 1.6.22 */
  public static readonly VER_1_4_34 = MemcachedVersion.of('1.4.34');
  /** Memcached 1.5.10 (family `memcached1.5`). */
  public static readonly VER_1_5_10 = MemcachedVersion.of('1.5.10');
  /** Memcached 1.5.16 (family `memcached1.5`). */
  public static readonly VER_1_5_16 = MemcachedVersion.of('1.5.16');
  /** Memcached 1.6.6 (family `memcached1.6`; IPv6, no TLS). */
  public static readonly VER_1_6_6 = MemcachedVersion.of('1.6.6');
  /** Memcached 1.6.12 (family `memcached1.6`; the first with TLS). */
  public static readonly VER_1_6_12 = MemcachedVersion.of('1.6.12');
  /** Memcached 1.6.17 (family `memcached1.6`). */
  public static readonly VER_1_6_17 = MemcachedVersion.of('1.6.17');
  /** Memcached 1.6.22 (family `memcached1.6`): the newest. */
  public static readonly VER_1_6_22 = MemcachedVersion.of('1.6.22');

  /**
   * Any Memcached version.
   *
   * @param version the version as ElastiCache takes it, `major.minor.patch` (for example `1.6.22`)
   */
  public static of(version: string, options: EngineVersionOptions = {}): MemcachedVersion {
    const v = parseVersion(CacheEngine.MEMCACHED, version, /^\d+\.\d+\.\d+$/, 'major.minor.patch, such as 1.6.22');
    return new MemcachedVersion(version, v, options.parameterGroupFamily ?? `memcached${v[0]}.${v[1]}`);
  }

  private constructor(version: string, v: number[], family: string) {
    super(CacheEngine.MEMCACHED, version, `${v[0]}.${v[1]}`, family, {
      transitEncryption: atLeast(v, 1, 6, 12),
      transitEncryptionMode: false,
      atRestEncryption: false,
      replication: false,
      backups: false,
      authToken: false,
      rbac: false,
      iamAuthentication: false,
      slowLog: false,
      engineLog: false,
      dataTiering: false,
      gravitonNodeTypes: atLeast(v, 1, 5, 16),
      ipv6: atLeast(v, 1, 6, 6),
      autoMinorVersionUpgrade: false,
      durability: false,
    });
  }
}
