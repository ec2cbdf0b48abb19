import {
  CacheCluster,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { OpsError } from './errors';

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

/** The replication group, or `undefined` when there is none with that id. @internal */
export async function getReplicationGroup(client: ElastiCacheClient, id: string): Promise<ReplicationGroup | undefined> {
  try {
    const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
    return out.ReplicationGroups?.[0];
  } catch (e) {
    if (isNamed(e, 'ReplicationGroupNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}

/** The cache cluster with its nodes, or `undefined` when there is none with that id. @internal */
export async function getCacheCluster(client: ElastiCacheClient, id: string): Promise<CacheCluster | undefined> {
  try {
    const out = await client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
    return out.CacheClusters?.[0];
  } catch (e) {
    if (isNamed(e, 'CacheClusterNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}

/**
 * Looks `id` up as a replication group, then as a cache cluster.
 * Throws an `OpsError` naming the region when it is neither.
 */
export async function findCache(client: ElastiCacheClient, id: string): Promise<FoundCache> {
  const group = await getReplicationGroup(client, id);
  if (group) {
    return { kind: 'replication-group', group };
  }
  const cluster = await getCacheCluster(client, id);
  if (cluster) {
    return { kind: 'cache-cluster', cluster };
  }
  throw new OpsError(`No replication group or cache cluster named '${id}' in ${await regionOf(client)}.`);
}

/** Whether a cache cluster runs Memcached. @internal */
export function isMemcached(cluster: CacheCluster): boolean {
  return (cluster.Engine ?? '').toLowerCase() === 'memcached';
}
