// The seed's strategies, end to end: the example CDK app is synthesized, its caches run locally as
// their templates define them (startLocalCaches: Valkey and Redis OSS with a replica each, TLS, the
// users and the eviction policies of the templates), and the example applications run against them
// and PostgreSQL with the CACHE_* variables of the synthesized consumers, resolved to the local
// servers (the secret is a file of the session, read by cdk-elasticache/client).
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import Valkey from 'iovalkey';
import { Pool } from 'pg';
import { buildExamples } from '../../examples/app';
import { connectValkey, followRotations } from '../../examples/connect';
import { OrdersRepository, ORDERS_TABLE } from '../../examples/database-cache/orders';
import { fill, present } from '../../examples/eviction/fill';
import { connectNodeRedis, SessionStore } from '../../examples/session-store/sessions';
import { CacheConnection, isWrongPassError } from '../../lib/client';
import { EvictionPolicy } from '../../lib';
import { LocalCache, LocalCaches, startLocalCaches } from '../../lib/local';
import { REQUIRE_SERVERS_ENV, serversAvailable } from '../servers/harness';
import { Postgres, postgresAvailable, startPostgres } from '../servers/postgres';

// Valkey and Redis OSS through the shared harness (a skip line, or a failure under .ci/run); PostgreSQL
// is checked here the same way.
const SUITE = 'the examples on real servers';
const missing = [
  ...(postgresAvailable() ? [] : ['PostgreSQL 15 (the postgresql package; the tests run it as nobody, so as root)']),
];
if (missing.length > 0 && process.env[REQUIRE_SERVERS_ENV] === '1') {
  throw new Error(`${SUITE}: ${missing.join(', ')} missing (${REQUIRE_SERVERS_ENV}=1 makes a missing server a failure)`);
}
if (missing.length > 0) {
  process.stderr.write(`${SUITE}: skipped, install ${missing.join(', ')}\n`);
}
const describeServers = missing.length === 0 && serversAvailable(['valkey-server', 'redis-server', 'openssl'], SUITE) ? describe : describe.skip;

// Synthesized once: the example app, its consumers' variables and the default app user's access string.
const examples = buildExamples();
const templates = {
  database: Template.fromStack(examples.databaseCache),
  sessions: Template.fromStack(examples.sessionStore),
  catalog: Template.fromStack(examples.catalog),
};

type Json = Record<string, unknown>;
function lambdaEnvironment(template: Template, idPrefix: string): Record<string, unknown> {
  const fns = template.findResources('AWS::Lambda::Function');
  const id = Object.keys(fns).find(k => k.startsWith(idPrefix))!;
  return ((fns[id].Properties as Json).Environment as Json).Variables as Record<string, unknown>;
}
function containerEnvironment(template: Template): Record<string, unknown> {
  const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const [container] = (td.Properties as Json).ContainerDefinitions as Json[];
  return Object.fromEntries((container.Environment as Array<{ Name: string; Value: unknown }>).map(e => [e.Name, e.Value]));
}
function evictionPolicyOf(template: Template): string {
  const [group] = Object.values(template.findResources('AWS::ElastiCache::ParameterGroup'));
  return ((group.Properties as Json).Properties as Record<string, string>)['maxmemory-policy'];
}

test('the example stacks wire their consumers with the documented variables', () => {
  expect(lambdaEnvironment(templates.database, 'OrdersApi')).toMatchObject({
    CACHE_ENGINE: 'valkey', CACHE_AUTH: 'rbac-password', CACHE_USER: 'app', CACHE_TLS: 'true', CACHE_PORT: '6379', PGDATABASE: 'orders',
  });
  expect(containerEnvironment(templates.sessions)).toMatchObject({ CACHE_ENGINE: 'redis', CACHE_AUTH: 'rbac-password', CACHE_USER: 'app' });
  expect(Object.keys(lambdaEnvironment(templates.catalog, 'CatalogApi')).every(k => k.startsWith('CACHE_CATALOG_'))).toBe(true);
  expect([evictionPolicyOf(templates.database), evictionPolicyOf(templates.sessions), evictionPolicyOf(templates.catalog)])
    .toEqual(['volatile-lru', 'volatile-ttl', 'allkeys-lru']);
});

