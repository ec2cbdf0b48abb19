/**
 * The type check of `npm run lint`: the project (tsconfig.json: lib, bin, test, bench, examples) and
 * every ```ts block of the guide (README.md, CHANGELOG.md and docs/*.md), in one TypeScript program.
 *
 * Each block becomes a module of its own (`.scratch/readme-blocks/`, inside the project so that
 * packages resolve from its node_modules) that imports the library as a user does: 'cdk-elasticache',
 * 'cdk-elasticache/ops', 'cdk-elasticache/client' and 'cdk-elasticache/local' map to lib/. A module is named after its page and
 * the line its block starts on (`block3_docs-serverless.md_line40.ts`), so that an error points at
 * the page. The blocks are checked with the project's options except the unused-declaration checks
 * (an example declares what it shows).
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
import { guidePages, readmeBlocks } from './readme-blocks';

const ROOT = path.join(__dirname, '..');
const BLOCKS_DIR = path.join(ROOT, '.scratch', 'readme-blocks');

/** The diagnostics of unused declarations (6133, 6138, 6192, 6196, 6198, 6199, 6205), not errors in an example. */
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/** A page of the guide: its path from the project root ('docs/serverless.md') and its text. */
export interface GuidePage {
  readonly file: string;
  readonly markdown: string;
}

/** The module name of a page's block: `block<i>_<page, '/' as '-'>_line<L>.ts` (i counts the page's blocks). */
export function blockFileName(page: string, index: number, line: number): string {
  return `block${index}_${page.replace(/[\\/]/g, '-')}_line${line}.ts`;
}

/**
 * Writes the blocks of the pages as modules; returns their files, each with the page and the line
 * its block starts on.
 */
export function writeBlocks(pages: readonly GuidePage[], dir: string): Map<string, { page: string; line: number }> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<string, { page: string; line: number }>();
  for (const page of pages) {
    readmeBlocks(page.markdown).forEach((block, i) => {
      const file = path.join(dir, blockFileName(page.file, i, block.line));
      fs.writeFileSync(file, `${block.code}\nexport {};\n`);
      files.set(file, { page: page.file, line: block.line });
    });
  }
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
        'cdk-elasticache/local': [path.join(ROOT, 'lib/local/index.ts')],
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
 * Type-checks `rootNames` plus the guide's blocks `blockFiles`; returns the errors, the blocks' unused
 * declarations left out.
 */
export function typecheck(rootNames: string[], blockFiles: Iterable<string>, options: ts.CompilerOptions): ts.Diagnostic[] {
  const blocks = new Set([...blockFiles].map(f => path.resolve(f)));
  const program = ts.createProgram([...rootNames, ...blocks], options);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => !(d.file && blocks.has(path.resolve(d.file.fileName)) && UNUSED.has(d.code)));
}

function main(): void {
  const pages = guidePages(ROOT).map(file => ({ file, markdown: fs.readFileSync(path.join(ROOT, file), 'utf8') }));
  const blockFiles = writeBlocks(pages, BLOCKS_DIR);
  const { rootNames, options } = projectOptions();
  const diagnostics = typecheck(rootNames, blockFiles.keys(), options);
  if (diagnostics.length > 0) {
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
    process.stderr.write(`\n${diagnostics.length} type error(s)`
      + ' (a file .scratch/readme-blocks/blockN_<page>_lineL.ts is the block of that page that starts on line L;'
      + ' docs-serverless.md is docs/serverless.md).\n');
    process.exitCode = 1;
    return;
  }
  console.log(`typecheck: the project and ${blockFiles.size} blocks of ${pages.length} pages (${pages.map(p => p.file).join(', ')}), no errors`);
}

if (require.main === module) {
  main();
}
