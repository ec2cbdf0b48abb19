// The runtime code must not need aws-cdk-lib (an operator's laptop or a Lambda function has none):
// statically, no file reachable from lib/ops or bin/cli.ts imports aws-cdk-lib or constructs; and
// the command, installed next to a node_modules without them, runs.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BuiltCli, buildCli, importGraph, ROOT } from './build-cli';
import { bareEnv, runCli } from './run-cli';

const CDK = ['aws-cdk-lib', 'constructs'];

// Five processes at once take seconds on a busy 2-core machine.
jest.setTimeout(30_000);

describe('nothing under lib/ops (nor bin/cli.ts) imports aws-cdk-lib or constructs, even transitively', () => {
  const entries = [
    ...readdirSync(path.join(ROOT, 'lib', 'ops')).filter(f => f.endsWith('.ts')).map(f => path.join(ROOT, 'lib', 'ops', f)),
    path.join(ROOT, 'bin', 'cli.ts'),
  ];
  const graph = importGraph(entries);

  test.each(CDK)('%s', pkg => {
    expect(graph.packages.get(pkg) ?? []).toEqual([]);
  });

  test('the walk follows local imports out of lib/ops (so it would see engine.ts -> aws-cdk-lib)', () => {
    const files = graph.files.map(f => path.relative(ROOT, f));
    expect(files).toEqual(expect.arrayContaining(['bin/cli.ts', 'lib/ops/describe.ts', 'lib/cache-engine.ts']));
    // The constructs' engine module is what used to pull aws-cdk-lib in: the walk does see it there.
    expect(importGraph([path.join(ROOT, 'lib', 'engine.ts')]).packages.get('aws-cdk-lib')).toEqual(['lib/engine.ts']);
  });
});

describe('the command installed without aws-cdk-lib and constructs', () => {
  let built: BuiltCli;
  let home: string;
  beforeAll(() => {
    built = buildCli(CDK);
    home = mkdtempSync(path.join(tmpdir(), 'cli-nocdk-'));
  });
  afterAll(() => {
    built?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  test('aws-cdk-lib and constructs cannot be resolved from it', () => {
    for (const pkg of CDK) {
      expect(existsSync(path.join(built.dir, 'node_modules', pkg))).toBe(false);
      expect(() => require.resolve(pkg, { paths: [path.dirname(built.cli)] })).toThrow(/Cannot (find|resolve) module/);
    }
    expect(require.resolve('@aws-sdk/client-elasticache', { paths: [path.dirname(built.cli)] })).toBeTruthy();
  });

  test('--help, --version, a usage error and AWS errors: output and exit codes, no stack trace', async () => {
    const env = bareEnv(home);
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const [help, ver, emptyId, noRegion, noCredentials] = await Promise.all([
      runCli(built.cli, ['--help'], env),
      runCli(built.cli, ['--version'], env),
      runCli(built.cli, ['describe', ''], env),
      runCli(built.cli, ['describe', 'my-cache'], env),
      // A region but no credentials anywhere: the credential chain fails without a network call.
      runCli(built.cli, ['describe', 'my-cache', '--endpoint-url', 'http://127.0.0.1:9'], { ...env, AWS_REGION: 'eu-west-1' }),
    ]);
    expect(help).toEqual({ status: 0, stdout: expect.stringMatching(/^Usage: cdk-elasticache <command> \[<id>\] \[options\]\n/), stderr: '' });
    expect(ver).toEqual({ status: 0, stdout: `cdk-elasticache ${version}\n`, stderr: '' });
    expect(emptyId).toEqual({ status: 2, stdout: '', stderr: expect.stringMatching(/^Invalid cache id: got ''\. Allowed: [^\n]+\n$/) });
    expect(noRegion).toEqual({ status: 2, stdout: '',
      stderr: 'DescribeReplicationGroups failed: no AWS region: set AWS_REGION, give your profile a region, or pass --region\n' });
    expect(noCredentials).toEqual({ status: 2, stdout: '', stderr: expect.stringMatching(/^DescribeReplicationGroups failed: no AWS credentials: [^\n]+\n$/) });
  });
});
