/**
 * The runtime helper's cost: `npm run bench:client [-- --repeat 15 --check]`.
 *
 * Bundles a Lambda handler that reads a key through `cdk-elasticache/client` (bench/client/password-helper.ts,
 * the README's runtime snippet; the same code serves a cache with IAM) and the same handlers written by
 * hand (bench/client/password-hand.ts, bench/client/iam-hand.ts), with esbuild as aws-cdk-lib's
 * `NodejsFunction` does by default (bundled, CommonJS, platform node, target node22, `@aws-sdk/*`
 * external since the Lambda runtime has it), plain and minified. Then runs each bundle cold, in a
 * fresh node process, against a real valkey-server, with the secret served by a local Secrets
 * Manager stand-in: the time to load the bundle, and to the handler's first answer (secret read or
 * token signed, connection, GET). Runs are paired (helper and hand-written one after the other, in
 * alternating order) and the medians given, with the median of the paired differences.
 *
 * Options:
 *   --repeat 15   runs per handler
 *   --check       exit 1 unless the password handler with the helper is within 30 kB (plain and
 *                 minified) and 5 ms (load, and first answer) of the hand-written one
 *   --json FILE   also write the samples to FILE
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { bundleClient } from '../scripts/bundle-client';
import { RunningServer, startValkey } from '../test/servers/harness';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, '.bench', 'client');
const PASSWORD = 'bench-password-0123456789';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-AbCdEf';

/** What is measured: a bundle, run with a cache's variables. */
interface Handler {
  readonly name: string;
  readonly source: string;
  readonly auth: 'password' | 'iam';
}

const HANDLERS: Handler[] = [
  { name: 'password, helper', source: 'password-helper.ts', auth: 'password' },
  { name: 'password, by hand', source: 'password-hand.ts', auth: 'password' },
  { name: 'IAM, helper', source: 'password-helper.ts', auth: 'iam' },
  { name: 'IAM, by hand', source: 'iam-hand.ts', auth: 'iam' },
];

/** The pairs compared: the helper's handler and the hand-written one for the same cache. */
const PAIRS: [string, string][] = [['password, helper', 'password, by hand'], ['IAM, helper', 'IAM, by hand']];

const TARGET_BYTES = 30 * 1024;
const TARGET_MS = 5;

interface Sample {
  /** Loading the bundle (require), ms. */
  readonly load: number;
  /** From loaded to the handler's first answer, ms. */
  readonly first: number;
  /** Heap in use after the first answer, bytes. */
  readonly heap: number;
}

function parseArgs(argv: string[]): { repeat: number; check: boolean; json?: string } {
  let repeat = 15;
  let check = false;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--repeat': repeat = Number(argv[++i]); break;
      case '--check': check = true; break;
      case '--json': json = argv[++i]; break;
      default: throw new Error(`Unknown option ${argv[i]}. Options: --repeat 15 --check --json FILE`);
    }
  }
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a positive integer.');
  return { repeat, check, ...(json ? { json } : {}) };
}

/**
 * esbuild as NodejsFunction runs it for a Node.js 22 function (its defaults), and the same minified.
 * The helper is the one the package ships (`shipped`, scripts/bundle-client.ts), not its TypeScript.
 */
function bundle(source: string, minify: boolean, shipped: string): string {
  const outfile = join(OUT, `${source.replace(/\.ts$/, '')}${minify ? '.min' : ''}.js`);
  // The handler, importing the shipped helper instead of lib/client (inside the project: packages resolve).
  const entry = join(OUT, 'src', source);
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, readFileSync(join(__dirname, 'client', source), 'utf8').replace("'../../lib/client'", JSON.stringify(shipped)));
  buildSync({
    entryPoints: [entry], bundle: true, platform: 'node', target: 'node22', format: 'cjs',
    external: ['@aws-sdk/*'], minify, outfile, logLevel: 'error',
  });
  return outfile;
}

/** A Secrets Manager stand-in: every request gets the secret. */
function secretsManager(): Promise<http.Server> {
  const body = JSON.stringify({ ARN: SECRET_ARN, Name: 'bench', VersionId: 'v1', SecretString: JSON.stringify({ username: 'app', password: PASSWORD }) });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(body));
  });
  return new Promise(r => server.listen(0, '127.0.0.1', () => r(server)));
}

function environment(handler: Handler, cache: RunningServer, endpoint: string): NodeJS.ProcessEnv {
  const base = {
    PATH: process.env.PATH, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CACHE_ENGINE: 'valkey', CACHE_ID: 'bench', CACHE_HOST: cache.host, CACHE_PORT: String(cache.port), CACHE_TLS: 'false',
  };
  return handler.auth === 'iam'
    ? { ...base, CACHE_AUTH: 'iam', CACHE_USER: 'app-iam' }
    : { ...base, CACHE_AUTH: 'rbac-password', CACHE_USER: 'app', CACHE_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint };
}

/**
 * One cold run: a fresh node process loads the bundle and calls the handler once. Asynchronous: the
 * Secrets Manager stand-in answers from this process.
 */
