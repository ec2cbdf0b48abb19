import { DescribeUpdateActionsCommand, ElastiCacheClient, UpdateAction, UpdateActionStatus } from '@aws-sdk/client-elasticache';
import { formatError } from './errors';
import { sameId } from './ids';

/** A service update (engine patch, security fix) not yet applied to a cache. */
export interface PendingServiceUpdate {
  /** The service update's name, `elasticache-20260115-002`. */
  readonly name: string;
  /** `critical`, `important`, `medium` or `low`. */
  readonly severity?: string;
  /** `security-update`, ... */
  readonly type?: string;
  /** Where it stands on this cache: `not-applied`, `waiting-to-start`, `in-progress`, `scheduled`, `stopped`, ... */
  readonly status?: string;
  /** Apply it before this date (ISO 8601), AWS recommends; after that ElastiCache may apply it in a maintenance window. */
  readonly recommendedApplyBy?: string;
  /** When it was released (ISO 8601). */
  readonly released?: string;
  /** `2/3` nodes updated so far, when reported. */
  readonly nodesUpdated?: string;
}

/** What `pendingServiceUpdates` returns: the updates, or why they could not be read. */
export interface ServiceUpdatesResult {
  /** The updates not applied yet (empty when there are none); absent when they could not be read. */
  readonly updates?: PendingServiceUpdate[];
  /** Why they could not be read (an IAM policy without `elasticache:DescribeUpdateActions`, ...), as one line. */
  readonly error?: string;
}

/** Every status but `complete` and `not-applicable`. */
const PENDING: UpdateActionStatus[] = ['not-applied', 'waiting-to-start', 'in-progress', 'stopping', 'stopped', 'scheduling', 'scheduled'];

/**
 * The service updates not yet applied to a replication group or cache cluster
 * (`DescribeUpdateActions`, all pages, only the actions of that cache). A failure is returned as
 * `error`, not thrown: a describe without the service updates is still a describe.
 */
export async function pendingServiceUpdates(
  client: ElastiCacheClient, kind: 'replication-group' | 'cache-cluster', id: string,
): Promise<ServiceUpdatesResult> {
  try {
    const actions: UpdateAction[] = [];
    let marker: string | undefined;
    do {
      const out = await client.send(new DescribeUpdateActionsCommand({
        ...(kind === 'replication-group' ? { ReplicationGroupIds: [id] } : { CacheClusterIds: [id] }),
        UpdateActionStatus: PENDING,
        MaxRecords: 100,
        Marker: marker,
      }));
      actions.push(...(out?.UpdateActions ?? []));
      marker = out?.Marker;
    } while (marker);
    const updates = actions
      .filter(a => sameId(kind === 'replication-group' ? a.ReplicationGroupId : a.CacheClusterId, id))
      .map((a): PendingServiceUpdate => ({
        name: a.ServiceUpdateName ?? '?',
        ...(a.ServiceUpdateSeverity ? { severity: a.ServiceUpdateSeverity } : {}),
        ...(a.ServiceUpdateType ? { type: a.ServiceUpdateType } : {}),
        ...(a.UpdateActionStatus ? { status: a.UpdateActionStatus } : {}),
        ...(a.ServiceUpdateRecommendedApplyByDate ? { recommendedApplyBy: new Date(a.ServiceUpdateRecommendedApplyByDate).toISOString() } : {}),
        ...(a.ServiceUpdateReleaseDate ? { released: new Date(a.ServiceUpdateReleaseDate).toISOString() } : {}),
        ...(a.NodesUpdated ? { nodesUpdated: a.NodesUpdated } : {}),
      }))
      .sort((a, b) => (a.recommendedApplyBy ?? '9').localeCompare(b.recommendedApplyBy ?? '9'));
    return { updates };
  } catch (e) {
    return { error: formatError(e) };
  }
}

/** `elasticache-20260115-002 (important security-update, not-applied, apply by 2026-03-01)`, one per update. */
export function formatServiceUpdates(r: ServiceUpdatesResult): string {
  if (r.error !== undefined) {
    return `unknown (${r.error})`;
  }
  const updates = r.updates ?? [];
  if (updates.length === 0) {
    return 'none';
  }
  return updates.map(u => {
    const what = [u.severity, u.type].filter(Boolean).join(' ');
    const details = [what, u.status, u.nodesUpdated ? `${u.nodesUpdated} nodes updated` : undefined,
      u.recommendedApplyBy ? `apply by ${u.recommendedApplyBy.slice(0, 10)}` : undefined].filter(Boolean);
    return `${u.name}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  }).join('; ');
}
