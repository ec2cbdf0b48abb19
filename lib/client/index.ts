// cdk-elasticache/client: what an application needs to connect to a cache wired with `connectFrom()`.
// Its own entry point: it needs neither aws-cdk-lib nor a particular cache client, and the constructs
// never import it. What only some caches need is loaded on first use: the Secrets Manager client for
// a password, the signer (node:crypto) and, without credentials in the environment, the AWS SDK's
// credential chain for IAM. Loading this module loads nothing outside the package and Node.js.
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';
import { CacheFault, diagnose, fatalFault, redactCredentials } from './faults';
import type { IamCredentials } from './iam-token';

export { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';
export type { CacheFault } from './faults';
export type { IamCredentials } from './iam-token';

/**
 * The error the helper throws: a missing or malformed variable, an unreadable secret, a failed
 * signature, or (from the `connect*()` methods) a connection that failed, with its cause in
 * `reason`. One line; it never holds a password.
 */
export class CacheClientError extends Error {
  /** Why: see `CacheFault`. */
  public readonly reason: CacheFault;
  constructor(message: string, reason: CacheFault = 'environment', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheClientError';
    this.reason = reason;
    Object.setPrototypeOf(this, CacheClientError.prototype);
  }
}

/** The engines a connection can be to. */
export type CacheEngineName = 'valkey' | 'redis' | 'memcached';

/** The connection variables of one cache, parsed and checked. */
export interface CacheEnvironment {
  /** The connection name (the `<NAME>` of `CACHE_<NAME>_HOST`), if any. */
  readonly name?: string;
  /** `CACHE_ENGINE`. */
  readonly engine: CacheEngineName;
  /** `CACHE_ID`: the replication group id or the Memcached cluster name, if set. */
  readonly id?: string;
  /** `CACHE_HOST`: the primary endpoint (Memcached: the configuration endpoint). */
  readonly host: string;
  /** `CACHE_PORT`. */
  readonly port: number;
  /** `CACHE_READER_HOST`: the reader endpoint, if set. */
  readonly readerHost?: string;
  /** `CACHE_READER_PORT`: the reader endpoint's port when it is not `port` (serverless caches: 6380). */
  readonly readerPort?: number;
  /** `CACHE_SERVERLESS`: `id` names a serverless cache (IAM tokens are signed for it). */
  readonly serverless?: boolean;
  /** `CACHE_TLS`. */
  readonly tls: boolean;
  /** `CACHE_TLS_CA_FILE`: a PEM file of the CA to trust (`cdk-elasticache local` sets it), if set. */
  readonly tlsCaFile?: string;
  /** `CACHE_AUTH`. */
  readonly auth: CacheAuthMode;
  /** `CACHE_SECRET_ARN`, for `rbac-password` and `auth-token`. */
  readonly secretArn?: string;
  /** `CACHE_SECRET_FIELD`: the JSON field holding an AUTH token, if set. */
  readonly secretField?: string;
  /** `CACHE_USER`: the RBAC user name, or the IAM user id. */
  readonly user?: string;
  /**
   * `CACHE_CLUSTER`: the cache speaks the cluster protocol through `host` (cluster mode enabled or
   * compatible, serverless Valkey / Redis OSS): connect a cluster client (`ioredisClusterOptions()`,
   * `nodeRedisClusterOptions()`).
   */
  readonly cluster?: boolean;
  /**
   * `CACHE_DNS_ALIAS`: `host` and `readerHost` are DNS names of `addDnsRecords()`, CNAMEs to the
   * endpoints; with TLS, the certificate is checked against the endpoint (`ConnectionSettings.servername`).
   */
  readonly dnsAlias?: boolean;
}

const ENGINES: readonly string[] = ['valkey', 'redis', 'memcached'];
const AUTH_MODES: readonly string[] = Object.values(CacheAuthMode);

/**
 * Reads and checks the variables `connectFrom()` set (`CACHE_HOST`..., or `CACHE_<NAME>_HOST`... with a
 * connection name). Throws a `CacheClientError` naming the variable when one is missing or malformed.
 */
export function readCacheEnvironment(name?: string, env: Record<string, string | undefined> = process.env): CacheEnvironment {
  if (name !== undefined && !ConnectionEnvironment.isValidName(name)) {
    throw new CacheClientError(`Invalid connection name '${name}': a letter, then letters, digits, '-' or '_' (at most 32).`);
  }
  const variable = (key: string) => ConnectionEnvironment.variableName(key, name);
  const optional = (key: string): string | undefined => {
    const value = env[variable(key)];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const required = (key: string, why: string): string => {
    const value = optional(key);
    if (value === undefined) {
      throw new CacheClientError(`Missing environment variable ${variable(key)} (${why}). `
        + `Set it with cache.connectFrom(consumer${name ? `, { name: '${name}' }` : ''}) in the stack, or by hand.`);
    }
    return value;
  };
  const oneOf = (key: string, value: string, allowed: readonly string[]): string => {
    if (!allowed.includes(value)) {
      throw new CacheClientError(`Invalid ${variable(key)}: got '${value}'. Allowed: ${allowed.map(a => `'${a}'`).join(', ')}.`);
    }
    return value;
  };

  const engine = oneOf(ConnectionEnvironment.ENGINE,
    required(ConnectionEnvironment.ENGINE, 'the engine'), ENGINES) as CacheEngineName;
  const host = required(ConnectionEnvironment.HOST, 'the endpoint host');
  const portText = required(ConnectionEnvironment.PORT, 'the endpoint port');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new CacheClientError(`Invalid ${variable(ConnectionEnvironment.PORT)}: got '${portText}'. Allowed: an integer from 1 to 65535.`);
  }
  const readerPortText = optional(ConnectionEnvironment.READER_PORT);
  const readerPort = readerPortText === undefined ? undefined : Number(readerPortText);
  if (readerPortText !== undefined && (!/^\d+$/.test(readerPortText) || readerPort! < 1 || readerPort! > 65535)) {
    throw new CacheClientError(`Invalid ${variable(ConnectionEnvironment.READER_PORT)}: got '${readerPortText}'. Allowed: an integer from 1 to 65535.`);
  }
  const serverlessText = optional(ConnectionEnvironment.SERVERLESS);
  const serverless = serverlessText === undefined ? undefined : oneOf(ConnectionEnvironment.SERVERLESS, serverlessText, ['true', 'false']) === 'true';
  const clusterText = optional(ConnectionEnvironment.CLUSTER);
  const cluster = clusterText === undefined ? undefined : oneOf(ConnectionEnvironment.CLUSTER, clusterText, ['true', 'false']) === 'true';
  const dnsAliasText = optional(ConnectionEnvironment.DNS_ALIAS);
  const dnsAlias = dnsAliasText === undefined ? undefined
    : oneOf(ConnectionEnvironment.DNS_ALIAS, dnsAliasText, ['true', 'false']) === 'true';
  const tls = oneOf(ConnectionEnvironment.TLS, required(ConnectionEnvironment.TLS, 'whether to use TLS'), ['true', 'false']) === 'true';
  const auth = oneOf(ConnectionEnvironment.AUTH,
    required(ConnectionEnvironment.AUTH, 'the authentication mode'), AUTH_MODES) as CacheAuthMode;
  const secretNeeded = auth === CacheAuthMode.RBAC_PASSWORD || auth === CacheAuthMode.AUTH_TOKEN;
  const secretArn = secretNeeded
    ? required(ConnectionEnvironment.SECRET_ARN, `the secret with the credentials, for ${variable(ConnectionEnvironment.AUTH)}=${auth}`)
    : optional(ConnectionEnvironment.SECRET_ARN);
  const user = auth === CacheAuthMode.IAM
    ? required(ConnectionEnvironment.USER, `the IAM user id, for ${variable(ConnectionEnvironment.AUTH)}=iam`)
    : optional(ConnectionEnvironment.USER);
  const id = auth === CacheAuthMode.IAM
    ? required(ConnectionEnvironment.ID, `the replication group id the IAM token is signed for, for ${variable(ConnectionEnvironment.AUTH)}=iam`)
    : optional(ConnectionEnvironment.ID);
  if (engine === 'memcached' && cluster) {
    throw new CacheClientError(`Invalid ${variable(ConnectionEnvironment.CLUSTER)}: got 'true' with memcached. Allowed: 'false', `
      + 'or leave it unset (Memcached has no cluster protocol).');
  }
  if (engine === 'memcached' && auth !== CacheAuthMode.NONE) {
    throw new CacheClientError(`Invalid ${variable(ConnectionEnvironment.AUTH)}: got '${auth}' with memcached. Allowed: 'none' `
      + '(Memcached has no authentication).');
  }
  return {
    ...(name !== undefined ? { name } : {}),
    engine, host, port, tls, auth,
    ...(id !== undefined ? { id } : {}),
    ...(optional(ConnectionEnvironment.READER_HOST) !== undefined ? { readerHost: optional(ConnectionEnvironment.READER_HOST) } : {}),
    ...(readerPort !== undefined ? { readerPort } : {}),
    ...(serverless !== undefined ? { serverless } : {}),
    ...(secretArn !== undefined ? { secretArn } : {}),
    ...(optional(ConnectionEnvironment.SECRET_FIELD) !== undefined ? { secretField: optional(ConnectionEnvironment.SECRET_FIELD) } : {}),
    ...(optional(ConnectionEnvironment.TLS_CA_FILE) !== undefined ? { tlsCaFile: optional(ConnectionEnvironment.TLS_CA_FILE) } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(cluster !== undefined ? { cluster } : {}),
    ...(dnsAlias !== undefined ? { dnsAlias } : {}),
  };
}

/** What every Valkey / Redis OSS client needs: where, whether TLS, and who. */
export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The RBAC user name or IAM user id; undefined with an AUTH token or no authentication. */
  readonly username?: string;
  /** The password, AUTH token or IAM token; undefined without authentication. */
  readonly password?: string;
  /**
   * With TLS and `CACHE_DNS_ALIAS=true` only: the endpoint `host` points to (the first ElastiCache name,
   * `*.amazonaws.com`, of its CNAME chain, resolved by this call), which the server's certificate names.
   * Otherwise absent: the certificate is checked against `host`.
   */
  readonly servername?: string;
  /** The CA to trust (PEM), from `CACHE_TLS_CA_FILE`; undefined when the system's CAs apply. */
  readonly ca?: string;
}

/** Which endpoint to connect to. */
export interface SettingsOptions {
  /**
   * Connect to the reader endpoint (read replicas) instead of the primary.
   * @default false
   */
  readonly reader?: boolean;
}

/**
 * How long a client waits and how often it tries again: bounds suited to request / response work (a
 * Lambda function, an HTTP handler), so that a cache that cannot be used fails the request within
 * seconds instead of running into the function's timeout. Every option builder and `connect*()`
 * method applies them; your own client options, spread after the helper's, override them.
 */
export interface ClientTimeouts {
  /**
   * One connection attempt: TCP, TLS handshake and AUTH / HELLO (ioredis / iovalkey `connectTimeout`,
   * node-redis `socket.connectTimeout`; a `connect*()` method also gives up on a server that accepts
   * and never answers after this long).
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * A command without a reply after this long is rejected (ioredis / iovalkey `commandTimeout`,
   * node-redis `commandOptions.timeout`). `0` turns it off: do so, or raise it, for blocking commands
   * (`BLPOP`, `XREAD BLOCK`).
   * @default 2000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Reconnection attempts after a lost connection (100, 200, 400 ms... apart, at most 1 s), after
   * which the client gives up (ioredis / iovalkey status `end`, node-redis `isOpen` false; `reuse()`
   * then connects a new one). A refused password, an untrusted certificate or TLS on one side only
   * stop it at once. A command waits for at most one reconnection (ioredis `maxRetriesPerRequest: 1`).
   * @default 3
   */
  readonly reconnectAttempts?: number;
}

/** The defaults of `ClientTimeouts`. */
export const DEFAULT_CLIENT_TIMEOUTS: Required<ClientTimeouts> = { connectTimeoutMs: 2_000, commandTimeoutMs: 2_000, reconnectAttempts: 3 };

/** Options of `iovalkey` / `ioredis` (`new Valkey(options)`, `new Redis(options)`). */
export interface IoredisOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** Present only with TLS: the SNI server name (none for an IP address, which SNI does not allow), and the CA of `CACHE_TLS_CA_FILE` if set. */
  readonly tls?: { readonly servername?: string; readonly ca?: string };
  /** `ClientTimeouts.connectTimeoutMs`. */
  readonly connectTimeout: number;
  /** `ClientTimeouts.commandTimeoutMs` (absent when 0). */
  readonly commandTimeout?: number;
  /** 1: a command waits for at most one reconnection. */
  readonly maxRetriesPerRequest: number;
  /** The reconnection delay, or null to give up (`ClientTimeouts.reconnectAttempts`). */
  readonly retryStrategy: (times: number) => number | null;
}

