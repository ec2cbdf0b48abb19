import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { LogDestination, NodeType } from '../lib';

const ROOT = path.join(__dirname, '..');

/** Every ```ts block of the README, with the line it starts on. */
function tsBlocks(): Array<{ line: number; code: string }> {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Array<{ line: number; code: string }> = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (start < 0 && /^```ts\s*$/.test(lines[i])) {
      start = i + 1;
    } else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') });
      start = -1;
    }
  }
  return blocks;
}

describe('README', () => {
  const blocks = tsBlocks();

  test('has the two quick-start commands, verbatim, in one block', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/```sh\nnpm ci && npx cdk synth\nnpm ci && npm test\n```/);
  });

  test('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  test('every ```ts block type-checks against the library', () => {
    // Each block becomes a module importing 'cdk-elasticache', which is mapped to lib/index.ts.
    // The temporary files live inside the project so that aws-cdk-lib resolves from its node_modules.
    fs.mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, '.scratch', 'readme-'));
    const files = blocks.map((b, i) => {
      const file = path.join(dir, `block${i}_line${b.line}.ts`);
      fs.writeFileSync(file, `${b.code}\nexport {};\n`);
      return file;
    });
    // Two narrowings that halve the cost of the check (aws-cdk-lib's declarations are a million lines)
    // and can only make it stricter, never let a wrong example pass:
    // - the bare 'aws-cdk-lib' (the barrel, which re-exports every service module as a namespace)
    //   maps to its core module, whose exports are the barrel's own (App, Stack, Duration...): a block
    //   that took a service namespace from the barrel would fail here, and the README imports services
    //   from their modules ('aws-cdk-lib/aws-ec2') as CDK apps do;
    // - the ES2022 library without the DOM, as tsconfig.json (a CDK app has no DOM).
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      lib: ['lib.es2022.d.ts'],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      paths: {
        'aws-cdk-lib': [path.join(ROOT, 'node_modules/aws-cdk-lib/core/index.d.ts')],
        'cdk-elasticache': [path.join(ROOT, 'lib/index.ts')],
        'cdk-elasticache/ops': [path.join(ROOT, 'lib/ops/index.ts')],
        'cdk-elasticache/client': [path.join(ROOT, 'lib/client/index.ts')],
      },
    } as ts.CompilerOptions);
    // Only the blocks' diagnostics are read, so only the blocks are checked (lib/ itself is type-checked
    // by `npm run lint`): checking every file of the program cost about 2 s more.
    const diagnostics = files.flatMap(file => {
      const source = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    })
      .filter(d => d.file && files.includes(path.resolve(d.file.fileName)))
      .map(d => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(diagnostics).toEqual([]);
  });
});

describe('README drift', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  test('the status line does not announce what is already here as coming next', () => {
    const status = readme.split('\n').filter(l => l.startsWith('> ')).join(' ');
    const [here, next] = status.split(/come next/)[0].split(/\.\s+(?=[A-Z][^.]*$)/);
    expect(here).toMatch(/monitoring/);
    expect(here).toMatch(/integ tests/);
    expect(next ?? '').not.toMatch(/monitoring|integ/);
  });

  test('every NodeType.of() the README cites is one NodeType.of() accepts', () => {
    const cited = [...readme.matchAll(/NodeType\.of\('([^']+)'/g)].map(m => m[1]);
    expect(cited.length).toBeGreaterThan(2);
    for (const name of cited) {
      expect(() => NodeType.of(name)).not.toThrow();
    }
  });

  test('every LogDestination factory is documented', () => {
    const factories = Object.getOwnPropertyNames(LogDestination).filter(n => typeof (LogDestination as unknown as Record<string, unknown>)[n] === 'function');
    expect(factories.sort()).toEqual(['cloudWatchLogs', 'firehose', 'newLogGroup']);
    for (const name of factories) {
      expect(readme).toContain(`LogDestination.${name}(`);
    }
  });

  test('the replication group defaults table has the description and its length', () => {
    expect(readme).toMatch(/\| description \| `Replication group <construct path>` \(1-255 characters\) \| `description` \|/);
  });
});
