import { CacheCluster, ElastiCacheClient, Endpoint, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { CacheEngine } from '../cache-engine';
import { findCache, getCacheCluster } from './find';
import { formatServiceUpdates, pendingServiceUpdates, ServiceUpdatesResult } from './service-updates';

/** One endpoint clients connect to. */
export interface CacheEndpoint {
  /** `primary` (writes), `reader` (reads over the replicas), `configuration` (cluster mode / Memcached discovery) or `node`. */
  readonly role: 'primary' | 'reader' | 'configuration' | 'node';
  /** The DNS name. */
  readonly address: string;
  /** The port. */
  readonly port?: number;
  /** The shard (node group) it belongs to, for per-shard endpoints. */
  readonly shard?: string;
  /** The node it belongs to, for node endpoints. */
  readonly node?: string;
}

/** One cache node. */
export interface CacheNodeDescription {
  /** The node's cache cluster id (`my-cache-001`; Memcached: the cluster id). */
  readonly cacheClusterId: string;
  /** The node id within its cache cluster (`0001`). */
  readonly cacheNodeId?: string;
  /** The shard (node group) id, for replication groups. */
  readonly shard?: string;
  /**
   * `primary` or `replica`. ElastiCache reports roles only for cluster-mode-disabled replication groups;
   * absent for cluster mode enabled and Memcached.
   */
  readonly role?: 'primary' | 'replica';
  /** The Availability Zone. */
  readonly availabilityZone?: string;
  /** The node's status (`available`, `creating`, `rebooting`, ...); the cache cluster's status when the node is unknown. */
  readonly status?: string;
  /** The node's own endpoint (`address:port`). */
  readonly endpoint?: string;
}

/** One shard (node group) of a replication group. */
export interface ShardDescription {
  /** The shard's id (`NodeGroupId`), `0001`. */
  readonly id: string;
  /** The hash slots it holds (`0-8191`), cluster mode enabled only. */
  readonly slots?: string;
  /** `available`, `modifying`... */
  readonly status?: string;
  /** Its nodes (primary and replicas). */
  readonly nodes: number;
}

/** What `describe` shows of every kind of cache (node-based or serverless). */
export interface CacheDescriptionBase {
  /** The kind of cache, which decides the other fields. */
  readonly kind: 'replication-group' | 'cache-cluster' | 'serverless-cache';
  /** The replication group or cache cluster id, or the serverless cache name. */
  readonly id: string;
  /** The ARN. */
  readonly arn?: string;
  /** The user-supplied description. */
  readonly description?: string;
  /** `available`, `creating`, `modifying`, `snapshotting`, `deleting`, `create-failed`, ... */
  readonly status: string;
  /** The engine's API name: `valkey`, `redis` or `memcached`. */
  readonly engine: string;
  /** The engine's display name: `Valkey`, `Redis OSS`, `Memcached`. */
  readonly engineDisplayName: string;
}

/** A deployed node-based cache, as `describe` shows it. Plain data: `JSON.stringify` gives the `--json` output. */
export interface CacheDescription extends CacheDescriptionBase {
  /** `replication-group` (Valkey / Redis OSS) or `cache-cluster` (Memcached, or a lone Redis OSS cache cluster). */
  readonly kind: 'replication-group' | 'cache-cluster';
  /** The engine version (read from the member cache clusters for replication groups). */
  readonly engineVersion?: string;
  /** The node type, `cache.t4g.micro`. */
  readonly nodeType?: string;
  /** Cluster mode (`enabled`, `disabled`, `compatible`), replication groups only. */
  readonly clusterMode?: string;
  /** The replication group a cache cluster belongs to. */
  readonly replicationGroupId?: string;
  /** Where clients connect. */
  readonly endpoints: CacheEndpoint[];
  /** The shards of a replication group (one with cluster mode disabled), with their slots. */
  readonly shards?: ShardDescription[];
  /** Every node, shard by shard. */
  readonly nodes: CacheNodeDescription[];
  /** In-transit encryption (TLS). */
  readonly transitEncryption: boolean;
  /** `preferred` or `required`, when reported. */
  readonly transitEncryptionMode?: string;
  /** Encryption at rest. */
  readonly atRestEncryption: boolean;
  /** `none`, `sse-elasticache` or `sse-kms`, when reported. */
  readonly storageEncryptionType?: string;
  /** The KMS key for encryption at rest, when a customer-managed key is used. */
  readonly kmsKeyId?: string;
  /** Whether an AUTH token (password) is required. */
  readonly authTokenEnabled: boolean;
  /** RBAC user groups (which may hold IAM-authenticated users). */
  readonly userGroupIds: string[];
  /** Multi-AZ: `enabled` or `disabled` (replication groups). */
  readonly multiAz?: string;
  /** Automatic failover: `enabled`, `enabling`, `disabled`, `disabling` (replication groups). */
  readonly automaticFailover?: string;
  /** Days automatic backups are kept; 0 means automatic backups are off. Absent for Memcached. */
  readonly snapshotRetentionLimit?: number;
  /** The daily backup window (UTC). */
  readonly snapshotWindow?: string;
  /** The node automatic backups are taken from. */
  readonly snapshottingClusterId?: string;
  /** The weekly maintenance window (UTC). */
  readonly maintenanceWindow?: string;
  /** Modifications not applied yet, as `setting: value` (the node list in brackets when only some nodes have it). */
  readonly pendingModifications: string[];
  /** Service updates (engine patches, security fixes) not applied yet (`DescribeUpdateActions`), or why they could not be read. */
  readonly serviceUpdates?: ServiceUpdatesResult;
}

/** How many member cache clusters are described at once. */
const CONCURRENCY = 5;

/**
 * Describes a replication group or cache cluster: one `DescribeReplicationGroups`, one `DescribeCacheClusters`
 * per node, and `DescribeUpdateActions` for the service updates not applied yet.
 */
export async function describeCache(client: ElastiCacheClient, id: string): Promise<CacheDescription> {
  const found = await findCache(client, id);
  if (found.kind === 'cache-cluster') {
    const serviceUpdates = await pendingServiceUpdates(client, 'cache-cluster', found.cluster.CacheClusterId ?? id);
    return { ...fromCacheCluster(found.cluster), serviceUpdates };
  }
  const memberIds = found.group.MemberClusters ?? [];
  const members = new Map<string, CacheCluster>();
  for (let i = 0; i < memberIds.length; i += CONCURRENCY) {
    const batch = memberIds.slice(i, i + CONCURRENCY);
    const clusters = await Promise.all(batch.map(m => getCacheCluster(client, m)));
    clusters.forEach((c, j) => c && members.set(batch[j], c));
  }
  const serviceUpdates = await pendingServiceUpdates(client, 'replication-group', found.group.ReplicationGroupId ?? id);
  return { ...fromReplicationGroup(found.group, members), serviceUpdates };
}

function engineDisplayName(engine: string): string {
  const known = [CacheEngine.VALKEY, CacheEngine.REDIS_OSS, CacheEngine.MEMCACHED].find(e => e.name === engine);
  return known?.displayName ?? engine;
}

function address(endpoint: Endpoint | undefined): string | undefined {
  if (!endpoint?.Address) {
    return undefined;
  }
  return endpoint.Port !== undefined ? `${endpoint.Address}:${endpoint.Port}` : endpoint.Address;
}

function endpoint(role: CacheEndpoint['role'], e: Endpoint | undefined, extra: { shard?: string; node?: string } = {}): CacheEndpoint[] {
  if (!e?.Address) {
    return [];
  }
  return [{ role, address: e.Address, ...(e.Port !== undefined ? { port: e.Port } : {}), ...extra }];
}

/** `{ A: 1, B: { C: 'x' } }` -> `['A: 1', 'B.C: x']`, skipping empty values. */
function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value === undefined || value === null) {
    return [];
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return [];
    }
    const scalars = value.every(v => typeof v !== 'object' || v === null);
    return [[prefix, scalars ? value.join(', ') : JSON.stringify(value)]];
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value as Record<string, unknown>)
      .flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value instanceof Date ? value.toISOString() : String(value)]];
}

