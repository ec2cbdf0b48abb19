import { testRows } from './matrix';
import { USER_ROWS } from './rows/users';

describe('update-path matrix: User and UserGroup', () => {
  testRows(USER_ROWS);
});
