import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { OpsError } from './errors';
import { findCache } from './find';

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
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${id} to be available (status: ${last}).`),
  });
}

/** What `waitForDeleted` returns. */
export interface WaitDeletedResult {
  /** The replication group or cache cluster id. */
  readonly id: string;
  /** Whether the cache existed at the first poll (`false`: it was already gone, or never existed). */
  readonly existed: boolean;
  /** How long the wait took, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Polls a replication group or cache cluster until ElastiCache no longer knows it (its describe call
 * answers "not found"), reporting each poll through `onProgress`. A cache that is not being deleted
 * yet is waited for too (a deletion may be about to start); fails after `timeoutMs` (default 60
 * minutes; polls every 15 seconds). Never deletes anything itself.
 */
export async function waitForDeleted(client: ElastiCacheClient, id: string, options: WaitOptions = {}): Promise<WaitDeletedResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  let last = 'unknown';
  let polls = 0;
  return poll(async elapsedMs => {
    polls++;
    let found;
    try {
      found = await findCache(client, id);
    } catch (e) {
      if (e instanceof OpsError && /^No replication group or cache cluster named/.test(e.message)) {
        options.onProgress?.(`${id}: deleted [${formatElapsed(elapsedMs)}]`);
        return { id, existed: polls > 1, elapsedMs };
      }
      throw e;
    }
    last = (found.kind === 'replication-group' ? found.group.Status : found.cluster.CacheClusterStatus) ?? 'unknown';
    options.onProgress?.(`${id}: ${last} [${formatElapsed(elapsedMs)}]`);
    return undefined;
  }, {
    clock,
    timeoutMs,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${id} to be deleted (status: ${last}${last === 'deleting' ? '' : ', no deletion under way'}).`),
  });
}
