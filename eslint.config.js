// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {
    ignores: ['node_modules/**', 'cdk.out/**', '.scratch/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.d.ts', 'test/integ/**/*.snapshot/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['aws-cdk-lib/*/lib/*', 'aws-cdk-lib/core/lib/*'], message: 'aws-cdk-lib internals are not public API.' },
        ],
      }],
      'no-throw-literal': 'error',
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
);
