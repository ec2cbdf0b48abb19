// cdk-elasticache/local: the caches of a CDK app on 127.0.0.1, as its templates define them, for a
// developer's laptop and for tests. Runtime code: reads the cloud assembly as JSON and never imports
// aws-cdk-lib (given an `app`, it calls the app's own synth()).
import * as path from 'node:path';
import { Assembly, readAssembly } from './assembly';
import { CacheEndpoints, cacheEnvironment, LocalConsumer, resolveConsumers, SecretFiles } from './environment';
import { LocalCacheError } from './errors';
import { CacheResource, cacheSpec, CacheSpec, findCaches, LocalCacheIdentity, LocalSecrets, TransitMode } from './model';
import { makeCertificates, ProcessGroup } from './processes';
import { ADMIN_USER, checkEngine, LocalNode, portAllocator, startCache, StartedCache } from './servers';

export { LocalCacheError } from './errors';
export type { LocalConsumer } from './environment';
export type { LocalNode } from './servers';
export type { LocalCacheIdentity, LocalCacheKind, LocalEngine, TransitMode } from './model';

/** The host name the local caches are reached by (the servers listen on 127.0.0.1; certificates name both). */
export const LOCAL_HOST = 'localhost';

/** The memory of each local node unless `maxmemory` says otherwise: node types do not fit a laptop. */
export const DEFAULT_MAXMEMORY = '64mb';

/** Options of `startLocalCaches()`. */
export interface StartLocalCachesOptions {
  /**
   * The cloud assembly: its directory (`cdk.out`), or what `app.synth()` returned. One of `assembly` and `app`.
   * @default - none: `app` is synthesized
   */
  readonly assembly?: string | { readonly directory: string };
  /**
   * A CDK app (or stage) to synthesize first: its `synth()` is called, in this process. Your app needs
   * aws-cdk-lib anyway; this module itself does not import it.
   * @default - none: `assembly` is read
   */
  readonly app?: { synth(): { readonly directory: string } };
  /** Only the caches of this stack (its name). @default - every stack */
  readonly stack?: string;
  /** Only this cache: its construct path (`CacheStack/Cache`), logical id or physical name. @default - every cache */
  readonly cache?: string;
  /** The memory of each node, as Valkey writes it (`64mb`, `1gb`). @default '64mb' */
  readonly maxmemory?: string;
  /** Take the ports from this one upwards (a taken port is an error) instead of ephemeral ports. @default - ephemeral ports */
  readonly port?: number;
  /** Progress lines (and warnings) while the servers start. @default - none */
  readonly onProgress?: (line: string) => void;
}

/** A user of the cache, with the password generated for this session. */
export interface LocalUser {
  readonly name: string;
  readonly accessString: string;
  /** `password`, `iam` (any password is accepted locally) or `no-password-required`. */
  readonly authentication: string;
  /** The first password (generated locally), for `password` users. */
  readonly password?: string;
}

/** A cache of the template, running. */
export interface LocalCache extends LocalCacheIdentity {
  /** The template's engine version, if literal. */
  readonly templateEngineVersion?: string;
  /** The local server binary and its version (`valkey-server`, `8.0.1`). */
  readonly binary: string;
  readonly version: string;
  readonly host: string;
  /** The primary / configuration endpoint's port (Memcached: the first node's). */
  readonly port: number;
  /** The reader's port (a replica's; the primary's without replicas), when the cache has a reader endpoint. */
  readonly readerPort?: number;
  readonly transitEncryption: TransitMode;
  /** Whether clients speak the cluster protocol. */
  readonly cluster: boolean;
  /** The shards and their slots (Valkey / Redis OSS). */
  readonly shards: Array<{ readonly id: string; readonly slots?: string; readonly replicas: number }>;
  readonly nodes: LocalNode[];
  /** The parameters applied to the servers. */
  readonly parameters: Record<string, string>;
  /** The users of its user group (undefined without RBAC). */
  readonly users?: LocalUser[];
  /** The AUTH token generated for the session, if the cache has one. */
  readonly authToken?: string;
  /**
   * The session's own user on every Valkey / Redis OSS node (`cdk-elasticache-local`, every
   * permission; not in the template): it sets up replication and the cluster, and lets a test reset the
   * cache (FLUSHALL) or look at it (CONFIG GET) where the template's users may not.
   */
  readonly admin?: { readonly username: string; readonly password: string };
  /** What `connectFrom()` hands a consumer of this cache, resolved to the local servers. */
  readonly environment: Record<string, string>;
  /** What of the template is not reproduced. */
  readonly notes: string[];
  /** How long the cache took to start, in milliseconds. */
  readonly startMs: number;
}

