import {
  CacheCluster,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  ElastiCacheClient,
  ReplicationGroup,
  ServerlessCache,
} from '@aws-sdk/client-elasticache';
import { renderTable } from './describe';
import { formatError } from './errors';

/** One cache of the region, as `list` shows it. */
export interface CacheSummary {
  /** `replication-group` (Valkey / Redis OSS), `cache-cluster` (Memcached, or a lone Redis OSS cache cluster) or `serverless-cache`. */
  readonly kind: 'replication-group' | 'cache-cluster' | 'serverless-cache';
  /** The replication group id, cache cluster id or serverless cache name. */
  readonly id: string;
  /** `available`, `creating`, `modifying`, `deleting`, ... */
  readonly status: string;
  /** `valkey`, `redis` or `memcached`. */
  readonly engine: string;
  /** The engine version (serverless: the full version, else the major one), when reported. */
  readonly engineVersion?: string;
  /** The node type (absent for serverless caches). */
  readonly nodeType?: string;
  /** Nodes (replication groups: member cache clusters; cache clusters: cache nodes). Absent for serverless caches. */
  readonly nodes?: number;
  /** Shards (node groups), replication groups only. */
  readonly shards?: number;
}

/** One of the three listings that could not be read (the others are still listed). */
export interface ListProblem {
  /** `replication groups`, `cache clusters` or `serverless caches`. */
  readonly what: string;
  /** The API operation that failed: `DescribeReplicationGroups`, `DescribeCacheClusters` or `DescribeServerlessCaches`. */
  readonly operation: string;
  /** The error, as one line (`formatError`). */
  readonly error: string;
}

/** The three listings, in the order `list` reads them. */
const LISTINGS = [
  { what: 'replication groups', operation: 'DescribeReplicationGroups' },
  { what: 'cache clusters', operation: 'DescribeCacheClusters' },
  { what: 'serverless caches', operation: 'DescribeServerlessCaches' },
] as const;

/** What `listCaches` returns. */
export interface CacheList {
  /** Every cache read, sorted by id. */
  readonly caches: CacheSummary[];
  /** The listings that failed (an IAM policy without `elasticache:DescribeServerlessCaches`, ...); empty when all worked. */
  readonly problems: ListProblem[];
}

/** Every page of a Marker-paginated describe call. */
async function allPages<T>(page: (marker: string | undefined) => Promise<{ items: T[] | undefined; marker: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const out = await page(marker);
    items.push(...(out.items ?? []));
    marker = out.marker;
  } while (marker);
  return items;
}

/**
 * Lists every replication group, cache cluster (not a member of a replication group) and serverless
 * cache of the client's region: `DescribeReplicationGroups`, `DescribeCacheClusters` and
 * `DescribeServerlessCaches`, all pages. A listing that fails is reported in `problems` (the others
 * are still listed), never dropped silently.
 */
export async function listCaches(client: ElastiCacheClient): Promise<CacheList> {
  const [groups, clusters, serverless] = await Promise.allSettled([
    allPages<ReplicationGroup>(async Marker => {
      const out = await client.send(new DescribeReplicationGroupsCommand({ Marker }));
      return { items: out?.ReplicationGroups, marker: out?.Marker };
    }),
    allPages<CacheCluster>(async Marker => {
      const out = await client.send(new DescribeCacheClustersCommand({ Marker }));
      return { items: out?.CacheClusters, marker: out?.Marker };
    }),
    allPages<ServerlessCache>(async NextToken => {
      const out = await client.send(new DescribeServerlessCachesCommand({ NextToken }));
      return { items: out?.ServerlessCaches, marker: out?.NextToken };
    }),
  ]);
  const problems: ListProblem[] = [];
  const value = <T>(r: PromiseSettledResult<T[]>, listing: typeof LISTINGS[number]): T[] => {
    if (r.status === 'fulfilled') {
      return r.value;
    }
    problems.push({ ...listing, error: formatError(r.reason) });
    return [];
  };
  const groupList = value(groups, LISTINGS[0]);
  const clusterList = value(clusters, LISTINGS[1]);
  const serverlessList = value(serverless, LISTINGS[2]);

  // A replication group reports no engine version: its member cache clusters do.
  const byId = new Map(clusterList.map(c => [c.CacheClusterId, c]));
  const caches: CacheSummary[] = [
    ...groupList.map((g): CacheSummary => {
      const member = (g.MemberClusters ?? []).map(m => byId.get(m)).find(c => c !== undefined);
      return {
        kind: 'replication-group',
        id: g.ReplicationGroupId ?? '?',
        status: g.Status ?? 'unknown',
        engine: g.Engine ?? member?.Engine ?? 'redis',
        ...opt('engineVersion', member?.EngineVersion),
        ...opt('nodeType', g.CacheNodeType ?? member?.CacheNodeType),
        nodes: (g.MemberClusters ?? []).length,
        shards: (g.NodeGroups ?? []).length,
      };
    }),
    ...clusterList.filter(c => !c.ReplicationGroupId).map((c): CacheSummary => ({
      kind: 'cache-cluster',
      id: c.CacheClusterId ?? '?',
      status: c.CacheClusterStatus ?? 'unknown',
      engine: c.Engine ?? 'unknown',
      ...opt('engineVersion', c.EngineVersion),
      ...opt('nodeType', c.CacheNodeType),
      ...(c.NumCacheNodes !== undefined ? { nodes: c.NumCacheNodes } : {}),
    })),
    ...serverlessList.map((s): CacheSummary => ({
      kind: 'serverless-cache',
      id: s.ServerlessCacheName ?? '?',
      status: s.Status ?? 'unknown',
      engine: s.Engine ?? 'unknown',
      ...opt('engineVersion', s.FullEngineVersion ?? s.MajorEngineVersion),
    })),
  ];
  caches.sort((a, b) => a.id.localeCompare(b.id) || a.kind.localeCompare(b.kind));
  return { caches, problems };
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (keeps absent fields out of the JSON). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const KIND: Record<CacheSummary['kind'], string> = {
  'replication-group': 'replication group',
  'cache-cluster': 'cache cluster',
  'serverless-cache': 'serverless',
};

/** `a`, `a or b`, `a, b or c` (`and` with `conjunction`). */
function either(items: string[], conjunction = 'or'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/**
 * The human-readable form: one line per cache; without caches, `No caches in <region>.`, or, when a
 * listing failed, what was listed and found empty (`No replication groups or cache clusters in
 * <region>; the serverless caches could not be listed.`), or nothing when every listing failed: it
 * never says there are no caches of a kind it could not list.
 */
export function formatCacheList(list: CacheList, region: string): string {
  if (list.caches.length === 0) {
    const failed = new Set(list.problems.map(p => p.what));
    if (failed.size === 0) {
      return `No caches in ${region}.`;
    }
    const listed = LISTINGS.map(l => l.what).filter(w => !failed.has(w));
    if (listed.length === 0) {
      return '';
    }
    return `No ${either(listed)} in ${region}; the ${either([...failed], 'and')} could not be listed.`;
  }
  return renderTable(['ID', 'KIND', 'STATUS', 'ENGINE', 'VERSION', 'NODE TYPE', 'NODES'], list.caches.map(c => [
    c.id,
    KIND[c.kind],
    c.status,
    c.engine,
    c.engineVersion ?? '-',
    c.nodeType ?? '-',
    c.kind === 'serverless-cache' ? '-' : `${c.nodes ?? '?'}${c.shards !== undefined && c.shards > 1 ? ` in ${c.shards} shards` : ''}`,
  ]));
}
