import { testRows } from './matrix';
import { CONSUMER_ROWS } from './rows/consumer';

describe('update-path matrix: the consumer wiring and a cache's identity', () => {
  testRows(CONSUMER_ROWS);
});