/** The running caches of a session. */
export interface LocalCaches {
  /** The assembly read. */
  readonly assembly: string;
  readonly caches: LocalCache[];
  /** The consumers the templates wire to the caches, with their variables resolved. */
  readonly consumers: LocalConsumer[];
  /** The session CA (PEM) that signs the servers' certificates, when a cache has TLS. */
  readonly ca?: string;
  /** Its file (what CACHE_TLS_CA_FILE names). */
  readonly caFile?: string;
  /** The pids of the servers still running. */
  pids(): number[];
  /** Stops every server by pid and removes the session's files. */
  stop(): Promise<void>;
}

function assemblyDirectory(options: StartLocalCachesOptions): string {
  if (options.assembly !== undefined && options.app !== undefined) {
    throw new LocalCacheError('Give startLocalCaches() an assembly or an app, not both.');
  }
  if (options.app !== undefined) {
    return options.app.synth().directory;
  }
  if (options.assembly === undefined) {
    throw new LocalCacheError('Give startLocalCaches() an assembly (the directory cdk synth writes, cdk.out) or an app.');
  }
  return path.resolve(typeof options.assembly === 'string' ? options.assembly : options.assembly.directory);
}

/** The caches the options select; a stack or cache that is not there is a `LocalCacheError` listing what is. */
function selectCaches(assembly: Assembly, options: { stack?: string; cache?: string }): CacheResource[] {
  let caches = findCaches(assembly);
  if (options.stack !== undefined) {
    if (!assembly.stacks.some(s => s.name === options.stack)) {
      throw new LocalCacheError(`No stack ${options.stack} in ${assembly.directory}: its stacks are ${assembly.stacks.map(s => s.name).join(', ')}.`);
    }
    caches = caches.filter(c => c.stack.name === options.stack);
  }
  if (options.cache !== undefined) {
    const wanted = options.cache.replace(/\/Resource$/, '');
    const all = caches;
    caches = all.filter(c => c.id === wanted || c.logicalId === wanted || physicalName(c) === wanted);
    if (caches.length === 0) {
      throw new LocalCacheError(`No cache ${options.cache} in ${options.stack ? `the stack ${options.stack}` : assembly.directory}: `
        + (all.length > 0 ? `its caches are ${all.map(c => c.id).join(', ')}.` : 'it has no cache.'));
    }
  }
  if (caches.length === 0) {
    throw new LocalCacheError(`No cache in ${options.stack ? `the stack ${options.stack}` : assembly.directory}: no ElastiCache replication group, `
      + 'serverless cache or cache cluster.');
  }
  return caches;
}

function physicalName(c: CacheResource): string | undefined {
  const p = c.resource.Properties ?? {};
  const name = p.ReplicationGroupId ?? p.ServerlessCacheName ?? p.ClusterName;
  return typeof name === 'string' ? name : undefined;
}

function describeTopology(spec: CacheSpec): string {
  if (spec.engine === 'memcached') {
    return `${spec.memcachedNodes} node${spec.memcachedNodes === 1 ? '' : 's'}`;
  }
  if (spec.kind === 'serverless-cache') {
    return 'serverless (one cluster shard: a primary and a replica)';
  }
  if (!spec.cluster) {
    const r = spec.shards[0].replicas;
    return r === 0 ? 'one node (no replica)' : `a primary and ${r} replica${r === 1 ? '' : 's'}`;
  }
  const replicas = [...new Set(spec.shards.map(s => s.replicas))];
  return `${spec.shards.length} shard${spec.shards.length === 1 ? '' : 's'} x (a primary and ${replicas.join('/')} replica${replicas.join() === '1' ? '' : 's'})`;
}

/**
 * Starts the caches of a cloud assembly on 127.0.0.1, as their templates define them (engine, topology,
 * parameters, TLS, users), with passwords generated for the session. Resolves once every server
 * answers; rejects with a `LocalCacheError` (one line), leaving nothing running, when a cache cannot
 * run locally or a server does not start.
 */
