/**
 * The start-time benchmark of `cdk-elasticache local`: `npm run bench:local [-- --repeat 5]`.
 *
 * Synthesizes the example app (bin/app.ts) once, then starts, one at a time and `--repeat` times each,
 * the production default (CacheStack/Cache: a primary and a replica, TLS, RBAC) and the 3x2 cluster
 * (ShardedCacheStack/Cache: 9 nodes, TLS, RBAC) with `startLocalCaches()`, and prints the time from the
 * call until every server answers (the session CA made, the nodes started, replication, and for the
 * cluster its slots and replicas agreed by every node), the best and the median. Targets: 2 s and 5 s.
 *
 * A cluster node does not serve before 2 s after its start (Valkey's CLUSTER_WRITABLE_DELAY: a
 * restarted primary waits for the cluster to reconfigure it), which is most of the cluster's time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import { startLocalCaches } from '../lib/local';

const TARGETS: Array<{ cache: string; label: string; targetMs: number }> = [
  { cache: 'CacheStack/Cache', label: 'default (primary + replica, TLS, RBAC)', targetMs: 2_000 },
  { cache: 'ShardedCacheStack/Cache', label: '3x2 cluster (9 nodes, TLS, RBAC)', targetMs: 5_000 },
];

async function main(): Promise<number> {
  const repeatIndex = process.argv.indexOf('--repeat');
  const repeat = repeatIndex > 0 ? Number(process.argv[repeatIndex + 1]) : 5;
  process.env.CDK_VALIDATION = 'false';
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-local-'));
  try {
    const synthStarted = Date.now();
    const assembly = buildApp(new App({ outdir })).synth();
    process.stdout.write(`example app synthesized in ${Date.now() - synthStarted} ms (not counted below)\n\n`);
    process.stdout.write('| cache | best | median | target |\n| --- | --- | --- | --- |\n');
    let failed = false;
    for (const target of TARGETS) {
      const samples: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const started = process.hrtime.bigint();
        const session = await startLocalCaches({ assembly: assembly.directory, cache: target.cache });
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        await session.stop();
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)];
      failed ||= median > target.targetMs;
      process.stdout.write(`| ${target.label} | ${(samples[0] / 1000).toFixed(2)} s | ${(median / 1000).toFixed(2)} s | `
        + `${target.targetMs / 1000} s${median > target.targetMs ? ' (missed)' : ''} |\n`);
    }
    return failed ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().then(code => {
  process.exitCode = code;
}, e => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 2;
});