/** The `socket` of node-redis options: TLS with the SNI server name, or plain TCP. */
export type NodeRedisSocket = (
  | { readonly host: string; readonly port: number; readonly tls: true; readonly servername?: string; readonly ca?: string }
  | { readonly host: string; readonly port: number; readonly tls: false }
) & NodeRedisSocketPolicy;

/** The connection bounds of a node-redis socket. */
export interface NodeRedisSocketPolicy {
  /** `ClientTimeouts.connectTimeoutMs`. */
  readonly connectTimeout: number;
  /** The reconnection delay, or the error to give up with (`ClientTimeouts.reconnectAttempts`). */
  readonly reconnectStrategy: (retries: number, cause: Error) => number | Error;
}

/** Options of `redis` (node-redis) `createClient(options)`. */
export interface NodeRedisOptions {
  readonly socket: NodeRedisSocket;
  readonly username?: string;
  readonly password?: string;
  /** `ClientTimeouts.commandTimeoutMs` (absent when 0). */
  readonly commandOptions?: { readonly timeout: number };
}

/** The node-redis `socket` of a cluster's nodes: TLS or plain TCP, the host and port coming from the topology. */
export interface NodeRedisClusterSocket extends NodeRedisSocketPolicy {
  readonly tls: boolean;
  /** The CA of `CACHE_TLS_CA_FILE`, if set. */
  readonly ca?: string;
}

