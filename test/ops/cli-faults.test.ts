// The `cdk-elasticache` command under faults, as processes (the command as an operator installs it, see
// build-cli.ts): an endpoint that accepts connections and never answers, one that answers 403 AccessDenied
// in the ElastiCache (awsQuery) API's XML error shape, and endpoint variables that are no URL. Both
// servers are of this file, on 127.0.0.1 with ephemeral ports, stopped in afterAll. What must hold: the
// command ends within --timeout with one line naming the operation, never prints a success (a fault is
// not "deleted", not "no caches"), and exits 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BuiltCli, buildCli } from './build-cli';
import { bareEnv, CliRun, runCli, runInProcess } from './run-cli';

// A dozen processes at once take a few seconds on a busy 2-core machine.
jest.setTimeout(30_000);

/** A TCP server that reads requests and never answers; it notes when each request path first arrived. */
interface SilentServer {
  readonly endpoint: string;
  /** The first arrival of a request for each path (`/describe/`), in `Date.now()` milliseconds. */
  readonly arrivals: Map<string, number>;
  close(): Promise<void>;
}

function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  const arrivals = new Map<string, number>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    socket.on('data', chunk => {
      head += chunk.toString('latin1');
      const path = /^[A-Z]+ (\S+) HTTP/.exec(head)?.[1];
      if (path && !arrivals.has(path)) {
        arrivals.set(path, Date.now());
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>(done => {
      sockets.forEach(s => s.destroy());
      server.close(() => done());
    }),
  })));
}

/**
 * An ElastiCache endpoint that refuses: `/denied/...` answers every action 403 AccessDenied;
 * `/serverless-denied/...` answers the replication group and cache cluster lookups "not found" (404, as
 * ElastiCache) and DescribeServerlessCaches 403, what a policy without elasticache:DescribeServerlessCaches
 * meets. The message names the access key and region of the request's signature (AWS names the caller's
 * ARN there): which credentials the command used.
 */
function startDenyingServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? 'Unknown';
      const [, key, region] = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '') ?? [];
      const id = new URLSearchParams(body).get('ReplicationGroupId') ?? new URLSearchParams(body).get('CacheClusterId') ?? '';
      const notFound: Record<string, string> = {
        DescribeReplicationGroups: 'ReplicationGroupNotFoundFault', DescribeCacheClusters: 'CacheClusterNotFound',
      };
      const [status, code, message] = req.url?.startsWith('/serverless-denied') && notFound[action]
        ? [404, notFound[action], `${action === 'DescribeReplicationGroups' ? 'ReplicationGroup' : 'CacheCluster'} ${id} not found.`]
        : [403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/ops is not authorized to perform: elasticache:${action} `
          + `(signed with ${key} for ${region})`];
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'f00dfeed-0000-4000-8000-000000000403' });
      res.end(`<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><Error><Type>Sender</Type><Code>${code}</Code>`
        + `<Message>${message}</Message></Error><RequestId>f00dfeed-0000-4000-8000-000000000403</RequestId></ErrorResponse>`);
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>(done => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  })));
}

/** A run of the command, when it started and when it ended. */
type TimedRun = CliRun & { readonly startedAt: number; readonly endedAt: number };

/** Exactly one line on stderr, nothing on stdout (no success of any kind), exit 2. */
function expectFault(r: CliRun, line: string | RegExp): void {
  expect({ status: r.status, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n').length }).toEqual({ status: 2, stdout: '', lines: 1 });
  expect(r.stderr).toEqual(typeof line === 'string' ? `${line}\n` : expect.stringMatching(line));
}

describe('the cdk-elasticache command under faults, as processes', () => {
  let built: BuiltCli;
  let home: string;
  let silent: SilentServer;
  let denying: { endpoint: string; close(): Promise<void> };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'cli-faults-'));
    // A profile with keys of its own, to tell which credentials signed.
    // And one whose credential process does not end (a hung SSO or vault helper looks the same).
    writeFileSync(path.join(home, 'config'), '[profile dev]\nregion = eu-west-2\n[profile stuck]\nregion = eu-west-1\n'
      // cat waits for its standard input, which closes when the command exits.
      + 'credential_process = cat\n');
    writeFileSync(path.join(home, 'credentials'), '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');
    env = bareEnv(home, { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_REGION: 'eu-west-1' });
    built = buildCli();
    [silent, denying] = await Promise.all([startSilentServer(), startDenyingServer()]);
  });

  afterAll(async () => {
    await Promise.all([silent?.close(), denying?.close()]);
    built?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  const run = async (args: string[], e: NodeJS.ProcessEnv = env): Promise<TimedRun> => {
    const startedAt = Date.now();
    const r = await runCli(built.cli, args, e);
    return { ...r, startedAt, endedAt: Date.now() };
  };

  test('an endpoint that never answers: each command ends within --timeout, one line naming the operation, exit 2', async () => {
    // Each command gets its own path, so that the server tells when its first request arrived.
    const at = (name: string) => `${silent.endpoint}/${name}`;
    const [describeRun, waitDeleted, list, rotate, stuck] = await Promise.all([
      run(['describe', 'my-cache', '--timeout', '1s', '--endpoint-url', at('describe')]),
      // The global options before the command, as with the AWS CLI.
      run(['--timeout', '1s', '--endpoint-url', at('wait'), 'wait', 'my-cache', '--deleted']),
      run(['list', '--timeout', '1s', '--endpoint-url', at('list')]),
      // Secrets Manager's client is bounded the same way.
      run(['rotate', 'app/cache-password', '--timeout', '1s'], { ...env, AWS_ENDPOINT_URL: at('rotate') }),
      // Never sent: its credentials never come.
      run(['describe', 'my-cache', '--profile', 'stuck', '--timeout', '1s', '--endpoint-url', at('stuck')]),
    ]);
    const noAnswer = (operation: string) => `${operation} failed: no answer from ${silent.endpoint} within the --timeout of 1s `
      + '(check --endpoint-url / AWS_ENDPOINT_URL, the network and proxy, or pass a longer --timeout)';
    expectFault(describeRun, noAnswer('DescribeReplicationGroups'));
    expectFault(waitDeleted, noAnswer('DescribeReplicationGroups'));
    expectFault(rotate, noAnswer('DescribeSecret'));
    expectFault(stuck, 'DescribeReplicationGroups failed: not sent within the --timeout of 1s: the credentials or the region were still being '
      + 'resolved (check the profile\'s credential_process, SSO or role settings, or pass a longer --timeout)');
    expect(silent.arrivals.has('/stuck/')).toBe(false);
    // The process exits although its credential process is still running: the --timeout, the 0.2 s the command gives what
    // it abandoned, and the start of a node process on a busy machine.
    expect(stuck.endedAt - stuck.startedAt).toBeLessThan(1_000 + 200 + 2_000);
    // list: every listing named, and no "No caches" on stdout.
    expect({ status: list.status, stdout: list.stdout }).toEqual({ status: 2, stdout: '' });
    expect(list.stderr.trimEnd().split('\n')).toEqual([
      `Could not list the replication groups: ${noAnswer('DescribeReplicationGroups')}`,
      `Could not list the cache clusters: ${noAnswer('DescribeCacheClusters')}`,
      `Could not list the serverless caches: ${noAnswer('DescribeServerlessCaches')}`,
    ]);
    // From the first request to the end of the process: the --timeout (the deadline starts before that request), plus the
    // exit of a node process on a busy machine.
    const late = [['describe', describeRun], ['wait', waitDeleted], ['list', list], ['rotate', rotate]]
      .map(([name, r]) => ({ name, ms: (r as TimedRun).endedAt - (silent.arrivals.get(`/${name as string}/`) ?? NaN) }))
      .filter(t => !(t.ms >= 0 && t.ms < 1_000 + 800));
    expect(late).toEqual([]);
  });

  test('403 AccessDenied is an error, never "not found", "deleted" or "no caches": exit 2 with the operation and the code', async () => {
    const [describeRun, waitDeleted, serverlessDenied, list, drill] = await Promise.all([
      run(['describe', 'my-cache', '--endpoint-url', `${denying.endpoint}/denied`]),
      run(['wait', 'my-cache', '--deleted', '--endpoint-url', `${denying.endpoint}/denied`]),
      // Not a group, not a cluster, and the serverless lookup refused: the cache may exist, so it is not "deleted".
      run(['wait', 'my-cache', '--deleted', '--endpoint-url', `${denying.endpoint}/serverless-denied`]),
      run(['list', '--endpoint-url', `${denying.endpoint}/denied`]),
      runInProcess(['failover-drill', 'my-cache', '--endpoint-url', `${denying.endpoint}/denied`], env),
    ]);
    const denied = (action: string) => `AccessDenied: User: arn:aws:iam::123456789012:user/ops is not authorized to perform: elasticache:${action} `
      + '(signed with AKIDENV for eu-west-1)';
    expectFault(describeRun, `DescribeReplicationGroups failed: ${denied('DescribeReplicationGroups')}`);
    expectFault(waitDeleted, `DescribeReplicationGroups failed: ${denied('DescribeReplicationGroups')}`);
    expectFault(serverlessDenied, "No replication group or cache cluster named 'my-cache' in eu-west-1, and the serverless caches could not be "
      + `looked at: DescribeServerlessCaches failed: ${denied('DescribeServerlessCaches')}`);
    expectFault(drill, `DescribeReplicationGroups failed: ${denied('DescribeReplicationGroups')}`);
    expect({ status: list.status, stdout: list.stdout }).toEqual({ status: 2, stdout: '' });
    expect(list.stderr.trimEnd().split('\n')).toEqual([
      `Could not list the replication groups: DescribeReplicationGroups failed: ${denied('DescribeReplicationGroups')}`,
      `Could not list the cache clusters: DescribeCacheClusters failed: ${denied('DescribeCacheClusters')}`,
      `Could not list the serverless caches: DescribeServerlessCaches failed: ${denied('DescribeServerlessCaches')}`,
    ]);
  });

  test('credentials as the AWS CLI takes them: the environment\'s keys before AWS_PROFILE, --profile before both; '
    + 'global options before the command', async () => {
    const at = ['--endpoint-url', `${denying.endpoint}/denied`];
    const [profileVariable, profileOption, regionFirst] = await Promise.all([
      run(['describe', 'my-cache', ...at], { ...env, AWS_PROFILE: 'dev' }),
      run(['describe', 'my-cache', '--profile', 'dev', ...at], { ...env, AWS_REGION: undefined }),
      runInProcess(['--region', 'ap-south-1', '--output', 'json', 'describe', 'my-cache', ...at], env),
    ]);
    const line = (key: string, region: string) => 'DescribeReplicationGroups failed: AccessDenied: User: arn:aws:iam::123456789012:user/ops is not '
      + `authorized to perform: elasticache:DescribeReplicationGroups (signed with ${key} for ${region})`;
    expectFault(profileVariable, line('AKIDENV', 'eu-west-1'));
    // The profile's keys and region.
    expectFault(profileOption, line('AKIDPROFILE', 'eu-west-2'));
    expectFault(regionFirst, line('AKIDENV', 'ap-south-1'));
  });

  test('an endpoint that is no URL, in the variable or the option: one line, exit 2, nothing sent', async () => {
    const [variable, option, serviceVariable] = await Promise.all([
      run(['describe', 'my-cache'], { ...env, AWS_ENDPOINT_URL: 'notaurl' }),
      runInProcess(['wait', 'my-cache', '--endpoint-url', 'notaurl'], env),
      runInProcess(['list'], { ...env, AWS_ENDPOINT_URL_ELASTICACHE: 'ftp://x' }),
    ]);
    expectFault(variable, "Invalid AWS_ENDPOINT_URL: got 'notaurl'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.");
    expectFault(option, "Invalid --endpoint-url: got 'notaurl'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.");
    expectFault(serviceVariable, "Invalid AWS_ENDPOINT_URL_ELASTICACHE: got 'ftp://x'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.");
  });
});
