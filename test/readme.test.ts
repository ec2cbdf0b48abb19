import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

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
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      paths: {
        'cdk-elasticache': [path.join(ROOT, 'lib/index.ts')],
        'cdk-elasticache/ops': [path.join(ROOT, 'lib/ops/index.ts')],
        'cdk-elasticache/client': [path.join(ROOT, 'lib/client/index.ts')],
      },
    } as ts.CompilerOptions);
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .filter(d => d.file && files.includes(path.resolve(d.file.fileName)))
      .map(d => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(diagnostics).toEqual([]);
  });
});
