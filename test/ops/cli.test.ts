import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CacheClusterNotFoundFault,
  CreateSnapshotCommand,
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo, commandUsage, main, packageVersion, parseTimeout, USAGE } from '../../bin/cli';
import {
  awsError, event, failedOverGroup, memberCluster, memcachedCluster, REGION, replicationGroup, snapshot,
} from './fixtures';

const ROOT = path.join(__dirname, '..', '..');
const ec = mockClient(ElastiCacheClient);
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  clientOptions: Array<{ region?: string; profile?: string; endpoint?: string }>;
}

/** Runs the CLI in-process with a client of fixed credentials (region from --region, else eu-west-1). */
function start(argv: string[], extra: Partial<CliIo> = {}): { done: Promise<Run> } {
  let stdout = '';
  let stderr = '';
  const clientOptions: Run['clientOptions'] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {}, // not the machine's AWS_PROFILE
    createClient: options => {
      clientOptions.push(options);
      return new ElastiCacheClient({ region: options.region ?? REGION, credentials: CREDENTIALS });
    },
    ...extra,
  };
  return { done: main(argv, io).then(code => ({ code, stdout, stderr, clientOptions })) };
}
const run = (argv: string[], extra: Partial<CliIo> = {}) => start(argv, extra).done;

/** Expects a failure: the exit code, exactly one line on stderr, nothing on stdout. */
function expectOneLineFailure(r: Run, code: number, line: string | RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toEqual(typeof line === 'string' ? line : expect.stringMatching(line));
}

const groupNotFound = new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup not found.', $metadata: {} });
const clusterNotFound = new CacheClusterNotFoundFault({ message: 'CacheCluster not found.', $metadata: {} });

function mockSeedGroup(): void {
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
  ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-001' }).resolves({ CacheClusters: [memberCluster('my-cache-001', 'eu-west-1a')] });
  ec.on(DescribeCacheClustersCommand, { CacheClusterId: 'my-cache-002' }).resolves({ CacheClusters: [memberCluster('my-cache-002', 'eu-west-1b')] });
}

beforeEach(() => ec.reset());
afterEach(() => jest.useRealTimers());

