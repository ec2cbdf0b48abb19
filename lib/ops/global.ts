// Global datastores: `describe --global` (members, Regions, roles, status, and the replication lag of
// each secondary from CloudWatch) and `failover-global` (FailoverGlobalReplicationGroup, then a wait
// until the new primary is in place).
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, Metric } from '@aws-sdk/client-cloudwatch';
import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  GlobalReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { ClientOptions, commandClientConfig, instrumentCalls } from './client';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { formatServiceError, OpsError } from './errors';
import { regionOf } from './find';
import { sameId } from './ids';

/** The CloudWatch metric of a secondary's lag behind the primary Region (seconds), per node of the secondary. */
export const GLOBAL_LAG_METRIC = 'GlobalDatastoreReplicationLag';
/** How far back `describe --global` looks for the latest lag datapoint. */
export const GLOBAL_LAG_WINDOW_MS = 10 * 60_000;

/** A Region name: `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * What is wrong with a Region name, or `undefined`. Checked before any call.
 * @param option the option it came from, for the message (`--to`)
 */
export function regionProblem(region: string, option: string): string | undefined {
  return REGION.test(region) ? undefined
    : `Invalid ${option}: got '${region}'. Allowed: an AWS Region name such as eu-west-1 or ap-southeast-1.`;
}

/**
 * What is wrong with a global datastore id, or `undefined`: the full id (the Region prefix ElastiCache
 * adds, a hyphen, the suffix: `ldgnf-orders`), letters, digits and hyphens, starting with a letter.
 */
export function globalIdProblem(id: string): string | undefined {
  const quoted = JSON.stringify(id).slice(1, -1);
  return /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/.test(id) && !id.endsWith('-') && id.length <= 255 ? undefined
    : `Invalid global datastore id: got '${quoted.length > 64 ? `${quoted.slice(0, 60)}...` : quoted}'. Allowed: the full id, as `
      + 'ElastiCache shows it (the Region prefix, a hyphen and the suffix, such as ldgnf-orders): letters, digits and hyphens, '
      + "starting with a letter, with no '--' and no trailing '-'.";
}

/** One member of a global datastore: a replication group in one Region. */
export interface GlobalDatastoreMember {
  /** The replication group id, in its Region. */
  readonly replicationGroupId: string;
  /** Its Region. */
  readonly region: string;
  /** `primary` (takes writes) or `secondary` (read-only, replicates from the primary), lowercase. */
  readonly role: string;
  /** Its status in the datastore (`associated`, `associating`, `disassociating`...). */
  readonly status?: string;
  /** Whether automatic failover is enabled within its Region. */
  readonly automaticFailover?: string;
  /**
   * Secondaries: the latest `GlobalDatastoreReplicationLag` of the last 10 minutes in seconds, the
   * highest of the group's nodes. Absent when it was not read or has no datapoint.
   */
  readonly replicationLagSeconds?: number;
  /** When that datapoint was taken (ISO 8601). */
  readonly replicationLagAt?: string;
  /** Why the lag is absent, when it was read: no datapoint, or the error CloudWatch answered. */
  readonly replicationLagProblem?: string;
}

/** What `describeGlobalDatastore` found. */
export interface GlobalDatastoreDescription {
  /** The full id (`ldgnf-orders`). */
  readonly globalReplicationGroupId: string;
  readonly description?: string;
  /** `available`, `creating`, `modifying`, `primary-only`, `deleting`... */
  readonly status: string;
  readonly engine?: string;
  readonly engineVersion?: string;
  readonly cacheNodeType?: string;
  readonly clusterEnabled?: boolean;
  /** The number of shards (global node groups). */
  readonly shards?: number;
  readonly transitEncryption?: boolean;
  readonly atRestEncryption?: boolean;
  readonly authToken?: boolean;
  readonly arn?: string;
  /** The primary first, then the secondaries by Region. */
  readonly members: GlobalDatastoreMember[];
  /** The lag readings CloudWatch refused (one line each), when the lag was read. */
  readonly problems: string[];
}