function fromReplicationGroup(group: ReplicationGroup, members: Map<string, CacheCluster>): CacheDescription {
  const first = members.values().next().value as CacheCluster | undefined;
  const engine = group.Engine ?? first?.Engine ?? 'redis';
  const clusterEnabled = group.ClusterEnabled === true;

  const nodes: CacheNodeDescription[] = [];
  const seen = new Set<string>();
  for (const ng of group.NodeGroups ?? []) {
    for (const m of ng.NodeGroupMembers ?? []) {
      const id = m.CacheClusterId ?? '?';
      seen.add(id);
      const cluster = members.get(id);
      const node = cluster?.CacheNodes?.find(n => n.CacheNodeId === m.CacheNodeId) ?? cluster?.CacheNodes?.[0];
      const role = m.CurrentRole === 'primary' || m.CurrentRole === 'replica' ? m.CurrentRole : undefined;
      nodes.push({
        cacheClusterId: id,
        ...(m.CacheNodeId ? { cacheNodeId: m.CacheNodeId } : {}),
        ...(ng.NodeGroupId ? { shard: ng.NodeGroupId } : {}),
        ...(role ? { role } : {}),
        ...opt('availabilityZone', m.PreferredAvailabilityZone ?? node?.CustomerAvailabilityZone ?? cluster?.PreferredAvailabilityZone),
        ...opt('status', node?.CacheNodeStatus ?? cluster?.CacheClusterStatus),
        ...opt('endpoint', address(node?.Endpoint ?? m.ReadEndpoint)),
      });
    }
  }
  // Members listed by the group but not (yet) in a node group, e.g. while a replica is being added.
  for (const id of group.MemberClusters ?? []) {
    if (!seen.has(id)) {
      const cluster = members.get(id);
      nodes.push({
        cacheClusterId: id,
        ...opt('availabilityZone', cluster?.PreferredAvailabilityZone),
        ...opt('status', cluster?.CacheClusterStatus),
      });
    }
  }

  const endpoints: CacheEndpoint[] = clusterEnabled
    ? endpoint('configuration', group.ConfigurationEndpoint)
    : (group.NodeGroups ?? []).flatMap(ng => {
      const shard = (group.NodeGroups ?? []).length > 1 && ng.NodeGroupId ? { shard: ng.NodeGroupId } : {};
      return [...endpoint('primary', ng.PrimaryEndpoint, shard), ...endpoint('reader', ng.ReaderEndpoint, shard)];
    });

  // Pending changes of the group itself, then those of its nodes (grouped when several nodes share one).
  const pending = flatten(group.PendingModifiedValues).map(([k, v]) => `${k}: ${v}`);
  const perNode = new Map<string, string[]>();
  for (const [id, cluster] of members) {
    for (const [k, v] of flatten(cluster.PendingModifiedValues)) {
      const key = `${k}: ${v}`;
      perNode.set(key, [...(perNode.get(key) ?? []), id]);
    }
  }
  for (const [key, ids] of perNode) {
    pending.push(ids.length === members.size ? key : `${key} [${ids.join(', ')}]`);
  }

  return {
    kind: 'replication-group',
    id: group.ReplicationGroupId ?? '?',
    ...opt('arn', group.ARN),
    ...opt('description', group.Description),
    status: group.Status ?? 'unknown',
    engine,
    engineDisplayName: engineDisplayName(engine),
    ...opt('engineVersion', first?.EngineVersion),
    ...opt('nodeType', group.CacheNodeType ?? first?.CacheNodeType),
    clusterMode: group.ClusterMode ?? (clusterEnabled ? 'enabled' : 'disabled'),
    endpoints,
    shards: (group.NodeGroups ?? []).map(ng => ({
      id: ng.NodeGroupId ?? '?',
      ...opt('slots', ng.Slots),
      ...opt('status', ng.Status),
      nodes: ng.NodeGroupMembers?.length ?? 0,
    })),
    nodes,
    transitEncryption: group.TransitEncryptionEnabled === true,
    ...opt('transitEncryptionMode', group.TransitEncryptionMode),
    atRestEncryption: group.AtRestEncryptionEnabled === true,
    ...opt('storageEncryptionType', group.StorageEncryptionType),
    ...opt('kmsKeyId', group.KmsKeyId),
    authTokenEnabled: group.AuthTokenEnabled === true,
    userGroupIds: group.UserGroupIds ?? [],
    ...opt('multiAz', group.MultiAZ),
    ...opt('automaticFailover', group.AutomaticFailover),
    ...opt('snapshotRetentionLimit', group.SnapshotRetentionLimit),
    ...opt('snapshotWindow', group.SnapshotWindow),
    ...opt('snapshottingClusterId', group.SnapshottingClusterId),
    ...opt('maintenanceWindow', first?.PreferredMaintenanceWindow),
    pendingModifications: pending,
  };
}

