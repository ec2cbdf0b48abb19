/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jest's default is one worker per core minus one: a single worker on the 2-core CI machine. One
  // worker more than cores: the suites wait on real servers, moto, CLI processes and TTLs expiring,
  // and a third worker keeps both cores busy meanwhile (58 s -> 55 s on the 2-core machine, warm cache).
  maxWorkers: require('os').availableParallelism() + 1,
  roots: ['<rootDir>/test'],
  runtime: '<rootDir>/jest.runtime.js',
  testSequencer: '<rootDir>/jest.sequencer.js',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
