/**
 * The synth benchmark: `npm run bench [-- options]`.
 *
 * For each shape (the production default, and the canonical sharded group: cluster mode enabled,
 * 3 shards x 2 replicas) and each N it synthesizes an app with one shared VPC and N replication
 * groups twice, built with the library and written by hand with L1 constructs (`bench/app.ts`; both
 * synthesize the same templates), each run in a fresh process (`bench/child.ts`), and prints the time
 * to build and synthesize the app, the whole process time and the peak memory of both, with their
 * ratios, and the cost of each added cache.
 *
 * Times are the best of `--repeat` runs (other processes on the machine only ever add time); the
 * CPU time (user + system, all threads) is printed too, as it is less disturbed by them than wall
 * time. Peak memory is the median.
 *
 * Options:
 *   --sizes 1,10,100,300   the values of N
 *   --shapes default,sharded,serverless  which caches
 *   --repeat 5             runs per (mode, N)
 *   --sources              measure the library's TypeScript sources (through tsx) instead of its compiled
 *                          JavaScript (see bench/library.ts)
 *   --validation           keep aws-cdk-lib's CloudFormation template validation on. Off by default:
 *                          it costs the same in both modes (about a second per synthesis) and would
 *                          hide the construct cost this benchmark compares
 *   --cpu-prof DIR         write a V8 CPU profile of every run to DIR (open in Chrome DevTools)
 *   --json FILE            also write the raw samples to FILE
 *   --max-ratio R          exit 1 when the library / L1 time ratio at the largest N is above R, for
 *                          every shape; or per shape: --max-ratio default=1.15,sharded=1.3
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH_MODES, BENCH_SHAPES, BenchMode, BenchShape } from './shared';
import type { BenchSample } from './child';

interface Options {
  readonly sizes: number[];
  readonly shapes: BenchShape[];
  readonly repeat: number;
  readonly validation: boolean;
  readonly sources: boolean;
  readonly cpuProf?: string;
  readonly json?: string;
  readonly maxRatio: Partial<Record<BenchShape, number>>;
}

/** A sample with the process time the parent measured. */
interface Measured extends BenchSample {
  readonly processMs: number;
}

const USAGE = 'Options: --sizes 1,10,100,300 --shapes default,sharded,serverless --repeat 5 --sources --validation --cpu-prof DIR --json FILE '
  + '--max-ratio R|default=R,sharded=R';

function parseArgs(argv: string[]): Options {
  let sizes = [1, 10, 100, 300];
  let repeat = 5;
  let validation = false;
  let sources = false;
  let cpuProf: string | undefined;
  let json: string | undefined;
  let shapes: BenchShape[] = [...BENCH_SHAPES];
  const maxRatio: Partial<Record<BenchShape, number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${arg} needs a value. ${USAGE}`);
      }
      return v;
    };
    switch (arg) {
      case '--sizes': sizes = value().split(',').map(Number); break;
      case '--repeat': repeat = Number(value()); break;
      case '--validation': validation = true; break;
      case '--sources': sources = true; break;
      case '--cpu-prof': cpuProf = resolve(value()); break;
      case '--json': json = value(); break;
      case '--shapes': shapes = value().split(',') as BenchShape[]; break;
      case '--max-ratio':
        for (const part of value().split(',')) {
          const [shape, ratio] = part.includes('=') ? part.split('=') : [undefined, part];
          for (const sh of shape ? [shape as BenchShape] : BENCH_SHAPES) {
            maxRatio[sh] = Number(ratio);
          }
        }
        break;
      default: throw new Error(`Unknown option ${arg}. ${USAGE}`);
    }
  }
  const badRatio = Object.entries(maxRatio).some(([sh, r]) => !BENCH_SHAPES.includes(sh as BenchShape) || !(r! > 0));
  if (shapes.some(sh => !BENCH_SHAPES.includes(sh)) || badRatio) {
    throw new Error(`--shapes and --max-ratio take the shapes ${BENCH_SHAPES.join(', ')} (and positive ratios). ${USAGE}`);
  }
  if (sizes.some(n => !Number.isInteger(n) || n < 1) || !Number.isInteger(repeat) || repeat < 1) {
    throw new Error(`--sizes takes positive integers and --repeat a positive integer. ${USAGE}`);
  }
  return { sizes, shapes, repeat, validation, sources, cpuProf, json, maxRatio };
}

/**
 * Compiles the library as its package ships it (JavaScript, no source maps) into `.bench/`, inside the
 * project so that it loads the project's aws-cdk-lib; returns the module to load (bench/library.ts).
 */
function compileLibrary(): string {
  const root = resolve(__dirname, '..');
  const outDir = join(root, '.bench', 'build');
  rmSync(outDir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'),
    '--outDir', outDir, '--sourceMap', 'false', '--declaration', 'false'], { encoding: 'utf-8' });
  if (result.status !== 0) {
    throw new Error(`compiling the library failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return join(outDir, 'lib', 'index.js');
}

/** Runs one measurement in a fresh process: node with tsx, as `npm run bench` itself. */
function measure(mode: BenchMode, shape: BenchShape, n: number, options: Options, library?: string): Measured {
  const profile = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProf, `${shape}-${mode}-${n}`)] : [];
  const args = [...profile, '--import', 'tsx', join(__dirname, 'child.ts'), mode, String(n), '--shape', shape,
    ...(options.validation ? ['--validation'] : [])];
  const start = performance.now();
  const env = library ? { ...process.env, CDK_ELASTICACHE_BENCH_LIBRARY: library } : process.env;
  const result = spawnSync(process.execPath, args, { encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024, env });
  const processMs = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`bench child ${mode} ${n} failed (exit ${result.status}):\n${result.stderr}`);
  }
  const line = result.stdout.trim().split('\n').pop()!;
  return { ...(JSON.parse(line) as BenchSample), processMs };
}

