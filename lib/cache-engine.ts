// CacheEngine lives in its own module, which imports nothing: the runtime code (`cdk-elasticache/ops`,
// the CLI) reads engine names from it without loading aws-cdk-lib. lib/engine.ts re-exports it.

/**
 * A cache engine: Valkey, Redis OSS or Memcached.
 *
 * Constructs take an engine *version* (`ValkeyVersion`, `RedisOssVersion`, `MemcachedVersion`),
 * which knows its engine; this class names the engine and its default port.
 */
export class CacheEngine {
  /** Valkey, the open-source fork of Redis OSS that AWS recommends for new caches. */
  public static readonly VALKEY = new CacheEngine('valkey', 'Valkey', 6379);
  /** Redis OSS. */
  public static readonly REDIS_OSS = new CacheEngine('redis', 'Redis OSS', 6379);
  /** Memcached. */
  public static readonly MEMCACHED = new CacheEngine('memcached', 'Memcached', 11211);

  /** The engine's name as the ElastiCache API and CloudFormation take it (`valkey`, `redis`, `memcached`). */
  public readonly name: string;
  /** A human-readable name, for messages. */
  public readonly displayName: string;
  /** The port the engine listens on unless told otherwise. */
  public readonly defaultPort: number;

  private constructor(name: string, displayName: string, defaultPort: number) {
    this.name = name;
    this.displayName = displayName;
    this.defaultPort = defaultPort;
  }

  /**
   * Whether this is the same engine as `other` (compares names, so it works across copies of the library).
   * (Not `equals`: jsii reserves that name, which clashes with `Object.equals` in Java and .NET.)
   */
  public isSameEngine(other: CacheEngine): boolean {
    return this.name === other.name;
  }

  /** The engine's API name. */
  public toString(): string {
    return this.name;
  }
}
