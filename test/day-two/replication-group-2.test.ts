import { testRows } from './matrix';
import { REPLICATION_GROUP_ROWS } from './rows/replication-group';

// The second half of the replication group's rows (see replication-group.test.ts).
describe('update-path matrix: ReplicationGroup, cluster mode disabled (2/2)', () => {
  testRows(REPLICATION_GROUP_ROWS.slice(Math.ceil(REPLICATION_GROUP_ROWS.length / 2)));
});