const min = (values: number[]): number => Math.min(...values);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type PerMode = Record<BenchMode, number>;

interface Summary {
  readonly shape: BenchShape;
  readonly n: number;
  readonly resources: number;
  /** Build + synth wall time, ms (best of the runs). */
  readonly work: PerMode;
  /** Build + synth CPU time, ms (best of the runs). */
  readonly cpu: PerMode;
  /** Whole process wall time, ms (best of the runs). */
  readonly process: PerMode;
  /** Peak RSS, MB (median). */
  readonly rss: PerMode;
}

function summarize(all: Measured[], shape: BenchShape, n: number): Summary {
  const samples = all.filter(s => s.shape === shape);
  const pick = (f: (s: Measured) => number, agg: (v: number[]) => number) =>
    Object.fromEntries(BENCH_MODES.map(m => [m, agg(samples.filter(s => s.mode === m && s.n === n).map(f))])) as PerMode;
  const resources = new Set(samples.filter(s => s.n === n).map(s => s.resources));
  if (resources.size !== 1) {
    throw new Error(`${shape} N=${n}: the library and the L1 apps synthesize different resource counts (${[...resources].join(' vs ')})`);
  }
  return {
    shape,
    n,
    resources: [...resources][0],
    work: pick(s => s.constructMs + s.synthMs, min),
    cpu: pick(s => s.cpuMs, min),
    process: pick(s => s.processMs, min),
    rss: pick(s => s.maxRssBytes / 1024 / 1024, median),
  };
}

const fmt = (v: number, digits = 0) => v.toFixed(digits);
const pair = (v: PerMode, digits = 0) => `${fmt(v.library, digits)} / ${fmt(v.l1, digits)} | ${fmt(v.library / v.l1, 2)}`;

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.cpuProf) {
    mkdirSync(options.cpuProf, { recursive: true });
  }
  const samples: Measured[] = [];
  const library = options.sources ? undefined : compileLibrary();
  console.log(`cdk-elasticache synth benchmark: N = ${options.sizes.join(', ')} replication groups (${options.shapes.join(', ')}), `
    + `best of ${options.repeat} runs, the library's ${library ? 'compiled JavaScript' : 'TypeScript sources'}, `
    + `template validation ${options.validation ? 'on' : 'off'}, node ${process.version}`);
  for (const shape of options.shapes) {
    for (const n of options.sizes) {
      for (let r = 0; r < options.repeat; r++) {
        // Alternate the order so that neither mode always runs second.
        for (const mode of r % 2 === 0 ? BENCH_MODES : [...BENCH_MODES].reverse()) {
          const s = measure(mode, shape, n, options, library);
          samples.push(s);
          process.stderr.write(`  ${shape.padEnd(7)} ${mode.padEnd(7)} N=${String(n).padEnd(4)} build ${fmt(s.constructMs)} ms, `
            + `synth ${fmt(s.synthMs)} ms, CPU ${fmt(s.cpuMs)} ms, process ${fmt(s.processMs)} ms, peak RSS ${fmt(s.maxRssBytes / 1048576)} MB\n`);
        }
      }
    }
  }
  const rows = options.shapes.flatMap(shape => options.sizes.map(n => summarize(samples, shape, n)));

  console.log('');
  console.log('| shape | N | resources | build+synth ms, library / L1 | ratio | CPU ms, library / L1 | ratio '
    + '| process ms, library / L1 | ratio | peak RSS MB, library / L1 | ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.shape} | ${r.n} | ${r.resources} | ${pair(r.work)} | ${pair(r.cpu)} | ${pair(r.process)} | ${pair(r.rss)} |`);
  }

  // Linearity: the cost of each added cache between consecutive sizes should not grow with N.
  if (options.sizes.length > 1) {
    console.log('');
    console.log('Cost of each added cache (build+synth wall ms; CPU ms), between consecutive N:');
    for (const shape of options.shapes) {
      const own = rows.filter(r => r.shape === shape);
      for (let i = 1; i < own.length; i++) {
        const [a, b] = [own[i - 1], own[i]];
        const slope = (v: (r: Summary) => PerMode, mode: BenchMode) => fmt((v(b)[mode] - v(a)[mode]) / (b.n - a.n), 2);
        console.log(`  ${shape} N ${a.n} -> ${b.n}: library ${slope(r => r.work, 'library')}; ${slope(r => r.cpu, 'library')}`
          + `   L1 ${slope(r => r.work, 'l1')}; ${slope(r => r.cpu, 'l1')}`);
      }
    }
  }

  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ options, samples, rows }, null, 2));
  }
  for (const shape of options.shapes) {
    const last = rows.filter(r => r.shape === shape).pop()!;
    const ratio = last.work.library / last.work.l1;
    const max = options.maxRatio[shape];
    if (max !== undefined && ratio > max) {
      console.error(`\nThe ${shape} build+synth time ratio at N=${last.n} is ${fmt(ratio, 2)}, above --max-ratio ${max}.`);
      process.exitCode = 1;
    }
  }
}

main();
