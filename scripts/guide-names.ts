/**
 * The names the guide (README.md, CHANGELOG.md, docs/*.md) cites, checked against the code:
 *
 * - every `CACHE_...` environment variable must be one the library sets and its runtime helper reads:
 *   `CACHE_<KEY>` or `CACHE_<NAME>_<KEY>` with a KEY of `ConnectionEnvironment` that lib/client reads,
 *   or one of the generic forms (`CACHE_*`, `CACHE_<KEY>`, `CACHE_<NAME>_<KEY>`, `CACHE_...`);
 * - every prop the guide names must exist on its props interface: a `XxxProps.prop` (or
 *   `XxxAttributes.prop`, `XxxOptions.prop`) reference anywhere, and every backticked name in the
 *   `prop` column of a table introduced by `<!-- props: XxxProps -->`.
 *
 * The interfaces are read from the sources of lib/ with the compiler's parser only (no type checker,
 * no aws-cdk-lib declarations: a few milliseconds), found by name in any file, so that moving an
 * interface from one file to another changes nothing; `extends` is followed within lib/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** Directories of lib/ that hold runtime code, not construct props. */
const RUNTIME_DIRS = new Set(['ops', 'client', 'rotation']);

/** Every .ts file under `dir` (recursively), runtime directories left out at the top level. */
function sourceFiles(dir: string, top = true): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return top && RUNTIME_DIRS.has(entry.name) ? [] : sourceFiles(full, false);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** An interface of lib/: its own members and the names of what it extends. */
interface InterfaceInfo {
  readonly members: Set<string>;
  readonly bases: string[];
}

/** The interfaces declared in lib/ (all files, runtime directories excepted), by name. */
export function libInterfaces(libDir: string): Map<string, InterfaceInfo> {
  const interfaces = new Map<string, InterfaceInfo>();
  for (const file of sourceFiles(libDir)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild(node => {
      if (!ts.isInterfaceDeclaration(node)) {
        return;
      }
      const info = interfaces.get(node.name.text) ?? { members: new Set<string>(), bases: [] };
      for (const member of node.members) {
        if (member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) {
          info.members.add(member.name.text);
        }
      }
      for (const clause of node.heritageClauses ?? []) {
        for (const type of clause.types) {
          // `cloudwatch.MetricOptions` -> 'MetricOptions' (not in lib/: not followed); `Pick<X, ...>` -> X.
          const expression = type.expression.getText(source);
          const base = ['Pick', 'Omit', 'Partial', 'Readonly'].includes(expression) && type.typeArguments?.[0]
            ? type.typeArguments[0].getText(source) : expression;
          info.bases.push(base.split('.').pop()!);
        }
      }
      interfaces.set(node.name.text, info);
    });
  }
  return interfaces;
}

/** Whether `member` is a member of the interface `name` or of one it extends (within lib/). */
export function hasMember(interfaces: Map<string, InterfaceInfo>, name: string, member: string, seen = new Set<string>()): boolean {
  const info = interfaces.get(name);
  if (!info || seen.has(name)) {
    return false;
  }
  seen.add(name);
  return info.members.has(member) || info.bases.some(base => hasMember(interfaces, base, member, seen));
}

/** The keys of the `CACHE_*` contract the runtime helper reads: `ConnectionEnvironment.<KEY>` in lib/client. */
export function clientKeys(libDir: string, allKeys: readonly string[]): Set<string> {
  const files = sourceFiles(path.join(libDir, 'client'), false);
  const read = new Set(files.flatMap(f => [...fs.readFileSync(f, 'utf8').matchAll(/\bConnectionEnvironment\.([A-Z][A-Z_]*)\b/g)].map(m => m[1])));
  // The constant's name is the key's value (ConnectionEnvironment.READER_HOST = 'READER_HOST').
  return new Set(allKeys.filter(key => read.has(key)));
}

/** A name the guide cites that the code does not have. */
export interface NameProblem {
  readonly page: string;
  readonly line: number;
  readonly name: string;
  readonly why: string;
}

