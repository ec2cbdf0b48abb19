import { cacheIdProblem, MAX_CACHE_CLUSTER_ID_LENGTH, MAX_REPLICATION_GROUP_ID_LENGTH } from '../../lib/ops/ids';

const RULE = "letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'.";

describe('cacheIdProblem: ElastiCache\'s naming rules', () => {
  test('the limits are ElastiCache\'s: 40 characters for replication groups, 50 for cache clusters', () => {
    expect([MAX_REPLICATION_GROUP_ID_LENGTH, MAX_CACHE_CLUSTER_ID_LENGTH]).toEqual([40, 50]);
  });

  test.each(['a', 'my-cache', 'My-Cache-01', 'a1-b2-c3', `a${'b'.repeat(39)}`])('valid replication group id %j', id => {
    expect(cacheIdProblem('replication-group', id)).toBeUndefined();
    expect(cacheIdProblem('cache', id)).toBeUndefined();
  });

  test.each(['', '1cache', '-cache', 'my--cache', 'my-cache-', 'my_cache', 'my.cache', 'my cache', ' my-cache', 'cafe\u0301', `a${'b'.repeat(40)}`])(
    'invalid replication group id %j', id => {
      expect(cacheIdProblem('replication-group', id)).toBe(`Invalid replication group id: got '${id}'. Allowed: 1-40 ${RULE}`);
    });

  test('41 to 50 characters: a cache cluster id, not a replication group id', () => {
    const id = `a${'b'.repeat(49)}`;
    expect(cacheIdProblem('cache-cluster', id)).toBeUndefined();
    expect(cacheIdProblem('cache', id)).toBeUndefined();
    expect(cacheIdProblem('replication-group', id)).toMatch(/^Invalid replication group id/);
    expect(cacheIdProblem('cache-cluster', `${id}c`)).toBe(`Invalid cache cluster id: got '${id}c'. Allowed: 1-50 ${RULE}`);
  });

  test('a serverless cache name follows the replication group rule', () => {
    expect(cacheIdProblem('serverless-cache', 'my-serverless')).toBeUndefined();
    expect(cacheIdProblem('serverless-cache', 'my--serverless')).toBe(`Invalid serverless cache name: got 'my--serverless'. Allowed: 1-40 ${RULE}`);
  });

  test('the message stays one line: control characters escaped, long values cut', () => {
    expect(cacheIdProblem('cache', 'a\nb')).toMatch(/^Invalid cache id: got 'a\\nb'\. /);
    const long = cacheIdProblem('cache', `a${'b'.repeat(500)}`)!;
    expect(long).toMatch(/^Invalid cache id: got 'ab{59}\.\.\.'\. Allowed: /);
    expect(long).not.toContain('\n');
  });
});