/** The options of `iovalkey` / `ioredis` `Cluster`: `new Cluster(o.nodes, o.options)`. */
export interface IoredisClusterOptions {
  /** The startup node: the configuration endpoint (serverless: the endpoint). */
  readonly nodes: Array<{ readonly host: string; readonly port: number }>;
  readonly options: {
    /**
     * Keeps the host names of the topology as they are instead of resolving them to IP addresses, so
     * that TLS verifies each node's certificate against its name (ElastiCache announces host names
     * with encryption in transit; ioredis's README, "AWS ElastiCache Clusters with TLS").
     */
    readonly dnsLookup: (address: string, callback: (error: Error | null, address: string) => void) => void;
    /** What every node connection uses: the credentials, TLS (`{}`: each node checked against its own host name), the timeouts. */
    readonly redisOptions: {
      readonly username?: string;
      readonly password?: string;
      readonly tls?: { readonly ca?: string };
      readonly connectTimeout: number;
      readonly commandTimeout?: number;
      readonly maxRetriesPerRequest: number;
    };
    /** How long reading the topology may take: `ClientTimeouts.connectTimeoutMs`. */
    readonly slotsRefreshTimeout: number;
    /** The delay before the cluster connects again, or null to give up (`ClientTimeouts.reconnectAttempts`). */
    readonly clusterRetryStrategy: (times: number) => number | null;
  };
}

/** The options of `redis` (node-redis) `createCluster(options)`. */
export interface NodeRedisClusterOptions {
  /** The node the topology is read from: the configuration endpoint (serverless: the endpoint). */
  readonly rootNodes: Array<{ readonly socket: { readonly host: string; readonly port: number } }>;
  /**
   * What every connection uses, the root node's and the discovered nodes' (node-redis gives the
   * discovered nodes nothing of `rootNodes`): the credentials and TLS.
   */
  readonly defaults: {
    readonly username?: string;
    readonly password?: string;
    readonly socket: NodeRedisClusterSocket;
    readonly commandOptions?: { readonly timeout: number };
  };
}

/** What an auto-discovery Memcached client needs. */
export interface MemcachedSettings {
  /** `host:port` of the configuration endpoint. */
  readonly configurationEndpoint: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The CA of `CACHE_TLS_CA_FILE` (PEM), if set. */
  readonly ca?: string;
}

