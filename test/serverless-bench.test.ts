import { App } from 'aws-cdk-lib';
import { buildServerlessBenchApp } from '../bench/serverless';
import { BenchMode, CACHES_PER_STACK } from '../bench/shared';

/**
 * The serverless synth benchmark (`npm run bench -- --cache serverless`) is only meaningful while its hand-written
 * L1 app synthesizes exactly what the library's default serverless cache does. When a default changes, this test
 * fails: update `handWrittenServerlessCache` in bench/serverless.ts to match.
 */
describe('serverless bench apps', () => {
  const templates = (mode: BenchMode) => {
    const assembly = buildServerlessBenchApp(new App(), mode, 2).synth();
    return Object.fromEntries(assembly.stacks.map(s => [s.stackName, s.template]));
  };
  const library = templates('library');

  test('the hand-written L1 app synthesizes the same templates as the library default', () => {
    expect(Object.keys(library)).toEqual(['Network', 'Caches1']);
    expect(Object.values(library.Caches1.Resources as Record<string, { Type: string }>).map(r => r.Type))
      .toContain('AWS::ElastiCache::ServerlessCache');
    expect(templates('l1')).toEqual(library);
  });

  test('a stack of caches stays under the CloudFormation resource limit', () => {
    const perCache = Object.keys(library.Caches1.Resources).length / 2;
    expect(perCache * CACHES_PER_STACK).toBeLessThanOrEqual(500);
  });
});
