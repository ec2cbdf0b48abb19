// `describe --global` and `failover-global` against a real HTTP endpoint: failover-endpoint.ts answers the
// global datastore API (moto has none) in its query-protocol shapes and errors, and hands CloudWatch's
// requests to moto, where the test puts GlobalDatastoreReplicationLag datapoints in each secondary's
// Region. The successful runs are the command as a process (as an operator runs it); the refusals and
// errors run its main() in process, and the waits and the API's own faults go through lib/ops/global.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  GlobalReplicationGroupNotFoundFault,
  InvalidGlobalReplicationGroupStateFault,
  InvalidParameterValueException,
} from '@aws-sdk/client-elasticache';
import { formatError, OpsError } from '../../lib/ops/errors';
import { describeGlobalDatastore, failoverGlobalDatastore, globalIdProblem } from '../../lib/ops/global';
import { BuiltCli, buildCli } from './build-cli';
import { FailoverEndpoint, GlobalDatastoreModel, startFailoverEndpoint } from './failover-endpoint';
import { instantClock } from './fixtures';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';
import { bareEnv, expectOneLine, runCli, runInProcess } from './run-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The CLI processes start in parallel; on a busy 2-core machine that takes seconds.
jest.setTimeout(30_000);

/** A Valkey datastore: primary `<name>` in eu-west-1, secondaries in us-east-1 and ap-southeast-1. */
function datastore(name: string, status = 'available'): GlobalDatastoreModel {
  return {
    id: `ldgnf-${name}`, status, engine: 'valkey', engineVersion: '8.0', cacheNodeType: 'cache.r7g.large',
    members: [
      { replicationGroupId: name, region: 'eu-west-1', role: 'PRIMARY', status: 'associated' },
      { replicationGroupId: `${name}-use1`, region: 'us-east-1', role: 'SECONDARY', status: 'associated' },
      { replicationGroupId: `${name}-apse1`, region: 'ap-southeast-1', role: 'SECONDARY', status: 'associated' },
    ],
  };
}


const suite = motoAvailable('test/ops/global.test.ts') ? describe : describe.skip;

