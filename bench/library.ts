/**
 * The library the benchmark measures. `bench/run.ts` compiles it first, as npm installs it (JavaScript
 * without source maps: the package ships none), and names the build in `CDK_ELASTICACHE_BENCH_LIBRARY`;
 * without it (the template tests of `test/bench.test.ts`) the TypeScript sources are loaded.
 *
 * Why not the sources: node, started by tsx, maps every stack frame of a `.ts` file through its
 * source map, and aws-cdk-lib captures a stack trace for each resource it creates. Run from its
 * sources, the library's frames were mapped at each of those captures and the hand-written app's
 * aws-cdk-lib frames were not, a cost the library's users do not pay.
 */
import type * as Library from '../lib';

const compiled = process.env.CDK_ELASTICACHE_BENCH_LIBRARY;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const library: typeof Library = compiled ? require(compiled) : require('../lib');