describe('help and usage errors', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage, exit 0', async (...argv) => {
    const r = await run(argv);
    expect(r).toEqual(expect.objectContaining({ code: 0, stdout: USAGE, stderr: '' }));
    expect(r.clientOptions).toEqual([]);
  });

  test.each(['describe', 'wait', 'failover-drill', 'snapshot', 'token'])('%s --help and help %s print that command\'s usage, exit 0', async command => {
    const r = await run([command, '--help']);
    expect(r).toEqual(expect.objectContaining({ code: 0, stdout: commandUsage(command), stderr: '' }));
    expect(r.stdout).toMatch(new RegExp(`^Usage: cdk-elasticache ${command} <id>`));
    expect(r.stdout).toContain('--endpoint-url <url>');
    expect(r.clientOptions).toEqual([]);
    expect((await run(['help', command])).stdout).toBe(r.stdout);
    // `-h` after the id, as `aws` takes it.
    expect((await run([command, 'my-cache', '-h'])).stdout).toBe(r.stdout);
  });

  test('each command\'s usage names only its own options', async () => {
    expect(commandUsage('failover-drill')).toContain('--shard <N>');
    expect(commandUsage('describe')).not.toContain('--shard');
    expect(commandUsage('token')).toContain('--user <userId>');
    expect(commandUsage('wait')).not.toContain('--user');
  });

  test('--version prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await run(['--version'])).toEqual(expect.objectContaining({ code: 0, stdout: `cdk-elasticache ${version}\n`, stderr: '', clientOptions: [] }));
    expect(packageVersion()).toBe(version);
  });

  test('no arguments: usage, exit 2', async () => {
    expect(await run([])).toEqual(expect.objectContaining({ code: 2, stdout: USAGE }));
  });

  test.each<[string[], string]>([
    [['frobnicate', 'x'], "Unknown command 'frobnicate'. Commands: list, describe, events, wait, failover-drill, failover-global, snapshot, token, rotate, rotate-auth-token, plan, local (see --help)."],
    [['describe'], "'describe' takes exactly one cache id, got 0 (see --help)."],
    [['describe', 'a', 'b'], "'describe' takes exactly one cache id, got 2 (see --help)."],
    [['describe', 'my-cache', '--bogus'], "Unknown option '--bogus' for 'describe' (see --help)."],
    [['describe', 'my-cache', '--shard', '1'], "Unknown option '--shard' for 'describe' (see --help)."],
    [['wait', 'my-cache', '--timeout'], "Option '--timeout <value>' argument missing for 'wait' (see --help)."],
    [['wait', 'my-cache', '--timeout', 'soon'], "Invalid --timeout: got 'soon'. Allowed: a positive duration such as 90s, 15m or 1h."],
    [['token', 'my-cache'], "'token' needs --user <userId> (see --help)."],
    [['help', 'frobnicate'], "Unknown help topic 'frobnicate'. Commands: list, describe, events, wait, failover-drill, failover-global, snapshot, token, rotate, rotate-auth-token, plan, local (see --help)."],
    [['failover-drill', 'my-cache', '--shard', 'first'],
      "Invalid --shard: got 'first'. Allowed: a shard (node group) id of 1-4 letters or digits, such as 0001 or a1, or its number, such as 2 for 0002."],
    [['failover-drill', 'my-cache', '--shard', '0-1'],
      "Invalid --shard: got '0-1'. Allowed: a shard (node group) id of 1-4 letters or digits, such as 0001 or a1, or its number, such as 2 for 0002."],
    [['snapshot', 'my-cache', '--name', ''], "Invalid --name: got ''. Allowed: a snapshot name that no other snapshot of the account has in the region."],
    [['describe', 'my-cache', '--endpoint-url', 'localhost:5000'],
      "Invalid --endpoint-url: got 'localhost:5000'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000."],
    [['--bogus', 'list'], "Unknown option '--bogus' before the command: only --region, --profile, --endpoint-url, --output, --timeout, --json "
      + 'may come before it (see --help).'],
    [['list', '--output', 'text'], "Invalid --output: got 'text'. Allowed: json (the same as --json) or table (the default)."],
  ])('%j: one line, exit 2, no AWS call', async (argv, line) => {
    const r = await run(argv);
    expectOneLineFailure(r, 2, line);
    expect(r.clientOptions).toEqual([]);
  });

  const RULE = "letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'.";
  const CACHE_RULE = `Allowed: a replication group id (1-40 characters) or cache cluster id (1-50 characters) of ${RULE}`;
  test.each<[string[], string]>([
    [['describe', ''], `Invalid cache id: got ''. ${CACHE_RULE}`],
    [['wait', ''], `Invalid cache id: got ''. ${CACHE_RULE}`],
    [['snapshot', ''], `Invalid cache id: got ''. ${CACHE_RULE}`],
    [['failover-drill', ''], `Invalid replication group id: got ''. Allowed: 1-40 ${RULE}`],
    [['failover-drill', `a${'b'.repeat(40)}`], `Invalid replication group id: got 'a${'b'.repeat(40)}'. Allowed: 1-40 ${RULE}`],
    [['describe', `a${'b'.repeat(50)}`], `Invalid cache id: got 'a${'b'.repeat(50)}'. ${CACHE_RULE}`],
    [['describe', '1cache'], `Invalid cache id: got '1cache'. ${CACHE_RULE}`],
    [['describe', 'my--cache'], `Invalid cache id: got 'my--cache'. ${CACHE_RULE}`],
    [['describe', 'my-cache-'], `Invalid cache id: got 'my-cache-'. ${CACHE_RULE}`],
    [['describe', 'my_cache'], `Invalid cache id: got 'my_cache'. ${CACHE_RULE}`],
    [['describe', '--', '-x'], `Invalid cache id: got '-x'. ${CACHE_RULE}`],
    [['describe', 'my-cache\nother'], `Invalid cache id: got 'my-cache\\nother'. ${CACHE_RULE}`],
    [['token', 'my-cache.example.com', '--user', 'u'], `Invalid replication group id: got 'my-cache.example.com'. Allowed: 1-40 ${RULE}`],
    [['token', 'my--serverless', '--user', 'u', '--serverless'], `Invalid serverless cache name: got 'my--serverless'. Allowed: 1-40 ${RULE}`],
  ])('%j: the id is checked before any AWS call, exit 2 with the rule', async (argv, line) => {
    const r = await run(argv);
    expectOneLineFailure(r, 2, line);
    expect(r.clientOptions).toEqual([]);
    expect(ec.calls()).toHaveLength(0);
  });

  test('the longest valid ids pass: 40 characters for a replication group, 50 for a cache cluster', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound);
    const rg = `a${'b'.repeat(39)}`;
    const cluster = `a${'b'.repeat(49)}`;
    expectOneLineFailure(await run(['describe', rg]), 1, `No replication group, cache cluster or serverless cache named '${rg}' in eu-west-1.`);
    ec.resetHistory();
    expectOneLineFailure(await run(['describe', cluster]), 1, `No replication group or cache cluster named '${cluster}' in eu-west-1.`);
    // 41-50 characters can only be a cache cluster: no replication group lookup.
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(0);
    expect(ec.commandCalls(DescribeCacheClustersCommand)).toHaveLength(1);
  });

  test('--profile and AWS_PROFILE name a profile that must exist: exit 2 before any call', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-profiles-'));
    try {
      const env = {
        AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
      };
      writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n[profile prod] # production\nregion = eu-west-1\n[sso-session corp]\n');
      writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '[ci]\naws_access_key_id = AKIDEXAMPLE\n');
      const missing = (name: string, source: string) => `The profile '${name}' (${source}) does not exist: no [profile ${name}] in `
        + `${env.AWS_CONFIG_FILE} and no [${name}] in ${env.AWS_SHARED_CREDENTIALS_FILE}.`;
      const nosuch = await run(['describe', 'my-cache', '--profile', 'nosuch'], { env });
      expectOneLineFailure(nosuch, 2, missing('nosuch', 'from --profile'));
      expect(nosuch.clientOptions).toEqual([]);
      expectOneLineFailure(await run(['describe', 'my-cache'], { env: { ...env, AWS_PROFILE: 'nosuch' } }), 2, missing('nosuch', 'from AWS_PROFILE'));
      // An sso-session section is not a profile.
      expectOneLineFailure(await run(['describe', 'my-cache', '--profile', 'corp'], { env }), 2, missing('corp', 'from --profile'));
      mockSeedGroup();
      for (const profile of ['prod', 'ci', 'default']) {
        const r = await run(['describe', 'my-cache', '--profile', profile], { env });
        expect([profile, r.code, r.stderr]).toEqual([profile, 0, '']);
      }
      expect((await run(['describe', 'my-cache'], { env: { ...env, AWS_PROFILE: 'ci' } })).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each<[string, number]>([['90s', 90_000], ['15m', 900_000], ['1h', 3_600_000], ['120', 120_000], ['1.5m', 90_000]])(
    'parseTimeout(%s) = %d ms', (text, ms) => expect(parseTimeout(text)).toBe(ms));

  test.each(['0', '-5m', '5d', ''])('parseTimeout rejects %j', text => expect(() => parseTimeout(text)).toThrow('Invalid --timeout'));
});

