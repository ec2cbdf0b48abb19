const fs = require('node:fs');

// Temporary files in memory. The suite writes thousands of short-lived files: a cloud assembly per
// synthesized app (templates, manifests, tree.json), the servers' directories and certificates, the
// compiled command with its node_modules links, a PostgreSQL cluster. On a disk file system creating
// and removing them cost about a tenth of the suite's CPU time (system time 14 s -> 9 s of 90 s on the
// 2-core machine). When TMPDIR is not set and /dev/shm is a tmpfs with room to spare (the suite's
// temporary files peak at about 50 MB; a container's default /dev/shm is 64 MB, too tight), the test
// processes get it as TMPDIR; os.tmpdir() is where aws-cdk-lib and the tests make their directories.
// Jest's own cache stays where it was (its default directory is computed before this file is read).
const SHM = '/dev/shm';
const TMPFS_MAGIC = 0x01021994;
function roomyTmpfs(dir, bytes) {
  try {
    const stats = fs.statfsSync(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    return stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize >= bytes;
  } catch {
    return false;
  }
}
if (!process.env.TMPDIR && roomyTmpfs(SHM, 1024 ** 3)) {
  process.env.TMPDIR = SHM;
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jest's default is one worker per core minus one: a single worker on the 2-core CI machine. Two
  // workers more than cores: the suites wait on real servers, moto, CLI processes and TTLs expiring,
  // and the extra workers keep both cores busy meanwhile (2-core machine, warm cache: 3 workers
  // 58 s -> 55 s; later 4 workers instead of 3, 47.5 s -> 45.4 s; 5 workers cost more CPU than they hide).
  maxWorkers: require('os').availableParallelism() + 2,
  roots: ['<rootDir>/test'],
  runtime: '<rootDir>/jest.runtime.js',
  testSequencer: '<rootDir>/jest.sequencer.js',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
