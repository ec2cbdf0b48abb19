// The `cdk-elasticache` command as an installed package holds it: bin/cli.ts and every local file it
// imports, compiled to JavaScript in a temporary directory next to a node_modules that links the
// project's packages except those left out (aws-cdk-lib and constructs: a machine without the CDK).
// Compiling per file (esbuild's transform, no type check) takes milliseconds, and each run
// is then a plain `node cli.js`, without a TypeScript loader.
//
// In a jest run, a build is made once per run and shared by the test files that ask for the same
// packages left out: jest.global-setup.js gives the run a directory (RUN_DIR_ENV), the first file to
// ask builds there, the others find it, and jest.global-teardown.js removes the directory. The build is
// only read (run, and its node_modules looked at); it was made seven times per run before.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import type * as TS from 'typescript';

/** The environment variable with the directory of this jest run (set by jest.global-setup.js). */
export const RUN_DIR_ENV = 'CDK_ELASTICACHE_TEST_RUN_DIR';

export const ROOT = path.join(__dirname, '..', '..');

/** The package an import specifier names (`@aws-sdk/client-elasticache/x` -> `@aws-sdk/client-elasticache`), or `undefined` for a file. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveLocal(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // next candidate
    }
  }
  throw new Error(`${from}: cannot resolve '${specifier}'`);
}

/**
 * Every local file reachable from `entries` through imports, exports, `require` and `import()`
 * (type-only imports included: stricter than run time), and the packages each of them imports.
 */
export function importGraph(entries: string[]): { files: string[]; packages: Map<string, string[]> } {
  // Loaded here, not at the top: a test file that finds the run's build already made need not load TypeScript.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TS;
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) {
      continue;
    }
    files.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      const pkg = packageOf(specifier);
      if (pkg) {
        packages.set(pkg, [...(packages.get(pkg) ?? []), path.relative(ROOT, file)]);
      } else if (!specifier.startsWith('node:')) {
        queue.push(resolveLocal(file, specifier));
      }
    }
  }
  return { files: [...files].sort(), packages };
}

/** A compiled copy of the command. */
export interface BuiltCli {
  /** The temporary directory (the package root). */
  readonly dir: string;
  /** `<dir>/bin/cli.js`. */
  readonly cli: string;
  /** Deletes the directory. */
  remove(): void;
}

/**
 * Compiles bin/cli.ts and what it imports into a temporary package whose node_modules lacks `without`: in a
 * jest run, the run's build for `without` (made by the first caller; `remove()` leaves it to the run's
 * teardown), else one of the caller's own.
 */
export function buildCli(without: string[] = ['aws-cdk-lib', 'constructs']): BuiltCli {
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir) {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdk-elasticache-cli-'));
    build(dir, without);
    return { dir, cli: path.join(dir, 'bin', 'cli.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const dir = path.join(runDir, `cli-without-${[...without].sort().join('+').replace(/[@/]/g, '_')}`);
  if (!existsSync(dir)) {
    // Built aside and renamed into place whole: a test file in another worker sees no build or a complete one.
    const building = mkdtempSync(path.join(runDir, 'building-'));
    build(building, without);
    try {
      renameSync(building, dir);
    } catch (e) {
      // Another worker's build got there first (the directory exists and is not empty): use that one.
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(dir)) {
        throw e;
      }
    }
  }
  return { dir, cli: path.join(dir, 'bin', 'cli.js'), remove: () => undefined };
}

function build(dir: string, without: string[]): void {
  const { files } = importGraph([path.join(ROOT, 'bin', 'cli.ts')]);
  for (const file of files) {
    const out = path.join(dir, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    // esbuild's transform (per file, no bundling, no type check) is about ten times cheaper than TypeScript's
    // transpileModule, and the process suites build the command about ten times per run of the suite.
    const js = transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: file }).code;
    writeFileSync(out, js);
  }
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  // node_modules: a link per package (per scoped package, inside a real scope directory).
  const modules = path.join(ROOT, 'node_modules');
  const target = path.join(dir, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) {
      continue;
    }
    if (entry.startsWith('@')) {
      mkdirSync(path.join(target, entry));
      for (const scoped of readdirSync(path.join(modules, entry))) {
        if (!without.includes(`${entry}/${scoped}`)) {
          symlinkSync(path.join(modules, entry, scoped), path.join(target, entry, scoped));
        }
      }
    } else if (!without.includes(entry)) {
      symlinkSync(path.join(modules, entry), path.join(target, entry));
    }
  }
}