/** Options of `describeGlobalDatastore`. */
export interface DescribeGlobalOptions {
  /**
   * A CloudWatch client of a Region, to read each secondary's `GlobalDatastoreReplicationLag` there.
   * @default - the lag is not read
   */
  readonly cloudWatch?: (region: string) => CloudWatchClient;
  /** The time the lag is read up to, in milliseconds. @default Date.now() */
  readonly now?: number;
}

/** The datastore as ElastiCache describes it (`ShowMemberInfo`), or an `OpsError` that says what ids exist. */
async function getGlobal(client: ElastiCacheClient, id: string): Promise<GlobalReplicationGroup> {
  let found: GlobalReplicationGroup | undefined;
  try {
    const out = await client.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: id, ShowMemberInfo: true }));
    found = out.GlobalReplicationGroups?.find(g => sameId(g.GlobalReplicationGroupId, id));
  } catch (e) {
    if ((e as Error).name !== 'GlobalReplicationGroupNotFoundFault') {
      throw e;
    }
  }
  if (found) {
    return found;
  }
  // The full id starts with a Region prefix that users do not type: name the ids that end with what was given.
  const near = await globalIdsEndingWith(client, id).catch(() => []);
  throw new OpsError(`No global datastore '${id}' seen from ${await regionOf(client)}`
    + (near.length > 0 ? `: did you mean ${near.join(' or ')}? (the full id starts with a Region prefix)`
      : ': give its full id, with the Region prefix ElastiCache adds (such as ldgnf-orders), from a Region it has a member in.'));
}

async function globalIdsEndingWith(client: ElastiCacheClient, id: string): Promise<string[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 5; page++) {
    const out = await client.send(new DescribeGlobalReplicationGroupsCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }));
    ids.push(...(out.GlobalReplicationGroups ?? []).map(g => g.GlobalReplicationGroupId ?? '').filter(g => g.toLowerCase().endsWith(`-${id.toLowerCase()}`)));
    marker = out.Marker;
    if (!marker) {
      break;
    }
  }
  return ids;
}

function membersOf(group: GlobalReplicationGroup): GlobalDatastoreMember[] {
  const members = (group.Members ?? []).map(m => ({
    replicationGroupId: m.ReplicationGroupId ?? '?',
    region: m.ReplicationGroupRegion ?? '?',
    role: (m.Role ?? 'unknown').toLowerCase(),
    ...(m.Status ? { status: m.Status } : {}),
    ...(m.AutomaticFailover ? { automaticFailover: m.AutomaticFailover } : {}),
  }));
  return members.sort((a, b) => (a.role === 'primary' ? 0 : 1) - (b.role === 'primary' ? 0 : 1) || a.region.localeCompare(b.region));
}

/** The CacheClusterId of a node of `replicationGroupId`: `<id>-001`, or `<id>-0001-001` with cluster mode enabled. */
function isNodeOf(cacheClusterId: string, replicationGroupId: string): boolean {
  const prefix = `${replicationGroupId.toLowerCase()}-`;
  const id = cacheClusterId.toLowerCase();
  return id.startsWith(prefix) && /^(\d{4}-)?\d{3}$/.test(id.slice(prefix.length));
}

/**
 * The latest `GlobalDatastoreReplicationLag` of a secondary, in its Region: the metrics of its nodes
 * (`CacheClusterId` `<id>-001`...) that CloudWatch lists, their maximum per minute over the last 10
 * minutes, and the newest of those datapoints (the highest node's value).
 */
