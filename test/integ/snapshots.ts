/**
 * `npm run integ`: verifies the committed snapshots of the integ tests (`test/integ/integ.*.ts`)
 * without deploying anything; `npm run integ -- --update` rewrites them.
 *
 *   tsx test/integ/snapshots.ts [--update] [TEST...]
 *
 * This is the snapshot half of `integ-runner` (its default run, without `--update-on-failed`),
 * kept until integ-runner can read what aws-cdk-lib writes: @aws-cdk/integ-runner 2.197.10, the
 * newest release, bundles a toolkit that reads cloud assembly schema 53 at most, and
 * aws-cdk-lib 2.276 writes schema 55, so every integ-runner synthesis fails with "Cloud assembly
 * schema version mismatch". It does what integ-runner does:
 *
 * - synthesizes each test app with integ-runner's context (its recommended feature flags, no
 *   lookups, no version reporting) and environment (`CDK_INTEG_ACCOUNT`, `CDK_INTEG_REGION`...);
 * - compares every stack template of the app (the test stacks and the assertion stack) with the
 *   snapshot, asset hashes normalized, and the test manifest (`integ.json`);
 * - writes snapshots in integ-runner's layout, `<test file>.snapshot/`, so that integ-runner reads
 *   them once it supports the schema. Like integ-runner, it removes what depends on the machine
 *   (stack traces, with file system paths) and the asset folders (the 2 MB assertion handler
 *   bundle, which is rebuilt at deployment).
 *
 * It exits 1 when a snapshot is missing or differs, and prints the differences.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const INTEG_DIR = __dirname;
/** integ-runner's TypeScript preset: `integ.<name>.ts`. */
const TEST_FILE = /^integ\.(?!.*\.d\.ts$).*\.ts$/;

/** The environment integ-runner synthesizes with (`DEFAULT_SYNTH_OPTIONS.env`). */
const INTEG_ENV: Record<string, string> = {
  CDK_INTEG_ACCOUNT: '12345678',
  CDK_INTEG_REGION: 'test-region',
  CDK_INTEG_HOSTED_ZONE_ID: 'Z23ABC4XYZL05B',
  CDK_INTEG_HOSTED_ZONE_NAME: 'example.com',
  CDK_INTEG_DOMAIN_NAME: '*.example.com',
  CDK_INTEG_CERT_ARN: 'arn:aws:acm:test-region:12345678:certificate/86468209-a272-595d-b831-0efb6421265z',
  CDK_INTEG_SUBNET_ID: 'subnet-0dff1a399d8f6f92c',
};

/** The context integ-runner synthesizes with: its recommended flags and what the CDK toolkit adds. */
function integContext(): Record<string, unknown> {
  const flags = JSON.parse(readFileSync(require.resolve('@aws-cdk/integ-runner/lib/recommended-feature-flags.json'), 'utf-8'));
  return {
    ...flags,
    'aws:cdk:bundling-stacks': ['**'],
    'aws:cdk:disable-version-reporting': true,
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    // Not in integ-runner: no stack traces, which hold file system paths and change on every edit.
    'aws:cdk:disable-stack-trace': true,
    'aws:cdk:disable-creation-stack-traces': true,
  };
}

/** Runs a test app (`node --import tsx`, from the repository root) and returns its cloud assembly directory. */
function synthesize(testFile: string, outdir: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', relative(ROOT, testFile)], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: { ...process.env, ...INTEG_ENV, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(integContext()) },
  });
  if (result.status !== 0) {
    throw new Error(`${relative(ROOT, testFile)} failed to synthesize (exit ${result.status}):\n${result.stderr}`);
  }
}

interface Manifest {
  readonly artifacts?: Record<string, { type: string; properties?: { templateFile?: string; file?: string } }>;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf-8'));

/** The stack templates of an assembly, by artifact id, with asset hashes replaced by `Asset1`, `Asset2`... */
function templates(dir: string): Record<string, unknown> {
  const manifest: Manifest = readJson(join(dir, 'manifest.json'));
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const result: Record<string, unknown> = {};
  for (const [id, artifact] of artifacts) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) {
      continue;
    }
    const assetManifest = artifacts.find(([assetId, a]) => a.type === 'cdk:asset-manifest' && assetId === `${id}.assets`);
    const hashes = assetManifest?.[1].properties?.file ? assetHashes(join(dir, assetManifest[1].properties.file)) : [];
    result[id] = withoutSalt(normalizeAssets(readJson(join(dir, artifact.properties.templateFile)), hashes));
  }
  return result;
}

/**
 * Drops the `salt` of the assertion custom resources (`Custom::DeployAssert@...`): a timestamp that
 * makes CloudFormation run the assertions again on every deployment, and that changes on every synthesis.
 */
function withoutSalt(template: unknown): unknown {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }).Resources ?? {};
  for (const resource of Object.values(resources)) {
    if (resource.Type?.startsWith('Custom::DeployAssert') && resource.Properties) {
      delete resource.Properties.salt;
    }
  }
  return template;
}

