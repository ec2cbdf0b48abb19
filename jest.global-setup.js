// A directory for this run of the suite, for what its test files share (the command compiled once, see
// test/ops/build-cli.ts); jest.global-teardown.js removes it. The workers, started after this, inherit
// the variable.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = () => {
  process.env.CDK_ELASTICACHE_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-run-'));
};