function fromCacheCluster(cluster: CacheCluster): CacheDescription {
  const engine = cluster.Engine ?? 'memcached';
  const memcached = engine === 'memcached';
  const nodes: CacheNodeDescription[] = (cluster.CacheNodes ?? []).map(n => ({
    cacheClusterId: cluster.CacheClusterId ?? '?',
    ...opt('cacheNodeId', n.CacheNodeId),
    ...opt('availabilityZone', n.CustomerAvailabilityZone ?? cluster.PreferredAvailabilityZone),
    ...opt('status', n.CacheNodeStatus),
    ...opt('endpoint', address(n.Endpoint)),
  }));
  const endpoints = [
    ...endpoint('configuration', cluster.ConfigurationEndpoint),
    ...(cluster.CacheNodes ?? []).flatMap(n => endpoint('node', n.Endpoint, n.CacheNodeId ? { node: n.CacheNodeId } : {})),
  ];
  return {
    kind: 'cache-cluster',
    id: cluster.CacheClusterId ?? '?',
    ...opt('arn', cluster.ARN),
    status: cluster.CacheClusterStatus ?? 'unknown',
    engine,
    engineDisplayName: engineDisplayName(engine),
    ...opt('engineVersion', cluster.EngineVersion),
    ...opt('nodeType', cluster.CacheNodeType),
    ...opt('replicationGroupId', cluster.ReplicationGroupId),
    endpoints,
    nodes,
    transitEncryption: cluster.TransitEncryptionEnabled === true,
    ...opt('transitEncryptionMode', cluster.TransitEncryptionMode),
    atRestEncryption: cluster.AtRestEncryptionEnabled === true,
    authTokenEnabled: cluster.AuthTokenEnabled === true,
    userGroupIds: [],
    ...(memcached ? {} : opt('snapshotRetentionLimit', cluster.SnapshotRetentionLimit)),
    ...(memcached ? {} : opt('snapshotWindow', cluster.SnapshotWindow)),
    ...opt('maintenanceWindow', cluster.PreferredMaintenanceWindow),
    pendingModifications: flatten(cluster.PendingModifiedValues).map(([k, v]) => `${k}: ${v}`),
  };
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (keeps absent fields out of the JSON). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Left-aligned columns separated by two blanks. @internal */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The human-readable form of a description: a block of settings, the endpoints, the nodes. */
export function formatDescription(d: CacheDescription): string {
  const kind = d.kind === 'replication-group' ? 'Replication group' : 'Cache cluster';
  const version = d.engineVersion ? `${d.engineDisplayName} ${d.engineVersion}` : d.engineDisplayName;
  const settings: Array<[string, string]> = [
    [kind, d.id],
    ['Status', d.status],
    ['Engine', version],
    ['Node type', d.nodeType ?? '-'],
  ];
  if (d.description) {
    settings.push(['Description', d.description]);
  }
  if (d.replicationGroupId) {
    settings.push(['Replication group', d.replicationGroupId]);
  }
  if (d.kind === 'replication-group') {
    settings.push(['Cluster mode', d.clusterMode ?? '-']);
    settings.push(['Multi-AZ', d.multiAz ?? '-']);
    settings.push(['Auto failover', d.automaticFailover ?? '-']);
  }
  const tls = d.transitEncryption ? `yes${d.transitEncryptionMode ? ` (${d.transitEncryptionMode})` : ''}` : 'no';
  const rest = d.atRestEncryption ? `yes${d.storageEncryptionType ? ` (${d.storageEncryptionType})` : ''}` : 'no';
  settings.push(['Encryption', `in transit: ${tls}, at rest: ${rest}${d.kmsKeyId ? `, KMS key ${d.kmsKeyId}` : ''}`]);
  const groups = d.userGroupIds.length > 0 ? d.userGroupIds.join(', ') : 'none';
  settings.push(['Auth', d.engine === 'memcached' ? 'none (Memcached)' : `AUTH token: ${yesNo(d.authTokenEnabled)}, user groups (RBAC / IAM): ${groups}`]);
  if (d.engine === 'memcached') {
    settings.push(['Backups', 'none (Memcached has no backups)']);
  } else {
    const retention = d.snapshotRetentionLimit ?? 0;
    const parts = [retention > 0 ? `kept ${retention} day${retention === 1 ? '' : 's'}` : 'automatic backups off'];
    if (d.snapshotWindow) {
      parts.push(`window ${d.snapshotWindow} UTC`);
    }
    if (d.snapshottingClusterId) {
      parts.push(`from ${d.snapshottingClusterId}`);
    }
    settings.push(['Backups', parts.join(', ')]);
  }
  settings.push(['Maintenance', d.maintenanceWindow ? `${d.maintenanceWindow} UTC` : '-']);
  settings.push(['Pending', d.pendingModifications.length > 0 ? d.pendingModifications.join('; ') : 'none']);
  if (d.serviceUpdates) {
    settings.push(['Service updates', formatServiceUpdates(d.serviceUpdates)]);
  }
  if (d.arn) {
    settings.push(['ARN', d.arn]);
  }

  const width = Math.max(...settings.map(([k]) => k.length));
  const out = settings.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  out.push('', 'Endpoints');
  out.push(d.endpoints.length === 0
    ? '  (none yet)'
    : indent(renderTable(['ROLE', 'ADDRESS', 'PORT'], d.endpoints.map(e => [
      e.shard ? `${e.role} (shard ${e.shard})` : e.node ? `${e.role} ${e.node}` : e.role,
      e.address,
      e.port !== undefined ? String(e.port) : '-',
    ]))));
  if (d.shards && (d.shards.length > 1 || d.shards.some(sh => sh.slots !== undefined))) {
    out.push('', 'Shards');
    out.push(indent(renderTable(['SHARD', 'SLOTS', 'NODES', 'STATUS'], d.shards.map(sh => [
      sh.id, sh.slots ?? '-', String(sh.nodes), sh.status ?? '-',
    ]))));
  }
  out.push('', 'Nodes');
  out.push(d.nodes.length === 0
    ? '  (none yet)'
    : indent(renderTable(['NODE', 'SHARD', 'ROLE', 'AZ', 'STATUS'], d.nodes.map(n => [
      n.cacheNodeId && d.kind === 'cache-cluster' ? `${n.cacheClusterId}/${n.cacheNodeId}` : n.cacheClusterId,
      n.shard ?? '-',
      n.role ?? '-',
      n.availabilityZone ?? '-',
      n.status ?? '-',
    ]))));
  return out.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map(l => `  ${l}`).join('\n');
}