describe('describe', () => {
  test('prints the table on stdout; --region, --profile and --endpoint-url reach the client', async () => {
    mockSeedGroup();
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-profiles-'));
    const env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') };
    writeFileSync(env.AWS_CONFIG_FILE, '[profile prod]\nregion = eu-west-1\n');
    const r = await run(['describe', 'my-cache', '--region', 'eu-west-1', '--profile', 'prod', '--endpoint-url', 'http://127.0.0.1:5000'], { env });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.clientOptions).toEqual([{ region: 'eu-west-1', profile: 'prod', endpoint: 'http://127.0.0.1:5000' }]);
    expect(r.stdout).toMatch(/^Replication group\s+my-cache\n/);
    expect(r.stdout).toMatch(/^ {2}my-cache-001\s+0001\s+primary\s+eu-west-1a\s+available$/m);
  });

  test('--json prints the description as JSON', async () => {
    mockSeedGroup();
    const r = await run(['describe', 'my-cache', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual(expect.objectContaining({ kind: 'replication-group', id: 'my-cache', automaticFailover: 'enabled' }));
    expect(json.nodes.map((n: { role: string }) => n.role)).toEqual(['primary', 'replica']);
  });

  test('works for Memcached', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    const r = await run(['describe', 'my-memcached']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cache cluster\s+my-memcached$/m);
  });

  // Exit 1: the answer is no (not found); exit 2: a call failed, whatever the reason.
  test.each<[string, () => void, number, string]>([
    ['unknown id', () => {
      ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
      ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound);
    }, 1, "No replication group, cache cluster or serverless cache named 'my-cache' in eu-west-1."],
    ['access denied', () => ec.on(DescribeReplicationGroupsCommand).rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev '
      + 'is not authorized to perform: elasticache:DescribeReplicationGroups')),
    2, 'AccessDenied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:DescribeReplicationGroups'],
    ['throttling', () => ec.on(DescribeReplicationGroupsCommand).rejects(awsError('Throttling', 'Rate exceeded')),
      2, 'Throttling: Rate exceeded (throttled even after retries; try again in a moment)'],
    ['no credentials', () => ec.on(DescribeReplicationGroupsCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
    2, 'No AWS credentials: configure them (environment variables, ~/.aws profile, SSO, instance or task role) or pass --profile '
      + '(Could not load credentials from any providers)'],
    ['an unexpected bug', () => ec.on(DescribeReplicationGroupsCommand).rejects(new TypeError("Cannot read properties of undefined (reading 'x')")),
      2, "TypeError: Cannot read properties of undefined (reading 'x')"],
  ])('%s: one line on stderr, exit %d', async (_label, setup, code, line) => {
    setup();
    expectOneLineFailure(await run(['describe', 'my-cache']), code, line);
  });
});

