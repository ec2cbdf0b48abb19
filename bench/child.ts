/**
 * One benchmark measurement, run in its own process by `bench/run.ts`:
 *
 *   tsx bench/child.ts <library|l1> <N> [--shape default|sharded|serverless] [--validation]
 *
 * Builds the app of `bench/app.ts`, synthesizes it into a temporary directory and prints one JSON
 * line: the time to load the modules, to build the constructs and to synthesize, and the peak
 * resident memory of the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildBenchApp } from './app';
import { BENCH_MODES, BENCH_SHAPES, BenchMode, BenchShape } from './shared';

/** What a child reports. Times in milliseconds, memory in bytes. */
export interface BenchSample {
  readonly mode: BenchMode;
  readonly shape: BenchShape;
  readonly n: number;
  readonly validation: boolean;
  /** From process start to the first line of `main` (node, tsx, aws-cdk-lib and the library loaded). */
  readonly loadMs: number;
  /** Building the constructs. */
  readonly constructMs: number;
  /** `app.synth()`. */
  readonly synthMs: number;
  /** CPU time (user + system, all threads) of building and synthesizing: less disturbed by other processes than wall time. */
  readonly cpuMs: number;
  /** The resources in the synthesized templates. */
  readonly resources: number;
  /** Peak resident set size of the process. */
  readonly maxRssBytes: number;
  /** Heap in use after synthesis. */
  readonly heapUsedBytes: number;
}

function main(): void {
  const loadMs = performance.now();
  const [mode, nText] = process.argv.slice(2);
  const n = Number(nText);
  if (!BENCH_MODES.includes(mode as BenchMode) || !Number.isInteger(n) || n < 0) {
    throw new Error(`usage: tsx bench/child.ts <${BENCH_MODES.join('|')}> <N> [--validation]; got ${process.argv.slice(2).join(' ')}`);
  }
  const validation = process.argv.includes('--validation');
  const shapeAt = process.argv.indexOf('--shape');
  const shape = (shapeAt > 0 ? process.argv[shapeAt + 1] : 'default') as BenchShape;
  if (!BENCH_SHAPES.includes(shape)) {
    throw new Error(`--shape takes ${BENCH_SHAPES.join(' or ')}; got ${shape}`);
  }
  // aws-cdk-lib's CloudFormation template validation (~1 s per synth, the same in both modes).
  process.env.CDK_VALIDATION = validation ? 'true' : 'false';

  const outdir = mkdtempSync(join(tmpdir(), 'cdk-elasticache-bench-'));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const app = buildBenchApp(new App({ outdir }), mode as BenchMode, n, shape);
    const t1 = performance.now();
    const assembly = app.synth();
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const resources = assembly.stacks.reduce((sum, s) => sum + Object.keys(s.template.Resources ?? {}).length, 0);
    const sample: BenchSample = {
      mode: mode as BenchMode,
      shape,
      n,
      validation,
      loadMs,
      constructMs: t1 - t0,
      synthMs: t2 - t1,
      cpuMs: (cpu.user + cpu.system) / 1000,
      resources,
      // maxRSS is in kilobytes.
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
