import { testRows } from './matrix';
import { SERVERLESS_ROWS } from './rows/serverless';

describe('update-path matrix: ServerlessCache', () => {
  testRows(SERVERLESS_ROWS);
});