async function readLag(cloudWatch: CloudWatchClient, member: GlobalDatastoreMember, now: number):
Promise<Pick<GlobalDatastoreMember, 'replicationLagSeconds' | 'replicationLagAt' | 'replicationLagProblem'>> {
  const metrics: Metric[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await cloudWatch.send(new ListMetricsCommand({ Namespace: 'AWS/ElastiCache', MetricName: GLOBAL_LAG_METRIC,
      ...(token ? { NextToken: token } : {}) }));
    metrics.push(...(out.Metrics ?? []).filter(m => m.Dimensions?.some(d => d.Name === 'CacheClusterId' && d.Value !== undefined
      && isNodeOf(d.Value, member.replicationGroupId))));
    token = out.NextToken;
    if (!token) {
      break;
    }
  }
  const none = { replicationLagProblem: `no ${GLOBAL_LAG_METRIC} datapoint in ${member.region} in the last ${formatElapsed(GLOBAL_LAG_WINDOW_MS)}` };
  if (metrics.length === 0) {
    return none;
  }
  const out = await cloudWatch.send(new GetMetricDataCommand({
    StartTime: new Date(now - GLOBAL_LAG_WINDOW_MS),
    EndTime: new Date(now),
    ScanBy: 'TimestampDescending',
    MetricDataQueries: metrics.slice(0, 500).map((metric, i) => ({ Id: `m${i}`, MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' } })),
  }));
  let latest: { at: number; value: number } | undefined;
  for (const result of out.MetricDataResults ?? []) {
    (result.Timestamps ?? []).forEach((t, i) => {
      const value = result.Values?.[i];
      if (value === undefined) {
        return;
      }
      if (!latest || t.getTime() > latest.at || (t.getTime() === latest.at && value > latest.value)) {
        latest = { at: t.getTime(), value };
      }
    });
  }
  return latest ? { replicationLagSeconds: latest.value, replicationLagAt: new Date(latest.at).toISOString() } : none;
}

/**
 * Describes a global datastore (`DescribeGlobalReplicationGroups` with `ShowMemberInfo`): its status,
 * engine, node type, shards, encryption, and each member's Region, replication group, role and status;
 * with `cloudWatch`, each secondary's replication lag, read in its own Region. A lag CloudWatch refuses
 * is a line in `problems`, not a failure. An unknown id is an `OpsError` that names the ids ending with
 * it (the full id starts with a Region prefix).
 */
export async function describeGlobalDatastore(client: ElastiCacheClient, id: string, options: DescribeGlobalOptions = {}):
Promise<GlobalDatastoreDescription> {
  const group = await getGlobal(client, id);
  const now = options.now ?? Date.now();
  const failed = new Set<GlobalDatastoreMember>();
  const members = await Promise.all(membersOf(group).map(async member => {
    if (member.role === 'primary' || !options.cloudWatch) {
      return member;
    }
    try {
      return { ...member, ...await readLag(options.cloudWatch(member.region), member, now) };
    } catch (e) {
      const failure: GlobalDatastoreMember = { ...member, replicationLagProblem: formatServiceError(e, 'CloudWatch') };
      failed.add(failure);
      return failure;
    }
  }));
  // In the members' order (the primary, then the secondaries by Region), whichever Region answered first.
  const problems = members.filter(m => failed.has(m))
    .map(m => `Could not read the replication lag of ${m.replicationGroupId} in ${m.region}: ${m.replicationLagProblem}`);
  return {
    globalReplicationGroupId: group.GlobalReplicationGroupId ?? id,
    ...(group.GlobalReplicationGroupDescription ? { description: group.GlobalReplicationGroupDescription } : {}),
    status: group.Status ?? 'unknown',
    ...(group.Engine ? { engine: group.Engine } : {}),
    ...(group.EngineVersion ? { engineVersion: group.EngineVersion } : {}),
    ...(group.CacheNodeType ? { cacheNodeType: group.CacheNodeType } : {}),
    ...(group.ClusterEnabled !== undefined ? { clusterEnabled: group.ClusterEnabled } : {}),
    ...(group.GlobalNodeGroups ? { shards: group.GlobalNodeGroups.length } : {}),
    ...(group.TransitEncryptionEnabled !== undefined ? { transitEncryption: group.TransitEncryptionEnabled } : {}),
    ...(group.AtRestEncryptionEnabled !== undefined ? { atRestEncryption: group.AtRestEncryptionEnabled } : {}),
    ...(group.AuthTokenEnabled !== undefined ? { authToken: group.AuthTokenEnabled } : {}),
    ...(group.ARN ? { arn: group.ARN } : {}),
    members,
    problems,
  };
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? 'unknown' : value ? 'yes' : 'no';
}

/** A description as text: the datastore, then one line per member (the primary first). */
export function formatGlobalDescription(d: GlobalDatastoreDescription): string {
  const lag = (m: GlobalDatastoreMember) => m.role === 'primary' ? '-'
    : m.replicationLagSeconds !== undefined ? `${m.replicationLagSeconds}s at ${m.replicationLagAt}` : `unknown (${m.replicationLagProblem ?? 'not read'})`;
  const rows = d.members.map(m => [m.region, m.role, m.replicationGroupId, m.status ?? '-', lag(m)]);
  const header = ['REGION', 'ROLE', 'REPLICATION GROUP', 'STATUS', 'REPLICATION LAG'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    `Global datastore ${d.globalReplicationGroupId}: ${d.status}`,
    ...(d.description ? [`  description     ${d.description}`] : []),
    `  engine          ${d.engine ?? 'unknown'} ${d.engineVersion ?? ''}`.trimEnd(),
    `  node type       ${d.cacheNodeType ?? 'unknown'}`,
    `  cluster mode    ${d.clusterEnabled === undefined ? 'unknown' : d.clusterEnabled ? `enabled (${d.shards ?? '?'} shards)` : 'disabled'}`,
    `  encryption      in transit ${yesNo(d.transitEncryption)}, at rest ${yesNo(d.atRestEncryption)}, AUTH token ${yesNo(d.authToken)}`,
    `Members:`,
    `  ${line(header)}`,
    ...rows.map(r => `  ${line(r)}`),
  ].join('\n');
}

/** Options of `failoverGlobalDatastore`. */
export interface GlobalFailoverOptions extends WaitOptions {
  /** The Region whose member becomes the primary. */
  readonly toRegion: string;
  /**
   * Whether to wait until that member is the primary and the datastore is available again.
   * @default true
   */
  readonly wait?: boolean;
}

/** A member, as a failover names it. */
export interface GlobalMemberRef {
  readonly region: string;
  readonly replicationGroupId: string;
}

/** What `failoverGlobalDatastore` did. */
export interface GlobalFailoverResult {
  readonly globalReplicationGroupId: string;
  /** The primary before the call. */
  readonly primaryBefore: GlobalMemberRef;
  /** The member asked to become the primary. */
  readonly primaryAfter: GlobalMemberRef;
  /** Whether the command waited until it was (false: `wait: false`, the call was only made). */
  readonly waited: boolean;
  /** The datastore's status when the command returned. */
  readonly status: string;
  /** When `FailoverGlobalReplicationGroup` was called (ISO 8601). */
  readonly startedAt: string;
  /** When the new primary was seen in place (ISO 8601), if waited. */
  readonly completedAt?: string;
  /** From the call until then, in milliseconds (to within one poll interval), if waited. */
  readonly durationMs?: number;
}

function describeMembers(members: GlobalDatastoreMember[]): string {
  return members.map(m => `${m.region} (${m.role} ${m.replicationGroupId})`).join(', ');
}

/**
 * Promotes the member of a Region to primary (`FailoverGlobalReplicationGroup` with that Region and
 * its replication group, both found by describing the datastore), then, unless `wait` is false, polls
 * (every 10 seconds; 30 minutes at most by default) until that member is the primary and the datastore
 * is available. Refuses, before calling anything that changes it, a Region without a member, the
 * Region of the primary, and a datastore or member that is not available / associated.
 */
export async function failoverGlobalDatastore(client: ElastiCacheClient, id: string, options: GlobalFailoverOptions):
Promise<GlobalFailoverResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const group = await getGlobal(client, id);
  const fullId = group.GlobalReplicationGroupId ?? id;
  const members = membersOf(group);
  const refuse = (why: string) => new OpsError(`Refusing failover of ${fullId} to ${options.toRegion}: ${why}`);
  const target = members.find(m => m.region === options.toRegion);
  if (!target) {
    throw refuse(`it has no member in that Region. Members: ${describeMembers(members)}.`);
  }
  const primary = members.find(m => m.role === 'primary');
  if (!primary) {
    throw refuse(`ElastiCache reports no primary member (members: ${describeMembers(members)}).`);
  }
  if (target === primary) {
    throw refuse(`${options.toRegion} is already its primary Region (${primary.replicationGroupId}).`);
  }
  if (group.Status !== 'available') {
    throw refuse(`its status is '${group.Status ?? 'unknown'}'; wait until it is available (describe --global ${fullId}).`);
  }
  if (target.status !== undefined && target.status !== 'associated') {
    throw refuse(`its member ${target.replicationGroupId} there is '${target.status}', not associated.`);
  }
  const before = { region: primary.region, replicationGroupId: primary.replicationGroupId };
  const after = { region: target.region, replicationGroupId: target.replicationGroupId };
  const startedAt = clock.now();
  options.onProgress?.(`${fullId}: calling FailoverGlobalReplicationGroup: primary ${before.region} (${before.replicationGroupId}) -> `
    + `${after.region} (${after.replicationGroupId})`);
  const called = await client.send(new FailoverGlobalReplicationGroupCommand({
    GlobalReplicationGroupId: fullId, PrimaryRegion: target.region, PrimaryReplicationGroupId: target.replicationGroupId,
  }));
  if (options.wait === false) {
    return { globalReplicationGroupId: fullId, primaryBefore: before, primaryAfter: after, waited: false,
      status: called.GlobalReplicationGroup?.Status ?? 'unknown', startedAt: new Date(startedAt).toISOString() };
  }
  let last = 'unknown';
  await poll<true>(async elapsedMs => {
    const now = await getGlobal(client, fullId);
    last = now.Status ?? 'unknown';
    const current = membersOf(now).find(m => m.role === 'primary');
    options.onProgress?.(`${fullId}: ${last}, primary ${current ? `${current.region} (${current.replicationGroupId})` : 'not reported'} `
      + `[${formatElapsed(elapsedMs)}]`);
    return current?.region === after.region && last === 'available' ? true : undefined;
  }, {
    clock,
    timeoutMs,
    intervalMs: options.intervalMs ?? 10_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for ${after.region} (${after.replicationGroupId}) `
      + `to be the primary of ${fullId} (status: ${last}).`),
  });
  const completedAt = clock.now();
  return { globalReplicationGroupId: fullId, primaryBefore: before, primaryAfter: after, waited: true, status: 'available',
    startedAt: new Date(startedAt).toISOString(), completedAt: new Date(completedAt).toISOString(), durationMs: completedAt - startedAt };
}

/** A failover result as text. */
export function formatGlobalFailover(r: GlobalFailoverResult): string {
  const from = `${r.primaryBefore.region} (${r.primaryBefore.replicationGroupId})`;
  const to = `${r.primaryAfter.region} (${r.primaryAfter.replicationGroupId})`;
  return r.waited
    ? `Global datastore ${r.globalReplicationGroupId}: ${to} is the primary, ${from} a secondary (${formatElapsed(r.durationMs ?? 0)}).\n`
      + `Writers in ${r.primaryBefore.region} must now write to ${r.primaryAfter.region}: a global datastore has one writable Region.`
    : `Global datastore ${r.globalReplicationGroupId}: failover from ${from} to ${to} started (status: ${r.status}); `
      + `'cdk-elasticache describe --global ${r.globalReplicationGroupId}' shows when it is done.`;
}

/**
 * The CloudWatch client of the command for one Region: the profile, and the endpoint
 * `AWS_ENDPOINT_URL_CLOUDWATCH`, else `--endpoint-url` (a local endpoint that serves both APIs), else
 * `AWS_ENDPOINT_URL`. @internal
 */
export function createCloudWatchCommandClient(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): CloudWatchClient {
  const endpoint = env.AWS_ENDPOINT_URL_CLOUDWATCH?.trim() || options.endpoint || env.AWS_ENDPOINT_URL?.trim() || undefined;
  const config = commandClientConfig({ ...options, endpoint: undefined }, env);
  return instrumentCalls(new CloudWatchClient({ ...config, ...(endpoint ? { endpoint } : {}) }), options.deadline);
}
