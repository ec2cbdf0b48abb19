// cdk-elasticache/client: what an application needs to connect to a cache wired with `connectFrom()`.
// Its own entry point: it needs neither aws-cdk-lib nor a particular cache client, and the constructs
// never import it.
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';
import { generateIamAuthToken, IamAuthTokenOptions } from '../ops/token';

export { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';

/** The error the helper throws for a missing or malformed variable, an unreadable secret or a failed signature. One line. */
export class CacheClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheClientError';
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

/** Options of `iovalkey` / `ioredis` (`new Valkey(options)`, `new Redis(options)`). */
export interface IoredisOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** Present (with the SNI server name, and the CA of `CACHE_TLS_CA_FILE` if set) only with TLS. */
  readonly tls?: { readonly servername: string; readonly ca?: string };
}

/** The `socket` of node-redis options: TLS with the SNI server name, or plain TCP. */
export type NodeRedisSocket =
  | { readonly host: string; readonly port: number; readonly tls: true; readonly servername: string; readonly ca?: string }
  | { readonly host: string; readonly port: number; readonly tls: false };

/** Options of `redis` (node-redis) `createClient(options)`. */
export interface NodeRedisOptions {
  readonly socket: NodeRedisSocket;
  readonly username?: string;
  readonly password?: string;
}

/** The node-redis `socket` of a cluster's nodes: TLS or plain TCP, the host and port coming from the topology. */
export interface NodeRedisClusterSocket {
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
    /** What every node connection uses: the credentials, and TLS (`{}`: each node checked against its own host name). */
    readonly redisOptions: {
      readonly username?: string;
      readonly password?: string;
      readonly tls?: { readonly ca?: string };
    };
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
export interface CacheConnectionOptions {
  /**
   * The connection name given to `connectFrom()` (`CACHE_<NAME>_...`).
   * @default - none: `CACHE_...`
   */
  readonly name?: string;
  /** The variables. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** The Secrets Manager client. @default - a new client with the SDK's default region and credentials */
  readonly secretsManager?: SecretsManagerClient;
  /** The region IAM tokens are signed for. @default - `AWS_REGION` of `env`, else the SDK's region chain */
  readonly region?: string;
  /** The credentials IAM tokens are signed with. @default - the SDK's default chain */
  readonly credentials?: IamAuthTokenOptions['credentials'];
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
  private secretsManager?: SecretsManagerClient;
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
    return {
      host: s.host,
      port: s.port,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
      ...(s.tls ? { tls: { servername: s.servername ?? s.host, ...(s.ca !== undefined ? { ca: s.ca } : {}) } } : {}),
    };
  }

  /** `settings()` in the shape `redis` (node-redis) takes: `createClient(await connection.nodeRedisOptions())`. */
  public async nodeRedisOptions(options: SettingsOptions = {}): Promise<NodeRedisOptions> {
    const s = await this.settings(options);
    return {
      socket: s.tls ? { host: s.host, port: s.port, tls: true, servername: s.servername ?? s.host, ...(s.ca !== undefined ? { ca: s.ca } : {}) }
        : { host: s.host, port: s.port, tls: false },
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.password !== undefined ? { password: s.password } : {}),
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
    return {
      // A DNS name with TLS: the endpoint it points to is the startup node, whose certificate names it.
      nodes: [{ host: s.servername ?? s.host, port: s.port }],
      options: {
        dnsLookup: (address, callback) => callback(null, address),
        redisOptions: {
          ...(s.username !== undefined ? { username: s.username } : {}),
          ...(s.password !== undefined ? { password: s.password } : {}),
          ...(s.tls ? { tls: s.ca !== undefined ? { ca: s.ca } : {} } : {}),
        },
      },
    };
  }

  /**
   * The options of a node-redis cluster client, for a cache that speaks the cluster protocol
   * (`CACHE_CLUSTER=true`): `createCluster(await connection.nodeRedisClusterOptions())`. Throws a
   * `CacheClientError` without `CACHE_CLUSTER=true`.
   */
  public async nodeRedisClusterOptions(): Promise<NodeRedisClusterOptions> {
    const s = await this.clusterSettings('nodeRedisOptions()');
    return {
      rootNodes: [{ socket: { host: s.servername ?? s.host, port: s.port } }],
      defaults: {
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.password !== undefined ? { password: s.password } : {}),
        socket: { tls: s.tls, ...(s.tls && s.ca !== undefined ? { ca: s.ca } : {}) },
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
    const region = this.options.region ?? (this.options.env ?? process.env).AWS_REGION;
    try {
      return await generateIamAuthToken({
        cacheName: env.id!,
        userId: env.user!,
        signingDate,
        ...(env.serverless ? { serverless: true } : {}),
        ...(region ? { region } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
    } catch (e) {
      throw new CacheClientError(`Cannot sign an IAM token for user '${env.user}' on '${env.id}': ${errorText(e)}`);
    }
  }

  private async readSecret(): Promise<string> {
    const arn = this.environment.secretArn!;
    const where = `the secret ${arn} (${this.variable(ConnectionEnvironment.SECRET_ARN)})`;
    if (arn.startsWith('file:')) {
      // A secret of `cdk-elasticache local`: a file of the session, never an AWS secret.
      try {
        return readFileSync(fileURLToPath(arn), 'utf8');
      } catch (e) {
        throw new CacheClientError(`Cannot read ${where}: ${errorText(e)} (is cdk-elasticache local still running?)`);
      }
    }
    this.secretsManager ??= this.options.secretsManager ?? new SecretsManagerClient({});
    let value: string | undefined;
    try {
      value = (await this.secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
    } catch (e) {
      throw new CacheClientError(`Cannot read ${where}: ${errorText(e)}`);
    }
    if (value === undefined) {
      throw new CacheClientError(`Cannot use ${where}: it has no SecretString (a binary secret). Allowed: a string secret.`);
    }
    return value;
  }

  private parseRbacSecret(text: string): Credentials {
    const where = `the secret ${this.environment.secretArn}`;
    const json = parseJsonObject(text);
    if (json === undefined || typeof json.password !== 'string' || json.password === '') {
      throw new CacheClientError(`Unexpected content of ${where}: ${json === undefined ? 'not JSON' : 'no "password" string'}. `
        + 'Allowed: a JSON { "username": "...", "password": "..." } (what User and Authentication.generatedUserGroup() generate).');
    }
    const username = typeof json.username === 'string' && json.username !== '' ? json.username : this.environment.user;
    if (username === undefined) {
      throw new CacheClientError(`Unexpected content of ${where}: no "username" string, and ${this.variable(ConnectionEnvironment.USER)} `
        + 'is not set. Allowed: a JSON { "username": "...", "password": "..." }.');
    }
    return { username, password: json.password };
  }

  private parseAuthToken(text: string): string {
    const field = this.environment.secretField;
    const where = `the secret ${this.environment.secretArn}`;
    if (field === undefined) {
      if (text.trimStart().startsWith('{')) {
        throw new CacheClientError(`Unexpected content of ${where}: a JSON object, not a token. Set `
          + `${this.variable(ConnectionEnvironment.SECRET_FIELD)} to the field that holds the AUTH token.`);
      }
      return text;
    }
    const json = parseJsonObject(text);
    const token = json?.[field];
    if (typeof token !== 'string' || token === '') {
      throw new CacheClientError(`Unexpected content of ${where}: ${json === undefined ? 'not JSON' : `no "${field}" string`}. `
        + `Allowed: a JSON object whose "${field}" field (${this.variable(ConnectionEnvironment.SECRET_FIELD)}) is the AUTH token.`);
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
