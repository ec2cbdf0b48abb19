import { DescribeEventsCommand, DescribeServerlessCachesCommand, ElastiCacheClient, Event } from '@aws-sdk/client-elasticache';
import { IncompleteLookupError, OpsError } from './errors';
import { CacheNotFoundError, findCache, isNamed, regionOf } from './find';
import { assertCacheId, sameId } from './ids';

/** ElastiCache keeps events 14 days. */
export const MAX_EVENT_AGE_MS = 14 * 24 * 3_600_000;

/** One event of a cache. */
export interface CacheEvent {
  /** When it happened (ISO 8601). */
  readonly date?: string;
  /** The resource it is about: the cache, or one of its member cache clusters. */
  readonly source: string;
  /** `replication-group`, `cache-cluster` or `serverless-cache`. */
  readonly sourceType?: string;
  /** What happened. */
  readonly message: string;
}

/** What `cacheEvents` returns. */
export interface CacheEvents {
  /** The id asked for. */
  readonly id: string;
  /** `replication-group`, `cache-cluster` or `serverless-cache`. */
  readonly kind: 'replication-group' | 'cache-cluster' | 'serverless-cache';
  /** The start of the period (ISO 8601). */
  readonly since: string;
  /** Oldest first. */
  readonly events: CacheEvent[];
}

/** Options of `cacheEvents`. */
export interface CacheEventsOptions {
  /** How far back, in milliseconds (at most 14 days, what ElastiCache keeps). @default 1 hour */
  readonly sinceMs?: number;
  /** Now, in milliseconds since the epoch. @default Date.now() */
  readonly now?: number;
}

/** How many sources are asked at once. */
const CONCURRENCY = 5;

async function eventsOf(client: ElastiCacheClient, sourceType: 'replication-group' | 'cache-cluster' | 'serverless-cache', id: string, start: Date, end: Date): Promise<Event[]> {
  const events: Event[] = [];
  let marker: string | undefined;
  do {
    const out = await client.send(new DescribeEventsCommand({
      SourceType: sourceType, SourceIdentifier: id, StartTime: start, EndTime: end, MaxRecords: 100, Marker: marker,
    }));
    // Only the events of the source asked for, whatever the answer holds.
    events.push(...(out?.Events ?? []).filter(e => sameId(e.SourceIdentifier, id)));
    marker = out?.Marker;
  } while (marker);
  return events;
}

/** Whether a serverless cache of that name exists (`DescribeServerlessCaches`, checked to be the one asked for). */
async function serverlessCacheExists(client: ElastiCacheClient, name: string): Promise<boolean> {
  try {
    const out = await client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: name }));
    return (out?.ServerlessCaches ?? []).some(s => sameId(s.ServerlessCacheName, name));
  } catch (e) {
    if (isNamed(e, 'ServerlessCacheNotFoundFault')) {
      return false;
    }
    throw e;
  }
}

/**
 * The events of a replication group (with those of its member cache clusters: node restarts,
 * failovers, ...), a cache cluster or a serverless cache over the last `sinceMs` (`DescribeEvents`,
 * per source, all pages), oldest first. Throws an `OpsError` before any call for an invalid id or
 * period, and when no cache has that id.
 */
export async function cacheEvents(client: ElastiCacheClient, id: string, options: CacheEventsOptions = {}): Promise<CacheEvents> {
  assertCacheId('cache', id);
  const sinceMs = options.sinceMs ?? 3_600_000;
  if (!(sinceMs > 0) || sinceMs > MAX_EVENT_AGE_MS) {
    throw new OpsError(`Invalid period: got ${sinceMs} ms. Allowed: more than 0 and at most 14 days (ElastiCache keeps events 14 days).`);
  }
  const end = new Date(options.now ?? Date.now());
  const start = new Date(end.getTime() - sinceMs);
  let kind: CacheEvents['kind'];
  let sources: Array<['replication-group' | 'cache-cluster' | 'serverless-cache', string]>;
  try {
    const found = await findCache(client, id);
    kind = found.kind;
    sources = found.kind === 'replication-group'
      ? [['replication-group', id], ...(found.group.MemberClusters ?? []).map((m): ['cache-cluster', string] => ['cache-cluster', m])]
      : [['cache-cluster', id]];
  } catch (e) {
    if (!(e instanceof CacheNotFoundError)) {
      throw e;
    }
    let exists: boolean;
    try {
      exists = await serverlessCacheExists(client, id);
    } catch (serverlessError) {
      throw new IncompleteLookupError(e.message, 'serverless caches', serverlessError);
    }
    if (!exists) {
      throw new OpsError(`No replication group, cache cluster or serverless cache named '${id}' in ${await regionOf(client)}.`);
    }
    kind = 'serverless-cache';
    sources = [['serverless-cache', id]];
  }
  const all: Event[] = [];
  for (let i = 0; i < sources.length; i += CONCURRENCY) {
    const batch = await Promise.all(sources.slice(i, i + CONCURRENCY).map(([type, source]) => eventsOf(client, type, source, start, end)));
    all.push(...batch.flat());
  }
  const events = all
    .map((e): CacheEvent => ({
      ...(e.Date ? { date: new Date(e.Date).toISOString() } : {}),
      source: e.SourceIdentifier ?? id,
      ...(e.SourceType ? { sourceType: e.SourceType } : {}),
      message: (e.Message ?? '').replace(/\s+/g, ' ').trim(),
    }))
    .sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  return { id, kind, since: start.toISOString(), events };
}

/** The human-readable form: one line per event (date, source, message). */
export function formatCacheEvents(r: CacheEvents): string {
  if (r.events.length === 0) {
    return `No events of ${r.id} since ${r.since}.`;
  }
  const width = Math.max(...r.events.map(e => e.source.length));
  return r.events.map(e => `${e.date ?? '-'}  ${e.source.padEnd(width)}  ${e.message}`).join('\n');
}
