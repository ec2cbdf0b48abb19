// list, events, wait --deleted and the service updates of describe, against aws-sdk-client-mock
// (test/ops/cli-moto.test.ts runs them against a moto server, for the calls moto implements).
import {
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  DescribeUpdateActionsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
  CacheClusterNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo, main, parseSince } from '../../bin/cli';
import { cacheEvents } from '../../lib/ops/events';
import { formatCacheList, listCaches } from '../../lib/ops/list';
import { describeCache, formatDescription } from '../../lib/ops/describe';
import { waitForDeleted } from '../../lib/ops/wait';
import { awsError, event, instantClock, memberCluster, memcachedCluster, REGION, replicationGroup, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const groupNotFound = () => new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup not found.', $metadata: {} });
const clusterNotFound = () => new CacheClusterNotFoundFault({ message: 'CacheCluster not found.', $metadata: {} });
const NOW = Date.parse('2026-03-01T12:00:00Z');


async function cli(argv: string[], extra: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  let clients = 0;
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    clock: instantClock(NOW),
    createClient: () => {
      clients++;
      return testClient();
    },
    ...extra,
  });
  return { code, stdout, stderr, clients };
}

beforeEach(() => ec.reset());

describe('list', () => {
  const arm = () => {
    ec.reset();
    ec.on(DescribeReplicationGroupsCommand).resolvesOnce({ ReplicationGroups: [replicationGroup()], Marker: 'page2' })
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ ReplicationGroupId: 'another', MemberClusters: ['another-001'], Status: 'modifying' })] });
    ec.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [
        memberCluster('my-cache-001', 'eu-west-1a'), memberCluster('my-cache-002', 'eu-west-1b'),
        memberCluster('another-001', 'eu-west-1a', { EngineVersion: '7.2.4', Engine: 'redis', ReplicationGroupId: 'another' }),
        memcachedCluster(),
      ],
    });
  };
  beforeEach(arm);

  test('every replication group (all pages), standalone cache cluster and serverless cache, versions from the members', async () => {
    ec.on(DescribeServerlessCachesCommand).resolves({
      ServerlessCaches: [{ ServerlessCacheName: 'sessions', Status: 'available', Engine: 'valkey', MajorEngineVersion: '8', FullEngineVersion: '8.0' }],
    });
    const list = await listCaches(testClient());
    expect(list.problems).toEqual([]);
    expect(list.caches.map(c => [c.kind, c.id, c.status, c.engine, c.engineVersion, c.nodes])).toEqual([
      ['replication-group', 'another', 'modifying', 'valkey', '7.2.4', 1],
      ['replication-group', 'my-cache', 'available', 'valkey', memberCluster('x', 'a').EngineVersion, 2],
      ['cache-cluster', 'my-memcached', 'available', 'memcached', '1.6.22', 2],
      ['serverless-cache', 'sessions', 'available', 'valkey', '8.0', undefined],
    ]);
    // The second page was asked with the first page's marker.
    expect(ec.commandCalls(DescribeReplicationGroupsCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, 'page2']);
  });

  test('CLI: a table, --json, and a listing ElastiCache refuses is one line on stderr with exit 2 (the rest still listed)', async () => {
    const denied = () => ec.on(DescribeServerlessCachesCommand).rejects(awsError('AccessDenied',
      'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: elasticache:DescribeServerlessCaches'));
    denied();
    const table = await cli(['list']);
    arm();
    denied();
    const json = await cli(['list', '--json']);
    expect(table.code).toBe(2);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+KIND\s+STATUS\s+ENGINE\s+VERSION\s+NODE TYPE\s+NODES$/);
    expect(table.stdout).toMatch(/^my-memcached\s+cache cluster\s+available\s+memcached\s+1\.6\.22\s+cache\.t4g\.micro\s+2$/m);
    expect(table.stderr).toBe('Could not list the serverless caches: AccessDenied: User: arn:aws:iam::123456789012:user/ops is not '
      + 'authorized to perform: elasticache:DescribeServerlessCaches\n');
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.caches.map((c: { id: string }) => c.id)).toEqual(['another', 'my-cache', 'my-memcached']);
    expect(parsed.problems).toEqual([{ what: 'serverless caches', operation: 'DescribeServerlessCaches', error: expect.stringMatching(/^AccessDenied: /) }]);
  });

  test('CLI: an empty region says so; list takes no id', async () => {
    ec.reset();
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [] });
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [] });
    expect(await cli(['list'])).toEqual({ code: 0, stdout: `No caches in ${REGION}.\n`, stderr: '', clients: 1 });
    expect(await cli(['list', 'my-cache'])).toEqual({
      code: 2, stdout: '', stderr: "'list' takes no cache id, got 1 argument (see --help).\n", clients: 0,
    });
  });
});