export async function startLocalCaches(options: StartLocalCachesOptions): Promise<LocalCaches> {
  const progress = options.onProgress ?? (() => undefined);
  const assembly = readAssembly(assemblyDirectory(options));
  const selected = selectCaches(assembly, options);
  const secrets = new LocalSecrets(assembly);
  // Everything that can be refused is checked before a server starts.
  const specs = selected.map(c => cacheSpec(assembly, c, secrets));
  const engines = specs.map(spec => checkEngine(spec, progress));
  const secretKeys = specs.map(spec => new Set([...(spec.users ?? []).flatMap(u => u.secretKeys),
    ...(spec.authTokenSecretKey !== undefined ? [spec.authTokenSecretKey] : [])]));

  const group = new ProcessGroup();
  try {
    const tls = specs.some(s => s.transit !== 'off');
    const certificates = tls ? await makeCertificates(group.dir) : undefined;
    const ctx = {
      group, maxmemory: options.maxmemory ?? DEFAULT_MAXMEMORY, port: portAllocator(options.port), ephemeral: options.port === undefined,
      progress, ...(certificates ? { certificates } : {}),
    };
    const results = await Promise.allSettled(specs.map(async (spec, i) => {
      const started = Date.now();
      progress(`Starting ${spec.id}: ${engines[i].binary} ${engines[i].version}, ${describeTopology(spec)}, `
        + `TLS ${spec.transit === 'off' ? 'off' : spec.transit}${spec.users ? `, ${spec.users.length} users` : spec.authToken !== undefined ? ', an AUTH token' : ''}`);
      const cache = await startCache(spec, i, ctx, engines[i]);
      const ms = Date.now() - started;
      progress(`${spec.id} is ready in ${(ms / 1000).toFixed(1)} s on ports ${cache.nodes.map(n => n.port).join(', ')}`);
      return { cache, ms };
    }));
    const failed = results.find(r => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) {
      throw failed.reason;
    }
    const started = results.map(r => (r as PromiseFulfilledResult<{ cache: StartedCache; ms: number }>).value);
    const files = new SecretFiles(path.join(group.dir, 'secrets'), secrets);
    const endpoints: CacheEndpoints[] = specs.map((spec, i) => {
      const nodes = started[i].cache.nodes;
      const primary = nodes[0];
      const replica = nodes.find(n => n.role === 'replica' && n.shard === primary.shard);
      const hasReader = spec.engine !== 'memcached' && (!spec.cluster || spec.kind === 'serverless-cache');
      return {
        spec, host: LOCAL_HOST, port: primary.port, secretKeys: secretKeys[i],
        ...(hasReader ? { readerPort: (replica ?? primary).port } : {}),
      };
    });
    const caches: LocalCache[] = specs.map((spec, i) => {
      const s = started[i];
      return {
        id: spec.id, stack: spec.stack, logicalId: spec.logicalId, kind: spec.kind, physicalId: spec.physicalId, engine: spec.engine,
        ...(spec.engineVersion !== undefined ? { templateEngineVersion: spec.engineVersion } : {}),
        binary: s.cache.binary, version: s.cache.version, host: LOCAL_HOST, port: endpoints[i].port,
        ...(endpoints[i].readerPort !== undefined ? { readerPort: endpoints[i].readerPort } : {}),
        transitEncryption: spec.transit, cluster: spec.cluster,
        shards: spec.engine === 'memcached' ? [] : spec.shards, nodes: s.cache.nodes, parameters: spec.parameters,
        ...(spec.users ? {
          users: spec.users.map(u => ({
            name: u.name, accessString: u.accessString, authentication: u.authentication,
            ...(u.passwords.length > 0 ? { password: u.passwords[0] } : {}),
          })),
        } : {}),
        ...(spec.authToken !== undefined ? { authToken: spec.authToken } : {}),
        ...(s.cache.adminPassword !== undefined ? { admin: { username: ADMIN_USER, password: s.cache.adminPassword } } : {}),
        environment: cacheEnvironment(endpoints[i], files, secrets, certificates?.caFile),
        notes: spec.notes,
        startMs: s.ms,
      };
    });
    const consumers = resolveConsumers(assembly, endpoints, files, secrets, certificates?.caFile);
    return {
      assembly: assembly.directory, caches, consumers,
      ...(certificates ? { ca: certificates.ca, caFile: certificates.caFile } : {}),
      pids: () => group.pids(),
      stop: () => group.stop(),
    };
  } catch (e) {
    await group.stop();
    throw e;
  }
}
