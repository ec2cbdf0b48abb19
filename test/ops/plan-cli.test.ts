// `cdk-elasticache plan` on real cloud assemblies synthesized from the library (a network stack with the
// VPC, a cache stack with a ReplicationGroup, a consumer stack with a Lambda function wired by
// connectFrom()), each synthesized once into a temporary directory; `--deployed` against moto's
// CloudFormation and against an HTTP server of this file that answers errors, both on 127.0.0.1.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterMode, ReplicationGroup, ReplicationGroupProps, ValkeyVersion } from '../../lib';
import { commandUsage, USAGE } from '../../bin/cli';
import { formatPlan, PlanResult } from '../../lib/ops/plan-command';
import { BuiltCli, buildCli } from './build-cli';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';
import { bareEnv, expectOneLine, runCli, runInProcess } from './run-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The synths and the first load of the diff engine take a few seconds on a busy 2-core machine.
jest.setTimeout(30_000);

const root = mkdtempSync(path.join(tmpdir(), 'plan-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The three-stack app with the cache's props, synthesized into `<root>/<name>`; its directory. */
function synth(name: string, props: Partial<ReplicationGroupProps> = {}, consumerStack = 'Consumer'): string {
  const outdir = path.join(root, name);
  const app = new App({ outdir });
  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const cacheStack = new Stack(app, 'Cache');
  const cache = new ReplicationGroup(cacheStack, 'Cache', { vpc, replicas: 1, ...props });
  const fn = new lambda.Function(consumerStack === 'Cache' ? cacheStack : new Stack(app, consumerStack), 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
  });
  cache.connectFrom(fn);
  app.synth();
  return outdir;
}

const dirs = {
  base: synth('base'),
  port: synth('port', { port: 6380 }),
  replicas: synth('replicas', { replicas: 2 }),
  compatible: synth('compatible', { clusterMode: ClusterMode.COMPATIBLE }),
  // The consumer moved into the cache's stack: its old stack, still deployed, imports what the cache stack stops exporting.
  moved: synth('moved', {}, 'Cache'),
  downgrade: synth('downgrade', { engine: ValkeyVersion.VER_8_0 }),
};

const home = path.join(root, 'home');
mkdirSync(home);
const env = bareEnv(home);
const plan = (...args: string[]) => runInProcess(['plan', ...args], env);
const compare = (after: string, ...args: string[]) => plan('--before', dirs.base, '--after', after, ...args);

/** The classes of a plan's findings, as `stack/logicalId class`. */
const classes = (r: PlanResult) => r.findings.map(f => `${f.stack}/${f.resourceType === 'Export' ? 'export' : f.logicalId} ${f.class}`);

describe('plan --before --after: two cloud assemblies', () => {
  test('port changed: the group cannot be replaced under its id: will fail, exit 1', async () => {
    const r = await compare(dirs.port);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^Plan: deploying ${dirs.port} over ${dirs.base}\n\nStack Cache\n`));
    expect(r.stdout).toMatch(new RegExp('^ {2}WILL FAIL {2}Cache18F6EE16 \\(AWS::ElastiCache::ReplicationGroup\\): Port\n'
      + ' {4}Port cannot change on a live replication group: .*rolls back\\.\n {4}Steps: Keep Port as deployed\\.', 'm'));
    expect(r.stdout).toMatch(/\nNot safe to deploy: 1 will fail \(3 stacks compared\); the steps above say what works\.\n$/);
  });

  test('replicas 1 -> 2 (cluster mode disabled): in place, exit 0', async () => {
    const r = await compare(dirs.replicas);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ {2}in place {2}Cache18F6EE16 \(AWS::ElastiCache::ReplicationGroup\): NumCacheClusters\n/m);
    expect(r.stdout).not.toMatch(/Steps:/);
    expect(r.stdout).toMatch(/\nSafe to deploy: 1 in place \(3 stacks compared\)\.\n$/);
  });

  test('cluster mode disabled -> compatible with the consumer in another stack: in place, the endpoints it imports stay exported, exit 0', async () => {
    const r = await compare(dirs.compatible);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/EXPORT IN USE/);
    expect(r.stdout).toMatch(/\nSafe to deploy: 1 in place \(3 stacks compared\)/);
  });

  test('the consumer moved into the cache\'s stack: what its deployed stack imports is no longer exported, exit 1', async () => {
    const r = await compare(dirs.moved);
    expect(r.status).toBe(1);
    const inUse = r.stdout.match(/^ {2}EXPORT IN USE {2}export Cache:ExportsOutput\w+\n/gm) ?? [];
    expect(inUse.length).toBeGreaterThan(1);
    expect(inUse.some(line => /PrimaryEndPointAddress/.test(line))).toBe(true);
    expect(r.stdout).toMatch(/no longer exports .* which a deployed stack imports/);
    expect(r.stdout).toMatch(new RegExp(`\\nNot safe to deploy: ${inUse.length} exports in use`));
  });

  test('an engine downgrade (Valkey 8.2 -> 8.0): refused transition, exit 1', async () => {
    const r = await compare(dirs.downgrade);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}REFUSED TRANSITION {2}Cache18F6EE16 \(AWS::ElastiCache::ReplicationGroup\): EngineVersion\n/m);
    expect(r.stdout).toMatch(/^ {4}EngineVersion 8\.2 -> 8\.0: ElastiCache does not downgrade an engine/m);
  });

  test('the same assembly twice: nothing to do, exit 0', async () => {
    const r = await compare(dirs.base);
    expect(r).toEqual({ status: 0, stderr: '', stdout: `Plan: deploying ${dirs.base} over ${dirs.base}\n\n`
      + 'Nothing to do: no ElastiCache resource and no export in use changes (3 stacks compared).\n' });
  });

  test('--json: the report, with its classes', async () => {
    const [port, replicas] = await Promise.all([compare(dirs.port, '--json'), compare(dirs.replicas, '--json')]);
    const report = JSON.parse(port.stdout) as PlanResult;
    expect(port.status).toBe(1);
    expect(report.safe).toBe(false);
    expect(report.stacks).toEqual(['Network', 'Cache', 'Consumer']);
    expect(classes(report)).toEqual(['Cache/Cache18F6EE16 fails']);
    expect(report.findings[0]).toEqual(expect.objectContaining({ properties: ['Port'], steps: expect.stringMatching(/^Keep Port as deployed/) }));
    expect(JSON.parse(replicas.stdout)).toEqual(expect.objectContaining({ safe: true, findings: [expect.objectContaining({ class: 'in-place' })] }));
  });

  test('--stack reports and judges only the stacks named', async () => {
    const [consumer, cache] = await Promise.all([
      compare(dirs.port, '--stack', 'Consumer', '--stack', 'Network', '--json'),
      compare(dirs.port, '--stack', 'Cache'),
    ]);
    expect(consumer.status).toBe(0);
    expect(JSON.parse(consumer.stdout)).toEqual({ findings: [], safe: true, stacks: ['Network', 'Consumer'] });
    expect(cache.status).toBe(1);
  });
});

test('help plan and plan --help print its usage; the usage lists it', async () => {
  const [help, flag, usage] = await Promise.all([runInProcess(['help', 'plan'], env), plan('--help'), runInProcess(['--help'], env)]);
  expect(help).toEqual({ status: 0, stdout: commandUsage('plan'), stderr: '' });
  expect(flag).toEqual(help);
  expect(help.stdout).toMatch(/^Usage: cdk-elasticache plan --before <dir> --after <dir> \| --deployed --after <dir> /);
  expect(help.stdout).toMatch(/^Exit codes: 0 safe to deploy, 1 not safe .*, 2 error\.$/m);
  expect(usage.stdout).toContain(`\n  ${'plan --before <dir> --after <dir>'}`);
  expect(USAGE).toMatch(/plan: 0 safe to deploy, 1 not safe, 2 error/);
});

describe('formatPlan', () => {
  test('created and deleted caches, unchanged findings left out', () => {
    const base = { resourceType: 'AWS::ElastiCache::ReplicationGroup', properties: [], steps: '' };
    const text = formatPlan({
      stacks: ['A', 'B'], safe: false, notDeployed: ['B'], findings: [
        { ...base, stack: 'A', logicalId: 'Old', class: 'deleted', reason: 'The replication group leaves the template.', steps: 'Keep it.' },
        { ...base, stack: 'A', logicalId: 'Same', class: 'unchanged', reason: 'No change.' },
        { ...base, stack: 'B', logicalId: 'New', class: 'created', reason: 'A new replication group is created.' },
      ],
    });
    expect(text).toBe([
      'Not deployed (compared as new stacks): B',
      '',
      'Stack A',
      '  DELETED  Old (AWS::ElastiCache::ReplicationGroup)',
      '    The replication group leaves the template.',
      '    Steps: Keep it.',
      '',
      'Stack B',
      '  created  New (AWS::ElastiCache::ReplicationGroup)',
      '    A new replication group is created.',
      '',
      'Not safe to deploy: 1 deleted, 1 created (2 stacks compared); the steps above say what works.',
      '',
    ].join('\n'));
  });
});

describe('plan: errors are one line on stderr, exit 2', () => {
  const notAssembly = path.join(root, 'not-an-assembly');
  const noStacks = path.join(root, 'no-stacks');
  beforeAll(() => {
    mkdirSync(notAssembly);
    mkdirSync(noStacks);
    writeFileSync(path.join(noStacks, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: {} }));
  });

  test.each([
    ['--before missing', ['--after', 'X'], /^'plan' needs --before <dir> \(or --deployed\): the cloud assemblies to compare/],
    ['--after missing', ['--before', 'X'], /^'plan' needs --after <dir>: /],
    ['both missing', [], /^'plan' needs --before <dir> \(or --deployed\) and --after <dir>: /],
    ['--deployed with --before', ['--deployed', '--before', 'X', '--after', 'Y'], /^'plan' compares --after with --before or with --deployed, not both/],
    ['a cache id', ['my-cache', '--before', 'X', '--after', 'Y'], /^'plan' takes no cache id, got 'my-cache'/],
    ['--region without --deployed', ['--before', 'X', '--after', 'Y', '--region', 'eu-west-1'], /^'plan' reads --region only with --deployed/],
    ['an unknown option', ['--befor', 'X'], /^Unknown option '--befor' for 'plan'/],
  ])('%s', async (_, args, line) => {
    expectOneLine(await plan(...args), 2, line);
  });

  test('a directory that does not exist, one without manifest.json, an assembly without stacks, an unknown --stack', async () => {
    const missing = path.join(root, 'nowhere');
    const [noDir, noManifest, empty, unknownStack] = await Promise.all([
      compare(missing),
      plan('--before', notAssembly, '--after', dirs.base),
      compare(noStacks),
      compare(dirs.port, '--stack', 'Cashe'),
    ]);
    expectOneLine(noDir, 2, new RegExp(`^No cloud assembly at ${missing}: the directory does not exist \\(run cdk synth, which writes cdk.out\\)\\.\n$`));
    expectOneLine(noManifest, 2, new RegExp(`^Not a cloud assembly: ${notAssembly} has no manifest.json`));
    expectOneLine(empty, 2, new RegExp(`^Not a cloud assembly with stacks: ${noStacks}/manifest.json lists no CloudFormation stack\\.\n$`));
    expectOneLine(unknownStack, 2, /^No stack named Cashe on either side \(the stacks: Network, Cache, Consumer\)\.\n$/);
  });

  test('--deployed without credentials: one line before any call', async () => {
    const r = await plan('--deployed', '--after', dirs.base, '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9');
    expectOneLine(r, 2, /^GetTemplate failed: no AWS credentials: /);
  });

  describe('--deployed against an endpoint that answers errors', () => {
    let server: http.Server;
    let endpoint: string;
    const answers: Record<string, { status: number; type: string; body: string }> = {
      denied: {
        status: 403, type: 'text/xml', body: '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>'
          + '<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:GetTemplate'
          + '</Message></Error><RequestId>7e1b8f3a-1111-4a4a-9c9c-000000000001</RequestId></ErrorResponse>',
      },
      html: { status: 502, type: 'text/html', body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>' },
    };
    /** Requests under /silent/ are read and never answered. */
    const silent: http.ServerResponse[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          if ((req.url ?? '').startsWith('/silent/')) {
            silent.push(res);
            return;
          }
          const answer = answers[(req.url ?? '/').split('/')[1]];
          res.writeHead(answer.status, { 'content-type': answer.type, 'x-amzn-requestid': '7e1b8f3a-1111-4a4a-9c9c-000000000001' });
          res.end(answer.body);
        });
      });
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));

    test('access denied, and an HTML error page from a proxy', async () => {
      const keys = { ...env, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '1' };
      const [denied, html] = await Promise.all([
        runInProcess(['plan', '--deployed', '--after', dirs.base, '--endpoint-url', `${endpoint}/denied`], keys),
        runInProcess(['plan', '--deployed', '--after', dirs.base, '--endpoint-url', `${endpoint}/html`], keys),
      ]);
      expectOneLine(denied, 2, /^GetTemplate failed: AccessDenied: User: \S+ is not authorized to perform: cloudformation:GetTemplate\n$/);
      expectOneLine(html, 2,
        /^GetTemplate failed: the CloudFormation API answered HTTP 502 Bad Gateway, request id 7e1b8f3a-\S+ without an AWS error/);
    });

    test('an endpoint that never answers: the plan ends at --timeout, naming GetTemplate', async () => {
      const keys = { ...env, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
      const start = Date.now();
      const r = await runInProcess(['plan', '--deployed', '--after', dirs.base, '--timeout', '1s', '--endpoint-url', `${endpoint}/silent`], keys);
      expectOneLine(r, 2, new RegExp(`^GetTemplate failed: no answer from ${endpoint} within the --timeout of 1s `));
      expect(Date.now() - start).toBeLessThan(1_000 + 1_000);
      expect(silent.length).toBeGreaterThan(0);
    });
  });

  describe('the command as installed', () => {
    let withoutCdk: BuiltCli;
    let withoutDiff: BuiltCli;
    beforeAll(() => {
      withoutCdk = buildCli(['aws-cdk-lib', 'constructs']);
      withoutDiff = buildCli(['aws-cdk-lib', 'constructs', '@aws-cdk/cloudformation-diff']);
    });
    afterAll(() => {
      withoutCdk?.remove();
      withoutDiff?.remove();
    });

    test('plans without aws-cdk-lib; without the diff engine, says what to install', async () => {
      const args = ['plan', '--before', dirs.base, '--after', dirs.port];
      const [planned, noDiff] = await Promise.all([runCli(withoutCdk.cli, args, env), runCli(withoutDiff.cli, args, env)]);
      expect({ status: planned.status, stderr: planned.stderr }).toEqual({ status: 1, stderr: '' });
      expect(planned.stdout).toMatch(/^ {2}WILL FAIL {2}Cache18F6EE16 /m);
      expectOneLine(noDiff, 2,
        /^The plan needs the package @aws-cdk\/cloudformation-diff \(an optional dependency of cdk-elasticache\): npm install /);
      expect(noDiff.stderr).toMatch(/npm install @aws-cdk\/cloudformation-diff \(Cannot find module/);
    });
  });
});

const suite = motoAvailable('test/ops/plan-cli.test.ts') ? describe : describe.skip;

suite('plan --deployed against moto\'s CloudFormation', () => {
  let moto: Moto;
  /** Static credentials and eu-west-1, as in CI. */
  const keys = { ...env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' };

  /**
   * Creates the stack with the template of the `base` assembly in moto. moto does not resolve the
   * bootstrap version parameter (an SSM parameter), and fails on the cache stack's outputs of the
   * replication group's endpoints (GetAtt of a type it does not model): those are left out.
   */
  async function deploy(client: CloudFormationClient, stack: string, body?: string): Promise<void> {
    const template = JSON.parse(readFileSync(path.join(dirs.base, `${stack}.template.json`), 'utf8'));
    delete template.Parameters;
    delete template.Rules;
    if (stack === 'Cache') {
      delete template.Outputs;
    }
    await client.send(new CreateStackCommand({ StackName: stack, TemplateBody: body ?? JSON.stringify(template) }));
  }

  beforeAll(async () => {
    moto = await startMoto();
    const client = (region: string) => new CloudFormationClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const [eu1, eu3] = [client('eu-west-1'), client('eu-west-3')];
    await deploy(eu1, 'Network');
    await Promise.all([
      deploy(eu1, 'Cache'),
      // A stack deployed from a YAML template.
      deploy(eu3, 'Network', 'Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n'),
    ]);
    eu1.destroy();
    eu3.destroy();
  }, 30_000);
  afterAll(() => moto?.stop());

  test('port changed: will fail, exit 1; replicas: in place, exit 0 (AWS_ENDPOINT_URL honoured like --endpoint-url)', async () => {
    const [port, replicas] = await Promise.all([
      runInProcess(['plan', '--deployed', '--after', dirs.port, '--endpoint-url', moto.endpoint], keys),
      runInProcess(['plan', '--deployed', '--after', dirs.replicas, '--json'], { ...keys, AWS_ENDPOINT_URL: moto.endpoint }),
    ]);
    expect({ status: port.status, stderr: port.stderr }).toEqual({ status: 1, stderr: '' });
    expect(port.stdout).toMatch(/^Plan: deploying .*\/port over the deployed stacks\nNot deployed \(compared as new stacks\): Consumer\n/);
    expect(port.stdout).toMatch(/\n\nStack Cache\n {2}WILL FAIL {2}Cache18F6EE16 /);
    expect({ status: replicas.status, stderr: replicas.stderr }).toEqual({ status: 0, stderr: '' });
    const report = JSON.parse(replicas.stdout) as PlanResult;
    expect(classes(report)).toEqual(['Cache/Cache18F6EE16 in-place']);
    expect(report.notDeployed).toEqual(['Consumer']);
  });

  test('stacks that do not exist are new: their caches are created, exit 0', async () => {
    const r = await runInProcess(['plan', '--deployed', '--after', dirs.port, '--endpoint-url', moto.endpoint, '--region', 'eu-west-2'], keys);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Not deployed \(compared as new stacks\): Network, Cache, Consumer\n/m);
    expect(r.stdout).toMatch(/\nSafe to deploy: \d+ created \(3 stacks compared\)\.\n$/);
  });

  test('a deployed template that is not JSON: one line, exit 2; a stack pinned to a region is read there, whatever --region says', async () => {
    // An assembly whose one stack, Network, is pinned to eu-west-3 (env: { account, region }).
    const pinned = path.join(root, 'pinned');
    mkdirSync(pinned);
    writeFileSync(path.join(pinned, 'Network.template.json'), JSON.stringify({ Resources: {} }));
    writeFileSync(path.join(pinned, 'manifest.json'), JSON.stringify({
      version: '48.0.0',
      artifacts: { Network: { type: 'aws:cloudformation:stack', environment: 'aws://123456789012/eu-west-3', properties: { templateFile: 'Network.template.json' } } },
    }));
    const [yaml, region] = await Promise.all([
      runInProcess(['plan', '--deployed', '--after', dirs.base, '--endpoint-url', moto.endpoint, '--region', 'eu-west-3'], keys),
      runInProcess(['plan', '--deployed', '--after', pinned, '--endpoint-url', moto.endpoint, '--region', 'eu-west-1'], keys),
    ]);
    expectOneLine(yaml, 2, /^The deployed template of the stack Network is not JSON \(a YAML template\?\): the plan reads JSON templates/);
    expect(region).toEqual(yaml);
  });
});