function run(file: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const script = `
    const t0 = performance.now();
    const { handler } = require(${JSON.stringify(file)});
    const t1 = performance.now();
    handler().then(value => {
      if (value !== 'hello') throw new Error('unexpected answer: ' + value);
      process.stdout.write(JSON.stringify({ load: t1 - t0, first: performance.now() - t1, heap: process.memoryUsage().heapUsed }));
      process.exit(0);
    }, e => { console.error(e); process.exit(1); });
  `;
  return new Promise((resolvePromise, reject) => {
    // From the project, so that the external @aws-sdk/* resolve as the Lambda runtime's would.
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { err += d; });
    child.on('close', code => (code === 0 ? resolvePromise(JSON.parse(out) as Sample) : reject(new Error(`${file} failed (exit ${code}): ${err}`))));
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const signed = (value: number, unit: (v: number) => string) => `${value >= 0 ? '+' : '-'}${unit(Math.abs(value))}`;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const shipped = join(OUT, 'shipped', 'client.js');
  bundleClient(shipped);
  const files = new Map<string, { plain: string; minified: string }>();
  for (const source of new Set(HANDLERS.map(h => h.source))) {
    files.set(source, { plain: bundle(source, false, shipped), minified: bundle(source, true, shipped) });
  }
  const size = (h: Handler) => ({ plain: statSync(files.get(h.source)!.plain).size, minified: statSync(files.get(h.source)!.minified).size });

  const cache = await startValkey();
  const stub = await secretsManager();
  const samples = new Map<string, Sample[]>(HANDLERS.map(h => [h.name, []]));
  try {
    const admin = spawnSync('valkey-cli', ['-h', cache.host, '-p', String(cache.port), 'ACL', 'SETUSER', 'app', 'on', `>${PASSWORD}`, '~*', '+@all'],
      { encoding: 'utf8' });
    // The IAM user: Valkey checks no IAM token, so any password passes (ElastiCache checks the signature).
    spawnSync('valkey-cli', ['-h', cache.host, '-p', String(cache.port), 'ACL', 'SETUSER', 'app-iam', 'on', 'nopass', '~*', '+@all']);
    spawnSync('valkey-cli', ['-h', cache.host, '-p', String(cache.port), 'SET', 'greeting', 'hello']);
    if (admin.status !== 0) throw new Error(`valkey-cli failed: ${admin.stderr}`);
    const endpoint = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const byName = new Map(HANDLERS.map(h => [h.name, h]));
    for (let i = 0; i < options.repeat; i++) {
      for (const pair of PAIRS) {
        for (const name of i % 2 ? [...pair].reverse() : pair) {
          const h = byName.get(name)!;
          samples.get(name)!.push(await run(files.get(h.source)!.plain, environment(h, cache, endpoint)));
        }
      }
    }
  } finally {
    stub.close();
    await cache.stop();
  }

  console.log(`Lambda handlers bundled as NodejsFunction does (esbuild, node22, @aws-sdk/* external); ${options.repeat} cold runs each, medians\n`);
  console.log('| handler | bundle | minified | load | first answer | load + first | heap |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const h of HANDLERS) {
    const s = samples.get(h.name)!;
    const { plain, minified } = size(h);
    console.log(`| ${h.name} | ${kB(plain)} | ${kB(minified)} | ${ms(median(s.map(x => x.load)))} | ${ms(median(s.map(x => x.first)))} | `
      + `${ms(median(s.map(x => x.load + x.first)))} | ${(median(s.map(x => x.heap)) / 1024 / 1024).toFixed(1)} MB |`);
  }
  console.log('\n| helper vs by hand | bundle | minified | load (paired median) | load + first (paired median) |');
  console.log('| --- | --- | --- | --- | --- |');
  let ok = true;
  for (const [helper, hand] of PAIRS) {
    const a = byName(helper);
    const b = byName(hand);
    const dPlain = size(a).plain - size(b).plain;
    const dMin = size(a).minified - size(b).minified;
    const sa = samples.get(helper)!;
    const sb = samples.get(hand)!;
    const dLoad = median(sa.map((x, i) => x.load - sb[i].load));
    const dTotal = median(sa.map((x, i) => x.load + x.first - sb[i].load - sb[i].first));
    console.log(`| ${helper.split(',')[0]} | ${signed(dPlain, kB)} | ${signed(dMin, kB)} | ${signed(dLoad, ms)} | ${signed(dTotal, ms)} |`);
    if (helper.startsWith('password')) {
      ok = dPlain <= TARGET_BYTES && dMin <= TARGET_BYTES && dLoad <= TARGET_MS && dTotal <= TARGET_MS;
    }
  }
  console.log(`\nTarget (password handler): within ${kB(TARGET_BYTES)} and ${ms(TARGET_MS)} of the hand-written one: ${ok ? 'met' : 'NOT met'}.`);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ sizes: Object.fromEntries(HANDLERS.map(h => [h.name, size(h)])),
      samples: Object.fromEntries(samples) }, null, 2));
  }
  if (options.check && !ok) process.exitCode = 1;
}

function byName(name: string): Handler {
  return HANDLERS.find(h => h.name === name)!;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
