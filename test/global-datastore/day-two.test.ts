import { describeFindings } from '../day-two/matrix';
import { GLOBAL_DATASTORE_ROWS } from '../day-two/rows';
import { classifyGlobal } from '../day-two/rows/global-datastore';

// The global datastore's rows of the update-path matrix: adding and removing a secondary, scaling,
// engine upgrades, the datastore's and a secondary's names (test/day-two/rows/global-datastore.ts).
describe('update-path matrix: global datastore', () => {
  for (const row of GLOBAL_DATASTORE_ROWS) {
    test(`${row.subject}.${row.prop}: ${row.change} is ${row.expected}`, () => {
      const result = classifyGlobal(row.before, row.after);
      if (result.class !== row.expected) {
        throw new Error(`${row.prop} (${row.change}): expected ${row.expected}, the plan says ${result.class}:\n${describeFindings(result.findings)}`);
      }
    });
  }
});