/** Options of `CacheConnection.fromEnvironment()`. */
export interface CacheConnectionOptions extends ClientTimeouts {
  /**
   * The connection name given to `connectFrom()` (`CACHE_<NAME>_...`).
   * @default - none: `CACHE_...`
   */
  readonly name?: string;
  /** The variables. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** The Secrets Manager client. @default - a new client with the SDK's default region and credentials */
  readonly secretsManager?: SecretsManager.SecretsManagerClient;
  /**
   * The region IAM tokens are signed for, and of the Secrets Manager client the helper makes.
   * @default - `AWS_REGION` (IAM: else `AWS_DEFAULT_REGION`) of `env`; Secrets Manager: else the SDK's region chain
   */
  readonly region?: string;
  /**
   * The credentials IAM tokens are signed with: keys, or a provider (what the AWS SDK's credential
   * providers return).
   * @default - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` of `env` when set and
   * `AWS_PROFILE` is not (a Lambda function's own), else the AWS SDK's default chain
   * (`@aws-sdk/credential-provider-node`, loaded then)
   */
  readonly credentials?: IamCredentials | (() => Promise<IamCredentials>);
  /**
   * How long an IAM token is reused before a new one is signed; below its 15-minute validity, so that
   * a connection opened with it never carries an expired token.
   * @default 600000 (10 minutes)
   */
  readonly tokenMaxAgeMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
  /**
   * Resolves a DNS name's CNAME records (`CACHE_DNS_ALIAS=true` with TLS).
   * @default dns.promises.resolveCname of node:dns
   */
  readonly resolveCname?: (hostname: string) => Promise<string[]>;
}

interface Credentials {
  readonly username?: string;
  readonly password?: string;
}

/**
 * The connection to one cache, built from the variables `connectFrom()` set. The secret is read once
 * and cached (call `refresh()` after a `WRONGPASS`, which is what a rotated password looks like); IAM
 * tokens are signed locally and re-signed after `tokenMaxAgeMs`.
 */
export class CacheConnection {
  /** Reads the variables now (throws a `CacheClientError` when one is missing or malformed). */
  public static fromEnvironment(options: CacheConnectionOptions = {}): CacheConnection {
    return new CacheConnection(readCacheEnvironment(options.name, options.env ?? process.env), options);
  }

  /** The parsed variables. */
  public readonly environment: CacheEnvironment;
  private readonly options: CacheConnectionOptions;
  private secretsManager?: SecretsManager.SecretsManagerClient;
  /** The user name of the last secret read (the secret's own "username" may differ from CACHE_USER). */
  private credentialsUser?: string;
  private credentials?: Promise<Credentials>;
  private signedAt = 0;

  private constructor(environment: CacheEnvironment, options: CacheConnectionOptions) {
    this.environment = environment;
    this.options = options;
  }

  /**
   * Host, port, TLS and credentials for a Valkey / Redis OSS client. Reads the secret on the first
   * call (then from memory), or signs an IAM token when the last one is older than `tokenMaxAgeMs`.
   */
  public async settings(options: SettingsOptions = {}): Promise<ConnectionSettings> {
    const env = this.environment;
    if (env.engine === 'memcached') {
      throw new CacheClientError(`${this.variable(ConnectionEnvironment.ENGINE)} is memcached: use memcachedSettings().`);
    }
    let host = env.host;
    let port = env.port;
    if (options.reader) {
      if (env.readerHost === undefined) {
        throw new CacheClientError(`Missing environment variable ${this.variable(ConnectionEnvironment.READER_HOST)} (the reader endpoint)`
          + (env.cluster ? `: a cache with ${this.variable(ConnectionEnvironment.CLUSTER)}=true has none; a cluster client reads from the `
            + 'replicas it discovers (ioredis / iovalkey scaleReads, node-redis useReplicas).' : '.'));
      }
      host = env.readerHost;
      port = env.readerPort ?? env.port;
    }
    const servername = env.tls && env.dnsAlias ? await this.endpointOf(host) : undefined;
    const credentials = await this.currentCredentials();
    return {
      host,
      port,
      tls: env.tls,
      ...(servername !== undefined ? { servername } : {}),
      ...(credentials.username !== undefined ? { username: credentials.username } : {}),
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      ...this.trustedCa(),
    };
  }

  /** `settings()` in the shape `iovalkey` and `ioredis` take: `new Valkey(await connection.ioredisOptions())`. */
  public async ioredisOptions(options: SettingsOptions = {}): Promise<IoredisOptions> {
    const s = await this.settings(options);
    const t = this.timeouts;
    return {
      host: s.host,
      port: s.port,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(s.tls ? { tls: { ...serverName(s.servername ?? s.host, s.host), ...(s.ca !== undefined ? { ca: s.ca } : {}) } }
        : {}),
      connectTimeout: t.connectTimeoutMs,
      ...(t.commandTimeoutMs > 0 ? { commandTimeout: t.commandTimeoutMs } : {}),
      maxRetriesPerRequest: 1,
      retryStrategy: this.retryStrategy(),
    };
  }

  /** `settings()` in the shape `redis` (node-redis) takes: `createClient(await connection.nodeRedisOptions())`. */
  public async nodeRedisOptions(options: SettingsOptions = {}): Promise<NodeRedisOptions> {
    return this.nodeRedisOptionsWith(options, {});
  }

  private async nodeRedisOptionsWith(options: SettingsOptions, state: RetryState): Promise<NodeRedisOptions> {
    const s = await this.settings(options);
    const policy = this.nodeRedisSocketPolicy(state);
    return {
      socket: s.tls
        ? {
          host: s.host, port: s.port, tls: true, ...serverName(s.servername ?? s.host, s.host), ...(s.ca !== undefined ? { ca: s.ca } : {}),
          ...policy,
        }
        : { host: s.host, port: s.port, tls: false, ...policy },
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...this.nodeRedisCommandOptions(),
    };
  }

  /** `CACHE_CLUSTER`: whether the cache must be used through a cluster client (`ioredisClusterOptions()`, `nodeRedisClusterOptions()`). */
  public get cluster(): boolean {
    return this.environment.cluster === true;
  }

