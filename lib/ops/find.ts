import {
  CacheCluster,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { OpsError } from './errors';
import { assertCacheId, MAX_REPLICATION_GROUP_ID_LENGTH, sameId } from './ids';

/** What an id names: a replication group (Valkey / Redis OSS) or a cache cluster (Memcached, or a single Redis OSS node). */
export type FoundCache =
  | { readonly kind: 'replication-group'; readonly group: ReplicationGroup }
  | { readonly kind: 'cache-cluster'; readonly cluster: CacheCluster };

/** The client's region, for messages; never throws. @internal */
export async function regionOf(client: ElastiCacheClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return 'the configured region';
  }
}

/** Whether `error` is the SDK error with that name (the AWS error code). @internal */
export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/**
 * The one item of a describe answer, checked to be the resource asked for: ElastiCache lists every
 * resource when the id is empty, and an id that differs (a proxy, a bug, a mock) must never be acted on.
 * @internal
 */
export function theOne<T>(items: T[] | undefined, idOf: (item: T) => string | undefined, id: string, what: string): T | undefined {
  const list = items ?? [];
  if (list.length === 0) {
    return undefined;
  }
  if (list.length === 1 && sameId(idOf(list[0]), id)) {
    return list[0];
  }
  const got = list.length === 1
    ? `${what} '${idOf(list[0]) ?? '(no id)'}'`
    : `${list.length} ${what}s (${list.slice(0, 5).map(i => idOf(i) ?? '(no id)').join(', ')}${list.length > 5 ? ', ...' : ''})`;
  throw new OpsError(`Asked ElastiCache for ${what} '${id}' and it answered with ${got}: refusing to act on ${list.length === 1 ? 'it' : 'them'}.`);
}

/** The replication group, or `undefined` when there is none with that id. @internal */
export async function getReplicationGroup(client: ElastiCacheClient, id: string): Promise<ReplicationGroup | undefined> {
  assertCacheId('replication-group', id);
  try {
    const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
    return theOne(out.ReplicationGroups, g => g.ReplicationGroupId, id, 'replication group');
  } catch (e) {
    if (isNamed(e, 'ReplicationGroupNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}

/** The cache cluster with its nodes, or `undefined` when there is none with that id. @internal */
export async function getCacheCluster(client: ElastiCacheClient, id: string): Promise<CacheCluster | undefined> {
  assertCacheId('cache-cluster', id);
  try {
    const out = await client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
    return theOne(out.CacheClusters, c => c.CacheClusterId, id, 'cache cluster');
  } catch (e) {
    if (isNamed(e, 'CacheClusterNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}

/**
 * Looks `id` up as a replication group, then as a cache cluster.
 * Throws an `OpsError` before any call when `id` breaks ElastiCache's naming rules, when ElastiCache
 * answers with another resource than the one asked for, and (naming the region) when it is neither.
 */
export async function findCache(client: ElastiCacheClient, id: string): Promise<FoundCache> {
  assertCacheId('cache', id);
  // Ids of 41 to 50 characters can only name a cache cluster.
  const group = id.length <= MAX_REPLICATION_GROUP_ID_LENGTH ? await getReplicationGroup(client, id) : undefined;
  if (group) {
    return { kind: 'replication-group', group };
  }
  const cluster = await getCacheCluster(client, id);
  if (cluster) {
    return { kind: 'cache-cluster', cluster };
  }
  throw new CacheNotFoundError(id, `No replication group or cache cluster named '${id}' in ${await regionOf(client)}.`);
}

/** `findCache` found neither a replication group nor a cache cluster (callers may look for a serverless cache next). */
export class CacheNotFoundError extends OpsError {
  constructor(public readonly id: string, message: string) {
    super(message);
    Object.setPrototypeOf(this, CacheNotFoundError.prototype);
  }
}

/** Whether a cache cluster runs Memcached. @internal */
export function isMemcached(cluster: CacheCluster): boolean {
  return (cluster.Engine ?? '').toLowerCase() === 'memcached';
}