suite('global datastores: describe --global and failover-global, against a real HTTP endpoint', () => {
  let moto: Moto;
  let api: FailoverEndpoint;
  let client: ElastiCacheClient;
  let built: BuiltCli;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(built.cli, [...args, '--endpoint-url', api.endpoint], env);
  const cliInProcess = (...args: string[]) => runInProcess([...args, '--endpoint-url', api.endpoint], env);
  const cloudWatch = (region: string) => new CloudWatchClient({ region, endpoint: api.endpoint, credentials: MOTO_CREDENTIALS });

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'global-'));
    const started = startMoto();
    built = buildCli();
    moto = await started;
    api = await startFailoverEndpoint(moto.endpoint);
    env = bareEnv(home, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' });
    client = new ElastiCacheClient({ region: 'eu-west-1', endpoint: api.endpoint, credentials: MOTO_CREDENTIALS });
    api.globalDatastores.push(datastore('orders'), datastore('carts'), datastore('busy', 'modifying'), datastore('drill'), datastore('slow'));
    // The lag, as ElastiCache publishes it: per node of the secondary (CacheClusterId <group>-00N), in the secondary's Region.
    // orders-use1 has two nodes; orders-use1-old-001 belongs to another group and must not count; orders-apse1 has none.
    const now = Date.now();
    const lag = (node: string, value: number, agoMs: number) => ({ MetricName: 'GlobalDatastoreReplicationLag', Unit: 'Seconds' as const,
      Dimensions: [{ Name: 'CacheClusterId', Value: node }], Value: value, Timestamp: new Date(now - agoMs) });
    const use1 = cloudWatch('us-east-1');
    await use1.send(new PutMetricDataCommand({ Namespace: 'AWS/ElastiCache', MetricData: [
      lag('orders-use1-001', 0.9, 240_000), lag('orders-use1-001', 0.2, 60_000), lag('orders-use1-002', 0.4, 60_000),
      lag('orders-use1-old-001', 99, 60_000), lag('carts-use1-001', 1.5, 60_000),
    ] }));
    use1.destroy();
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await Promise.all([api?.close(), moto?.stop()]);
    built?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  test('the command: describe --global prints members, Regions, roles, status and each secondary\'s lag; --json the same as data', async () => {
    const [text, json] = await Promise.all([cli('describe', '--global', 'ldgnf-orders'), cli('describe', 'ldgnf-orders', '--global', '--json')]);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Global datastore ldgnf-orders: available',
      '  description     ldgnf-orders datastore',
      '  engine          valkey 8.0',
      '  node type       cache.r7g.large',
      '  cluster mode    disabled',
    ]);
    // The primary first; the latest minute's lag of orders-use1 is its highest node's (0.4 s); ap-southeast-1 has no datapoint.
    const members = lines.slice(lines.indexOf('Members:') + 2).map(l => l.trim().split(/\s{2,}/));
    expect(members).toEqual([
      ['eu-west-1', 'primary', 'orders', 'associated', '-'],
      ['ap-southeast-1', 'secondary', 'orders-apse1', 'associated', 'unknown (no GlobalDatastoreReplicationLag datapoint in ap-southeast-1 in the last 10m0s)'],
      ['us-east-1', 'secondary', 'orders-use1', 'associated', expect.stringMatching(/^0\.4s at 20\d\d-.*Z$/)],
    ]);
    expect(json.status).toBe(0);
    const d = JSON.parse(json.stdout);
    expect(d).toMatchObject({ globalReplicationGroupId: 'ldgnf-orders', status: 'available', engine: 'valkey', clusterEnabled: false,
      shards: 1, transitEncryption: true, atRestEncryption: true, authToken: false, problems: [] });
    expect(d.members.map((m: { region: string; role: string; replicationLagSeconds?: number }) => [m.region, m.role, m.replicationLagSeconds]))
      .toEqual([['eu-west-1', 'primary', undefined], ['ap-southeast-1', 'secondary', undefined], ['us-east-1', 'secondary', 0.4]]);
    // Members were asked for (ShowMemberInfo), from the Region of the command.
    expect(api.globalCalls.filter(c => c.params.GlobalReplicationGroupId === 'ldgnf-orders').map(c => [c.region, c.params.ShowMemberInfo]))
      .toEqual([['eu-west-1', 'true'], ['eu-west-1', 'true']]);
  });

  test('the command: failover-global --to waits until the Region\'s member is the primary (progress on stderr); --no-wait --json returns at once',
    async () => {
      api.globalFailoverPolls = 0;
      try {
        const [waited, started] = await Promise.all([cli('failover-global', 'ldgnf-orders', '--to', 'us-east-1'),
          cli('failover-global', 'ldgnf-carts', '--to', 'ap-southeast-1', '--no-wait', '--json')]);
        expect(waited.status).toBe(0);
        expect(waited.stdout.split('\n')[0])
          .toMatch(/^Global datastore ldgnf-orders: us-east-1 \(orders-use1\) is the primary, eu-west-1 \(orders\) a secondary \(\d+s\)\.$/);
        expect(waited.stderr.trimEnd().split('\n')).toEqual([
          'ldgnf-orders: calling FailoverGlobalReplicationGroup: primary eu-west-1 (orders) -> us-east-1 (orders-use1)',
          expect.stringMatching(/^ldgnf-orders: available, primary us-east-1 \(orders-use1\) \[\d+s\]$/),
        ]);
        expect(started.status).toBe(0);
        expect(JSON.parse(started.stdout)).toMatchObject({ globalReplicationGroupId: 'ldgnf-carts', waited: false, status: 'modifying',
          primaryBefore: { region: 'eu-west-1', replicationGroupId: 'carts' }, primaryAfter: { region: 'ap-southeast-1', replicationGroupId: 'carts-apse1' } });
      } finally {
        api.globalFailoverPolls = 1;
      }
      // The API got the member's Region and replication group id, found by describing the datastore.
      const failovers = api.globalCalls.filter(c => c.action === 'FailoverGlobalReplicationGroup')
        .map(c => [c.params.GlobalReplicationGroupId, c.params.PrimaryRegion, c.params.PrimaryReplicationGroupId, c.region, c.outcome]).sort();
      expect(failovers).toEqual([
        ['ldgnf-carts', 'ap-southeast-1', 'carts-apse1', 'eu-west-1', 'ok'],
        ['ldgnf-orders', 'us-east-1', 'orders-use1', 'eu-west-1', 'ok'],
      ]);
      expect(api.globalDatastores.find(g => g.id === 'ldgnf-orders')!.members.map(m => m.role)).toEqual(['SECONDARY', 'PRIMARY', 'SECONDARY']);
    });

  test('the command\'s refusals and errors: one line each, exit 2 before any call, exit 1 after', async () => {
    const calls = api.globalCalls.length;
    const usage = await Promise.all([
      cliInProcess('failover-global', 'ldgnf-orders'),
      cliInProcess('failover-global', 'ldgnf-orders', '--to', 'mars'),
      cliInProcess('failover-global', 'ldgnf--orders', '--to', 'us-east-1'),
      cliInProcess('describe', '--global', '--serverless', 'ldgnf-orders'),
    ]);
    expectOneLine(usage[0], 2, "'failover-global' needs --to <region>: the Region whose member becomes the primary (see --help).");
    expectOneLine(usage[1], 2, "Invalid --to: got 'mars'. Allowed: an AWS Region name such as eu-west-1 or ap-southeast-1.");
    expectOneLine(usage[2], 2, globalIdProblem('ldgnf--orders')!);
    expectOneLine(usage[3], 2, "'describe' takes --global or --serverless, not both (see --help).");
    expect(api.globalCalls.length).toBe(calls);

    const [notMember, already, busy, unknown, suffix, elsewhere] = await Promise.all([
      cliInProcess('failover-global', 'ldgnf-drill', '--to', 'us-west-2'),
      cliInProcess('failover-global', 'ldgnf-drill', '--to', 'eu-west-1'),
      cliInProcess('failover-global', 'ldgnf-busy', '--to', 'us-east-1'),
      cliInProcess('describe', '--global', 'ldgnf-nosuch'),
      cliInProcess('failover-global', 'drill', '--to', 'us-east-1'),
      cliInProcess('describe', '--global', 'ldgnf-drill', '--region', 'us-west-2'),
    ]);
    expectOneLine(notMember, 1, 'Refusing failover of ldgnf-drill to us-west-2: it has no member in that Region. Members: eu-west-1 (primary drill), '
      + 'ap-southeast-1 (secondary drill-apse1), us-east-1 (secondary drill-use1).');
    expectOneLine(already, 1, 'Refusing failover of ldgnf-drill to eu-west-1: eu-west-1 is already its primary Region (drill).');
    expectOneLine(busy, 1, "Refusing failover of ldgnf-busy to us-east-1: its status is 'modifying'; wait until it is available "
      + '(describe --global ldgnf-busy).');
    expectOneLine(unknown, 1, "No global datastore 'ldgnf-nosuch' seen from eu-west-1: give its full id, with the Region prefix ElastiCache adds "
      + '(such as ldgnf-orders), from a Region it has a member in.');
    expectOneLine(suffix, 1, "No global datastore 'drill' seen from eu-west-1: did you mean ldgnf-drill? (the full id starts with a Region prefix)");
    // From a Region without a member, ElastiCache does not show the datastore.
    expectOneLine(elsewhere, 1, "No global datastore 'ldgnf-drill' seen from us-west-2: give its full id, with the Region prefix ElastiCache adds "
      + '(such as ldgnf-orders), from a Region it has a member in.');
    // None of them reached FailoverGlobalReplicationGroup.
    expect(api.globalCalls.slice(calls).filter(c => c.action === 'FailoverGlobalReplicationGroup')).toEqual([]);
  });

  test('the command: a lag CloudWatch cannot give is a line on stderr and exit 1, after the description', async () => {
    // Nothing listens on port 9 of 127.0.0.1 (discard): a process, so that the network error is Node's own, as an operator meets it.
    const r = await runCli(built.cli, ['describe', '--global', 'ldgnf-drill', '--endpoint-url', api.endpoint],
      { ...env, AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Global datastore ldgnf-drill: available\n/);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^Could not read the replication lag of drill-apse1 in ap-southeast-1: ListMetrics failed: cannot reach the CloudWatch API .*ECONNREFUSED/),
      expect.stringMatching(
        /^Could not read the replication lag of drill-use1 in us-east-1: ListMetrics failed: cannot reach the CloudWatch API .*ECONNREFUSED/),
    ]);
  });

  test('failoverGlobalDatastore polls until the new primary is in place, one progress line per poll', async () => {
    api.globalFailoverPolls = 2;
    const progress: string[] = [];
    try {
      const r = await failoverGlobalDatastore(client, 'ldgnf-drill', { toRegion: 'ap-southeast-1', intervalMs: 10, onProgress: l => progress.push(l) });
      expect(r).toMatchObject({ waited: true, status: 'available', primaryBefore: { region: 'eu-west-1', replicationGroupId: 'drill' },
        primaryAfter: { region: 'ap-southeast-1', replicationGroupId: 'drill-apse1' } });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      api.globalFailoverPolls = 1;
    }
    expect(progress.map(l => l.replace(/ \[\d+s\]$/, ''))).toEqual([
      'ldgnf-drill: calling FailoverGlobalReplicationGroup: primary eu-west-1 (drill) -> ap-southeast-1 (drill-apse1)',
      'ldgnf-drill: modifying, primary eu-west-1 (drill)',
      'ldgnf-drill: modifying, primary eu-west-1 (drill)',
      'ldgnf-drill: available, primary ap-southeast-1 (drill-apse1)',
    ]);
    const d = await describeGlobalDatastore(client, 'ldgnf-drill');
    expect(d.members.map(m => [m.region, m.role])).toEqual([['ap-southeast-1', 'primary'], ['eu-west-1', 'secondary'], ['us-east-1', 'secondary']]);
  });

  test('a failover that does not complete times out with what it saw; meanwhile the API refuses a second one', async () => {
    api.holdFailovers = true;
    try {
      const waiting = failoverGlobalDatastore(client, 'ldgnf-slow', { toRegion: 'us-east-1', timeoutMs: 60_000, intervalMs: 10_000, clock: instantClock(Date.parse('2026-12-01T12:00:00Z')) });
      await expect(waiting).rejects.toThrow(new OpsError('Timed out after 1m0s waiting for us-east-1 (slow-use1) to be the primary of ldgnf-slow '
        + '(status: modifying).'));
      const second = await client.send(new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: 'ldgnf-slow',
        PrimaryRegion: 'ap-southeast-1', PrimaryReplicationGroupId: 'slow-apse1' })).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(InvalidGlobalReplicationGroupStateFault);
      expect(formatError(second)).toBe('InvalidGlobalReplicationGroupState: GlobalReplicationGroup ldgnf-slow is not in available state '
        + '(the global datastore is not in a state that allows this now)');
    } finally {
      api.holdFailovers = false;
      api.completeFailovers();
    }
  });

  test('the endpoint\'s faults are the API\'s: the SDK reads them as its error classes, and each is one line with its code', async () => {
    const fail = (GlobalReplicationGroupId: string, PrimaryRegion: string, PrimaryReplicationGroupId: string) => client.send(
      new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId, PrimaryRegion, PrimaryReplicationGroupId }))
      .then(() => undefined, (e: unknown) => e);
    const [noGroup, notMember] = await Promise.all([fail('ldgnf-nosuch', 'us-east-1', 'x'), fail('ldgnf-orders', 'us-west-2', 'orders-usw2')]);
    expect(noGroup).toBeInstanceOf(GlobalReplicationGroupNotFoundFault);
    expect(notMember).toBeInstanceOf(InvalidParameterValueException);
    expect([noGroup, notMember].map(formatError)).toEqual([
      'GlobalReplicationGroupNotFoundFault: GlobalReplicationGroup ldgnf-nosuch not found (no global datastore has that id in this Region: '
        + 'give the full id, with its Region prefix)',
      'InvalidParameterValue: orders-usw2 in us-west-2 is not a secondary member of GlobalReplicationGroup ldgnf-orders',
    ]);
  });
});