  /**
   * The options of an `iovalkey` / `ioredis` cluster client, for a cache that speaks the cluster
   * protocol (`CACHE_CLUSTER=true`): `const o = await connection.ioredisClusterOptions(); new Cluster(o.nodes, o.options)`.
   * Reads the secret or signs a token as `settings()` does. Throws a `CacheClientError` without
   * `CACHE_CLUSTER=true` (a cluster client fails on a node with cluster mode disabled).
   */
  public async ioredisClusterOptions(): Promise<IoredisClusterOptions> {
    const s = await this.clusterSettings('ioredisOptions()');
    const t = this.timeouts;
    return {
      // A DNS name with TLS: the endpoint it points to is the startup node, whose certificate names it.
      nodes: [{ host: s.servername ?? s.host, port: s.port }],
      options: {
        dnsLookup: (address, callback) => callback(null, address),
        redisOptions: {
          ...(s.username !== undefined ? { username: s.username } : {}),
          ...(s.password !== undefined ? { password: s.password } : {}),
          ...(s.tls ? { tls: s.ca !== undefined ? { ca: s.ca } : {} } : {}),
          connectTimeout: t.connectTimeoutMs,
          ...(t.commandTimeoutMs > 0 ? { commandTimeout: t.commandTimeoutMs } : {}),
          maxRetriesPerRequest: 1,
        },
        slotsRefreshTimeout: t.connectTimeoutMs,
        clusterRetryStrategy: this.retryStrategy(),
      },
    };
  }

  /**
   * The options of a node-redis cluster client, for a cache that speaks the cluster protocol
   * (`CACHE_CLUSTER=true`): `createCluster(await connection.nodeRedisClusterOptions())`. Throws a
   * `CacheClientError` without `CACHE_CLUSTER=true`.
   */
  public async nodeRedisClusterOptions(): Promise<NodeRedisClusterOptions> {
    return this.nodeRedisClusterOptionsWith({});
  }

