import * as fs from 'fs';
import * as path from 'path';
import { allMembers, libInterfaces } from '../../scripts/guide-names';
import { Row } from './matrix';
import { ALL_ROWS, COVERED_INTERFACES, NOT_PROPS } from './rows';
import { countsByClass, DOCS_PAGE, withTable } from './write-docs-table';

const interfaces = libInterfaces(path.join(__dirname, '..', '..', 'lib'));

/** The props of the covered interfaces that no row changes, as `Interface.prop`. */
function propsWithoutRow(rows: readonly Row[], ifaces: typeof interfaces): string[] {
  return COVERED_INTERFACES.flatMap(name => allMembers(ifaces, name)
    .filter(prop => !rows.some(r => r.subject === name && r.prop === prop))
    .map(prop => `${name}.${prop}`));
}

describe('update-path matrix: coverage', () => {
  test('every public prop of the covered interfaces has a row', () => {
    for (const name of COVERED_INTERFACES) {
      expect(allMembers(interfaces, name).length).toBeGreaterThan(3);
    }
    expect(propsWithoutRow(ALL_ROWS, interfaces)).toEqual([]);
  });

  test('a prop added without a row fails, named', () => {
    const withMadeUp = new Map(interfaces);
    const rg = interfaces.get('ReplicationGroupProps')!;
    withMadeUp.set('ReplicationGroupProps', { ...rg, members: new Set([...rg.members, 'madeUpProp']) });
    expect(propsWithoutRow(ALL_ROWS, withMadeUp)).toEqual(['ReplicationGroupProps.madeUpProp']);
  });

  test('every row changes a prop of its interface (or the consumer\'s stack, a construct id, a stack)', () => {
    const strays = ALL_ROWS.filter(r => !(NOT_PROPS[r.subject] ?? []).includes(r.prop) && !allMembers(interfaces, r.subject).includes(r.prop));
    expect(strays.map(r => `${r.subject}.${r.prop}`)).toEqual([]);
  });

  test('the table of docs/day-two.md is the matrix (npx tsx test/day-two/write-docs-table.ts rewrites it)', () => {
    const page = fs.readFileSync(DOCS_PAGE, 'utf8');
    expect(page).toBe(withTable(page, ALL_ROWS));
  });

  test('rows per class', () => {
    const counts = Object.fromEntries(countsByClass(ALL_ROWS));
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(ALL_ROWS.length);
    // The counts of today. Before the fixes of issue 22: export-in-use 15, in-place 49, unchanged 8; cluster mode
    // disabled -> compatible with a consumer in another stack is in place since the endpoints' exports are kept,
    // and verifyDeployedState (a synth-time check, three rows) changes no template. The four durability rows are in place
    // (the CDK spec does not know Durability yet; on <-> off at creation only is unconfirmed). Memcached nodes 2 -> 3
    // is in place (was fails: the spec's "may replace" read as will), and a row adds a node in an appended zone;
    // a row shows Redis OSS 5.0.6 -> 7.1 in place with the AUTH token pinned. Compatible -> enabled is refused with the
    // steps (createdWithClusterMode), which three in-place rows show: the move, and shards added and removed after it.
    // Redis OSS -> Valkey (four rows) is in place: the CloudFormation Template Reference and the registry schemas, not the
    // CDK spec. Each of the 14 export-in-use rows has a twin with weak cross-stack references (rows/references.ts): 9 in
    // place, 3 unchanged, the serverless user group's change deletes the generated users, a renamed construct is replaced.
    // Replicas per shard of an enabled group change in place alone (cloudformation-coverage-roadmap issue 918; two rows),
    // and fail together with a shard change (one row). A consumer moved to the DNS names of addDnsRecords() is unchanged:
    // the endpoints' exports are kept (it was export-in-use before they were).
    expect(counts).toMatchInlineSnapshot(`
{
  "deleted": 2,
  "export-in-use": 15,
  "fails": 32,
  "in-place": 75,
  "refused": 10,
  "replaced": 9,
  "unchanged": 15,
}
`);
  });
});
