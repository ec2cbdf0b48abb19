/**
 * Eviction policies on real Valkey 8.0 and Redis OSS 7.0 servers: every `EvictionPolicy` the
 * library puts in a parameter group is taken by `CONFIG SET maxmemory-policy`, and the README's
 * table (which policy for which workload) holds under a small `maxmemory`.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EvictionPolicy, ParameterGroup, ValkeyVersion } from '../../lib';
import { Client, connect } from './clients';
import { RunningServer, serverSuite, startRedis, startValkey } from './harness';

const POLICIES: Record<string, EvictionPolicy> = Object.fromEntries(
  Object.entries(EvictionPolicy).filter(([, v]) => v instanceof EvictionPolicy) as [string, EvictionPolicy][]);

/** The `maxmemory-policy` of a parameter group made with each policy, read from the synthesized template. */
function synthesizedPolicies(): Record<string, string> {
  const stack = new Stack(new App(), 'Stack');
  for (const [name, policy] of Object.entries(POLICIES)) {
    new ParameterGroup(stack, name, { engine: ValkeyVersion.VER_8_0, evictionPolicy: policy });
  }
  const groups = Template.fromStack(stack).findResources('AWS::ElastiCache::ParameterGroup');
  return Object.fromEntries(Object.entries(POLICIES).map(([name]) => {
    const logicalId = Object.keys(groups).find(id => id.startsWith(name.replace(/_/g, '')))!;
    return [name, groups[logicalId].Properties.Properties['maxmemory-policy']];
  }));
}

const VALUE = 'v'.repeat(1024);
/** How much the tests write: three times the memory they leave the server. */
const HEADROOM = 2 * 1024 * 1024;
const WRITES = Math.ceil((3 * HEADROOM) / VALUE.length);

interface Fill {
  /** Writes that the server accepted. */
  readonly ok: number;
  /** The first error, e.g. OOM under noeviction. */
  readonly error?: string;
}

