import { testRows } from './matrix';
import { CLUSTER_MODE_ROWS } from './rows/cluster-mode';

describe('update-path matrix: ReplicationGroup, cluster mode compatible and enabled', () => {
  testRows(CLUSTER_MODE_ROWS);
});
