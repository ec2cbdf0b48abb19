import { testRows } from './matrix';
import { CONSUMER_ROWS } from './rows/consumer';

describe('update-path matrix: the consumer wiring and the identity of a cache', () => {
  testRows(CONSUMER_ROWS);
});
