import { ElastiCacheClient, ServerlessCache } from '@aws-sdk/client-elasticache';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { IncompleteLookupError, OpsError } from './errors';
import { CacheNotFoundError, findCache } from './find';
import { assertCacheId, cacheIdProblem, sameId } from './ids';
import { getServerlessCache } from './serverless';

/** Statuses a cache never leaves on its way to `available`. */
const DEAD_ENDS = new Set(['create-failed', 'deleting', 'deleted', 'incompatible-network', 'restore-failed']);

/** What `waitForAvailable` returns. */
export interface WaitResult {
  /** The replication group or cache cluster id. */
  readonly id: string;
  /** `replication-group` or `cache-cluster`. */
  readonly kind: 'replication-group' | 'cache-cluster';
  /** Always `available`. */
  readonly status: string;
  /** How long the wait took, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Polls a replication group or cache cluster until its status is `available`, reporting each
 * poll through `onProgress`. Fails at once on a status it would never leave (`create-failed`,
 * `deleting`, `incompatible-network`, `restore-failed`) and after `timeoutMs` (default 30 minutes;
 * polls every 15 seconds, as the SDK's own waiters).
 */
export async function waitForAvailable(client: ElastiCacheClient, id: string, options: WaitOptions = {}): Promise<WaitResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  let last = 'unknown';
  return poll(async elapsedMs => {
    const found = await findCache(client, id);
    let detail = '';
    if (found.kind === 'replication-group') {
      last = found.group.Status ?? 'unknown';
      const shards = found.group.NodeGroups ?? [];
      if (shards.length > 1) {
        detail = ` (${shards.filter(s => s.Status === 'available').length}/${shards.length} shards available)`;
      }
    } else {
      last = found.cluster.CacheClusterStatus ?? 'unknown';
      const nodes = found.cluster.CacheNodes ?? [];
      if (nodes.length > 1) {
        detail = ` (${nodes.filter(n => n.CacheNodeStatus === 'available').length}/${nodes.length} nodes available)`;
      }
    }
    options.onProgress?.(`${id}: ${last}${detail} [${formatElapsed(elapsedMs)}]`);
    if (last === 'available') {
      return { id, kind: found.kind, status: last, elapsedMs };
    }
    if (DEAD_ENDS.has(last)) {
      throw new OpsError(`${id} is '${last}' and will not become available.`);
    }
    return undefined;
  }, {
    clock,
    timeoutMs,
    signal: options.signal,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${id} to be available (status: ${last}).`),
  });
}

/** What `waitForDeleted` returns. */
export interface WaitDeletedResult {
  /** The replication group id, cache cluster id or serverless cache name. */
  readonly id: string;
  /** Whether the cache existed at the first poll (`false`: it was already gone, or never existed). */
  readonly existed: boolean;
  /** How long the wait took, in milliseconds. */
  readonly elapsedMs: number;
}

/** Options of `waitForDeleted`. */
export interface WaitDeletedOptions extends WaitOptions {
  /** `id` is a serverless cache (otherwise a replication group or cache cluster, then a serverless cache). @default false */
  readonly serverless?: boolean;
}

/**
 * The status of the cache `id` names, or `undefined` when ElastiCache knows none by that id. Only
 * "not found" answers count as not found: any other failure throws. `kind` is what an earlier poll
 * found: a cache found as a replication group or cache cluster is gone when that lookup says so.
 */
async function statusOf(client: ElastiCacheClient, id: string, serverless: boolean,
  kind: { found?: 'node-based' | 'serverless' }): Promise<string | undefined> {
  if (!serverless && kind.found !== 'serverless') {
    try {
      const found = await findCache(client, id);
      kind.found = 'node-based';
      return (found.kind === 'replication-group' ? found.group.Status : found.cluster.CacheClusterStatus) ?? 'unknown';
    } catch (e) {
      if (!(e instanceof CacheNotFoundError)) {
        throw e;
      }
      if (kind.found === 'node-based' || cacheIdProblem('serverless-cache', id) !== undefined) {
        return undefined; // gone, or too long for a serverless cache name: only a cache cluster could have it
      }
      let cache;
      try {
        cache = await getServerlessCache(client, id);
      } catch (serverlessError) {
        throw new IncompleteLookupError(e.message, 'serverless caches', serverlessError);
      }
      return serverlessStatus(cache, id, kind);
    }
  }
  return serverlessStatus(await getServerlessCache(client, id), id, kind);
}

function serverlessStatus(cache: ServerlessCache | undefined, id: string, kind: { found?: 'node-based' | 'serverless' }): string | undefined {
  if (cache && sameId(cache.ServerlessCacheName, id)) {
    kind.found = 'serverless';
    return cache.Status ?? 'unknown';
  }
  return undefined;
}

/**
 * Polls a replication group, cache cluster or serverless cache until ElastiCache no longer knows it
 * (its describe calls answer "not found"; any other failure, such as AccessDenied, fails the wait),
 * reporting each poll through `onProgress`. A cache that is not being deleted yet is waited for too (a
 * deletion may be about to start); fails after `timeoutMs` (default 60 minutes; polls every 15 seconds).
 * Never deletes anything itself.
 */
export async function waitForDeleted(client: ElastiCacheClient, id: string, options: WaitDeletedOptions = {}): Promise<WaitDeletedResult> {
  assertCacheId(options.serverless ? 'serverless-cache' : 'cache', id);
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  let last = 'unknown';
  let polls = 0;
  const kind: { found?: 'node-based' | 'serverless' } = {};
  return poll(async elapsedMs => {
    polls++;
    const status = await statusOf(client, id, options.serverless === true, kind);
    if (status === undefined) {
      options.onProgress?.(`${id}: deleted [${formatElapsed(elapsedMs)}]`);
      return { id, existed: polls > 1, elapsedMs };
    }
    last = status;
    options.onProgress?.(`${id}: ${last} [${formatElapsed(elapsedMs)}]`);
    return undefined;
  }, {
    clock,
    timeoutMs,
    signal: options.signal,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${id} to be deleted (status: ${last}${last === 'deleting' ? '' : ', no deletion under way'}).`),
  });
}