/** The ids of the file and image assets of an asset manifest (the stack template itself excluded). */
function assetHashes(assetManifestFile: string): string[] {
  const manifest = readJson(assetManifestFile);
  return [...Object.entries(manifest.files ?? {}), ...Object.entries(manifest.dockerImages ?? {})]
    .filter(([, entry]) => !String((entry as { source?: { path?: string } }).source?.path ?? '').endsWith('.template.json'))
    .map(([hash]) => hash);
}

function normalizeAssets(value: unknown, hashes: string[]): unknown {
  if (typeof value === 'string') {
    return hashes.reduce((s, hash, i) => s.split(hash).join(`Asset${i + 1}`), value);
  }
  if (Array.isArray(value)) {
    return value.map(v => normalizeAssets(v, hashes));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalizeAssets(k, hashes) as string, normalizeAssets(v, hashes)]));
  }
  return value;
}

/** The differences between two JSON values, as `path: expected -> actual` lines. */
function differences(expected: unknown, actual: unknown, path: string, out: string[]): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) {
    return out;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      differences(expected[key], actual[key], `${path}.${key}`, out);
    }
    return out;
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 200));
  out.push(`${path}: ${show(expected)} -> ${show(actual)}`);
  return out;
}

/** Writes the snapshot of a test: its cloud assembly, cleaned as integ-runner cleans it. */
function writeSnapshot(testFile: string, snapshotDir: string): void {
  rmSync(snapshotDir, { recursive: true, force: true });
  synthesize(testFile, snapshotDir);
  for (const entry of readdirSync(snapshotDir)) {
    const file = join(snapshotDir, entry);
    if (entry.startsWith('asset.') || entry === '.cache') {
      rmSync(file, { recursive: true, force: true });
    } else if (entry === 'manifest.json' || entry.endsWith('.metadata.json')) {
      writeFileSync(file, `${JSON.stringify(withoutTraces(readJson(file)), null, 2)}\n`);
    }
  }
}

/** Drops stack traces (`trace`, `aws:cdk:creationStack` entries) from metadata. */
function withoutTraces(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .filter(v => !(v && typeof v === 'object' && (v as { type?: string }).type === 'aws:cdk:creationStack'))
      .map(withoutTraces);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'trace').map(([k, v]) => [k, withoutTraces(v)]));
  }
  return value;
}

/** Compares a test app with its snapshot; returns the problems found. */
function verify(testFile: string, snapshotDir: string): string[] {
  if (!existsSync(snapshotDir) || !statSync(snapshotDir).isDirectory()) {
    return [`no snapshot ${relative(ROOT, snapshotDir)}: run 'npm run integ -- --update' and commit it`];
  }
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-elasticache-integ-'));
  try {
    synthesize(testFile, outdir);
    const problems = differences(templates(snapshotDir), templates(outdir), 'templates', []);
    differences(readJson(join(snapshotDir, 'integ.json')).testCases, readJson(join(outdir, 'integ.json')).testCases, 'integ.json.testCases', problems);
    return problems;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const update = args.includes('--update');
  const unknown = args.filter(a => a.startsWith('-') && a !== '--update');
  if (unknown.length) {
    throw new Error(`Unknown option ${unknown.join(' ')}. Usage: tsx test/integ/snapshots.ts [--update] [TEST...]`);
  }
  const wanted = args.filter(a => !a.startsWith('-')).map(a => basename(a));
  const tests = readdirSync(INTEG_DIR)
    .filter(f => TEST_FILE.test(f) && (wanted.length === 0 || wanted.some(w => f === w || f === `${w}.ts` || f === `integ.${w}.ts`)))
    .sort();
  if (tests.length === 0 || (wanted.length && tests.length < wanted.length)) {
    throw new Error(`No integ test matches ${wanted.join(' ') || 'test/integ/integ.*.ts'}.`);
  }

  let failed = 0;
  for (const test of tests) {
    const testFile = join(INTEG_DIR, test);
    const snapshotDir = `${testFile}.snapshot`;
    const start = Date.now();
    if (update) {
      writeSnapshot(testFile, snapshotDir);
      console.log(`  ${'UPDATED'.padEnd(10)} ${test} (${Date.now() - start} ms)`);
      continue;
    }
    const problems = verify(testFile, snapshotDir);
    console.log(`  ${(problems.length ? 'CHANGED' : 'UNCHANGED').padEnd(10)} ${test} (${Date.now() - start} ms)`);
    for (const p of problems.slice(0, 40)) {
      console.log(`      ${p}`);
    }
    if (problems.length > 40) {
      console.log(`      ... and ${problems.length - 40} more`);
    }
    failed += problems.length ? 1 : 0;
  }
  if (!update) {
    console.log(`\nSnapshots: ${tests.length - failed} passed, ${failed} failed`);
    if (failed) {
      console.log('Review the changes; if they are intended, run \'npm run integ -- --update\', commit the snapshots, '
        + 'and deploy the changed tests for real (README, "Integ tests and benchmark").');
      process.exitCode = 1;
    }
  }
}

main();