describe('never acts on another cache than the one asked for', () => {
  // What an API that ignores the id (or a proxy, or a bug) would answer: every group, or another one.
  const other = replicationGroup({ ReplicationGroupId: 'other-cache', MemberClusters: ['other-cache-001', 'other-cache-002'] });

  test.each<[string, string[]]>([
    ['describe', ['describe', 'my-cache']],
    ['wait', ['wait', 'my-cache']],
    ['snapshot', ['snapshot', 'my-cache', '--name', 'n']],
    ['failover-drill', ['failover-drill', 'my-cache']],
  ])('%s: another group in the answer is refused, one line, exit 1, nothing changed', async (_label, argv) => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [other] });
    expectOneLineFailure(await run(argv), 1,
      "Asked ElastiCache for replication group 'my-cache' and it answered with replication group 'other-cache': refusing to act on it.");
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
    expect(ec.commandCalls(CreateSnapshotCommand)).toHaveLength(0);
  });

  test('an answer with several groups is refused', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [other, replicationGroup()] });
    expectOneLineFailure(await run(['failover-drill', 'my-cache']), 1,
      "Asked ElastiCache for replication group 'my-cache' and it answered with 2 replication groups (other-cache, my-cache): refusing to act on them.");
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });

  test('another cache cluster in the answer is refused', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    expectOneLineFailure(await run(['describe', 'my-cluster']), 1,
      "Asked ElastiCache for cache cluster 'my-cluster' and it answered with cache cluster 'my-memcached': refusing to act on it.");
  });

  test('ids differing only in case are the same cache (ElastiCache stores them in lowercase)', async () => {
    mockSeedGroup();
    const r = await run(['describe', 'My-Cache']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Replication group\s+my-cache\n/);
  });

  test('a snapshot answer naming another snapshot is refused', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:25:01Z') });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    ec.on(CreateSnapshotCommand).resolves({ Snapshot: snapshot('before-upgrade', 'creating') });
    ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot('someone-elses', 'available')] });
    const r = await run(['snapshot', 'my-cache', '--name', 'before-upgrade']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').pop())
      .toBe("Asked ElastiCache for snapshot 'before-upgrade' and it answered with snapshot 'someone-elses': refusing to act on it.");
  });
});

describe('wait', () => {
  test('progress on stderr, the result on stdout', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup({ Status: 'modifying' })] })
      .resolves({ ReplicationGroups: [replicationGroup()] });
    const { done } = start(['wait', 'my-cache']);
    await jest.advanceTimersByTimeAsync(15_000);
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('my-cache: modifying [0s]\nmy-cache: available [15s]\n');
    expect(r.stdout).toBe('my-cache is available (waited 15s).\n');
  });

  test('--timeout: one line after the progress, exit 1; the wait ends at the command\'s deadline, without a poll past it', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ Status: 'modifying' })] });
    const { done } = start(['wait', 'my-cache', '--timeout', '30s']);
    await jest.advanceTimersByTimeAsync(30_000);
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'my-cache: modifying [0s]', 'my-cache: modifying [15s]',
      'Timed out after 30s waiting for my-cache to be available (status: modifying).',
    ]);
  });
});