  private async nodeRedisClusterOptionsWith(state: RetryState): Promise<NodeRedisClusterOptions> {
    const s = await this.clusterSettings('nodeRedisOptions()');
    return {
      rootNodes: [{ socket: { host: s.servername ?? s.host, port: s.port } }],
      defaults: {
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.password !== undefined ? { password: s.password } : {}),
        socket: { tls: s.tls, ...(s.tls && s.ca !== undefined ? { ca: s.ca } : {}), ...this.nodeRedisSocketPolicy(state) },
        ...this.nodeRedisCommandOptions(),
      },
    };
  }

  /** The configuration endpoint and TLS flag of a Memcached cluster, for an auto-discovery client. */
  public memcachedSettings(): MemcachedSettings {
    const env = this.environment;
    if (env.engine !== 'memcached') {
      throw new CacheClientError(`${this.variable(ConnectionEnvironment.ENGINE)} is ${env.engine}: use settings().`);
    }
    return { configurationEndpoint: `${env.host}:${env.port}`, host: env.host, port: env.port, tls: env.tls, ...this.trustedCa() };
  }

  /**
   * Connects an iovalkey / ioredis client to the cache (`await connection.connectIoredis(Valkey)`), with
   * `ioredisOptions(options)` and your `clientOptions` over them. Resolves once the client is ready;
   * otherwise rejects with one `CacheClientError` whose `reason` names the cause (refused credentials,
   * TLS on one side only, an untrusted certificate, an unreachable or silent endpoint, an unreadable
   * secret), after closing the client: within about twice `connectTimeoutMs`, plus at most 1 s to tell a
   * reset or timeout apart by probing the endpoint. A refused password read earlier is read again
   * once (it may have been rotated). The client keeps an 'error' listener that takes the password out
   * of the errors iovalkey / ioredis attach the AUTH command to: add yours to log them.
   */
  public connectIoredis<T extends IoredisLikeClient>(
    Client: new (options: IoredisOptions & { lazyConnect: boolean }) => T, options: ConnectOptions = {}): Promise<T> {
    return this.connectWith(async state => {
      const o = await this.ioredisOptions(options);
      const client = new Client(merge({ ...o, lazyConnect: true, retryStrategy: this.retryStrategy(state) }, options.clientOptions));
      return { client, host: o.host, port: o.port, events: ['error'], connect: () => client.connect(), close: () => client.disconnect() };
    });
  }

  /**
   * Connects an iovalkey / ioredis `Cluster` to a cache with `CACHE_CLUSTER=true`
   * (`await connection.connectIoredisCluster(Valkey.Cluster)`), as `connectIoredis()` does a client.
   */
  public connectIoredisCluster<T extends IoredisLikeClient>(
    Cluster: new (nodes: IoredisClusterOptions['nodes'], options: IoredisClusterOptions['options'] & { lazyConnect: boolean }) => T,
    options: ConnectOptions = {}): Promise<T> {
    return this.connectWith(async state => {
      const o = await this.ioredisClusterOptions();
      const client = new Cluster(o.nodes, merge({ ...o.options, lazyConnect: true, clusterRetryStrategy: this.retryStrategy(state) },
        options.clientOptions));
      return { client, ...o.nodes[0], cluster: true, events: ['error', 'node error'], connect: () => client.connect(), close: () => client.disconnect() };
    });
  }

  /**
   * Connects a node-redis client (`await connection.connectNodeRedis(createClient)`), with
   * `nodeRedisOptions(options)` and your `clientOptions` over them, as `connectIoredis()` does.
   */
  public connectNodeRedis<T extends NodeRedisLikeClient>(createClient: (options: NodeRedisOptions) => T, options: ConnectOptions = {}): Promise<T> {
    return this.connectWith(async state => {
      const o = await this.nodeRedisOptionsWith(options, state);
      const client = createClient(merge(o, options.clientOptions));
      return { client, host: o.socket.host, port: o.socket.port, events: ['error'], connect: () => client.connect(), close: () => destroy(client) };
    });
  }

  /**
   * Connects a node-redis cluster to a cache with `CACHE_CLUSTER=true`
   * (`await connection.connectNodeRedisCluster(createCluster)`), as `connectIoredis()` does a client.
   */
  public connectNodeRedisCluster<T extends NodeRedisLikeClient>(
    createCluster: (options: NodeRedisClusterOptions) => T, options: ConnectOptions = {}): Promise<T> {
    return this.connectWith(async state => {
      const o = await this.nodeRedisClusterOptionsWith(state);
      const client = createCluster(merge(o, options.clientOptions));
      return { client, ...o.rootNodes[0].socket, cluster: true, events: ['error'], connect: () => client.connect(), close: () => destroy(client) };
    });
  }

  /** The bounds in force: the options given to `fromEnvironment()`, else `DEFAULT_CLIENT_TIMEOUTS`. */
  public get timeouts(): Required<ClientTimeouts> {
    const o = this.options;
    return {
      connectTimeoutMs: o.connectTimeoutMs ?? DEFAULT_CLIENT_TIMEOUTS.connectTimeoutMs,
      commandTimeoutMs: o.commandTimeoutMs ?? DEFAULT_CLIENT_TIMEOUTS.commandTimeoutMs,
      reconnectAttempts: o.reconnectAttempts ?? DEFAULT_CLIENT_TIMEOUTS.reconnectAttempts,
    };
  }

  private async connectWith<T extends IoredisLikeClient | NodeRedisLikeClient>(open: (state: RetryState) => Promise<Attempt<T>>): Promise<T> {
    const { connectTimeoutMs } = this.timeouts;
    for (let round = 1; ; round++) {
      // A password read by an earlier call may have been rotated since: a refusal reads it again, once.
      const readEarlier = this.credentials !== undefined && this.environment.auth !== CacheAuthMode.IAM;
      const state: RetryState = { managed: true };
      const attempt = await open(state);
      const seen: unknown[] = [];
      const onError = (...args: unknown[]) => {
        const error = args[0];
        redactCredentials(error);
        seen.push(error);
        if (fatalFault(error) !== undefined) state.fatal = true;
      };
      for (const event of attempt.events) attempt.client.on(event, onError);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          attempt.connect(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${2 * connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
              2 * connectTimeoutMs);
          }),
        ]);
        // iovalkey / ioredis go on after a refused AUTH (and are ready when the default user is on).
        const refused = seen.find(e => fatalFault(e) === 'credentials-refused');
        if (refused !== undefined) throw refused;
        state.connected = true;
        return attempt.client;
      } catch (e) {
        // iovalkey / ioredis reject connect() on the socket's close, and may emit its cause just after it.
        await new Promise(resolve => setImmediate(resolve));
        attempt.close();
        redactCredentials(e);
        const { fault, message, cause } = await diagnose([...seen, e], {
          host: attempt.host, port: attempt.port, tls: this.environment.tls, connectTimeoutMs, who: this.who(),
          tlsVariable: this.variable(ConnectionEnvironment.TLS),
        });
        if (fault === 'credentials-refused' && round === 1 && readEarlier) {
          this.refresh();
          continue;
        }
        throw new CacheClientError(`${message}${attempt.cluster ? ' (cluster client)' : ''}`, fault, { cause });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Who the connection authenticates as, for messages: never the password. */
  private who(): string | undefined {
    const env = this.environment;
    const secret = `the secret ${env.secretArn} (${this.variable(ConnectionEnvironment.SECRET_ARN)})`;
    switch (env.auth) {
      case CacheAuthMode.NONE: return undefined;
      case CacheAuthMode.IAM: return `IAM user '${env.user}' (a token signed for '${env.id}'; the role needs elasticache:Connect on both)`;
      case CacheAuthMode.AUTH_TOKEN: return `the AUTH token from ${secret}`;
      case CacheAuthMode.RBAC_PASSWORD: return `user '${this.credentialsUser ?? env.user}' (password from ${secret})`;
    }
  }

  private retryStrategy(state: RetryState = {}): (times: number) => number | null {
    const { reconnectAttempts } = this.timeouts;
    return times => (state.fatal || (state.managed && !state.connected) || times > reconnectAttempts ? null : retryDelay(times));
  }

  private nodeRedisSocketPolicy(state: RetryState): NodeRedisSocketPolicy {
    const { connectTimeoutMs, reconnectAttempts } = this.timeouts;
    return {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries, cause) => (fatalFault(cause) !== undefined || (state.managed && !state.connected) || retries >= reconnectAttempts
        // node-redis wants an Error of its own realm (an error of node:tls is not one under a VM sandbox such as jest's).
        ? (cause instanceof Error ? cause : Object.assign(new Error(String((cause as Error | undefined)?.message)), { cause }))
        : retryDelay(retries + 1)),
    };
  }

  private nodeRedisCommandOptions(): { commandOptions?: { timeout: number } } {
    const { commandTimeoutMs } = this.timeouts;
    return commandTimeoutMs > 0 ? { commandOptions: { timeout: commandTimeoutMs } } : {};
  }

  /**
   * Forgets the cached secret (and IAM token): the next `settings()` reads the secret again. Call it
   * when the server answers `WRONGPASS` (see `isWrongPassError`): the password was rotated.
   */
  public refresh(): void {
    this.credentials = undefined;
    this.signedAt = 0;
  }

  /** `{ ca }` from `CACHE_TLS_CA_FILE` with TLS, else nothing. */
  private trustedCa(): { ca?: string } {
    const file = this.environment.tls ? this.environment.tlsCaFile : undefined;
    if (file === undefined) {
      return {};
    }
    try {
      return { ca: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new CacheClientError(`Cannot read the CA file ${file} (${this.variable(ConnectionEnvironment.TLS_CA_FILE)}): ${errorText(e)}`);
    }
  }

  private async clusterSettings(plain: string): Promise<ConnectionSettings> {
    if (!this.cluster && this.environment.engine !== 'memcached') {
      throw new CacheClientError(`${this.variable(ConnectionEnvironment.CLUSTER)} is not 'true': the cache does not speak the cluster `
        + `protocol (cluster mode disabled), and a cluster client fails on it. Use ${plain}.`);
    }
    return this.settings();
  }

  /**
   * The endpoint a DNS name of `addDnsRecords()` points to: its CNAME chain followed (at most 8 links)
   * to the first ElastiCache name (`.amazonaws.com`, `.amazonaws.com.cn`), or to its end.
   */
  private async endpointOf(host: string): Promise<string> {
    const resolve = this.options.resolveCname ?? ((name: string) => dns.resolveCname(name));
    const why = `${this.variable(ConnectionEnvironment.DNS_ALIAS)}=true`;
    let name = host;
    for (let link = 0; link < 8 && !/\.amazonaws\.com(\.cn)?$/i.test(name); link++) {
      let next: string[];
      try {
        next = await resolve(name);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (link > 0 && (code === 'ENODATA' || code === 'ENOTFOUND')) {
          break; // the end of the chain: a name with an address, not a CNAME
        }
        throw new CacheClientError(`Cannot resolve ${host} (${why}) to the endpoint it names, whose name the server's TLS certificate `
          + `has: ${errorText(e)}`);
      }
      if (next.length === 0) {
        break;
      }
      name = next[0].replace(/\.$/, '');
    }
    return name;
  }

  private currentCredentials(): Promise<Credentials> {
    const env = this.environment;
    const now = (this.options.now ?? Date.now)();
    const stale = env.auth === CacheAuthMode.IAM && now - this.signedAt >= (this.options.tokenMaxAgeMs ?? 600_000);
    if (!this.credentials || stale) {
      this.signedAt = now;
      const pending = this.loadCredentials();
      // A failure is not cached: the next call tries again.
      pending.catch(() => {
        if (this.credentials === pending) {
          this.refresh();
        }
      });
      this.credentials = pending;
    }
    return this.credentials;
  }

  private async loadCredentials(): Promise<Credentials> {
    const env = this.environment;
    switch (env.auth) {
      case CacheAuthMode.NONE:
        return {};
      case CacheAuthMode.IAM:
        return { username: env.user, password: await this.signToken(new Date(this.signedAt)) };
      case CacheAuthMode.RBAC_PASSWORD:
        return this.parseRbacSecret(await this.readSecret());
      case CacheAuthMode.AUTH_TOKEN:
        return { password: this.parseAuthToken(await this.readSecret()) };
    }
  }

  private async signToken(signingDate: Date): Promise<string> {
    const env = this.environment;
    const vars = this.options.env ?? process.env;
    const fail = (why: string) => new CacheClientError(`Cannot sign an IAM token for user '${env.user}' on '${env.id}': ${why}`, 'signing');
    const region = this.options.region ?? vars.AWS_REGION ?? vars.AWS_DEFAULT_REGION;
    if (!region) {
      throw fail('no region: set AWS_REGION (Lambda functions and ECS tasks have it) or pass region.');
    }
    let credentials: IamCredentials;
    try {
      const given = this.options.credentials ?? environmentCredentials(vars) ?? defaultCredentialChain();
      credentials = typeof given === 'function' ? await given() : given;
    } catch (e) {
      throw e instanceof CacheClientError ? e : fail(errorText(e));
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { signIamAuthToken } = require('./iam-token') as typeof import('./iam-token');
    return signIamAuthToken({
      cacheName: env.id!, userId: env.user!, region, credentials, signingDate, ...(env.serverless ? { serverless: true } : {}),
    });
  }

  private async readSecret(): Promise<string> {
    const arn = this.environment.secretArn!;
    const where = `the secret ${arn} (${this.variable(ConnectionEnvironment.SECRET_ARN)})`;
    if (arn.startsWith('file:')) {
      // A secret of `cdk-elasticache local`: a file of the session, never an AWS secret.
      try {
        return readFileSync(fileURLToPath(arn), 'utf8');
      } catch (e) {
        throw new CacheClientError(`Cannot read ${where}: ${errorText(e)} (is cdk-elasticache local still running?)`, 'secret');
      }
    }
    const sdk = secretsManagerModule();
    const region = this.options.region ?? (this.options.env ?? process.env).AWS_REGION;
    this.secretsManager ??= this.options.secretsManager ?? new sdk.SecretsManagerClient(region ? { region } : {});
    let value: string | undefined;
    try {
      value = (await this.secretsManager.send(new sdk.GetSecretValueCommand({ SecretId: arn }))).SecretString;
    } catch (e) {
      throw new CacheClientError(`Cannot read ${where}: ${errorText(e)}`, 'secret');
    }
    if (value === undefined) {
      throw new CacheClientError(`Cannot use ${where}: it has no SecretString (a binary secret). Allowed: a string secret.`, 'secret');
    }
    return value;
  }

  private parseRbacSecret(text: string): Credentials {
    const where = `the secret ${this.environment.secretArn}`;
    const json = parseJsonObject(text);
    if (json === undefined || typeof json.password !== 'string' || json.password === '') {
      throw new CacheClientError(`Unexpected content of ${where}: ${json === undefined ? 'not JSON' : 'no "password" string'}. `
        + 'Allowed: a JSON { "username": "...", "password": "..." } (what User and Authentication.generatedUserGroup() generate).', 'secret');
    }
    const username = typeof json.username === 'string' && json.username !== '' ? json.username : this.environment.user;
    if (username === undefined) {
      throw new CacheClientError(`Unexpected content of ${where}: no "username" string, and ${this.variable(ConnectionEnvironment.USER)} `
        + 'is not set. Allowed: a JSON { "username": "...", "password": "..." }.', 'secret');
    }
    this.credentialsUser = username;
    return { username, password: json.password };
  }

  private parseAuthToken(text: string): string {
    const field = this.environment.secretField;
    const where = `the secret ${this.environment.secretArn}`;
    if (field === undefined) {
      if (text.trimStart().startsWith('{')) {
        throw new CacheClientError(`Unexpected content of ${where}: a JSON object, not a token. Set `
          + `${this.variable(ConnectionEnvironment.SECRET_FIELD)} to the field that holds the AUTH token.`, 'secret');
      }
      return text;
    }
    const json = parseJsonObject(text);
    const token = json?.[field];
    if (typeof token !== 'string' || token === '') {
      throw new CacheClientError(`Unexpected content of ${where}: ${json === undefined ? 'not JSON' : `no "${field}" string`}. `
        + `Allowed: a JSON object whose "${field}" field (${this.variable(ConnectionEnvironment.SECRET_FIELD)}) is the AUTH token.`, 'secret');
    }
    return token;
  }

  private variable(key: string): string {
    return ConnectionEnvironment.variableName(key, this.environment.name);
  }
}

/**
 * Whether an error is the server's `WRONGPASS` (or the pre-6.0 `ERR invalid password`): the
 * credentials were rotated. Then call `connection.refresh()` and connect again with new settings.
 */
export function isWrongPassError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\bWRONGPASS\b/.test(message) || /invalid password/i.test(message);
}

