// The environment-variable contract between `connectFrom()` (the construct side) and
// `cdk-elasticache/client` (the runtime side). Pure values: no aws-cdk-lib, so that runtime code can
// import it. Changing a name or a value here is a breaking change for deployed applications.

/** How the consumer authenticates to the cache: the value of `CACHE_AUTH`. */
export enum CacheAuthMode {
  /** RBAC user with a password: the secret is a JSON `{ "username", "password" }`. */
  RBAC_PASSWORD = 'rbac-password',
  /** AUTH token: the secret is the token (or one field of a JSON secret, `CACHE_SECRET_FIELD`). */
  AUTH_TOKEN = 'auth-token',
  /** IAM authentication: the consumer signs a token with its own credentials (`CACHE_USER` is the user id). */
  IAM = 'iam',
  /** No authentication (Memcached, or a cache with `Authentication.none()`). */
  NONE = 'none',
}

/**
 * The names of the environment variables `connectFrom()` sets and `cdk-elasticache/client` reads.
 * Each is `CACHE_<KEY>`, or `CACHE_<NAME>_<KEY>` with a connection name (so that one consumer can
 * use two caches).
 */
export class ConnectionEnvironment {
  /** The engine: `valkey`, `redis` or `memcached`. */
  public static readonly ENGINE = 'ENGINE';
  /** The replication group id, the Memcached cluster name, or the serverless cache name. */
  public static readonly ID = 'ID';
  /**
   * The host of the primary endpoint (replication group with cluster mode disabled), or of the
   * configuration endpoint (replication group with cluster mode enabled or compatible, Memcached), or
   * the endpoint of a serverless cache.
   */
  public static readonly HOST = 'HOST';
  /** The port of that endpoint. */
  public static readonly PORT = 'PORT';
  /** The host of the reader endpoint (replication groups: same port; serverless caches: `READER_PORT`). */
  public static readonly READER_HOST = 'READER_HOST';
  /** The port of the reader endpoint when it is not `PORT` (serverless Valkey / Redis OSS caches: 6380). */
  public static readonly READER_PORT = 'READER_PORT';
  /** `true` when `ID` names a serverless cache (IAM tokens are signed for a serverless cache); absent otherwise. */
  public static readonly SERVERLESS = 'SERVERLESS';
  /** `true` when the client must connect with TLS, `false` otherwise. */
  public static readonly TLS = 'TLS';
  /**
   * A PEM file with the CA the cache's certificate chains to, when the system does not trust it: set by
   * `cdk-elasticache local` (its session's CA). `connectFrom()` never sets it: ElastiCache's
   * certificates chain to public CAs.
   */
  public static readonly TLS_CA_FILE = 'TLS_CA_FILE';
  /** The authentication mode: a `CacheAuthMode` value. */
  public static readonly AUTH = 'AUTH';
  /** The ARN of the Secrets Manager secret with the credentials (`rbac-password`, `auth-token`). */
  public static readonly SECRET_ARN = 'SECRET_ARN';
  /** The JSON field of the secret that holds an AUTH token (`auth-token` from a JSON secret only). */
  public static readonly SECRET_FIELD = 'SECRET_FIELD';
  /** The RBAC user name (`rbac-password`) or the IAM user id (`iam`). */
  public static readonly USER = 'USER';
  /**
   * `true` when the client must speak the cluster protocol (iovalkey / ioredis `Cluster`, node-redis
   * `createCluster`) through `HOST`: a replication group with cluster mode enabled or compatible, and
   * a serverless Valkey / Redis OSS cache; absent otherwise.
   */
  public static readonly CLUSTER = 'CLUSTER';
  /**
   * `true` when `HOST` and `READER_HOST` are DNS names of `addDnsRecords()` (CNAMEs to the endpoints);
   * absent otherwise. With TLS, the client checks the server's certificate against the endpoint the
   * name points to (ElastiCache's certificates name the endpoints, not yours).
   */
  public static readonly DNS_ALIAS = 'DNS_ALIAS';

  /**
   * Every key, in the order the README documents them. A frozen array: typed `string[]`, not
   * `readonly string[]`, because jsii has no read-only array type.
   */
  public static readonly ALL_KEYS: string[] = Object.freeze([
    ConnectionEnvironment.ENGINE, ConnectionEnvironment.ID, ConnectionEnvironment.HOST, ConnectionEnvironment.PORT,
    ConnectionEnvironment.READER_HOST, ConnectionEnvironment.READER_PORT, ConnectionEnvironment.TLS, ConnectionEnvironment.TLS_CA_FILE,
    ConnectionEnvironment.AUTH,
    ConnectionEnvironment.SECRET_ARN, ConnectionEnvironment.SECRET_FIELD, ConnectionEnvironment.USER, ConnectionEnvironment.SERVERLESS,
    ConnectionEnvironment.CLUSTER, ConnectionEnvironment.DNS_ALIAS,
  ]) as string[];

  /**
   * The variable name of a key for a connection name: `variableName('HOST')` is `CACHE_HOST`,
   * `variableName('HOST', 'orders')` is `CACHE_ORDERS_HOST`. The name is uppercased; hyphens become
   * underscores.
   */
  public static variableName(key: string, name?: string): string {
    const infix = name === undefined || name === '' ? '' : `${ConnectionEnvironment.normalizeName(name)}_`;
    return `CACHE_${infix}${key}`;
  }

  /** The connection name as it appears in variable names: uppercase, hyphens as underscores. */
  public static normalizeName(name: string): string {
    return name.toUpperCase().replace(/-/g, '_');
  }

  /** Whether `name` can be a connection name: a letter, then letters, digits, `-` or `_`, at most 32. */
  public static isValidName(name: string): boolean {
    return /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(name);
  }

  private constructor() {}
}
