// The order in which jest starts the test files. Jest's own order puts the files that took longest in
// the previous run first (its cache keeps each file's time), but a fresh clone (CI) has no previous
// run: jest then goes by file size, and a long suite in a small file (the CloudFormation validation,
// the examples' TTL waits, the command's processes, the update-path matrix's six-line files) could
// start last and run alone at the end while the other workers idle.
//
// When jest knows the time of every file, its order stands. Otherwise the files start longest first by
// jest's time where it has one, else by the typical time below (seconds in a run of the whole suite,
// 4 workers on the 2-core machine; the suites of 1.9 s and more), else last in jest's order.
const Sequencer = require('@jest/test-sequencer').default;

const TYPICAL_SECONDS = {
  'test/day-two/deployed-state.test.ts': 18.0,
  'test/examples/examples.test.ts': 10.2,
  'test/ops/plan-cli.test.ts': 9.3,
  'test/ops/cli-moto.test.ts': 7.8,
  'test/cfn-validation.test.ts': 7.2,
  'test/servers/client-faults.test.ts': 6.5,
  'test/local/local.test.ts': 5.7,
  'test/cluster-mode-migration.test.ts': 4.4,
  'test/security-packs.test.ts': 4.0,
  'test/local/cli.test.ts': 3.7,
  'test/servers/cluster-mode.test.ts': 3.5,
  'test/ops/cli-faults.test.ts': 3.4,
  'test/ops/global.test.ts': 3.4,
  'test/day-two/replication-group-2.test.ts': 3.3,
  'test/servers/memcached.test.ts': 3.2,
  'test/ops/failover-shard.test.ts': 3.2,
  'test/ops/describe-moto.test.ts': 2.6,
  'test/day-two/references.test.ts': 2.6,
  'test/servers/access-strings.test.ts': 2.6,
  'test/servers/cluster-slots.test.ts': 2.5,
  'test/day-two/replication-group.test.ts': 2.5,
  'test/day-two/consumer.test.ts': 2.4,
  'test/day-two/serverless.test.ts': 2.4,
  'test/day-two/memcached.test.ts': 2.3,
  'test/replication-group.test.ts': 2.2,
  'test/serverless-cache.test.ts': 2.1,
  'test/global-datastore/day-two.test.ts': 2.0,
  'test/consumer.test.ts': 2.0,
  'test/servers/readme-client.test.ts': 2.0,
  'test/day-two/cluster-mode.test.ts': 1.9,
  'test/readme.test.ts': 1.9,
};

class LongestFirst extends Sequencer {
  sort(tests) {
    return Promise.resolve(super.sort(tests)).then(inJestOrder => {
      // super.sort() sets each test's duration (ms) from jest's cache, where it has one.
      if (inJestOrder.every(test => test.duration != null)) {
        return inJestOrder;
      }
      const typical = test => {
        const file = Object.keys(TYPICAL_SECONDS).find(f => test.path.endsWith(f));
        return file === undefined ? 0 : TYPICAL_SECONDS[file] * 1000;
      };
      const estimate = test => test.duration ?? typical(test);
      // Array.prototype.sort is stable: files without an estimate keep jest's order, after the others.
      return [...inJestOrder].sort((a, b) => estimate(b) - estimate(a));
    });
  }
}

module.exports = LongestFirst;
