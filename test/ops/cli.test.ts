import { spawnSync } from 'node:child_process';
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
import { CliIo, main, parseTimeout, USAGE } from '../../bin/cli';
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
  clientOptions: Array<{ region?: string; profile?: string }>;
}

/** Runs the CLI in-process with a client of fixed credentials (region from --region, else eu-west-1). */
function start(argv: string[], extra: Partial<CliIo> = {}): { done: Promise<Run> } {
  let stdout = '';
  let stderr = '';
  const clientOptions: Run['clientOptions'] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
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
  test.each([['--help'], ['-h'], ['help'], ['describe', '--help']])('%s prints the usage, exit 0', async (...argv) => {
    const r = await run(argv);
    expect(r).toEqual(expect.objectContaining({ code: 0, stdout: USAGE, stderr: '' }));
    expect(r.clientOptions).toEqual([]);
  });

  test('no arguments: usage, exit 2', async () => {
    expect(await run([])).toEqual(expect.objectContaining({ code: 2, stdout: USAGE }));
  });

  test.each<[string[], string]>([
    [['frobnicate', 'x'], "Unknown command 'frobnicate'. Commands: describe, wait, failover-drill, snapshot, token (see --help)."],
    [['describe'], "'describe' takes exactly one cache id, got 0 (see --help)."],
    [['describe', 'a', 'b'], "'describe' takes exactly one cache id, got 2 (see --help)."],
    [['describe', 'my-cache', '--bogus'], "Unknown option '--bogus' for 'describe' (see --help)."],
    [['describe', 'my-cache', '--shard', '1'], "Unknown option '--shard' for 'describe' (see --help)."],
    [['wait', 'my-cache', '--timeout'], "Option '--timeout <value>' argument missing for 'wait' (see --help)."],
    [['wait', 'my-cache', '--timeout', 'soon'], "Invalid --timeout: got 'soon'. Allowed: a positive duration such as 90s, 15m or 1h."],
    [['token', 'my-cache'], "'token' needs --user <userId> (see --help)."],
  ])('%j: one line, exit 2, no AWS call', async (argv, line) => {
    const r = await run(argv);
    expectOneLineFailure(r, 2, line);
    expect(r.clientOptions).toEqual([]);
  });

  test.each<[string, number]>([['90s', 90_000], ['15m', 900_000], ['1h', 3_600_000], ['120', 120_000], ['1.5m', 90_000]])(
    'parseTimeout(%s) = %d ms', (text, ms) => expect(parseTimeout(text)).toBe(ms));

  test.each(['0', '-5m', '5d', ''])('parseTimeout rejects %j', text => expect(() => parseTimeout(text)).toThrow('Invalid --timeout'));
});

describe('describe', () => {
  test('prints the table on stdout; --region and --profile reach the client', async () => {
    mockSeedGroup();
    const r = await run(['describe', 'my-cache', '--region', 'eu-west-1', '--profile', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.clientOptions).toEqual([{ region: 'eu-west-1', profile: 'prod' }]);
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

  test.each<[string, () => void, string]>([
    ['unknown id', () => {
      ec.on(DescribeReplicationGroupsCommand).rejects(groupNotFound);
      ec.on(DescribeCacheClustersCommand).rejects(clusterNotFound);
    }, "No replication group or cache cluster named 'my-cache' in eu-west-1."],
    ['access denied', () => ec.on(DescribeReplicationGroupsCommand).rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/dev '
      + 'is not authorized to perform: elasticache:DescribeReplicationGroups')),
    'Access denied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: elasticache:DescribeReplicationGroups'],
    ['throttling', () => ec.on(DescribeReplicationGroupsCommand).rejects(awsError('Throttling', 'Rate exceeded')),
      'AWS throttled the request even after retries; try again in a moment (Rate exceeded)'],
    ['no credentials', () => ec.on(DescribeReplicationGroupsCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
    'No AWS credentials: configure them (environment variables, ~/.aws profile, SSO, instance or task role) or pass --profile '
      + '(Could not load credentials from any providers)'],
    ['an unexpected bug', () => ec.on(DescribeReplicationGroupsCommand).rejects(new TypeError("Cannot read properties of undefined (reading 'x')")),
      "TypeError: Cannot read properties of undefined (reading 'x')"],
  ])('%s: one line on stderr, exit 1', async (_label, setup, line) => {
    setup();
    expectOneLineFailure(await run(['describe', 'my-cache']), 1, line);
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

  test('--timeout: one line after the progress, exit 1', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ Status: 'modifying' })] });
    const { done } = start(['wait', 'my-cache', '--timeout', '30s']);
    await jest.advanceTimersByTimeAsync(30_000);
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'my-cache: modifying [0s]', 'my-cache: modifying [15s]', 'my-cache: modifying [30s]',
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
    ec.on(DescribeEventsCommand).resolves({ Events: [
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

  test('TestFailover denied: one line after the progress, exit 1', async () => {
    ec.on(TestFailoverCommand).rejects(awsError('AccessDenied', 'not authorized to perform: elasticache:TestFailover'));
    const r = await run(['failover-drill', 'my-cache']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('Access denied: not authorized to perform: elasticache:TestFailover');
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

  test('no credentials: one line, exit 1', async () => {
    const failing = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };
    const r = await run(['token', 'my-cache', '--user', 'app-user'], {
      clock,
      createClient: () => new ElastiCacheClient({ region: REGION, credentials: failing }),
    });
    expectOneLineFailure(r, 1, /^No AWS credentials: /);
  });
});

describe('the installed command (spawned)', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bin', 'cli.ts'), ...args],
    { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 },
  );

  test('--help exits 0; an unknown command exits 2 with one line; a missing region is one line, no stack trace', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(USAGE);

    const unknown = cli(['frobnicate', 'x']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("Unknown command 'frobnicate'. Commands: describe, wait, failover-drill, snapshot, token (see --help).\n");

    // No region anywhere; the SDK's Node-version warning left to the CLI to silence.
    const noRegion = cli(['describe', 'my-cache'], {
      AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
      AWS_CONFIG_FILE: path.join(ROOT, '.scratch', 'no-such-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(ROOT, '.scratch', 'no-such-credentials'),
    });
    expect(noRegion.status).toBe(1);
    expect(noRegion.stdout).toBe('');
    expect(noRegion.stderr).toMatch(/^(No AWS region|Invalid AWS region): [^\n]*\n$/);
  });
});
