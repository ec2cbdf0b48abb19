import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { ConnectionEnvironment, LogDestination, NodeType } from '../lib';
import {
  cacheVariableProblems, citedProps, clientKeys, isCacheVariable, libInterfaces, propProblems,
} from '../scripts/guide-names';
import { guidePages, readmeBlocks } from '../scripts/readme-blocks';
import { blockFileName, projectOptions, typecheck, writeBlocks } from '../scripts/typecheck';

const ROOT = path.join(__dirname, '..');
const read = (page: string) => fs.readFileSync(path.join(ROOT, page), 'utf8');
const PAGES = guidePages(ROOT);
const DOCS = PAGES.filter(p => p.startsWith('docs/'));

describe('README', () => {
  const readme = read('README.md');

  test('has the two quick-start commands, verbatim, in one block', () => {
    expect(readme).toMatch(/```sh\nnpm ci && npx cdk synth\nnpm ci && npm test\n```/);
  });

  test('has the quick-start app right after the package-check marker (scripts/check-package.sh runs it)', () => {
    const lines = readme.split('\n');
    const at = lines.findIndex(l => l.trim() === '<!-- package-check: bin/app.ts -->');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('```ts');
    expect(lines.slice(at + 2, lines.indexOf('```', at + 2)).join('\n')).toMatch(/new App\(\)[\s\S]*new ReplicationGroup\(/);
  });

  test('is the front door: at most 500 lines, connectFrom() early, every docs page linked', () => {
    const lines = readme.split('\n');
    expect(lines.length).toBeLessThanOrEqual(500);
    expect(lines.findIndex(l => l.includes('connectFrom('))).toBeLessThan(100);
    expect(DOCS.length).toBeGreaterThanOrEqual(15);
    for (const page of DOCS) {
      expect(readme).toContain(`](${page})`);
    }
    // Written by the lib/ layout's own change, listed here for contributors.
    expect(readme).toContain('](docs/ARCHITECTURE.md)');
  });
});

describe('guide blocks (README.md, CHANGELOG.md, docs/*.md)', () => {
  test('the guide is README.md, CHANGELOG.md and every page of docs/', () => {
    expect(PAGES.slice(0, 2)).toEqual(['README.md', 'CHANGELOG.md']);
    expect(PAGES.slice(2)).toEqual(fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`));
  });

  test('no ```ts block is indented (in a list item): the check extracts fences at the start of a line only', () => {
    const indented = PAGES.flatMap(page => read(page).split('\n').flatMap((line, i) => (/^\s+```ts\s*$/.test(line) ? [`${page}:${i + 1}`] : [])));
    expect(indented).toEqual([]);
  });

  test('has TypeScript examples, on the README and on the construct pages', () => {
    expect(readmeBlocks(read('README.md')).length).toBeGreaterThanOrEqual(5);
    for (const page of ['replication-groups', 'cluster-mode', 'memcached', 'serverless', 'users-and-access-strings']) {
      expect(readmeBlocks(read(`docs/${page}.md`)).length).toBeGreaterThanOrEqual(1);
    }
  });

  test('every ```ts block is type-checked by `npm run lint`, one module per block named by its page and line', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.scripts.lint).toMatch(/^tsx scripts\/typecheck\.ts && /);
    const pages = PAGES.map(file => ({ file, markdown: read(file) }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-blocks-'));
    try {
      const files = writeBlocks(pages, dir);
      const expected = pages.flatMap(p => readmeBlocks(p.markdown).map((b, i) => [blockFileName(p.file, i, b.line), p.file, b.line]));
      expect([...files].map(([f, { page, line }]) => [path.basename(f), page, line])).toEqual(expected);
      expect(expected.length).toBeGreaterThan(40);
      const readmeFirst = readmeBlocks(read('README.md'))[0];
      const [first] = [...files][0];
      expect(path.basename(first)).toBe(`block0_README.md_line${readmeFirst.line}.ts`);
      expect(fs.readFileSync(first, 'utf8')).toBe(`${readmeFirst.code}\nexport {};\n`);
      expect(blockFileName('docs/serverless.md', 3, 40)).toBe('block3_docs-serverless.md_line40.ts');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the check fails on a wrong example, names its page and line, and lets an example declare what it does not use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-blocks-'));
    try {
      const files = writeBlocks([{ file: 'docs/example.md', markdown: '```ts\nconst shown = 1;\n```\n\n```ts\nconst port: number = \'6379\';\n```\n' }], dir);
      // The project's options (unused locals are errors there), without the type packages: nothing else to load.
      const { options } = projectOptions();
      const errors = typecheck([], files.keys(), { ...options, types: [] });
      expect(errors.map(e => [path.basename(e.file!.fileName), e.code])).toEqual([['block1_docs-example.md_line6.ts', 2322]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('guide drift', () => {
  test('the status line does not announce what is already here as coming next', () => {
    const status = read('README.md').split('\n').filter(l => l.startsWith('> ')).join(' ');
    const [here, next] = status.split(/come next/)[0].split(/\.\s+(?=[A-Z][^.]*$)/);
    expect(here).toMatch(/monitoring/);
    expect(here).toMatch(/integ tests/);
    expect(next ?? '').not.toMatch(/monitoring|integ/);
  });

  test('every NodeType.of() the guide cites is one NodeType.of() accepts', () => {
    const cited = PAGES.flatMap(p => [...read(p).matchAll(/NodeType\.of\('([^']+)'/g)].map(m => m[1]));
    expect(cited.length).toBeGreaterThan(2);
    for (const name of cited) {
      expect(() => NodeType.of(name)).not.toThrow();
    }
  });

  test('every LogDestination factory is documented on the monitoring page', () => {
    const monitoring = read('docs/monitoring.md');
    const factories = Object.getOwnPropertyNames(LogDestination).filter(n => typeof (LogDestination as unknown as Record<string, unknown>)[n] === 'function');
    expect(factories.sort()).toEqual(['cloudWatchLogs', 'firehose', 'newLogGroup']);
    for (const name of factories) {
      expect(monitoring).toContain(`LogDestination.${name}(`);
    }
  });

  test('the replication group defaults table has the description and its length', () => {
    expect(read('docs/replication-groups.md')).toMatch(/\| description \| `Replication group <construct path>` \(1-255 characters\) \| `description` \|/);
  });

  test('the integ test page lists every integ test of test/integ/', () => {
    const page = read('docs/integ-tests-and-benchmark.md');
    const tests = fs.readdirSync(path.join(ROOT, 'test/integ')).filter(f => /^integ\..*\.ts$/.test(f));
    expect(tests.length).toBeGreaterThanOrEqual(5);
    for (const t of tests) {
      expect(page).toContain(`| \`${t}\` |`);
    }
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    expect(page).toMatch(new RegExp(`\\b${words[tests.length]} integ tests\\b`, 'i'));
  });
});

describe('guide links', () => {
  /** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
  /** The headings' anchors and the relative links of a page, code blocks left out. */
  const outline = (page: string) => {
    const anchors = new Set<string>();
    const links: Array<{ line: number; target: string }> = [];
    let fence = false;
    read(page).split('\n').forEach((text, i) => {
      if (text.startsWith('```')) {
        fence = !fence;
      } else if (!fence) {
        const heading = /^#{1,6} (.*)$/.exec(text);
        if (heading) {
          anchors.add(slug(heading[1]));
        }
        for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (!/^https?:/.test(m[1])) {
            links.push({ line: i + 1, target: m[1] });
          }
        }
      }
    });
    return { anchors, links };
  };

  test('every link between the pages points at a page and a heading that exist', () => {
    const outlines = new Map(PAGES.map(p => [p, outline(p)]));
    const broken: string[] = [];
    for (const [page, { links }] of outlines) {
      for (const { line, target } of links) {
        const [file, anchor] = target.split('#');
        const to = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), file)) : page;
        // docs/ARCHITECTURE.md is written with the lib/ layout's change; the README links it ahead of it.
        if (to === 'docs/ARCHITECTURE.md' && !outlines.has(to)) {
          continue;
        }
        if (!outlines.has(to) || (anchor && !outlines.get(to)!.anchors.has(anchor))) {
          broken.push(`${page}:${line} ${target}`);
        }
      }
    }
    expect(outlines.get('README.md')!.links.length).toBeGreaterThan(15);
    expect(broken).toEqual([]);
  });
});

describe('guide names exist in the code', () => {
  const keys = clientKeys(path.join(ROOT, 'lib'), ConnectionEnvironment.ALL_KEYS);
  const interfaces = libInterfaces(path.join(ROOT, 'lib'));

  test('the CACHE_* keys are those of ConnectionEnvironment that the runtime helper reads', () => {
    expect([...keys].sort()).toEqual([...ConnectionEnvironment.ALL_KEYS].sort());
  });

  test('every CACHE_* name the guide cites is a variable connectFrom() sets and the client reads', () => {
    const cited = PAGES.flatMap(p => [...read(p).matchAll(/\bCACHE_[A-Z<]/g)]);
    expect(cited.length).toBeGreaterThan(40);
    expect(PAGES.flatMap(p => cacheVariableProblems(p, read(p), keys))).toEqual([]);
  });

  test('a made-up CACHE_* name is reported; the contract\'s forms are not', () => {
    const text = 'Set `CACHE_READER` (host:port), `CACHE_HOST`, `CACHE_ORDERS_HOST`, `CACHE_<NAME>_<KEY>`, `CACHE_*`,\n'
      + 'or `CACHE_ORDERS_READER` and `CACHE_SECRET`.';
    expect(cacheVariableProblems('docs/x.md', text, keys).map(p => [p.line, p.name]))
      .toEqual([[1, 'CACHE_READER'], [2, 'CACHE_ORDERS_READER'], [2, 'CACHE_SECRET']]);
    expect(isCacheVariable('CACHE_READER_HOST', keys)).toBe(true);
    expect(isCacheVariable('CACHE_SESSIONS_READER_PORT', keys)).toBe(true);
    expect(isCacheVariable('CACHE_<NAME>_HOST', keys)).toBe(true);
  });

  test('every prop the guide names (XxxProps.prop, and props tables) exists on its interface in lib/', () => {
    const cited = PAGES.flatMap(p => citedProps(read(p)));
    // The props tables of the constructs are checked, not skipped.
    for (const iface of ['ReplicationGroupProps', 'MemcachedClusterProps', 'ServerlessCacheProps', 'UserProps', 'UserGroupProps',
      'SubnetGroupProps', 'ParameterGroupProps']) {
      expect(cited.filter(c => c.iface === iface).length).toBeGreaterThan(2);
    }
    expect(PAGES.flatMap(p => propProblems(p, read(p), interfaces))).toEqual([]);
  });

  test('a made-up prop is reported, in a reference and in a props table; inherited props are found', () => {
    const text = [
      'Set `ReplicationGroupProps.replicaz`, or `ReplicationGroupProps.replicas`, or `NoSuchProps.x`.',
      '',
      '<!-- props: MemcachedClusterProps -->',
      '| setting | default | prop |',
      '| --- | --- | --- |',
      '| nodes | 2 | `nodes` |',
      '| subnets | private | `vpcSubnets`, `subnetGroupp` |',
      '',
      '<!-- props: UserProps -->',
      'no table',
    ].join('\n');
    expect(propProblems('docs/x.md', text, interfaces).map(p => [p.line, p.name])).toEqual([
      [1, 'ReplicationGroupProps.replicaz'],
      [1, 'NoSuchProps.x'],
      [7, 'MemcachedClusterProps.subnetGroupp'],
      [9, 'UserProps.<no table with a prop column after the marker>'],
    ]);
  });
});
