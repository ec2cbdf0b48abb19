/**
 * The matrix as a Markdown table in docs/day-two.md, between `<!-- matrix:begin -->` and
 * `<!-- matrix:end -->`: each row's prop, change, class (as the plan engine reports it today) and
 * what works, and the count of rows per class. test/day-two/coverage.test.ts fails when the page
 * differs from the matrix; this script rewrites it:
 *
 *   npx tsx test/day-two/write-docs-table.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlanClass } from '../../lib/ops/plan';
import { CLASS_ORDER, Row } from './matrix';
import { ALL_ROWS } from './rows';

export const DOCS_PAGE = path.join(__dirname, '..', '..', 'docs', 'day-two.md');
const BEGIN = '<!-- matrix:begin -->';
const END = '<!-- matrix:end -->';

const CONSTRUCT: Record<Row['subject'], string> = {
  ReplicationGroupProps: 'ReplicationGroup', MemcachedClusterProps: 'MemcachedCluster', ServerlessCacheProps: 'ServerlessCache',
  UserProps: 'User', UserGroupProps: 'UserGroup', ConnectFromOptions: 'connectFrom()', identity: 'any cache',
};

const WHAT_HAPPENS: Record<PlanClass, string> = {
  'unchanged': 'nothing to deploy',
  'created': 'a resource is created',
  'in-place': 'in place',
  'deleted': 'a resource is deleted',
  'replaced': 'replaced: a new one is created, the deployed one deleted',
  'fails': 'fails: the update rolls back',
  'refused': 'refused by ElastiCache: the update rolls back',
  'export-in-use': 'export in use: the update rolls back',
};

/** What works, for a row without a note of its own. */
const DEFAULT_STEPS: Partial<Record<PlanClass, string>> = {
  'fails': 'keep it as deployed; to change it, a new cache under a new name (restoreFromSnapshot), then move the clients',
  'refused': 'not in one deployment: `cdk-elasticache plan` prints the steps that work',
  'export-in-use': 'deploy the consumer first, or keep the export one more deployment (stack.exportValue()); with weak cross-stack references, in place (its row below)',
};

/** The count of rows per class, worst first (classes without rows left out). */
export function countsByClass(rows: readonly Row[]): Array<[PlanClass, number]> {
  return [...CLASS_ORDER].reverse().map(c => [c, rows.filter(r => r.expected === c).length] as [PlanClass, number]).filter(([, n]) => n > 0);
}

/** The generated part of the page, markers included. */
export function docsTable(rows: readonly Row[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    BEGIN,
    '<!-- Generated from the update-path matrix (test/day-two/rows/): npx tsx test/day-two/write-docs-table.ts -->',
    '',
    '| construct | prop | change | what happens | what works, why |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(r => `| ${CONSTRUCT[r.subject]} | \`${r.prop}\` | ${cell(r.change)} | ${WHAT_HAPPENS[r.expected]} | ${cell(r.note ?? DEFAULT_STEPS[r.expected] ?? '')} |`),
    '',
    `Rows per class (${rows.length} rows):`,
    '',
    '| class | rows |',
    '| --- | --- |',
    ...countsByClass(rows).map(([c, n]) => `| ${c} | ${n} |`),
    END,
  ];
  return lines.join('\n');
}

/** The page with its generated part replaced (the markers must be there, once each, in order). */
export function withTable(page: string, rows: readonly Row[]): string {
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/day-two.md has no ${BEGIN} ... ${END} markers`);
  }
  return page.slice(0, begin) + docsTable(rows) + page.slice(end + END.length);
}

if (require.main === module) {
  fs.writeFileSync(DOCS_PAGE, withTable(fs.readFileSync(DOCS_PAGE, 'utf8'), ALL_ROWS));
  console.log(countsByClass(ALL_ROWS).map(([c, n]) => `${c}: ${n}`).join('\n'));
}
