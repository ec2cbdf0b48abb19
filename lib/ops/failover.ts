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
   * The shard (node group) whose primary fails over: its id (`0001`, or an id chosen at creation such
   * as `a1`) or number (`1` for `0001`). Required when the group has several shards (cluster mode
   * enabled): `TestFailover` fails over one shard, and which one is the caller's choice.
   * @default - the group's only shard (`0001` when cluster mode is disabled or compatible)
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

/**
 * Picks the shard named by `shard` (id, or number padded to 4 digits), or the only one. Refuses an
 * unknown shard, naming the shards there are, and a missing one when there are several.
 */
function pickShard(group: ReplicationGroup, shard: string | undefined): NodeGroup {
  const shards = group.NodeGroups ?? [];
  const id = group.ReplicationGroupId ?? '?';
  if (shards.length === 0) {
    throw new OpsError(`Refusing failover drill on ${id}: it has no shards yet (status: ${group.Status ?? 'unknown'}).`);
  }
  const ids = shards.map(s => s.NodeGroupId ?? '?');
  if (shard === undefined) {
    if (shards.length > 1) {
      throw new OpsError(`Refusing failover drill on ${id}: it has ${shards.length} shards (${ids.join(', ')}) and TestFailover fails over `
        + 'the primary of one; choose it with --shard (its id, or its number: 2 for 0002).');
    }
    return shards[0];
  }
  const wanted = /^\d+$/.test(shard) ? [shard, shard.padStart(4, '0')] : [shard];
  const found = shards.find(s => s.NodeGroupId !== undefined && wanted.includes(s.NodeGroupId));
  if (!found) {
    const mode = group.ClusterMode ?? (group.ClusterEnabled ? 'enabled' : 'disabled');
    throw new OpsError(group.ClusterEnabled || shards.length > 1
      ? `Refusing failover drill on ${id}: it has no shard '${shard}'. Shards: ${ids.join(', ')}.`
      : `Refusing failover drill on ${id}: it has no shard '${shard}'; cluster mode is ${mode}, so its only shard is ${ids[0]}.`);
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
 * primary. Refuses with an `OpsError` before calling anything that changes the group; on a group
 * with several shards (cluster mode enabled), `shard` says which one fails over.
 *
 * The new primary is read from the node roles (cluster mode disabled) or, where ElastiCache does not
 * report roles (cluster mode enabled), from the `Failover ... to replica node X completed` event of
 * a node of the shard; events that were there before the call are not taken for the drill's.
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

  // Events are read from a little before the call, in case the local clock runs ahead of AWS's. Those
  // already there then (an earlier drill of the shard, moments ago) are not this drill's: its
  // completion event would end this drill at once, with the wrong primary. Reading them first also
  // means a drill that cannot follow the events (no elasticache:DescribeEvents) starts no failover.
  const eventsSince = new Date(clock.now() - 60_000);
  const seen = new Set((await eventsFrom(client, eventsSince)).map(eventKey));
  const events: DrillEvent[] = [];
  const startedAt = clock.now();
  options.onProgress?.(`${id}: calling TestFailover on shard ${shardId} (primary: ${primaryBefore ?? 'not reported'})`);
  await client.send(new TestFailoverCommand({ ReplicationGroupId: id, NodeGroupId: shardId }));

  let completedBy: string | undefined;
  const primaryAfter = await poll<string>(async elapsedMs => {
    for (const e of await eventsFrom(client, eventsSince)) {
      const key = eventKey(e);
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
    signal: options.signal,
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

/** What tells two events apart: DescribeEvents gives them no id. */
function eventKey(e: Event): string {
  return `${e.Date?.toISOString()}|${e.SourceIdentifier}|${e.Message}`;
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