/**
 * A function that connects on its first call and hands back the same client afterwards; after a
 * failed connection, or once the client gave up reconnecting (iovalkey / ioredis status `end`,
 * node-redis `isOpen` false), the next call connects again. What a Lambda function keeps between
 * invocations: `const cache = sharedClient(() => connection.connectIoredis(Valkey));` then
 * `await cache()` in the handler.
 */
export function sharedClient<T>(connect: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  let client: T | undefined;
  return () => {
    if (client !== undefined && gone(client)) {
      pending = undefined;
      client = undefined;
    }
    pending ??= connect().then(c => {
      client = c;
      return c;
    }, (e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

function gone(client: unknown): boolean {
  const c = client as { status?: unknown; isOpen?: unknown };
  return c.status === 'end' || c.isOpen === false;
}

/** What the `connect*()` methods need of an iovalkey / ioredis client or `Cluster`. */
export interface IoredisLikeClient {
  connect(): Promise<unknown>;
  disconnect(): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the `connect*()` methods need of a node-redis client or cluster. */
export interface NodeRedisLikeClient {
  connect(): Promise<unknown>;
  destroy(): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** Options of the `connect*()` methods. */
export interface ConnectOptions extends SettingsOptions {
  /**
   * Your own options of the client, over the helper's: plain objects are merged at every level
   * (`{ socket: { keepAlive: false } }` keeps the helper's `socket.host`), anything else replaced.
   * `{ scaleReads: 'slave' }`, `{ db: 1 }`, `{ tls: { ca } }`, `{ commandTimeout: 10_000 }`.
   * @default - none
   */
  readonly clientOptions?: object;
}

/** Shared by a client's reconnection policy and the `connect*()` method that made it. */
interface RetryState {
  /** Made by a `connect*()` method: its first connection is not retried (the method reports it). */
  managed?: boolean;
  /** Connected once. */
  connected?: boolean;
  /** A refused password, an untrusted certificate, or TLS on one side only was seen: do not reconnect. */
  fatal?: boolean;
}

interface Attempt<T> {
  readonly client: T;
  readonly host: string;
  readonly port: number;
  readonly cluster?: boolean;
  readonly events: readonly string[];
  connect(): Promise<unknown>;
  close(): void;
}

/** 100, 200, 400, 800, 1000, 1000... ms. */
function retryDelay(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 1_000);
}

function destroy(client: NodeRedisLikeClient): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** `base` with `extra` over it, plain objects merged at every level (arrays, functions and the rest replaced). */
function merge<T extends object>(base: T, extra: object | undefined): T {
  if (extra === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? merge(current, value) : value;
  }
  return out as T;
}

/** The keys of a Lambda function (or any process given them), as the AWS SDK's chain reads them first. */
function environmentCredentials(env: Record<string, string | undefined>): IamCredentials | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY || env.AWS_PROFILE) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

let defaultChain: (() => Promise<IamCredentials>) | undefined;
/** The AWS SDK's default credential chain (profiles, SSO, containers, instance roles), loaded on first use. */
function defaultCredentialChain(): () => Promise<IamCredentials> {
  if (!defaultChain) {
    let mod: { defaultProvider: () => () => Promise<IamCredentials> };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require('@aws-sdk/credential-provider-node');
    } catch (e) {
      throw new CacheClientError('Cannot sign an IAM token: no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, and the AWS SDK\'s '
        + 'credential chain is not installed: npm install @aws-sdk/credential-provider-node (the Lambda Node.js runtimes include it), '
        + `or pass credentials (${firstLine(e)}).`, 'signing');
    }
    defaultChain = mod.defaultProvider();
  }
  return defaultChain;
}

let secretsManagerSdk: typeof SecretsManager | undefined;
/** `@aws-sdk/client-secrets-manager`, loaded on first use (a password or AUTH token): a CacheClientError when it is not installed. */
function secretsManagerModule(): typeof SecretsManager {
  if (!secretsManagerSdk) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      secretsManagerSdk = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
    } catch (e) {
      throw new CacheClientError('Reading the cache\'s secret needs the package @aws-sdk/client-secrets-manager: npm install '
        + `@aws-sdk/client-secrets-manager (the Lambda Node.js runtimes include it) (${firstLine(e)}).`, 'secret');
    }
  }
  return secretsManagerSdk;
}

/** The SNI server name of a host: none for an IP address (RFC 6066; Node.js warns). */
function serverName(name: string, host: string): { servername?: string } {
  // An IP address the client connects to needs no server name (Node warns about one, DEP0123); a name the
  // certificate must have that is not the host connected to (CACHE_DNS_ALIAS) is given whatever it is.
  return isIP(name) && name === host ? {} : { servername: name };
}

/** The first line of an error's message ("Cannot find module 'x'", without node's require stack). */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`.replace(/\s+/g, ' ').trim();
  }
  return String(e);
}
