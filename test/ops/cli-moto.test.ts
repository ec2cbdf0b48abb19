// The `cdk-elasticache` command against real HTTP endpoints: a moto server (a local ElastiCache API)
// and, for answers moto never gives (HTML error pages, empty 5xx bodies), a tiny HTTP server of this
// file. Both listen on 127.0.0.1 with ephemeral ports and stop in afterAll. A few runs are processes of
// the command as an operator installs it (`runProcess`: what only a process shows, such as the SDK's
// own warnings and the environment it starts from); the others run its main() in this process
// (`runCli`: the same code from the arguments on, without 0.3 s of CPU for each node process).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateCacheClusterCommand,
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BuiltCli, buildCli } from './build-cli';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';
import { bareEnv, expectOneLine, runCli as run, runInProcess } from './run-cli';

// The SDK's Node-version warning, for the clients of this file (the command silences it itself).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** An answer of the odd server. */
interface OddAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** An HTTP server answering each request with the answer for the first segment of its path, counting requests. */
interface OddServer {
  readonly endpoint: string;
  requests: number;
  close(): Promise<void>;
}

function startOddServer(answers: Record<string, OddAnswer>): Promise<OddServer> {
  return new Promise(resolve => {
    const server = http.createServer((req, res) => {
      odd.requests++;
      req.resume();
      req.on('end', () => {
        const answer = answers[(req.url ?? '/').split('/')[1]] ?? { status: 404, body: '', headers: {} };
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    const odd: OddServer = {
      endpoint: '',
      requests: 0,
      close: () => new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
    };
    server.listen(0, '127.0.0.1', () => {
      (odd as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(odd);
    });
  });
}

/** What a load balancer or proxy in front of an API sends when the service behind it is down. */
const ODD_ANSWERS: Record<string, OddAnswer> = {
  html: {
    status: 503,
    body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503</h1></center></body></html>',
    headers: { 'content-type': 'text/html', 'x-amzn-requestid': 'b6ee3e3a-0c6b-4d4e-9a1c-2f1f7c5e0001' },
  },
  empty: { status: 500, body: '', headers: {} },
};

const RULE = "letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'.";

// Each test runs a few processes at once; on a busy 2-core machine that takes seconds.
jest.setTimeout(30_000);

const suite = motoAvailable('test/ops/cli-moto.test.ts') ? describe : describe.skip;

suite('the cdk-elasticache command against moto', () => {
  let moto: Moto;
  let odd: OddServer;
  let home: string;
  /** The command compiled next to a node_modules without aws-cdk-lib and constructs, as an operator installs it. */
  let built: BuiltCli;
  const runProcess = (args: string[], e: NodeJS.ProcessEnv) => run(built.cli, args, e);
  const runCli = runInProcess;
  /** Static credentials and eu-west-1 from the environment, as in CI or a shell with exported keys. */
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'cli-moto-'));
    const servers = Promise.all([startMoto(), startOddServer(ODD_ANSWERS)]);
    built = buildCli();
    [moto, odd] = await servers;
    env = bareEnv(home, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' });
    const client = (region: string) => new ElastiCacheClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const eu1 = client('eu-west-1');
    const group = { ReplicationGroupDescription: 'test', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro' };
    await Promise.all([
      // moto gives a cluster-mode-disabled group its replicas from ReplicasPerNodeGroup.
      eu1.send(new CreateReplicationGroupCommand({ ...group, ReplicationGroupId: 'my-cache', ReplicasPerNodeGroup: 1, AutomaticFailoverEnabled: true })),
      eu1.send(new CreateReplicationGroupCommand({ ...group, ReplicationGroupId: 'other-cache', AutomaticFailoverEnabled: false })),
      eu1.send(new CreateCacheClusterCommand({ CacheClusterId: 'my-memcached', Engine: 'memcached', CacheNodeType: 'cache.t4g.micro', NumCacheNodes: 2 })),
      client('eu-west-2').send(new CreateReplicationGroupCommand({ ...group, ReplicationGroupId: 'west-cache' })),
      eu1.send(new CreateReplicationGroupCommand({ ...group, ReplicationGroupId: 'doomed' })),
    ]);
    // moto keeps a deleted group in 'deleting' for good: what `wait --deleted` sees while AWS deletes one.
    await eu1.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: 'doomed' }));
    eu1.destroy();
  }, 30_000);

  afterAll(async () => {
    await Promise.all([moto?.stop(), odd?.close()]);
    rmSync(home, { recursive: true, force: true });
    built?.remove();
  });

  const at = (endpoint: string, ...args: string[]) => [...args, '--endpoint-url', endpoint];

  test('describe, wait and snapshot work end to end; AWS_ENDPOINT_URL is honoured like --endpoint-url', async () => {
    const [described, viaEnv, waited, snapshot, again] = await Promise.all([
      runProcess(at(moto.endpoint, 'describe', 'my-cache'), env),
      runProcess(['describe', 'my-cache', '--json'], { ...env, AWS_ENDPOINT_URL: moto.endpoint }),
      runCli(at(moto.endpoint, 'wait', 'my-cache'), env),
      runCli(at(moto.endpoint, 'snapshot', 'my-cache', '--name', 'before-upgrade'), env),
      runCli(at(moto.endpoint, 'snapshot', 'my-memcached'), env),
    ]);
    expect(described).toEqual(expect.objectContaining({ status: 0, stderr: '' }));
    expect(described.stdout).toMatch(/^Replication group\s+my-cache\n/);
    expect(described.stdout).toMatch(/^ {2}my-cache-002\s+0001\s+replica\s/m);
    expect(viaEnv).toEqual(expect.objectContaining({ status: 0, stderr: '' }));
    expect(JSON.parse(viaEnv.stdout)).toEqual(expect.objectContaining({
      id: 'my-cache', arn: 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:my-cache',
    }));
    expect(waited).toEqual({ status: 0, stdout: 'my-cache is available (waited 0s).\n', stderr: 'my-cache: available [0s]\n' });
    expect(snapshot.status).toBe(0);
    expect(snapshot.stdout).toMatch(/^Snapshot before-upgrade of my-cache is available/);
    expectOneLine(again, 1,
      'Refusing snapshot of my-memcached: it is a Memcached cluster, and Memcached has no backups (snapshots are for Valkey and Redis OSS).');
  });

  test('day two: list, wait --deleted, events and the service updates of describe (moto implements no DescribeServerlessCaches, '
    + 'DescribeEvents or DescribeUpdateActions: it answers them with an HTML 500)', async () => {
    const [list, json, deleting, gone, events, described] = await Promise.all([
      runCli(at(moto.endpoint, 'list'), env),
      runCli(at(moto.endpoint, 'list', '--json'), env),
      runCli(at(moto.endpoint, 'wait', 'doomed', '--deleted', '--timeout', '1s'), env),
      runCli(at(moto.endpoint, 'wait', 'never-created', '--deleted'), env),
      runCli(at(moto.endpoint, 'events', 'my-cache', '--since', '2h'), env),
      runCli(at(moto.endpoint, 'describe', 'my-memcached'), env),
    ]);
    const html500 = new RegExp('the ElastiCache API answered HTTP 500 Internal Server Error, (no request id|request id \\S+) without an AWS error in the body');
    // The groups and the Memcached cluster of eu-west-1 (not west-cache of eu-west-2), the serverless listing's failure on its own line:
    // exit 2, a listing failed.
    expect(list.status).toBe(2);
    expect(list.stdout.split('\n').filter(Boolean).map(l => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['ID', 'KIND', 'STATUS', 'ENGINE'],
      ['doomed', 'replication group', 'deleting', 'valkey'],
      ['my-cache', 'replication group', 'available', 'valkey'],
      ['my-memcached', 'cache cluster', 'available', 'memcached'],
      ['other-cache', 'replication group', 'available', 'valkey'],
    ]);
    expectOneLine({ ...list, stdout: '' }, 2, new RegExp(`^Could not list the serverless caches: DescribeServerlessCaches failed: ${html500.source}`));
    expect(JSON.parse(json.stdout).caches.find((c: { id: string }) => c.id === 'my-memcached'))
      .toEqual({ kind: 'cache-cluster', id: 'my-memcached', status: 'available', engine: 'memcached', nodeType: 'cache.t4g.micro', nodes: 2 });
    expect(deleting.status).toBe(1);
    expect(deleting.stderr.trimEnd().split('\n')).toEqual([
      ...Array(deleting.stderr.trimEnd().split('\n').length - 1).fill(expect.stringMatching(/^doomed: deleting \[\d+s\]$/)),
      'Timed out after 1s waiting for doomed to be deleted (status: deleting).',
    ]);
    // Not found as a group or cluster, but the serverless caches could not be looked at: not "deleted".
    expectOneLine(gone, 2, new RegExp("^No replication group or cache cluster named 'never-created' in eu-west-1, and the serverless caches could not "
      + `be looked at: DescribeServerlessCaches failed: ${html500.source}`));
    expectOneLine(events, 2, new RegExp(`^DescribeEvents failed: ${html500.source}`));
    expect(described.status).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`^Service updates\\s+unknown \\(DescribeUpdateActions failed: ${html500.source}`, 'm'));
  });

  test('an empty or invalid id never reaches the API: exit 2 with the rule', async () => {
    // moto, like ElastiCache, answers an empty ReplicationGroupId with every group.
    const before = odd.requests;
    const [describeEmpty, drillEmpty] = await Promise.all([
      runCli(at(moto.endpoint, 'describe', ''), env),
      runCli(at(odd.endpoint, 'failover-drill', ''), env),
    ]);
    expectOneLine(describeEmpty, 2,
      `Invalid cache id: got ''. Allowed: a replication group id (1-40 characters) or cache cluster id (1-50 characters) of ${RULE}`);
    expectOneLine(drillEmpty, 2, `Invalid replication group id: got ''. Allowed: 1-40 ${RULE}`);
    expect(odd.requests).toBe(before);
  });

  test('failover-drill: refusals (exit 1) and moto\'s HTML 500 for DescribeEvents (exit 2) are one line each', async () => {
    const [noFailover, html500, unknown] = await Promise.all([
      runCli(at(moto.endpoint, 'failover-drill', 'other-cache'), env),
      // moto implements neither DescribeEvents nor TestFailover: it answers with an HTML error page. The drill reads
      // the events before it calls TestFailover, so it stops there, before changing anything (the successful drills
      // run against failover-endpoint.ts, in failover-shard.test.ts).
      runCli(at(moto.endpoint, 'failover-drill', 'my-cache', '--timeout', '30s'), env),
      runCli(at(moto.endpoint, 'failover-drill', 'nosuch'), env),
    ]);
    expectOneLine(noFailover, 1, 'Refusing failover drill on other-cache: automatic failover is disabled; enable Multi-AZ with automatic failover first.');
    expectOneLine(html500, 2, new RegExp('^DescribeEvents failed: the ElastiCache API answered HTTP 500 Internal Server Error, (no request id|request id \\S+) '
      + 'without an AWS error in the body: a failure at AWS'));
    expectOneLine(unknown, 1, "No replication group named 'nosuch' in eu-west-1.");
  });

  test('AWS_DEFAULT_REGION is honoured as the AWS CLI does: after AWS_REGION', async () => {
    const noRegion = { ...env, AWS_REGION: undefined };
    const [defaultRegion, regionFirst] = await Promise.all([
      runCli(at(moto.endpoint, 'describe', 'west-cache', '--json'), { ...noRegion, AWS_DEFAULT_REGION: 'eu-west-2' }),
      runCli(at(moto.endpoint, 'failover-drill', 'west-cache'), { ...env, AWS_DEFAULT_REGION: 'eu-west-2' }),
    ]);
    expect(defaultRegion.status).toBe(0);
    expect(JSON.parse(defaultRegion.stdout).arn).toBe('arn:aws:elasticache:eu-west-2:123456789012:replicationgroup:west-cache');
    expectOneLine(regionFirst, 1, "No replication group named 'west-cache' in eu-west-1.");
  });

  test('global options before the command, as with the AWS CLI; --output json is --json', async () => {
    const [before, output, badOutput] = await Promise.all([
      runCli(['--region', 'eu-west-2', '--output', 'json', '--endpoint-url', moto.endpoint, 'describe', 'west-cache'], env),
      runCli(at(moto.endpoint, 'list', '--output', 'json'), env),
      runCli(['--output', 'yaml', 'list'], env),
    ]);
    expect(before.status).toBe(0);
    expect(JSON.parse(before.stdout).arn).toBe('arn:aws:elasticache:eu-west-2:123456789012:replicationgroup:west-cache');
    expect(JSON.parse(output.stdout).caches.map((c: { id: string }) => c.id)).toEqual(['doomed', 'my-cache', 'my-memcached', 'other-cache']);
    expectOneLine(badOutput, 2, "Invalid --output: got 'yaml'. Allowed: json (the same as --json) or table (the default).");
  });

  test('profiles: an unknown one is named; AWS_PROFILE with the keys set: no warning (the keys sign, as with the AWS CLI: '
    + 'cli-faults.test.ts shows which)', async () => {
    writeFileSync(path.join(home, 'config'), '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(path.join(home, 'credentials'), '[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const [nosuch, both] = await Promise.all([
      runProcess(at(moto.endpoint, 'describe', 'my-cache', '--profile', 'nosuch'), env),
      // AWS_PROFILE and static keys together: the SDK alone would warn over nine lines and sign with the profile.
      runProcess(at(moto.endpoint, 'describe', 'my-cache'), { ...env, AWS_PROFILE: 'dev' }),
    ]);
    expectOneLine(nosuch, 2, `The profile 'nosuch' (from --profile) does not exist: no [profile nosuch] in ${path.join(home, 'config')} `
      + `and no [nosuch] in ${path.join(home, 'credentials')}.`);
    expect(both.status).toBe(0);
    expect(both.stdout).toMatch(/^Replication group\s+my-cache\n/);
    expect(both.stderr).toBe('');
  });

  test('answers without an AWS error (HTML, empty 5xx): the HTTP status and the request id, not "Unknown: Unknown"', async () => {
    const [html, empty] = await Promise.all([
      runProcess(at(`${odd.endpoint}/html`, 'describe', 'my-cache'), env),
      runCli(at(`${odd.endpoint}/empty`, 'wait', 'my-cache'), env),
    ]);
    const advice = 'a failure at AWS or at a proxy in between; try again in a moment';
    expectOneLine(html, 2, 'DescribeReplicationGroups failed: the ElastiCache API answered HTTP 503 Service Unavailable, request id b6ee3e3a-0c6b-4d4e-9a1c-2f1f7c5e0001 '
      + `without an AWS error in the body: ${advice}`);
    expectOneLine(empty, 2, `DescribeReplicationGroups failed: the ElastiCache API answered HTTP 500 Internal Server Error, no request id without an AWS error in the body: ${advice}`);
  });
  // rotate / rotate-auth-token (issue 16): the paths moto implements. moto has no ModifyReplicationGroup and runs
  // rotation functions only in Docker: the successful rotations are tested against aws-sdk-client-mock
  // (rotate.test.ts, cli-rotate.test.ts).
  test('rotate and rotate-auth-token: every refusal is one line and exit 1; usage errors exit 2 before any call', async () => {
    const sm = new SecretsManagerClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await sm.send(new CreateSecretCommand({ Name: 'app/cache-password', SecretString: '{"username":"app","password":"x"}' }));
    sm.destroy();
    const [unknown, noRotation, rbacOnly, noToken, noGroup, badId, missingSecret, badStep, help] = await Promise.all([
      runCli(at(moto.endpoint, 'rotate', 'no-such-thing'), env),
      runCli(at(moto.endpoint, 'rotate', 'app/cache-password'), env),
      runCli(at(moto.endpoint, 'rotate', 'other-cache'), env),
      runCli(at(moto.endpoint, 'rotate-auth-token', 'other-cache', '--secret', 'no-such-secret'), env),
      runCli(at(moto.endpoint, 'rotate-auth-token', 'no-such-cache', '--secret', 'app/cache-password'), env),
      runCli(at(moto.endpoint, 'rotate', 'has space'), env),
      runCli(at(moto.endpoint, 'rotate-auth-token', 'other-cache'), env),
      runCli(at(moto.endpoint, 'rotate-auth-token', 'other-cache', '--secret', 'x', '--step', 'later'), env),
      runCli(['--help'], env),
    ]);
    expectOneLine(unknown, 1, 'No secret and no replication group or cache cluster named \'no-such-thing\' in eu-west-1.');
    expectOneLine(noRotation, 1, 'Secret app/cache-password has no rotation: add user.addRotation() / cache.addRotation() to the app '
      + 'and deploy (or rotate an AUTH token by hand with \'rotate-auth-token\').');
    expectOneLine(rbacOnly, 1, 'Replication group \'other-cache\' has no AUTH token and no user group: it has no credentials to rotate.');
    // moto's group has no AUTH token: refused before the secret is looked at
    expectOneLine(noToken, 1, 'Replication group \'other-cache\' has no AUTH token.');
    expectOneLine(noGroup, 1, 'No replication group or cache cluster named \'no-such-cache\' in eu-west-1.');
    expectOneLine(badId, 2, 'Invalid secret or replication group id: got "has space". Allowed: a secret name (letters, digits and '
      + '/ _ + = . @ -) or ARN, or a replication group id.');
    expectOneLine(missingSecret, 2, '\'rotate-auth-token\' needs --secret <secret>: the secret clients read the token from, where the '
      + 'new token is stored (see --help).');
    expectOneLine(badStep, 2, 'Invalid --step: got \'later\'. Allowed: both, rotate or set.');
    expect(help.stdout).toContain('rotate <secret or id> [--timeout 20m] [--json]');
    expect(help.stdout).toContain('rotate-auth-token <id> --secret <secret> [--step both|rotate|set]');
  });
});
