// Removes the run's directory (jest.global-setup.js).
const fs = require('node:fs');

module.exports = () => {
  const dir = process.env.CDK_ELASTICACHE_TEST_RUN_DIR;
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