describe('failover-drill', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [replicationGroup()] })
      .resolves({ ReplicationGroups: [failedOverGroup()] });
    ec.on(TestFailoverCommand).resolves({ ReplicationGroup: replicationGroup() });
    // The events before the call (none), then those of the drill.
    ec.on(DescribeEventsCommand).resolvesOnce({ Events: [] }).resolves({ Events: [
      event('2025-03-01T14:00:04Z', 'my-cache', 'Failover to replica node my-cache-002 completed'),
      event('2025-03-01T14:00:01Z', 'my-cache', 'Test Failover API called for node group 0001'),
    ] });
  });

  test('reports the primary before and after and how long it took', async () => {
    const r = await run(['failover-drill', 'my-cache', '--shard', '1']);
    expect(r.code).toBe(0);
    expect(ec.commandCalls(TestFailoverCommand)[0].args[0].input).toEqual({ ReplicationGroupId: 'my-cache', NodeGroupId: '0001' });
    expect(r.stdout).toBe([
      'Failover drill on my-cache, shard 0001: new primary serving after 0s.',
      '  primary before  my-cache-001',
      '  primary after   my-cache-002',
      '  started         2025-03-01T14:00:00.000Z',
      '  new primary     2025-03-01T14:00:00.000Z',
      'Events:',
      '  2025-03-01T14:00:01.000Z  my-cache  Test Failover API called for node group 0001',
      '  2025-03-01T14:00:04.000Z  my-cache  Failover to replica node my-cache-002 completed',
      "The old primary rejoins as a replica; 'cdk-elasticache wait my-cache' waits until the group is available again.",
      '',
    ].join('\n'));
    expect(r.stderr).toMatch(/^my-cache: calling TestFailover on shard 0001 \(primary: my-cache-001\)\n/);
  });

  test('--json', async () => {
    const r = await run(['failover-drill', 'my-cache', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ primaryBefore: 'my-cache-001', primaryAfter: 'my-cache-002', durationMs: 0 }));
  });

  test('refuses a group without automatic failover: one line, exit 1', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AutomaticFailover: 'disabled' })] });
    expectOneLineFailure(await run(['failover-drill', 'my-cache']), 1,
      'Refusing failover drill on my-cache: automatic failover is disabled; enable Multi-AZ with automatic failover first.');
    expect(ec.commandCalls(TestFailoverCommand)).toHaveLength(0);
  });

  test('TestFailover denied: one line after the progress, exit 2', async () => {
    ec.on(TestFailoverCommand).rejects(awsError('AccessDenied', 'not authorized to perform: elasticache:TestFailover'));
    const r = await run(['failover-drill', 'my-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('AccessDenied: not authorized to perform: elasticache:TestFailover');
  });
});

describe('snapshot', () => {
  test('takes the backup and prints its name and size', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:25:01Z') });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup()] });
    ec.on(CreateSnapshotCommand).resolves({ Snapshot: snapshot('before-upgrade', 'creating') });
    ec.on(DescribeSnapshotsCommand).resolves({ Snapshots: [snapshot('before-upgrade', 'available')] });
    const r = await run(['snapshot', 'my-cache', '--name', 'before-upgrade']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Snapshot before-upgrade of my-cache is available (0s, 5 MB).\n');
    const json = await run(['snapshot', 'my-cache', '--name', 'before-upgrade', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(expect.objectContaining({ name: 'before-upgrade', status: 'available' }));
  });

  test('refuses Memcached: one line, exit 1', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
    ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [memcachedCluster()] });
    expectOneLineFailure(await run(['snapshot', 'my-memcached']), 1,
      'Refusing snapshot of my-memcached: it is a Memcached cluster, and Memcached has no backups (snapshots are for Valkey and Redis OSS).');
  });
});

describe('token', () => {
  const clock = { now: () => Date.parse('2015-08-30T12:36:00Z'), sleep: async () => undefined };

  test('prints only the token, signed with the client\'s region and credentials', async () => {
    const r = await run(['token', 'my-cache', '--user', 'app-user', '--region', 'us-east-1'], { clock });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp([
      '^my-cache/\\?Action=connect&User=app-user&X-Amz-Algorithm=AWS4-HMAC-SHA256',
      '&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Felasticache%2Faws4_request&X-Amz-Date=20150830T123600Z',
      '&X-Amz-Expires=900&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host\n$',
    ].join('')));
    expect(ec.calls()).toHaveLength(0); // signing is local
  });

  test('--json adds the expiry; --serverless the resource type', async () => {
    const r = await run(['token', 'my-serverless', '--user', 'app-user', '--serverless', '--json'], { clock });
    const json = JSON.parse(r.stdout);
    expect(json).toEqual({ token: expect.stringContaining('&ResourceType=ServerlessCache&'), user: 'app-user', cache: 'my-serverless',
      expiresAt: '2015-08-30T12:51:00.000Z' });
  });

  test('no credentials: one line, exit 2', async () => {
    const failing = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };
    const r = await run(['token', 'my-cache', '--user', 'app-user'], {
      clock,
      createClient: () => new ElastiCacheClient({ region: REGION, credentials: failing }),
    });
    expectOneLineFailure(r, 2, /^No AWS credentials: /);
  });
});

// The command as a separate process: test/ops/runtime-deps.test.ts (without aws-cdk-lib) and
// test/ops/cli-moto.test.ts (against a moto server).
