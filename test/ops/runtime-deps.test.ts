// The runtime code must not need aws-cdk-lib (an operator's laptop or a Lambda function has none):
// statically, no file reachable from lib/ops or bin/cli.ts imports aws-cdk-lib or constructs; and
// the command, installed next to a node_modules without them, runs.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { importGraph, ROOT } from './build-cli';

const CDK = ['aws-cdk-lib', 'constructs'];

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