const GENERIC_CACHE_FORMS = new Set(['CACHE_*', 'CACHE_...', 'CACHE_<KEY>', 'CACHE_<NAME>_<KEY>', 'CACHE_<NAME>_...']);

/**
 * Whether `variable` is one `connectFrom()` sets and the client reads: `CACHE_<KEY>`, `CACHE_<NAME>_<KEY>`
 * (a connection name of letters, digits and underscores, or the placeholder `<NAME>`), or a generic form.
 */
export function isCacheVariable(variable: string, keys: ReadonlySet<string>): boolean {
  if (GENERIC_CACHE_FORMS.has(variable)) {
    return true;
  }
  const rest = variable.slice('CACHE_'.length);
  if (keys.has(rest)) {
    return true;
  }
  return [...keys].some(key => rest.endsWith(`_${key}`)
    && /^(<NAME>|[A-Z][A-Z0-9_]*)$/.test(rest.slice(0, rest.length - key.length - 1)));
}

/** The `CACHE_...` names of a page that are not variables of the contract. */
export function cacheVariableProblems(page: string, markdown: string, keys: ReadonlySet<string>): NameProblem[] {
  const problems: NameProblem[] = [];
  markdown.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\bCACHE_(?:<NAME>_)?(?:<KEY>|\*|\.\.\.|[A-Z0-9_]*[A-Z0-9])/g)) {
      if (!isCacheVariable(m[0], keys)) {
        problems.push({ page, line: i + 1, name: m[0], why: `not a variable of the CACHE_* contract (keys: ${[...keys].join(', ')})` });
      }
    }
  });
  return problems;
}

/** The props a page names: `XxxProps.prop` references, and the `prop` column of `<!-- props: XxxProps -->` tables. */
export function citedProps(markdown: string): Array<{ line: number; iface: string; prop: string }> {
  const cited: Array<{ line: number; iface: string; prop: string }> = [];
  const lines = markdown.split('\n');
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/\b([A-Z][A-Za-z0-9]*(?:Props|Attributes|Options))\.([a-z][A-Za-z0-9]*)\b/g)) {
      cited.push({ line: i + 1, iface: m[1], prop: m[2] });
    }
  });
  lines.forEach((text, i) => {
    const marker = /^<!-- props: ([A-Za-z0-9]+) -->$/.exec(text.trim());
    if (!marker) {
      return;
    }
    const header = (lines[i + 1] ?? '').split('|').map(c => c.trim());
    const column = header.indexOf('prop');
    if (column < 0) {
      // A marker without a table with a `prop` column checks nothing: report it rather than pass.
      cited.push({ line: i + 1, iface: marker[1], prop: '<no table with a prop column after the marker>' });
      return;
    }
    for (let row = i + 3; row < lines.length && lines[row].trim().startsWith('|'); row++) {
      const cell = lines[row].split('|').map(c => c.trim())[column] ?? '';
      for (const m of cell.matchAll(/`([a-z][A-Za-z0-9]*)`/g)) {
        cited.push({ line: row + 1, iface: marker[1], prop: m[1] });
      }
    }
  });
  return cited;
}

/** The props a page names that their interface (in lib/) does not have. */
export function propProblems(page: string, markdown: string, interfaces: Map<string, InterfaceInfo>): NameProblem[] {
  return citedProps(markdown)
    .filter(c => !hasMember(interfaces, c.iface, c.prop))
    .map(c => ({
      page, line: c.line, name: `${c.iface}.${c.prop}`,
      why: interfaces.has(c.iface) ? `${c.iface} (lib/) has no prop ${c.prop}` : `no interface ${c.iface} in lib/`,
    }));
}

/** Every member of the interface `name` and of those it extends (within lib/), in declaration order. */
export function allMembers(interfaces: Map<string, InterfaceInfo>, name: string, seen = new Set<string>()): string[] {
  const info = interfaces.get(name);
  if (!info || seen.has(name)) {
    return [];
  }
  seen.add(name);
  return [...new Set([...info.members, ...info.bases.flatMap(base => allMembers(interfaces, base, seen))])];
}
