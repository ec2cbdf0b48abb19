// `cdk-elasticache local` as a user runs it: a node process of the compiled command (without aws-cdk-lib
// in its node_modules) on small assemblies written here. Bad input is one line on stderr and exit code
// 2 with nothing left running; a good one runs until SIGTERM, then stops its servers and removes its
// files. Each run gets a TMPDIR of its own, so that "nothing left" can be checked: no file there, no
// process whose command line or working directory is under it.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Valkey from 'iovalkey';
import { BuiltCli, buildCli } from '../ops/build-cli';
import { serversAvailable } from '../servers/harness';

const SUITE = 'cdk-elasticache local as a process';
const suite = serversAvailable(['valkey-server', 'openssl'], SUITE) ? describe : describe.skip;

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** A cloud assembly with these stacks (manifest.json and one template each). */
function writeAssembly(dir: string, stacks: Record<string, Template>): string {
  fs.mkdirSync(dir, { recursive: true });
  const artifacts = Object.fromEntries(Object.keys(stacks).map(name => [name, {
    type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: `${name}.template.json` },
  }]));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  for (const [name, template] of Object.entries(stacks)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
  }
  return dir;
}

const plainGroup = (extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::ElastiCache::ReplicationGroup',
  Properties: { Engine: 'valkey', EngineVersion: '8.0', ReplicationGroupId: 'plain', NumCacheClusters: 1, TransitEncryptionEnabled: false, ...extra },
});