describe('events', () => {
  test('the group\'s and its members\' events of the period, oldest first, only those of the sources asked for', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    ec.on(DescribeEventsCommand, { SourceIdentifier: 'my-cache' }).resolves({
      Events: [event('2026-03-01T11:50:00Z', 'my-cache', 'Failover to replica node my-cache-002-0001 completed'),
        event('2026-03-01T11:40:00Z', 'someone-else', 'Not ours')],
    });
    ec.on(DescribeEventsCommand, { SourceIdentifier: 'my-cache-001' }).resolves({
      Events: [event('2026-03-01T11:45:00Z', 'my-cache-001', 'Cache node 0001 restarted', 'cache-cluster')],
      Marker: 'm2',
    });
    ec.on(DescribeEventsCommand, { SourceIdentifier: 'my-cache-001', Marker: 'm2' }).resolves({
      Events: [event('2026-03-01T11:20:00Z', 'my-cache-001', 'Cache node 0001 shutdown', 'cache-cluster')],
    });
    ec.on(DescribeEventsCommand, { SourceIdentifier: 'my-cache-002' }).resolves({ Events: [] });
    const r = await cacheEvents(testClient(), 'my-cache', { now: NOW, sinceMs: 2 * 3_600_000 });
    expect(r.kind).toBe('replication-group');
    expect(r.since).toBe('2026-03-01T10:00:00.000Z');
    expect(r.events.map(e => `${e.date} ${e.source} ${e.message}`)).toEqual([
      '2026-03-01T11:20:00.000Z my-cache-001 Cache node 0001 shutdown',
      '2026-03-01T11:45:00.000Z my-cache-001 Cache node 0001 restarted',
      '2026-03-01T11:50:00.000Z my-cache Failover to replica node my-cache-002-0001 completed',
    ]);
    const first = ec.commandCalls(DescribeEventsCommand, { SourceIdentifier: 'my-cache' })[0].args[0].input;
    expect(first).toEqual(expect.objectContaining({
      SourceType: 'replication-group', StartTime: new Date('2026-03-01T10:00:00Z'), EndTime: new Date(NOW),
    }));
    expect(ec.commandCalls(DescribeEventsCommand, { SourceIdentifier: 'my-cache-002' })[0].args[0].input.SourceType).toBe('cache-cluster');
  });

  test('a serverless cache, when no replication group or cache cluster has the id; none of the three: one line naming the region', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound());
    ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound());
    ec.on(DescribeServerlessCachesCommand, { ServerlessCacheName: 'sessions' }).resolves({ ServerlessCaches: [{ ServerlessCacheName: 'sessions' }] });
    ec.on(DescribeServerlessCachesCommand, { ServerlessCacheName: 'nosuch' }).rejects(awsError('ServerlessCacheNotFoundFault', 'not found'));
    ec.on(DescribeEventsCommand).resolves({ Events: [event('2026-03-01T11:59:00Z', 'sessions', 'Serverless cache modified', 'serverless-cache')] });
    const r = await cli(['events', 'sessions', '--since', '30m']);
    expect(r).toEqual({ code: 0, stdout: '2026-03-01T11:59:00.000Z  sessions  Serverless cache modified\n', stderr: '', clients: 1 });
    expect(ec.commandCalls(DescribeEventsCommand)[0].args[0].input).toEqual(expect.objectContaining({
      SourceType: 'serverless-cache', SourceIdentifier: 'sessions', StartTime: new Date(NOW - 30 * 60_000),
    }));
    expect(await cli(['events', 'nosuch'])).toEqual({
      code: 1, stdout: '', stderr: `No replication group, cache cluster or serverless cache named 'nosuch' in ${REGION}.\n`, clients: 1,
    });
  });

  test('CLI: --json, no events, and --since / id errors before any client exists', async () => {
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound());
    ec.on(DescribeEventsCommand).resolves({ Events: [] });
    expect(await cli(['events', 'my-memcached'])).toEqual({
      code: 0, stdout: 'No events of my-memcached since 2026-03-01T11:00:00.000Z.\n', stderr: '', clients: 1,
    });
    expect(JSON.parse((await cli(['events', 'my-memcached', '--json'])).stdout)).toEqual({
      id: 'my-memcached', kind: 'cache-cluster', since: '2026-03-01T11:00:00.000Z', events: [],
    });
    const calls = ec.calls().length;
    for (const since of ['15d', '0', 'yesterday', '1w']) {
      expect(await cli(['events', 'my-memcached', '--since', since])).toEqual({
        code: 2, stdout: '', clients: 0,
        stderr: `Invalid --since: got '${since}'. Allowed: a positive duration of at most 14d (ElastiCache keeps events 14 days), such as 30m, 6h or 2d.\n`,
      });
    }
    expect((await cli(['events', 'bad--id'])).code).toBe(2);
    expect(ec.calls().length).toBe(calls);
    expect(parseSince('2d')).toBe(2 * 86_400_000);
    expect(parseSince('14d')).toBe(14 * 86_400_000);
  });
});

