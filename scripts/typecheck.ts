/**
 * The type check of `npm run lint`: the project (tsconfig.json: lib, bin, test, bench, examples) and
 * every ```ts block of README.md, in one TypeScript program.
 *
 * Each block becomes a module of its own (`.scratch/readme-blocks/`, inside the project so that
 * packages resolve from its node_modules) that imports the library as a user does: 'cdk-elasticache',
 * 'cdk-elasticache/ops' and 'cdk-elasticache/client' map to lib/. The blocks are checked with the
 * project's options except the unused-declaration checks (an example declares what it shows).
 *
 * Why here and not in the test suite: the declarations the blocks need are those the project's own
 * check already loads (aws-cdk-lib's are a million lines), so in the same program the blocks cost
 * about a second; in a program of their own, in `npm test`, they cost 8-20 s of the suite's minute.
 *
 *   tsx scripts/typecheck.ts        exit 1 on any error, printed as tsc prints them
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { readmeBlocks } from './readme-blocks';

const ROOT = path.join(__dirname, '..');
const BLOCKS_DIR = path.join(ROOT, '.scratch', 'readme-blocks');

/** The diagnostics of unused declarations (6133, 6138, 6192, 6196, 6198, 6199, 6205), not errors in an example. */
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/** Writes the README's blocks as modules; returns their files, each with the README line its block starts on. */
export function writeBlocks(readme: string, dir: string): Map<string, number> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<string, number>();
  readmeBlocks(readme).forEach((block, i) => {
    const file = path.join(dir, `block${i}_README_line${block.line}.ts`);
    fs.writeFileSync(file, `${block.code}\nexport {};\n`);
    files.set(file, block.line);
  });
  return files;
}

/** The project's compiler options, with the library's package names mapped to its sources. */
export function projectOptions(): { options: ts.CompilerOptions; rootNames: string[] } {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, ROOT, undefined, configFile);
  if (parsed.errors.length > 0) {
    throw new Error(ts.formatDiagnostics(parsed.errors, formatHost));
  }
  return {
    rootNames: parsed.fileNames,
    options: {
      ...parsed.options,
      paths: {
        'cdk-elasticache': [path.join(ROOT, 'lib/index.ts')],
        'cdk-elasticache/ops': [path.join(ROOT, 'lib/ops/index.ts')],
        'cdk-elasticache/client': [path.join(ROOT, 'lib/client/index.ts')],
      },
    },
  };
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: f => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

/**
 * Type-checks `rootNames` plus the README blocks `blockFiles`; returns the errors, the blocks' unused
 * declarations left out.
 */
export function typecheck(rootNames: string[], blockFiles: Iterable<string>, options: ts.CompilerOptions): ts.Diagnostic[] {
  const blocks = new Set([...blockFiles].map(f => path.resolve(f)));
  const program = ts.createProgram([...rootNames, ...blocks], options);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => !(d.file && blocks.has(path.resolve(d.file.fileName)) && UNUSED.has(d.code)));
}

function main(): void {
  const blockFiles = writeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), BLOCKS_DIR);
  const { rootNames, options } = projectOptions();
  const diagnostics = typecheck(rootNames, blockFiles.keys(), options);
  if (diagnostics.length > 0) {
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
    process.stderr.write(`\n${diagnostics.length} type error(s)`
      + ' (a file .scratch/readme-blocks/blockN_README_lineL.ts is the README block that starts on line L).\n');
    process.exitCode = 1;
    return;
  }
  console.log(`typecheck: the project and ${blockFiles.size} README blocks, no errors`);
}

if (require.main === module) {
  main();
}
