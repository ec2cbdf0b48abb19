// The order in which jest starts the test files. Jest's own order puts the files that took longest in
// the previous run first, but a fresh clone (CI) has no previous run: jest then goes by file size,
// and a long suite in a small file (the CloudFormation validation, the examples' TTL waits, the
// command's processes) could start last and run alone at the end while the other workers idle.
// These suites, the longest in a run of the whole suite (3 workers, 2 cores), start first, longest first;
// the rest follow in jest's order.
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'test/examples/examples.test.ts',
  'test/cfn-validation.test.ts',
  'test/ops/cli-moto.test.ts',
  'test/local/local.test.ts',
  'test/local/cli.test.ts',
  'test/cluster-mode-migration.test.ts',
  'test/replication-group.test.ts',
  'test/ops/failover-shard.test.ts',
  'test/security-packs.test.ts',
  'test/ops/describe-moto.test.ts',
  'test/serverless-cache.test.ts',
  'test/servers/access-strings.test.ts',
  'test/servers/client-faults.test.ts',
  'test/servers/cluster-slots.test.ts',
  'test/serverless-security-packs.test.ts',
  'test/servers/eviction.test.ts',
  'test/servers/cluster-mode.test.ts',
  'test/servers/memcached.test.ts',
  'test/ops/runtime-deps.test.ts',
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const rank = test => {
      const i = LONGEST_FIRST.findIndex(file => test.path.endsWith(file));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: within a rank, jest's order stays.
    return Promise.resolve(super.sort(tests)).then(inJestOrder => [...inJestOrder].sort((a, b) => rank(a) - rank(b)));
  }
}

module.exports = LongestFirst;
