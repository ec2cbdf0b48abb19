import { testRecipes } from './matrix';
import { RECIPES } from './rows/recipes';

describe('update-path matrix: the recipes of issue 22 as sequences of deployments', () => {
  testRecipes(RECIPES);
});