serverSuite('eviction policies on real servers', ['valkey-server', 'redis-server'], () => {
  const engines: { name: string; server: RunningServer; client: Client }[] = [];

  beforeAll(async () => {
    const servers = await Promise.all([startValkey(), startRedis()]);
    const clients = await Promise.all(servers.map(s => connect('iovalkey', s)));
    engines.push({ name: 'Valkey 8.0', server: servers[0], client: clients[0] }, { name: 'Redis OSS 7.0', server: servers[1], client: clients[1] });
  }, 20_000);

  afterAll(async () => {
    await Promise.all(engines.map(e => e.client.quit()));
  });

  /** Empties the server, sets the policy and leaves HEADROOM bytes of memory above what it uses now. */
  async function reset(client: Client, policy: EvictionPolicy): Promise<void> {
    await client.call('CONFIG', 'SET', 'maxmemory', '0');
    // SYNC: Valkey 8 frees a flushed database in the background by default (lazyfree-lazy-user-flush), which would inflate the memory measured next.
    await client.call('FLUSHALL', 'SYNC');
    await client.call('CONFIG', 'SET', 'maxmemory-policy', policy.value);
    await client.call('CONFIG', 'SET', 'maxmemory-samples', '10');
    const used = Number(/used_memory:(\d+)/.exec(String(await client.call('INFO', 'memory')))![1]);
    await client.call('CONFIG', 'SET', 'maxmemory', String(used + HEADROOM));
    await client.call('CONFIG', 'RESETSTAT');
  }

  /** Writes `count` 1 KB keys `<prefix><i>`, with a TTL when given, in pipelines; stops at the first error. */
  async function fill(client: Client, prefix: string, count: number, ttlSeconds?: (i: number) => number): Promise<Fill> {
    let ok = 0;
    for (let start = 0; start < count; start += 250) {
      const batch = Array.from({ length: Math.min(250, count - start) }, (_, j) => start + j);
      const results = await Promise.allSettled(batch.map(i => ttlSeconds
        ? client.call('SET', `${prefix}${i}`, VALUE, 'EX', String(ttlSeconds(i)))
        : client.call('SET', `${prefix}${i}`, VALUE)));
      for (const r of results) {
        if (r.status === 'rejected') return { ok, error: (r.reason as Error).message };
        ok++;
      }
    }
    return { ok };
  }

  async function evicted(client: Client): Promise<number> {
    return Number(/evicted_keys:(\d+)/.exec(String(await client.call('INFO', 'stats')))![1]);
  }

  async function existing(client: Client, keys: string[]): Promise<number> {
    return Number(await client.call('EXISTS', ...keys));
  }

  const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  test('every EvictionPolicy the library writes into a parameter group is a maxmemory-policy both engines take', async () => {
    const synthesized = synthesizedPolicies();
    expect(Object.keys(synthesized)).toHaveLength(8);
    for (const { client } of engines) {
      for (const [name, value] of Object.entries(synthesized)) {
        expect(value).toBe(POLICIES[name].value);
        expect(await client.call('CONFIG', 'SET', 'maxmemory-policy', value)).toBe('OK');
        expect(await client.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', value]);
      }
      // What EvictionPolicy.of() refuses, the servers refuse too.
      await expect(client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-newpolicy')).rejects.toThrow(/ERR/);
    }
  });

  describe.each([['Valkey 8.0', 0], ['Redis OSS 7.0', 1]] as const)('the README eviction table on %s', (_name, index) => {
    const e = () => engines[index];

    test('database cache whose keys all have a TTL: VOLATILE_LRU evicts them and keeps accepting writes; keys without a TTL stay', async () => {
      const { client } = e();
      await reset(client, EvictionPolicy.VOLATILE_LRU);
      await client.call('SET', 'config:flags', 'keep');
      expect(await fill(client, 'cache:', WRITES, () => 3600)).toEqual({ ok: WRITES });
      expect(await evicted(client)).toBeGreaterThan(WRITES / 3);
      expect(await client.call('GET', 'config:flags')).toBe('keep');
    });

    test('cache whose keys have no TTL: a volatile-* policy cannot evict them and writes fail; ALLKEYS_LRU / ALLKEYS_LFU keep going', async () => {
      const { client } = e();
      await reset(client, EvictionPolicy.VOLATILE_LRU);
      const stuck = await fill(client, 'page:', WRITES);
      expect(stuck.ok).toBeLessThan(WRITES);
      expect(stuck.error).toMatch(/^OOM command not allowed/);
      expect(await evicted(client)).toBe(0);
      for (const policy of [EvictionPolicy.ALLKEYS_LRU, EvictionPolicy.ALLKEYS_LFU]) {
        await reset(client, policy);
        expect(await fill(client, 'page:', WRITES)).toEqual({ ok: WRITES });
        expect(await evicted(client)).toBeGreaterThan(WRITES / 3);
      }
    });

    test('session store: VOLATILE_TTL evicts the sessions closest to expiry first', async () => {
      const { client } = e();
      await reset(client, EvictionPolicy.VOLATILE_TTL);
      // A fifth of the memory in long sessions (a day), then short ones (a minute, and more each time) until it is full several times over.
      const long = Math.floor(HEADROOM / VALUE.length / 5);
      expect(await fill(client, 'session:long:', long, () => 86_400)).toEqual({ ok: long });
      expect(await fill(client, 'session:short:', WRITES, (i) => 60 + i)).toEqual({ ok: WRITES });
      expect(await evicted(client)).toBeGreaterThan(WRITES / 3);
      expect(await existing(client, range('session:long:', long))).toBe(long);
      // The first short sessions (closest to expiry) went before the last ones.
      expect(await existing(client, range('session:short:', 200))).toBeLessThan(await existing(client, range('session:short:', WRITES).slice(-200)));
    });

    test('data that must never disappear silently: NO_EVICTION refuses writes and evicts nothing', async () => {
      const { client } = e();
      await reset(client, EvictionPolicy.NO_EVICTION);
      const result = await fill(client, 'ledger:', WRITES, () => 3600);
      expect(result.ok).toBeLessThan(WRITES);
      expect(result.error).toMatch(/^OOM command not allowed/);
      expect(await evicted(client)).toBe(0);
      expect(await existing(client, range('ledger:', result.ok))).toBe(result.ok);
    });
  });
});