/** Pids and working directories of the processes whose command line or cwd is under `dir`. */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) {
        found.push(`${pid} ${cmdline.trim()}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

suite(SUITE, () => {
  let built: BuiltCli;
  let root: string;
  let n = 0;

  beforeAll(() => {
    built = buildCli();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cli-'));
  });
  afterAll(() => {
    built?.remove();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A fresh TMPDIR for one run. */
  const tmpdir = () => {
    const dir = path.join(root, `tmp-${++n}`);
    fs.mkdirSync(dir);
    return dir;
  };

  function run(args: string[], tmp: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise(resolve => {
      execFile(process.execPath, [built.cli, 'local', ...args], { env: { PATH: process.env.PATH, TMPDIR: tmp }, encoding: 'utf8', timeout: 30_000 },
        (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
    });
  }

  /** Runs the command on bad input: exit 2, one line naming the problem, nothing left in its TMPDIR or running from it. */
  async function refused(args: string[]): Promise<{ status: number | null; stdout: string; line: string; left: string[] }> {
    const tmp = tmpdir();
    const r = await run(args, tmp);
    const lines = r.stderr.trim().split('\n').filter(l => !l.startsWith('Starting ') && !/ is ready in /.test(l));
    return {
      status: r.status, stdout: r.stdout, line: lines.length === 1 ? lines[0] : lines.join(' | '),
      left: [...fs.readdirSync(tmp), ...processesUnder(tmp)],
    };
  }

  // Each kind of bad input once as a process (the other cases of each kind run in process, in template.test.ts).
  test('bad input: one line, exit code 2, nothing left running (every case at once, each a process of its own)', async () => {
    const one = writeAssembly(path.join(root, 'one'), { One: { Resources: { Cache: plainGroup() } } });
    const bad = (cache: Template['Resources'][string]) => writeAssembly(path.join(root, `bad-${++n}`), { One: { Resources: { Cache: cache } } });
    const exitsAtStart = (resources: Template['Resources']) => writeAssembly(path.join(root, `exits-${++n}`), {
      One: { Resources: { Cache: plainGroup() } }, // starts, and must be stopped
      Two: { Resources: resources },
    });
    const taken = net.createServer();
    await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const cases: Array<[string, string[], RegExp]> = [
      ['not a cloud assembly', ['--app', root], /^Not a cloud assembly: .* has no manifest\.json/],
      ['a stack that is not there', ['--app', one, '--stack', 'Two'], /^No stack Two in .*: its stacks are One\.$/],
      ['a secondary of a global datastore', ['--app', bad(plainGroup({ GlobalReplicationGroupId: 'ldgnf-global' }))],
        /^One\/Cache cannot run locally: it is a secondary member of a global datastore \(its engine, node type and parameters come from /],
      ['a port already taken', ['--app', one, '--port', String(port)],
        new RegExp(`^One/Cache node 0001-001: port ${port} on 127\\.0\\.0\\.1 is already taken: choose another --port`)],
      ['a parameter the server refuses', ['--app', exitsAtStart({
        Params: {
          Type: 'AWS::ElastiCache::ParameterGroup',
          Properties: { CacheParameterGroupFamily: 'valkey8', Properties: { 'maxmemory-policy': 'most-recent' } },
        },
        Cache: plainGroup({ CacheParameterGroupName: { Ref: 'Params' } }),
      })], /^Two\/Cache: the parameter maxmemory-policy=most-recent of its parameter group is refused by the local server: argument/],
      ['an access string the server refuses', ['--app', exitsAtStart({
        Users: { Type: 'AWS::ElastiCache::UserGroup', Properties: { Engine: 'valkey', UserGroupId: 'users', UserIds: ['default-user', 'app'] } },
        Default: { Type: 'AWS::ElastiCache::User', Properties: { UserId: 'default-user', UserName: 'default', AccessString: 'off -@all',
          Engine: 'valkey', AuthenticationMode: { Type: 'no-password-required' } } },
        App: { Type: 'AWS::ElastiCache::User', Properties: { UserId: 'app', UserName: 'app', AccessString: 'on ~* +@everything', Engine: 'valkey',
          AuthenticationMode: { Type: 'password', Passwords: ['a-password-of-16-chars'] } } },
        Cache: plainGroup({ UserGroupIds: [{ Ref: 'Users' }] }),
      })], /^Two\/Cache: the access string of the user app is refused by the local server: Error in applying operation '\+@everything'/],
    ];
    try {
      const results = await Promise.all(cases.map(([, args]) => refused(args)));
      expect(results.map((r, i) => ({ case: cases[i][0], ...r }))).toEqual(cases.map(([name, , message]) => ({
        case: name, status: 2, stdout: '', line: expect.stringMatching(message), left: [],
      })));
    } finally {
      taken.close();
    }
  });

  test('runs until SIGTERM: a 2-shard cluster with the template\'s slots, the consumer\'s variables, the env file; then stops', async () => {
    const dir = writeAssembly(path.join(root, 'good'), {
      Shop: {
        Resources: {
          Cache: {
            Type: 'AWS::ElastiCache::ReplicationGroup',
            Properties: {
              Engine: 'valkey', ReplicationGroupId: 'shop', ClusterMode: 'enabled', NumNodeGroups: 2, ReplicasPerNodeGroup: 0,
              CacheParameterGroupName: 'default.valkey8.cluster.on', TransitEncryptionEnabled: false,
              NodeGroupConfiguration: [{ NodeGroupId: '0001', Slots: '0-99,200-16383' }, { NodeGroupId: '0002', Slots: '100-199' }],
            },
          },
          Api: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Environment: {
                Variables: {
                  CACHE_ENGINE: 'valkey', CACHE_ID: { Ref: 'Cache' }, CACHE_HOST: { 'Fn::GetAtt': ['Cache', 'ConfigurationEndPoint.Address'] },
                  CACHE_PORT: '6379', CACHE_TLS: 'false', CACHE_AUTH: 'none', CACHE_CLUSTER: 'true', OTHER: 'kept out',
                },
              },
            },
          },
        },
      },
    });
    const tmp = tmpdir();
    const envFile = path.join(root, 'shop.env');
    const child: ChildProcess = spawn(process.execPath, [built.cli, 'local', '--app', dir, '--json', '--write-env', envFile],
      { env: { PATH: process.env.PATH, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', d => { stdout += d; });
    child.stderr!.on('data', d => { stderr += d; });
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!/Ctrl-C stops them/.test(stderr) && child.exitCode === null && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 50));
    }
    expect(stderr).toMatch(/Ctrl-C stops them/);
    const session = JSON.parse(stdout);
    const [cache] = session.caches;
    expect(cache.shards).toEqual([{ id: '0001', slots: '0-99,200-16383', replicas: 0 }, { id: '0002', slots: '100-199', replicas: 0 }]);
    const [consumer] = session.consumers;
    expect(consumer).toEqual({ id: 'Shop/Api', type: 'AWS::Lambda::Function', caches: ['Shop/Cache'], environment: {
      CACHE_AUTH: 'none', CACHE_CLUSTER: 'true', CACHE_ENGINE: 'valkey', CACHE_HOST: 'localhost', CACHE_ID: 'shop',
      CACHE_PORT: String(cache.port), CACHE_TLS: 'false',
    } });
    expect(fs.readFileSync(envFile, 'utf8')).toContain(`CACHE_PORT=${cache.port}\n`);

    const client = new Valkey({ host: '127.0.0.1', port: cache.port, maxRetriesPerRequest: 1, retryStrategy: () => null });
    const slots = (await client.call('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>)
      .map(([start, end, [, port]]) => [start, end, port]).sort((a, b) => a[0] - b[0]);
    client.disconnect();
    const [first, second] = cache.nodes.map((node: { port: number }) => node.port);
    expect(slots).toEqual([[0, 99, first], [100, 199, second], [200, 16383, first]]);

    const pids: number[] = cache.nodes.map((node: { pid: number }) => node.pid);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr.trim().split('\n').pop()).toBe('SIGTERM: stopped 2 servers and removed the session\'s files.');
    expect(pids.filter(pid => processesUnder(tmp).some(p => p.startsWith(`${pid} `)))).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(processesUnder(tmp)).toEqual([]);
  }, 30_000);
});