describe('wait --deleted', () => {
  test('polls until ElastiCache no longer knows the group, with one line of progress per poll', async () => {
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'available' })] })
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'deleting' })] })
      .rejects(groupNotFound());
    ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound());
    const progress: string[] = [];
    const r = await waitForDeleted(testClient(), 'my-cache', { clock: instantClock(NOW), onProgress: l => progress.push(l) });
    expect(r).toEqual({ id: 'my-cache', existed: true, elapsedMs: 30_000 });
    expect(progress).toEqual(['my-cache: available [0s]', 'my-cache: deleting [15s]', 'my-cache: deleted [30s]']);
  });

  test('CLI: an unknown id returns at once and says so; a timeout is one line with the last status; --json', async () => {
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'gone' }).rejects(groupNotFound());
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'gone' }).rejects(clusterNotFound());
    ec.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'my-cache' }).resolves({ ReplicationGroups: [replicationGroup({ Status: 'deleting' })] });
    expect(await cli(['wait', 'gone', '--deleted'])).toEqual({
      code: 0, clients: 1, stderr: 'gone: deleted [0s]\n',
      stdout: `gone is deleted: no replication group, cache cluster or serverless cache has that id in ${REGION} (already deleted, or never created).\n`,
    });
    expect(JSON.parse((await cli(['wait', 'gone', '--deleted', '--json'])).stdout)).toEqual({ id: 'gone', existed: false, elapsedMs: 0, status: 'deleted' });
    const timedOut = await cli(['wait', 'my-cache', '--deleted', '--timeout', '1m']);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr.trimEnd().split('\n')).toEqual([
      'my-cache: deleting [0s]', 'my-cache: deleting [15s]', 'my-cache: deleting [30s]', 'my-cache: deleting [45s]', 'my-cache: deleting [1m0s]',
      'Timed out after 1m0s waiting for my-cache to be deleted (status: deleting).',
    ]);
  });

  test('a serverless cache of that name is waited for too, never reported deleted while it exists', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound());
    ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound());
    ec.on(DescribeServerlessCachesCommand, { ServerlessCacheName: 'sessions' })
      .resolvesOnce({ ServerlessCaches: [{ ServerlessCacheName: 'sessions', Status: 'deleting' }] })
      .rejects(awsError('ServerlessCacheNotFoundFault', 'not found'));
    const r = await cli(['wait', 'sessions', '--deleted']);
    expect(r).toEqual({ code: 0, clients: 1, stderr: 'sessions: deleting [0s]\nsessions: deleted [15s]\n', stdout: 'sessions is deleted (waited 15s).\n' });
    ec.on(DescribeServerlessCachesCommand, { ServerlessCacheName: 'kept' }).resolves({ ServerlessCaches: [{ ServerlessCacheName: 'kept', Status: 'available' }] });
    const timedOut = await cli(['wait', 'kept', '--serverless', '--deleted', '--timeout', '15s']);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr.trimEnd().split('\n').pop()).toBe('Timed out after 15s waiting for kept to be deleted (status: available, no deletion under way).');
    // --serverless asks only the serverless API.
    expect(ec.commandCalls(DescribeReplicationGroupsCommand, { ReplicationGroupId: 'kept' })).toHaveLength(0);
  });

  test('an answer about another cache is never taken for "deleted" or waited on', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ ReplicationGroupId: 'other' })] });
    const r = await cli(['wait', 'my-cache', '--deleted']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Asked ElastiCache for replication group 'my-cache' and it answered with replication group 'other': refusing to act on it.\n");
  });
});

