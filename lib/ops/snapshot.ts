import { CreateSnapshotCommand, DescribeSnapshotsCommand, ElastiCacheClient, Snapshot } from '@aws-sdk/client-elasticache';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { OpsError } from './errors';
import { findCache, isMemcached, isNamed, theOne } from './find';

/** Options of `createSnapshot`. */
export interface SnapshotOptions extends WaitOptions {
  /**
   * The snapshot's name.
   * @default - `<id>-manual-<UTC date>-<UTC time>`, e.g. `my-cache-manual-20250301-142501`
   */
  readonly name?: string;
}

/** What `createSnapshot` returns. */
export interface SnapshotResult {
  /** The snapshot's name. */
  readonly name: string;
  /** The replication group or cache cluster it was taken from. */
  readonly source: string;
  /** Always `available`. */
  readonly status: string;
  /** The engine of the snapshot (`valkey`, `redis`). */
  readonly engine?: string;
  /** The engine version of the snapshot. */
  readonly engineVersion?: string;
  /** The size of each shard's data, as ElastiCache reports it (e.g. `5 MB`). */
  readonly sizes: string[];
  /** From the `CreateSnapshot` call until the snapshot was available, in milliseconds. */
  readonly durationMs: number;
}

/** `my-cache` at 2025-03-01T14:25:01Z -> `my-cache-manual-20250301-142501`. */
export function defaultSnapshotName(id: string, now: number): string {
  const iso = new Date(now).toISOString(); // 2025-03-01T14:25:01.000Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${id}-manual-${stamp}`;
}

/**
 * Takes a manual backup of a Valkey / Redis OSS replication group (or a lone Redis OSS cache
 * cluster) and waits until it is `available` (polls every 15 seconds, default timeout 60 minutes).
 * Refuses Memcached, which has no backups. Fails when the snapshot ends up `failed` or deleted.
 */
export async function createSnapshot(client: ElastiCacheClient, id: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  if (options.name !== undefined && options.name.trim() === '') {
    throw new OpsError(`Invalid snapshot name: got '${options.name}'. Allowed: a name that no other snapshot of the account has in the region.`);
  }
  const found = await findCache(client, id);
  if (found.kind === 'cache-cluster' && isMemcached(found.cluster)) {
    throw new OpsError(`Refusing snapshot of ${id}: it is a Memcached cluster, and Memcached has no backups (snapshots are for Valkey and Redis OSS).`);
  }
  const name = options.name ?? defaultSnapshotName(id, clock.now());
  const startedAt = clock.now();
  await client.send(new CreateSnapshotCommand({
    SnapshotName: name,
    ...(found.kind === 'replication-group' ? { ReplicationGroupId: id } : { CacheClusterId: id }),
  }));
  let last = 'creating';
  return poll<SnapshotResult>(async elapsedMs => {
    const snapshot = await getSnapshot(client, name);
    last = snapshot?.SnapshotStatus ?? 'not listed yet';
    options.onProgress?.(`snapshot ${name}: ${last} [${formatElapsed(elapsedMs)}]`);
    if (last === 'available') {
      return {
        name,
        source: id,
        status: last,
        ...(snapshot?.Engine ? { engine: snapshot.Engine } : {}),
        ...(snapshot?.EngineVersion ? { engineVersion: snapshot.EngineVersion } : {}),
        sizes: (snapshot?.NodeSnapshots ?? []).map(n => n.CacheSize).filter((s): s is string => s !== undefined),
        durationMs: clock.now() - startedAt,
      };
    }
    if (last === 'failed' || last === 'deleting' || last === 'deleted') {
      throw new OpsError(`Snapshot ${name} of ${id} is '${last}': ElastiCache could not complete it (see the events of ${id}).`);
    }
    return undefined;
  }, {
    clock,
    timeoutMs,
    signal: options.signal,
    intervalMs: options.intervalMs ?? 15_000,
    onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)} waiting for snapshot ${name} of ${id} (status: ${last}); it may still complete.`),
  });
}

/** The snapshot, or `undefined` while ElastiCache does not list it yet. */
async function getSnapshot(client: ElastiCacheClient, name: string): Promise<Snapshot | undefined> {
  try {
    const out = await client.send(new DescribeSnapshotsCommand({ SnapshotName: name }));
    return theOne(out.Snapshots, x => x.SnapshotName, name, 'snapshot');
  } catch (e) {
    if (isNamed(e, 'SnapshotNotFoundFault')) {
      return undefined;
    }
    throw e;
  }
}
