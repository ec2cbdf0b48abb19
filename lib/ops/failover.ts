import {
  DescribeEventsCommand,
  ElastiCacheClient,
  Event,
  NodeGroup,
  ReplicationGroup,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { OpsError } from './errors';
import { getCacheCluster, getReplicationGroup, isMemcached, regionOf } from './find';

/** Options of `runFailoverDrill`. */
export interface FailoverDrillOptions extends WaitOptions {
  /**
   * The shard (node group) whose primary fails over: its id (`0001`) or number (`1`).
   * @default - the first shard (the only one when cluster mode is disabled)
   */
  readonly shard?: string;
}

/** One ElastiCache event seen during the drill. */
export interface DrillEvent {
  /** When ElastiCache recorded it (ISO 8601). */
  readonly date?: string;
  /** The replication group or node it is about. */
  readonly source?: string;
  /** The event's text, e.g. `Failover to replica node my-cache-002 completed`. */
  readonly message: string;
}

/** What a failover drill found. */
export interface FailoverDrillResult {
  /** The replication group. */
  readonly replicationGroupId: string;
  /** The shard (node group) that failed over. */
  readonly shard: string;
  /** The node that was primary before (unknown for cluster mode enabled unless an event named it). */
  readonly primaryBefore?: string;
  /** The node that is primary now. */
  readonly primaryAfter: string;
  /** When `TestFailover` was called (ISO 8601). */
  readonly startedAt: string;
  /** When the new primary was seen (ISO 8601). */
  readonly completedAt: string;
  /** From the `TestFailover` call until the new primary was seen, in milliseconds (to within one poll interval). */
  readonly durationMs: number;
  /** The ElastiCache events about the group and its nodes during the drill, oldest first. */
  readonly events: DrillEvent[];
}

/** `Failover to replica node my-cache-002 completed`, `Failover from primary node a to replica node b completed`. */
const COMPLETED = /failover\b.*?\bto (?:replica |primary )?node ([a-z0-9-]+)\b.*\bcompleted/i;
const FROM = /failover from (?:master |primary )?node ([a-z0-9-]+)/i;

/** Picks the shard named by `shard` (id or number), or the first. */
function pickShard(group: ReplicationGroup, shard: string | undefined): NodeGroup {
  const shards = group.NodeGroups ?? [];
  const id = group.ReplicationGroupId ?? '?';
  if (shards.length === 0) {
    throw new OpsError(`Refusing failover drill on ${id}: it has no shards yet (status: ${group.Status ?? 'unknown'}).`);
  }
  if (shard === undefined) {
    return shards[0];
  }
  const wanted = /^\d+$/.test(shard) ? [shard, shard.padStart(4, '0')] : [shard];
  const found = shards.find(s => s.NodeGroupId !== undefined && wanted.includes(s.NodeGroupId));
  if (!found) {
    throw new OpsError(`${id} has no shard '${shard}'. Shards: ${shards.map(s => s.NodeGroupId).join(', ')}.`);
  }
  return found;
}

function primaryOf(shard: NodeGroup | undefined): string | undefined {
  return shard?.NodeGroupMembers?.find(m => m.CurrentRole === 'primary')?.CacheClusterId;
}

/**
 * A failover drill: checks that the group can fail over (a Valkey / Redis OSS replication group,
 * `available`, automatic failover enabled, a replica in the shard), calls `TestFailover`, then
 * follows the ElastiCache events and the node roles until a node other than the old primary is
 * primary. Refuses with an `OpsError` before calling anything that changes the group.
 *
 * The new primary is read from the node roles (cluster mode disabled) or, where ElastiCache does not
 * report roles (cluster mode enabled), from the `Failover ... to replica node X completed` event.
 * Polls every 5 seconds; gives up after 20 minutes unless told otherwise.
 */
export async function runFailoverDrill(client: ElastiCacheClient, id: string, options: FailoverDrillOptions = {}): Promise<FailoverDrillResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const group = await getReplicationGroup(client, id);
  if (!group) {
    const cluster = await getCacheCluster(client, id);
    if (cluster && isMemcached(cluster)) {
      throw new OpsError(`Refusing failover drill on ${id}: it is a Memcached cluster, which has no replicas and no failover.`);
    }
    if (cluster) {
      throw new OpsError(`Refusing failover drill on ${id}: it is a single cache cluster, not a replication group, so it has no replica to fail over to.`);
    }
    throw new OpsError(`No replication group named '${id}' in ${await regionOf(client)}.`);
  }
  if (group.Status !== 'available') {
    throw new OpsError(`Refusing failover drill on ${id}: its status is '${group.Status ?? 'unknown'}'; wait until it is available (wait ${id}).`);
  }
  if (group.AutomaticFailover !== 'enabled') {
    throw new OpsError(`Refusing failover drill on ${id}: automatic failover is ${group.AutomaticFailover ?? 'disabled'}; enable Multi-AZ with automatic failover first.`);
  }
  const shard = pickShard(group, options.shard);
  const shardId = shard.NodeGroupId ?? '0001';
  const members = (shard.NodeGroupMembers ?? []).map(m => m.CacheClusterId).filter((m): m is string => m !== undefined);
  if (members.length < 2) {
    throw new OpsError(`Refusing failover drill on ${id}: shard ${shardId} has no replica (${members.length} node); add a read replica first.`);
  }
  const allMembers = new Set([id, ...(group.MemberClusters ?? [])]);
  let primaryBefore = primaryOf(shard);

  const startedAt = clock.now();
  // Events are read from a little before the call, in case the local clock runs ahead of AWS's.
  const eventsSince = new Date(startedAt - 60_000);
  const events: DrillEvent[] = [];
  const seen = new Set<string>();
  options.onProgress?.(`${id}: calling TestFailover on shard ${shardId} (primary: ${primaryBefore ?? 'not reported'})`);
  await client.send(new TestFailoverCommand({ ReplicationGroupId: id, NodeGroupId: shardId }));

  let completedBy: string | undefined;
  const primaryAfter = await poll<string>(async elapsedMs => {
    for (const e of await eventsFrom(client, eventsSince)) {
      const key = `${e.Date?.toISOString()}|${e.SourceIdentifier}|${e.Message}`;
      if (seen.has(key) || !e.SourceIdentifier || !allMembers.has(e.SourceIdentifier) || !e.Message) {
        continue;
      }
      seen.add(key);
      events.push({ ...(e.Date ? { date: e.Date.toISOString() } : {}), source: e.SourceIdentifier, message: e.Message });
      options.onProgress?.(`${id}: event ${e.Date?.toISOString() ?? ''} ${e.SourceIdentifier}: ${e.Message}`);
      const done = COMPLETED.exec(e.Message);
      if (done && members.includes(done[1])) {
        completedBy = done[1];
      }
      const from = FROM.exec(e.Message);
      if (from && !primaryBefore && members.includes(from[1])) {
        primaryBefore = from[1];
      }
    }
    const now = await getReplicationGroup(client, id);
    const current = primaryOf(now?.NodeGroups?.find(s => s.NodeGroupId === shardId));
    options.onProgress?.(`${id}: shard ${shardId} primary ${current ?? 'not reported'}, group ${now?.Status ?? 'unknown'} [${formatElapsed(elapsedMs)}]`);
    if (current !== undefined && primaryBefore !== undefined) {
      return current !== primaryBefore ? current : undefined;
    }
    // No roles reported (cluster mode enabled): the completion event names the new primary.
    return completedBy !== undefined && completedBy !== primaryBefore ? completedBy : undefined;
  }, {
    clock,
    timeoutMs,
    intervalMs: options.intervalMs ?? 5_000,
    onTimeout: () => new OpsError(
      `Timed out after ${formatElapsed(timeoutMs)} waiting for a new primary in shard ${shardId} of ${id} (primary still ${primaryBefore ?? 'unknown'}).`),
  });
  const completedAt = clock.now();
  events.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  return {
    replicationGroupId: id,
    shard: shardId,
    ...(primaryBefore ? { primaryBefore } : {}),
    primaryAfter,
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date(completedAt).toISOString(),
    durationMs: completedAt - startedAt,
    events,
  };
}

/** Every event since `since`, oldest first (ElastiCache returns newest first), following at most 10 pages. */
async function eventsFrom(client: ElastiCacheClient, since: Date): Promise<Event[]> {
  const all: Event[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await client.send(new DescribeEventsCommand({ StartTime: since, MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }));
    all.push(...(out.Events ?? []));
    marker = out.Marker;
    if (!marker) {
      break;
    }
  }
  return all.sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0));
}
