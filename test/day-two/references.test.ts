import { testRows } from './matrix';
import { REFERENCE_ROWS, staleWeakEntries } from './rows/references';

describe('update-path matrix: the export-in-use rows with weak cross-stack references', () => {
  test('every export-in-use row has its weak counterpart, and no stale one', () => {
    expect(REFERENCE_ROWS.length).toBeGreaterThan(10);
    expect(staleWeakEntries()).toEqual([]);
  });
  testRows(REFERENCE_ROWS);
});
