import { testRows } from './matrix';
import { REPLICATION_GROUP_ROWS } from './rows/replication-group';

describe('update-path matrix: ReplicationGroup, cluster mode disabled', () => {
  testRows(REPLICATION_GROUP_ROWS);
});
