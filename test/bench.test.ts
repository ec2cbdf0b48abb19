import { App } from 'aws-cdk-lib';
import { buildBenchApp } from '../bench/app';
import { BenchMode, BenchShape, CACHES_PER_STACK } from '../bench/shared';

/**
 * The synth benchmark (`npm run bench`) is only meaningful while its hand-written L1 app synthesizes
 * exactly what the library's production default does. When a default changes, this test fails:
 * update `handWrittenCache` in bench/app.ts to match.
 */
describe('bench apps', () => {
  const templates = (mode: BenchMode, shape: BenchShape = 'default') => {
    const assembly = buildBenchApp(new App(), mode, 2, shape).synth();
    return Object.fromEntries(assembly.stacks.map(s => [s.stackName, s.template]));
  };

  const library = templates('library');

  test('the hand-written L1 app synthesizes the same templates as the library default', () => {
    expect(Object.keys(library)).toEqual(['Network', 'Caches1']);
    expect(templates('l1')).toEqual(library);
  });

  test('the hand-written sharded group (3 shards x 2 replicas) synthesizes the same templates as the library', () => {
    const sharded = templates('library', 'sharded');
    const groups = Object.values(sharded.Caches1.Resources as Record<string, { Properties?: { NumNodeGroups?: number } }>);
    expect(groups.some(r => r.Properties?.NumNodeGroups === 3)).toBe(true);
    expect(templates('l1', 'sharded')).toEqual(sharded);
  });

  test('a stack of caches stays under the CloudFormation resource limit', () => {
    const perCache = Object.keys(library.Caches1.Resources).length / 2;
    expect(perCache * CACHES_PER_STACK).toBeLessThanOrEqual(500);
  });
});
