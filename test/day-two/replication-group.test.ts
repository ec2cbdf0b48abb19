import { testRows } from './matrix';
import { REPLICATION_GROUP_ROWS } from './rows/replication-group';

// The replication group's rows are the most: half here (identity, engine, topology, parameters), half in
// replication-group-2.test.ts (encryption, authentication, backups, network), so that jest spreads them over two workers.

describe('update-path matrix: ReplicationGroup, cluster mode disabled (1/2)', () => {
  testRows(REPLICATION_GROUP_ROWS.slice(0, Math.ceil(REPLICATION_GROUP_ROWS.length / 2)));
});
