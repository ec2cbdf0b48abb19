import {
  CacheClusterNotFoundFault,
  CreateServerlessCacheSnapshotCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  DescribeServerlessCacheSnapshotsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
  ServerlessCache,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo, main } from '../../bin/cli';
import { REGION } from './fixtures';

/** `describe`, `wait` and `snapshot` on serverless caches: found after the node-based lookups, or directly with --serverless. */
const ec = mockClient(ElastiCacheClient);
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    createClient: o => new ElastiCacheClient({ region: o.region ?? REGION, credentials: CREDENTIALS }),
    clock: { now: () => Date.parse('2025-03-01T14:00:00Z'), sleep: async () => undefined },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const cache = (overrides: Partial<ServerlessCache> = {}): ServerlessCache => ({
  ServerlessCacheName: 'orders', Status: 'available', Engine: 'valkey', MajorEngineVersion: '8', FullEngineVersion: '8.0',
  Endpoint: { Address: 'orders.serverless.euw1.cache.amazonaws.com', Port: 6379 },
  ReaderEndpoint: { Address: 'orders.serverless.euw1.cache.amazonaws.com', Port: 6380 },
  SnapshotRetentionLimit: 15, UserGroupId: 'orders-users', ...overrides,
});

function noNodeBasedCache(): void {
  ec.on(DescribeReplicationGroupsCommand).rejects(new ReplicationGroupNotFoundFault({ message: 'not found', $metadata: {} }));
  ec.on(DescribeCacheClustersCommand).rejects(new CacheClusterNotFoundFault({ message: 'not found', $metadata: {} }));
}

beforeEach(() => ec.reset());

test('describe falls back to the serverless cache of that name: endpoints, limits, snapshots; --json', async () => {
  noNodeBasedCache();
  ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [cache()] });
  ec.on(DescribeServerlessCacheSnapshotsCommand).resolves({ ServerlessCacheSnapshots: [] });
  const r = await run(['describe', 'orders']);
  expect(r).toEqual({ code: 0, stderr: '', stdout: expect.stringContaining('orders: Valkey 8.0 serverless cache, available\n') });
  expect(r.stdout).toContain('reader endpoint orders.serverless.euw1.cache.amazonaws.com:6380');
  const json = await run(['describe', 'orders', '--json']);
  expect(JSON.parse(json.stdout)).toEqual(expect.objectContaining({ kind: 'serverless-cache', id: 'orders', status: 'available' }));
});

test('--serverless skips the node-based lookups', async () => {
  ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [cache()] });
  ec.on(DescribeServerlessCacheSnapshotsCommand).resolves({ ServerlessCacheSnapshots: [] });
  expect((await run(['describe', 'orders', '--serverless'])).code).toBe(0);
  expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(0);
  expect(ec.commandCalls(DescribeCacheClustersCommand)).toHaveLength(0);
});

test('wait polls the serverless cache until available', async () => {
  noNodeBasedCache();
  ec.on(DescribeServerlessCachesCommand)
    .resolvesOnce({ ServerlessCaches: [cache({ Status: 'creating' })] }) // the fallback's lookup
    .resolvesOnce({ ServerlessCaches: [cache({ Status: 'creating' })] })
    .resolves({ ServerlessCaches: [cache()] });
  const r = await run(['wait', 'orders']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^orders is available \(waited /);
  expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^orders: creating/), expect.stringMatching(/^orders: available/)]);
});

test('snapshot takes a serverless snapshot and waits for it', async () => {
  noNodeBasedCache();
  ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [cache()] });
  ec.on(CreateServerlessCacheSnapshotCommand).resolves({});
  ec.on(DescribeServerlessCacheSnapshotsCommand).resolves({ ServerlessCacheSnapshots: [
    { ServerlessCacheSnapshotName: 'before-migration', Status: 'available', BytesUsedForCache: '2048' }] });
  const r = await run(['snapshot', 'orders', '--name', 'before-migration']);
  expect(r.stdout).toBe('Snapshot before-migration of the serverless cache orders is available (0s, 2048 bytes).\n');
  expect(r.code).toBe(0);
  expect(ec.commandCalls(CreateServerlessCacheSnapshotCommand)[0].args[0].input)
    .toEqual({ ServerlessCacheName: 'orders', ServerlessCacheSnapshotName: 'before-migration' });
});

test('an id that names nothing: one line naming all three kinds, exit 1', async () => {
  noNodeBasedCache();
  ec.on(DescribeServerlessCachesCommand).rejects(Object.assign(new Error('ServerlessCache orders not found'), { name: 'ServerlessCacheNotFoundFault' }));
  const r = await run(['describe', 'orders']);
  expect(r).toEqual({ code: 1, stdout: '', stderr: "No replication group, cache cluster or serverless cache named 'orders' in eu-west-1.\n" });
});

test('--serverless checks the name against the serverless rules (at most 40 characters) before any call', async () => {
  const r = await run(['describe', `a${'b'.repeat(40)}`, '--serverless']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^Invalid serverless cache name: got 'ab+'. Allowed: 1-40/);
  expect(ec.calls()).toHaveLength(0);
});
