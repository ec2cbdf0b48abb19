import { testRows } from './matrix';
import { MEMCACHED_ROWS } from './rows/memcached';

describe('update-path matrix: MemcachedCluster', () => {
  testRows(MEMCACHED_ROWS);
});