describeServers(SUITE, () => {
  let pg: Postgres;
  let local: LocalCaches;
  const admins: Valkey[] = [];
  const savedEnv = { ...process.env };
  const cache = (id: string): LocalCache => local.caches.find(c => c.id === id)!;
  const consumerEnvironment = (id: string) => local.consumers.find(c => c.id === id)!.environment;

  /**
   * A connection as the session's own user (every permission, not in the template): to look at the
   * cache, change a user's password and reset it between tests, where the app user may not.
   */
  function admin(c: LocalCache): Valkey {
    const client = new Valkey({ host: '127.0.0.1', port: c.port, username: c.admin!.username, password: c.admin!.password,
      tls: { ca: local.ca!, servername: 'localhost' } });
    admins.push(client);
    return client;
  }

  /** Rotates the app user's password: on the server (as ElastiCache does) and in the secret the client reads (the session's file). */
  async function rotate(server: Valkey, password: string): Promise<void> {
    await server.call('ACL', 'SETUSER', 'app', 'resetpass', `>${password}`);
    fs.writeFileSync(fileURLToPath(process.env.CACHE_SECRET_ARN!), JSON.stringify({ username: 'app', password }));
  }

  beforeAll(async () => {
    // Everything starts at once: initdb takes the longest.
    const started = await Promise.allSettled([startPostgres(), startLocalCaches({ app: examples.app })]);
    const failed = started.find(r => r.status === 'rejected');
    [pg, local] = started.map(r => (r.status === 'fulfilled' ? r.value : undefined)) as [Postgres, LocalCaches];
    if (failed) {
      throw (failed as PromiseRejectedResult).reason;
    }
  }, 60_000);

  afterAll(async () => {
    admins.forEach(a => a.disconnect());
    process.env = savedEnv;
    await Promise.all([pg?.stop(), local?.stop()]);
  });

  test('the caches run as their templates say: Valkey and Redis OSS, a replica each, TLS, and each its eviction policy', () => {
    expect(local.caches.map(c => [c.id, c.binary, c.nodes.length, c.transitEncryption, c.parameters['maxmemory-policy']])).toEqual([
      ['ExamplesDatabaseCache/OrdersCache', 'valkey-server', 2, 'required', 'volatile-lru'],
      ['ExamplesSessionStore/Sessions', 'redis-server', 2, 'required', 'volatile-ttl'],
      ['ExamplesCatalogCache/Catalog', 'valkey-server', 2, 'required', 'allkeys-lru'],
    ]);
  });

  describe('database cache: lazy loading and write-through over PostgreSQL', () => {
    let db: Pool;
    let cacheClient: Valkey;
    let server: Valkey;
    let repo: OrdersRepository;
    let connection: CacheConnection;

    beforeAll(async () => {
      server = admin(cache('ExamplesDatabaseCache/OrdersCache'));
      // The Lambda function's variables: PG* (here the local server's) and CACHE_*.
      Object.assign(process.env, pg.env, consumerEnvironment('ExamplesDatabaseCache/OrdersApi'));
      db = new Pool({ max: 2 });
      await db.query(ORDERS_TABLE);
      await db.query("INSERT INTO orders VALUES (1, 'ada', 'pending', 42.00), (2, 'grace', 'pending', 7.50)");
      connection = CacheConnection.fromEnvironment();
      cacheClient = await connectValkey(connection);
      followRotations(cacheClient, connection);
      repo = new OrdersRepository(db, cacheClient, 300);
    });

    afterAll(async () => {
      cacheClient?.disconnect();
      await db?.end();
    });

    test('lazy loading: the first read misses and loads the row with a TTL; the next one hits', async () => {
      expect(await repo.get(1)).toEqual({ id: 1, customer: 'ada', status: 'pending', total: '42.00' });
      expect(repo.databaseReads).toBe(1);
      expect(await repo.get(1)).toMatchObject({ status: 'pending' });
      expect(repo.databaseReads).toBe(1);
      const ttl = await server.ttl('orders:1');
      expect(ttl).toBeGreaterThan(290);
      expect(ttl).toBeLessThanOrEqual(330);
    });

    test('the stale read of lazy loading, and write-through fixing it', async () => {
      await repo.get(1);
      await repo.setStatusInDatabaseOnly(1, 'shipped');
      // The database says shipped; the cache still says pending until its TTL runs out.
      expect((await db.query('SELECT status FROM orders WHERE id = 1')).rows[0].status).toBe('shipped');
      expect((await repo.get(1))!.status).toBe('pending');
      const reads = repo.databaseReads;
      await repo.setStatus(1, 'delivered');
      expect((await repo.get(1))!.status).toBe('delivered');
      expect(repo.databaseReads).toBe(reads);
    });

    test('invalidation: a deleted order is gone from both', async () => {
      await repo.get(2);
      await repo.delete(2);
      expect(await repo.get(2)).toBeUndefined();
      expect(await server.exists('orders:2')).toBe(0);
    });

    test('a rotated password: WRONGPASS, then one re-read of the secret and the connection works', async () => {
      const rotated = 'pw-rotated-0123456789abcdef';
      await rotate(server, rotated);
      // The cached secret is the old one: a new connection with it is refused.
      const cached = await connection.settings();
      const error = await server.call('AUTH', cached.username!, cached.password!).catch(e => e);
      expect(isWrongPassError(error)).toBe(true);
      // connectValkey() meets the same WRONGPASS, refreshes and connects.
      const fresh = await connectValkey(connection);
      expect(await fresh.ping()).toBe('PONG');
      expect((await connection.settings()).password).toBe(rotated);
      fresh.disconnect();
    });

    test('a long-lived client follows a rotation: its reconnection meets WRONGPASS, re-reads the secret, and gets in', async () => {
      const client = await connectValkey(connection);
      followRotations(client, connection);
      expect(await client.ping()).toBe('PONG');
      const next = 'pw-rotated-again-0123456789';
      await rotate(server, next);
      // The server drops the app's connections (as a failover or a node replacement would).
      await server.call('CLIENT', 'KILL', 'USER', 'app');
      // The first reconnection is refused with the old password (what is in flight then fails with
      // WRONGPASS, or, while the TLS reconnection is under way, with the client's retry limit); the next
      // one uses the new password.
      const replies: string[] = [];
      for (let i = 0; i < 20 && replies[replies.length - 1] !== 'PONG'; i++) {
        replies.push(await client.ping().catch(e => (isWrongPassError(e) ? 'WRONGPASS' : String(e))));
        await new Promise(r => setTimeout(r, 100));
      }
      expect(replies[replies.length - 1]).toBe('PONG');
      expect(replies.filter(r => r !== 'PONG' && r !== 'WRONGPASS' && !/^MaxRetriesPerRequestError/.test(r))).toEqual([]);
      expect(client.options.password).toBe(next);
      // The repository's client (followRotations in beforeAll) got in again too.
      expect(await cacheClient.ping()).toBe('PONG');
      client.disconnect();
    });
  });

  describe('session store: written by one instance, read by another', () => {
    let a: Awaited<ReturnType<typeof connectNodeRedis>>;
    let b: Awaited<ReturnType<typeof connectNodeRedis>>;

    beforeAll(async () => {
      // The ECS container's variables.
      Object.assign(process.env, consumerEnvironment('ExamplesSessionStore/Web/App'));
      // Two tasks of the service: each builds its own connection from the same variables.
      a = await connectNodeRedis(CacheConnection.fromEnvironment());
      b = await connectNodeRedis(CacheConnection.fromEnvironment());
    });

    afterAll(async () => {
      a?.destroy();
      b?.destroy();
    });

    test('a session created on A is read and updated on B, and destroyed', async () => {
      const storeA = new SessionStore(a);
      const storeB = new SessionStore(b);
      const id = await storeA.create({ userId: 'ada', cart: [] });
      expect(await storeB.get(id)).toEqual({ userId: 'ada', cart: [] });
      await storeB.save(id, { userId: 'ada', cart: ['book'] });
      expect(await storeA.get(id)).toEqual({ userId: 'ada', cart: ['book'] });
      expect(await a.ttl(`session:${id}`)).toBeGreaterThan(1790);
      await storeA.destroy(id);
      expect(await storeB.get(id)).toBeUndefined();
    });

    test('an idle session expires; a read extends it (sliding expiration)', async () => {
      const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
      const storeA = new SessionStore(a, 1);
      const storeB = new SessionStore(b, 1);
      const active = await storeA.create({ userId: 'ada', cart: [] });
      const idle = await storeA.create({ userId: 'grace', cart: [] });
      await sleep(600);
      expect(await storeB.get(active)).toBeDefined();
      await sleep(600);
      // 1.2 s after creation: the idle one is gone, the one read at 0.6 s is still there.
      expect(await storeB.get(active)).toBeDefined();
      expect(await storeB.get(idle)).toBeUndefined();
      await sleep(1100);
      expect(await storeB.get(active)).toBeUndefined();
    });
  });

  describe('eviction under memory pressure (2 MB of room for data, 4 MB written), each cache with the policy of its template', () => {
    const clients: Record<string, Valkey> = {};
    const servers: Record<string, Valkey> = {};

    /**
     * The app's client of a cache (from its consumer's variables), and an admin one, on an emptied cache
     * whose maxmemory leaves 2 MB for data above what the empty server uses.
     */
    async function onCache(cacheId: string, consumerId: string, name?: string): Promise<{ client: Valkey; server: Valkey }> {
      if (!clients[cacheId]) {
        clients[cacheId] = await connectValkey(CacheConnection.fromEnvironment({ name, env: consumerEnvironment(consumerId) }));
        servers[cacheId] = admin(cache(cacheId));
      }
      const server = servers[cacheId];
      // The replica's link keeps up to repl-backlog-size (1 MB) of recent writes, counted as used
      // memory: kept small here, so that the room for data is what these tests write against.
      await server.config('SET', 'repl-backlog-size', '16384');
      await server.config('SET', 'maxmemory', '0');
      await server.call('FLUSHALL', 'SYNC'); // Valkey 8 flushes lazily by default: memory would be freed later
      const memory = await server.info('memory');
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(memory)![1]);
      await server.config('SET', 'maxmemory', String(field('used_memory') - field('mem_not_counted_for_evict') + 2 * 1024 * 1024));
      return { client: clients[cacheId], server };
    }
    const database = () => onCache('ExamplesDatabaseCache/OrdersCache', 'ExamplesDatabaseCache/OrdersApi');
    const catalog = () => onCache('ExamplesCatalogCache/Catalog', 'ExamplesCatalogCache/CatalogApi', 'catalog');
    const sessions = () => onCache('ExamplesSessionStore/Sessions', 'ExamplesSessionStore/Web/App');

    afterAll(() => Object.values(clients).forEach(c => c.disconnect()));

    const COUNT = 4000;

    // The LRU clock ticks once a second: the older half is written a second before the newer one
    // (and the hot key read in between), so that least recently used means something. Each half fits
    // in memory; both do not, so about a third of the keys must go.
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
    const missing = (flags: boolean[]) => flags.filter(p => !p).length;
    const HALF = 1000;
    const BYTES = 1500;

    test('database cache, every key with a TTL: volatile-lru evicts the least recently used keys, no write fails', async () => {
      const { client } = await database();
      const older = await fill(client, { prefix: 'orders:a', count: HALF, valueBytes: BYTES, ttlSeconds: () => 300 });
      expect(missing(older.present)).toBe(0);
      await sleep(1100);
      const newer = await fill(client, { prefix: 'orders:b', count: HALF, valueBytes: BYTES, ttlSeconds: () => 300 });
      expect(older.refused + newer.refused).toBe(0);
      const evictedOlder = missing(await present(client, 'orders:a', HALF));
      expect(evictedOlder).toBeGreaterThan(200);
      expect(missing(newer.present)).toBeLessThan(evictedOlder / 5);
    });

    test('catalog without TTLs: allkeys-lru keeps the keys in use and evicts the rest, no write fails', async () => {
      const { client } = await catalog();
      const older = await fill(client, { prefix: 'product:a', count: HALF, valueBytes: BYTES });
      await sleep(1100);
      expect(await client.get('product:a0')).not.toBeNull(); // a product in use
      const newer = await fill(client, { prefix: 'product:b', count: HALF, valueBytes: BYTES });
      expect(older.refused + newer.refused).toBe(0);
      const olderLeft = await present(client, 'product:a', HALF);
      expect(olderLeft[0]).toBe(true);
      expect(missing(olderLeft)).toBeGreaterThan(200);
      expect(missing(newer.present)).toBeLessThan(missing(olderLeft) / 5);
    });

    test('sessions: volatile-ttl evicts the sessions nearest to expiry first', async () => {
      const { client } = await sessions();
      const result = await fill(client, { prefix: 'session:', count: COUNT, valueBytes: 1000, ttlSeconds: i => (i % 2 === 0 ? 600 : 86_400) });
      expect(result.refused).toBe(0);
      const evicted = (parity: number) => result.present.filter((p, i) => i % 2 === parity && !p).length;
      expect(evicted(0)).toBeGreaterThan(0);
      expect(evicted(0)).toBeGreaterThan(2 * evicted(1));
    });

    test('noeviction: nothing is lost silently, the writes that do not fit fail with OOM', async () => {
      const { client, server } = await catalog();
      await server.config('SET', 'maxmemory-policy', EvictionPolicy.NO_EVICTION.value); // no template of the examples has it
      const result = await fill(client, { prefix: 'ledger:', count: COUNT, valueBytes: 1000 });
      expect(result.refused).toBeGreaterThan(0);
      expect(result.written + result.refused).toBe(COUNT);
      expect(result.present.filter(p => p).length).toBe(result.written);
    });

    test('the pitfall: volatile-lru with keys without a TTL cannot evict them, so writes fail', async () => {
      const { client } = await database();
      const result = await fill(client, { prefix: 'orders:', count: COUNT, valueBytes: 1000 });
      expect(result.refused).toBeGreaterThan(0);
      expect(result.present[0]).toBe(true);
    });
  });
});