describe('describe: pending service updates', () => {
  test('DescribeUpdateActions for the group, only its own actions, soonest apply-by first; in the text and the JSON', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-001' }).resolves({ CacheClusters: [memberCluster('my-cache-001', 'eu-west-1a')] });
    ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-002' }).resolves({ CacheClusters: [memberCluster('my-cache-002', 'eu-west-1b')] });
    ec.on(DescribeUpdateActionsCommand).resolves({
      UpdateActions: [
        { ReplicationGroupId: 'my-cache', ServiceUpdateName: 'elasticache-20260201-001', ServiceUpdateSeverity: 'medium',
          ServiceUpdateType: 'security-update', UpdateActionStatus: 'not-applied', ServiceUpdateRecommendedApplyByDate: new Date('2026-04-01T00:00:00Z') },
        { ReplicationGroupId: 'my-cache', ServiceUpdateName: 'elasticache-20260115-002', ServiceUpdateSeverity: 'important',
          ServiceUpdateType: 'security-update', UpdateActionStatus: 'in-progress', NodesUpdated: '1/2',
          ServiceUpdateRecommendedApplyByDate: new Date('2026-03-10T00:00:00Z') },
        { ReplicationGroupId: 'other-cache', ServiceUpdateName: 'elasticache-20260101-009', UpdateActionStatus: 'not-applied' },
      ],
    });
    const d = await describeCache(testClient(), 'my-cache');
    expect(d.serviceUpdates?.updates?.map(u => u.name)).toEqual(['elasticache-20260115-002', 'elasticache-20260201-001']);
    const line = formatDescription(d).split('\n').find(l => l.startsWith('Service updates'));
    expect(line?.replace(/^Service updates\s+/, '')).toBe('elasticache-20260115-002 (important security-update, in-progress, 1/2 nodes updated, '
      + 'apply by 2026-03-10); elasticache-20260201-001 (medium security-update, not-applied, apply by 2026-04-01)');
    const input = ec.commandCalls(DescribeUpdateActionsCommand)[0].args[0].input;
    expect(input.ReplicationGroupIds).toEqual(['my-cache']);
    expect(input.UpdateActionStatus).not.toContain('complete');
    const json = JSON.parse((await cli(['describe', 'my-cache', '--json'])).stdout);
    expect(json.serviceUpdates.updates[0]).toEqual({
      name: 'elasticache-20260115-002', severity: 'important', type: 'security-update', status: 'in-progress',
      recommendedApplyBy: '2026-03-10T00:00:00.000Z', nodesUpdated: '1/2',
    });
  });

  test('a cache cluster is asked by CacheClusterIds; a refused DescribeUpdateActions leaves the rest of describe intact', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound());
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    ec.on(DescribeUpdateActionsCommand).rejects(awsError('AccessDenied', 'not authorized to perform: elasticache:DescribeUpdateActions'));
    const r = await cli(['describe', 'my-memcached']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cache cluster\s+my-memcached$/m);
    expect(r.stdout).toMatch(/^Service updates\s+unknown \(AccessDenied: not authorized to perform: elasticache:DescribeUpdateActions\)$/m);
    expect(ec.commandCalls(DescribeUpdateActionsCommand)[0].args[0].input.CacheClusterIds).toEqual(['my-memcached']);
    ec.on(DescribeUpdateActionsCommand).resolves({ UpdateActions: [] });
    expect((await cli(['describe', 'my-memcached'])).stdout).toMatch(/^Service updates\s+none$/m);
  });
});

describe('formatCacheList never says there are no caches of a kind it could not list', () => {
  const problem = (what: string, operation: string) => ({ what, operation, error: `${operation} failed: AccessDenied: no` });
  test.each<[string, ReturnType<typeof problem>[], string]>([
    ['every listing answered, none has a cache', [], 'No caches in eu-west-1.'],
    ['one listing failed', [problem('serverless caches', 'DescribeServerlessCaches')],
      'No replication groups or cache clusters in eu-west-1; the serverless caches could not be listed.'],
    ['two failed', [problem('replication groups', 'DescribeReplicationGroups'), problem('serverless caches', 'DescribeServerlessCaches')],
      'No cache clusters in eu-west-1; the replication groups and serverless caches could not be listed.'],
    ['all failed: nothing on stdout (the failures are on stderr)', [problem('replication groups', 'DescribeReplicationGroups'),
      problem('cache clusters', 'DescribeCacheClusters'), problem('serverless caches', 'DescribeServerlessCaches')], ''],
  ])('%s', (_label, problems, text) => {
    expect(formatCacheList({ caches: [], problems }, 'eu-west-1')).toBe(text);
  });
});
