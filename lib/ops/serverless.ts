import {
  CreateServerlessCacheSnapshotCommand,
  DescribeServerlessCachesCommand,
  DescribeServerlessCacheSnapshotsCommand,
  ElastiCacheClient,
  ServerlessCache,
  ServerlessCacheSnapshot,
} from '@aws-sdk/client-elasticache';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { CacheDescriptionBase } from './describe';
import { IncompleteLookupError, OpsError } from './errors';
import { CacheNotFoundError, isNamed, regionOf } from './find';
import { cacheIdProblem } from './ids';

/**
 * Operations on serverless caches (`DescribeServerlessCaches`, `CreateServerlessCacheSnapshot`,
 * `DescribeServerlessCacheSnapshots`): what `describe`, `wait` and `snapshot` do for them. Serverless caches
 * have their own API (no nodes, no replication group): a name is looked up there when it is neither a
 * replication group nor a cache cluster.
 */

/** Statuses a serverless cache never leaves on its way to `available`. */
const DEAD_ENDS = new Set(['create-failed', 'deleting', 'deleted']);

const DISPLAY: Record<string, string> = { valkey: 'Valkey', redis: 'Redis OSS', memcached: 'Memcached' };

/** The serverless cache, or `undefined` when there is none with that name. @internal */
export async function getServerlessCache(client: ElastiCacheClient, name: string): Promise<ServerlessCache | undefined> {
  try {
    return (await client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: name })))?.ServerlessCaches?.[0];
  } catch (e) {
    if (isNamed(e, 'ServerlessCacheNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}

/** A serverless cache, as `describe` shows it. Plain data: `JSON.stringify` gives the `--json` output. */
export interface ServerlessCacheDescription extends CacheDescriptionBase {
  /** Always `serverless-cache`. */
  readonly kind: 'serverless-cache';
  readonly majorEngineVersion?: string;
  readonly fullEngineVersion?: string;
  /** `primary` (port 6379 / 11211: reads and writes) and `reader` (Valkey / Redis OSS, 6380). */
  readonly endpoints: Array<{ readonly role: 'primary' | 'reader'; readonly address: string; readonly port?: number }>;
  /** The usage limits, as configured (absent: none). */
  readonly dataStorage?: { readonly minimum?: number; readonly maximum?: number; readonly unit?: string };
  readonly ecpuPerSecond?: { readonly minimum?: number; readonly maximum?: number };
  /** Days the daily snapshots are kept (0: none). */
  readonly snapshotRetentionLimit?: number;
  /** `HH:MM` UTC. */
  readonly dailySnapshotTime?: string;
  readonly userGroupId?: string;
  readonly kmsKeyId?: string;
  readonly securityGroupIds: string[];
  readonly subnetIds: string[];
  readonly networkType?: string;
  /** ISO 8601. */
  readonly createTime?: string;
  /** The cache's snapshots, newest first. */
  readonly snapshots: ServerlessSnapshotSummary[];
}

/** One snapshot of a serverless cache. */
export interface ServerlessSnapshotSummary {
  readonly name: string;
  readonly status?: string;
  /** `automated` or `manual`. */
  readonly type?: string;
  /** ISO 8601. */
  readonly createTime?: string;
  /** The data's size in bytes, as ElastiCache reports it. */
  readonly bytes?: string;
}

/**
 * Runs `nodeBased` (an operation on a replication group or cache cluster); when `id` names neither but names a
 * serverless cache, runs `serverless` instead. When it names nothing, the error says all three were looked for.
 * When the serverless lookup fails (refused, no answer, an emulator without serverless caches), an
 * `IncompleteLookupError` says what was not found and why the rest could not be looked at.
 */
export async function withServerlessFallback<T, S>(client: ElastiCacheClient, id: string, nodeBased: () => Promise<T>,
  serverless: () => Promise<S>): Promise<T | S> {
  try {
    return await nodeBased();
  } catch (e) {
    // Serverless cache names have at most 40 characters: a longer id names only a cache cluster.
    if (!(e instanceof CacheNotFoundError) || cacheIdProblem('serverless-cache', id) !== undefined) {
      throw e;
    }
    let found: ServerlessCache | undefined;
    try {
      found = await getServerlessCache(client, id);
    } catch (serverlessError) {
      // Only "not found" means not found: a refused or failed lookup leaves the question open.
      throw new IncompleteLookupError(e.message, 'serverless caches', serverlessError);
    }
    if (!found) {
      throw new OpsError(`No replication group, cache cluster or serverless cache named '${id}' in ${await regionOf(client)}.`);
    }
    return serverless();
  }
}

/** Describes a serverless cache and its snapshots. Throws an `OpsError` naming the region when there is none. */
export async function describeServerlessCache(client: ElastiCacheClient, name: string): Promise<ServerlessCacheDescription> {
  const cache = await getServerlessCache(client, name);
  if (!cache) {
    throw new OpsError(`No serverless cache named '${name}' in ${await regionOf(client)}.`);
  }
  return fromServerlessCache(cache, await listSnapshots(client, name));
}

/** The description of a cache the caller already fetched (`describeCache` falls back to serverless caches). @internal */
export function fromServerlessCache(cache: ServerlessCache, snapshots: ServerlessCacheSnapshot[]): ServerlessCacheDescription {
  const engine = cache.Engine ?? 'unknown';
  const endpoints: Array<{ role: 'primary' | 'reader'; address: string; port?: number }> = [];
  for (const [role, e] of [['primary', cache.Endpoint], ['reader', cache.ReaderEndpoint]] as const) {
    if (e?.Address) {
      endpoints.push({ role, address: e.Address, ...(e.Port !== undefined ? { port: e.Port } : {}) });
    }
  }
  const limits = cache.CacheUsageLimits;
  const data = limits?.DataStorage;
  const ecpu = limits?.ECPUPerSecond;
  return {
    kind: 'serverless-cache',
    id: cache.ServerlessCacheName ?? 'unknown',
    ...opt('arn', cache.ARN),
    ...opt('description', cache.Description),
    status: cache.Status ?? 'unknown',
    engine,
    engineDisplayName: DISPLAY[engine] ?? engine,
    ...opt('majorEngineVersion', cache.MajorEngineVersion),
    ...opt('fullEngineVersion', cache.FullEngineVersion),
    endpoints,
    ...(data ? { dataStorage: { ...opt('minimum', data.Minimum), ...opt('maximum', data.Maximum), ...opt('unit', data.Unit) } } : {}),
    ...(ecpu ? { ecpuPerSecond: { ...opt('minimum', ecpu.Minimum), ...opt('maximum', ecpu.Maximum) } } : {}),
    ...opt('snapshotRetentionLimit', cache.SnapshotRetentionLimit),
    ...opt('dailySnapshotTime', cache.DailySnapshotTime),
    ...opt('userGroupId', cache.UserGroupId),
    ...opt('kmsKeyId', cache.KmsKeyId),
    securityGroupIds: cache.SecurityGroupIds ?? [],
    subnetIds: cache.SubnetIds ?? [],
    ...opt('networkType', cache.NetworkType),
    ...opt('createTime', cache.CreateTime?.toISOString()),
    snapshots: snapshots
      .map(s => ({
        name: s.ServerlessCacheSnapshotName ?? 'unknown',
        ...opt('status', s.Status),
        ...opt('type', s.SnapshotType),
        ...opt('createTime', s.CreateTime?.toISOString()),
        ...opt('bytes', s.BytesUsedForCache),
      }))
      .sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? '')),
  };
}

/** The text `describe` prints for a serverless cache. */
export function formatServerlessDescription(d: ServerlessCacheDescription): string {
  const lines = [`${d.id}: ${d.engineDisplayName} ${d.fullEngineVersion ?? d.majorEngineVersion ?? ''} serverless cache, ${d.status}`.replace(/ {2,}/g, ' ')];
  for (const e of d.endpoints) {
    lines.push(`  ${e.role === 'primary' ? 'endpoint       ' : 'reader endpoint'} ${e.address}${e.port !== undefined ? `:${e.port}` : ''}`);
  }
  const range = (min?: number, max?: number, unit = '') => (min === undefined && max === undefined
    ? 'no limit' : `${min ?? 0}${unit} to ${max === undefined ? 'no maximum' : `${max}${unit}`}`);
  lines.push(`  data storage    ${d.dataStorage ? range(d.dataStorage.minimum, d.dataStorage.maximum, ` ${d.dataStorage.unit ?? 'GB'}`) : 'no limit'}`);
  lines.push(`  ECPU per second ${d.ecpuPerSecond ? range(d.ecpuPerSecond.minimum, d.ecpuPerSecond.maximum) : 'no limit'}`);
  lines.push(`  snapshots       ${d.snapshotRetentionLimit ? `daily${d.dailySnapshotTime ? ` at ${d.dailySnapshotTime} UTC` : ''}, kept `
    + `${d.snapshotRetentionLimit} day${d.snapshotRetentionLimit === 1 ? '' : 's'}` : 'no daily snapshots'}`);
  lines.push(`  authentication  ${d.userGroupId ? `RBAC user group ${d.userGroupId}` : 'none (default user)'}`);
  lines.push(`  encryption      TLS, at rest with ${d.kmsKeyId ?? 'the AWS owned key'}`);
  if (d.snapshots.length) {
    lines.push('  recent snapshots:');
    for (const s of d.snapshots.slice(0, 5)) {
      lines.push(`    ${s.name} ${s.status ?? ''} ${s.type ?? ''} ${s.createTime ?? ''}${s.bytes ? ` ${s.bytes} bytes` : ''}`.trimEnd());
    }
  }
  return lines.join('\n');
}

/** What `waitForServerlessCache` returns. */
export interface ServerlessWaitResult {
  readonly id: string;
  readonly kind: 'serverless-cache';
  /** Always `available`. */
  readonly status: string;
  readonly elapsedMs: number;
}

/**
 * Polls a serverless cache until it is `available` (every 15 seconds, default timeout 30 minutes). Fails at once
 * on `create-failed` or `deleting`, and when the cache does not exist.
 */
export async function waitForServerlessCache(client: ElastiCacheClient, name: string, options: WaitOptions = {}): Promise<ServerlessWaitResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  let last = 'unknown';
  return poll(async elapsedMs => {
    const cache = await getServerlessCache(client, name);
    if (!cache) {
      throw new OpsError(`No serverless cache named '${name}' in ${await regionOf(client)}.`);
    }
    last = cache.Status ?? 'unknown';
    options.onProgress?.(`${name}: ${last} [${formatElapsed(elapsedMs)}]`);
    if (last === 'available') {
      return { id: name, kind: 'serverless-cache' as const, status: last, elapsedMs };
    }
    if (DEAD_ENDS.has(last)) {
      throw new OpsError(`${name} is '${last}' and will not become available.`);
    }
    return undefined;
  }, {
    clock,
    timeoutMs,
    signal: options.signal,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${name} to be available (status: ${last}).`),
  });
}

/** Options of `createServerlessSnapshot`. */
export interface ServerlessSnapshotOptions extends WaitOptions {
  /**
   * The snapshot's name (unique in the account and Region).
   * @default - `<name>-manual-<UTC date>-<UTC time>`
   */
  readonly name?: string;
}

/** What `createServerlessSnapshot` returns. */
export interface ServerlessSnapshotResult {
  readonly name: string;
  readonly source: string;
  /** Always `available`. */
  readonly status: string;
  readonly arn?: string;
  /** The data's size in bytes, as ElastiCache reports it. */
  readonly bytes?: string;
  readonly durationMs: number;
}

/**
 * Takes a snapshot of a serverless cache (Valkey, Redis OSS and Memcached all have them; at most 24 per cache and
 * day) and waits until it is `available` (polls every 15 seconds, default timeout 60 minutes). Fails when the
 * snapshot ends up `failed` or deleted.
 */
export async function createServerlessSnapshot(client: ElastiCacheClient, cacheName: string,
  options: ServerlessSnapshotOptions = {}): Promise<ServerlessSnapshotResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const cache = await getServerlessCache(client, cacheName);
  if (!cache) {
    throw new OpsError(`No serverless cache named '${cacheName}' in ${await regionOf(client)}.`);
  }
  if (cache.Status !== 'available') {
    throw new OpsError(`Refusing snapshot of ${cacheName}: it is '${cache.Status ?? 'unknown'}'; ElastiCache snapshots available caches only `
      + `(cdk-elasticache wait ${cacheName}).`);
  }
  const name = options.name ?? defaultName(cacheName, clock.now());
  const startedAt = clock.now();
  await client.send(new CreateServerlessCacheSnapshotCommand({ ServerlessCacheName: cacheName, ServerlessCacheSnapshotName: name }));
  let last = 'creating';
  return poll<ServerlessSnapshotResult>(async elapsedMs => {
    const snapshot = (await listSnapshots(client, cacheName, name))[0];
    last = snapshot?.Status ?? 'not listed yet';
    options.onProgress?.(`snapshot ${name}: ${last} [${formatElapsed(elapsedMs)}]`);
    if (last === 'available') {
      return {
        name, source: cacheName, status: last, ...opt('arn', snapshot?.ARN), ...opt('bytes', snapshot?.BytesUsedForCache),
        durationMs: clock.now() - startedAt,
      };
    }
    if (last === 'failed' || last === 'deleting' || last === 'deleted') {
      throw new OpsError(`Snapshot ${name} of ${cacheName} is '${last}': ElastiCache could not complete it (see the events of ${cacheName}).`);
    }
    return undefined;
  }, {
    clock,
    timeoutMs,
    signal: options.signal,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for snapshot ${name} of ${cacheName} (status: ${last}); `
      + 'it may still complete.'),
  });
}

/** `my-cache` at 2025-03-01T14:25:01Z -> `my-cache-manual-20250301-142501` (the node-based snapshots' format). */
function defaultName(id: string, now: number): string {
  const iso = new Date(now).toISOString();
  return `${id}-manual-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** The cache's snapshots (one, when `snapshotName` is given); none while ElastiCache does not list it yet. */
async function listSnapshots(client: ElastiCacheClient, cacheName: string, snapshotName?: string): Promise<ServerlessCacheSnapshot[]> {
  const out: ServerlessCacheSnapshot[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new DescribeServerlessCacheSnapshotsCommand({
        ServerlessCacheName: cacheName, ...(snapshotName ? { ServerlessCacheSnapshotName: snapshotName } : {}), NextToken: token,
      }));
      out.push(...(page.ServerlessCacheSnapshots ?? []));
      token = page.NextToken;
    } while (token);
  } catch (e) {
    if (isNamed(e, 'ServerlessCacheSnapshotNotFoundFault')) {
      return [];
    }
    throw e;
  }
  return out;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
