import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { LogDestination, NodeType } from '../lib';
import { readmeBlocks } from '../scripts/readme-blocks';
import { projectOptions, typecheck, writeBlocks } from '../scripts/typecheck';

const ROOT = path.join(__dirname, '..');

describe('README', () => {
  const blocks = readmeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  test('has the two quick-start commands, verbatim, in one block', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/```sh\nnpm ci && npx cdk synth\nnpm ci && npm test\n```/);
  });

  test('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  test('every ```ts block is type-checked by `npm run lint`, one module per block named by its README line', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.lint).toMatch(/^tsx scripts\/typecheck\.ts && /);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-blocks-'));
    try {
      const files = writeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), dir);
      expect([...files.values()]).toEqual(blocks.map(b => b.line));
      const [first, line] = [...files][0];
      expect(path.basename(first)).toBe(`block0_README_line${line}.ts`);
      expect(fs.readFileSync(first, 'utf8')).toBe(`${blocks[0].code}\nexport {};\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the check fails on a wrong example and lets an example declare what it does not use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-blocks-'));
    try {
      const files = writeBlocks('```ts\nconst shown = 1;\n```\n\n```ts\nconst port: number = \'6379\';\n```\n', dir);
      // The project's options (unused locals are errors there), without the type packages: nothing else to load.
      const { options } = projectOptions();
      const errors = typecheck([], files.keys(), { ...options, types: [] });
      expect(errors.map(e => [path.basename(e.file!.fileName), e.code])).toEqual([['block1_README_line6.ts', 2322]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
