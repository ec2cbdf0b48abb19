// The seed's strategies, end to end: the example CDK app is synthesized, and the example
// applications run against real servers (valkey-server, redis-server, PostgreSQL) with the CACHE_*
// variables the synthesized consumers carry and the app user's access string from the synthesized
// template; the secret is served by a moto server (a local Secrets Manager).
//
// The variables are the template's, with what only exists once deployed replaced by the local
// servers' values (hosts, ports, ids, the secret's ARN) and TLS off: these servers run without TLS
// (TLS with AUTH on real servers is tested in test/servers).
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
import { REQUIRE_SERVERS_ENV, RunningServer, serversAvailable, startRedis, startValkey, stopAll } from '../servers/harness';
import { motoMissing, Moto, startMoto } from '../ops/moto';
import { Postgres, postgresAvailable, startPostgres } from '../servers/postgres';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Valkey and Redis OSS through the shared harness (a skip line, or a failure under .ci/run); PostgreSQL
// and moto are checked here the same way.
const SUITE = 'the examples on real servers';
const missing = [
  ...(postgresAvailable() ? [] : ['PostgreSQL 15 (the postgresql package; the tests run it as nobody, so as root)']),
  ...(motoMissing() === undefined ? [] : [`moto (${motoMissing()})`]),
];
if (missing.length > 0 && process.env[REQUIRE_SERVERS_ENV] === '1') {
  throw new Error(`${SUITE}: ${missing.join(', ')} missing (${REQUIRE_SERVERS_ENV}=1 makes a missing server a failure)`);
}
if (missing.length > 0) {
  process.stderr.write(`${SUITE}: skipped, install ${missing.join(', ')}\n`);
}
const describeServers = missing.length === 0 && serversAvailable(['valkey-server', 'redis-server'], SUITE) ? describe : describe.skip;

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
function appUserAccessString(template: Template): string {
  const users = Object.values(template.findResources('AWS::ElastiCache::User')).map(u => u.Properties as Json);
  return users.find(u => u.UserName === 'app')!.AccessString as string;
}
function evictionPolicyOf(template: Template): string {
  const [group] = Object.values(template.findResources('AWS::ElastiCache::ParameterGroup'));
  return ((group.Properties as Json).Properties as Record<string, string>)['maxmemory-policy'];
}

/** The template's variables with the deployed-only values replaced by the local ones (see the header). */
function localVariables(template: Record<string, unknown>, local: { port: number; id: string; secretArn?: string }): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(template)) {
    if (!name.startsWith('CACHE_')) {
      continue;
    }
    const key = name.replace(/^CACHE_(CATALOG_)?/, '');
    if (key === 'HOST' || key === 'READER_HOST') {
      result[name] = '127.0.0.1';
    } else if (key === 'PORT') {
      result[name] = String(local.port);
    } else if (key === 'ID') {
      result[name] = local.id;
    } else if (key === 'SECRET_ARN') {
      result[name] = local.secretArn!;
    } else if (key === 'TLS') {
      result[name] = 'false';
    } else {
      expect(typeof value).toBe('string'); // every other variable is a literal of the template
      result[name] = value as string;
    }
  }
  return result;
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
  let moto: Moto;
  let pg: Postgres;
  let valkey: RunningServer;
  let redis: RunningServer;
  let evictionServer: RunningServer;
  let sm: SecretsManagerClient;
  const admins: Valkey[] = [];
  const savedEnv = { ...process.env };

  /** An admin connection (the servers' default user) to set up users and policies, as ElastiCache does. */
  function admin(port: number): Valkey {
    const client = new Valkey({ host: '127.0.0.1', port, lazyConnect: false });
    admins.push(client);
    return client;
  }

  /** Creates the app user on the server with the synthesized access string, and its secret in moto. */
  async function provisionAppUser(port: number, accessString: string, secretName: string): Promise<string> {
    const password = `pw-${secretName}-0123456789abcdef`;
    await admin(port).call('ACL', 'SETUSER', 'app', 'reset', ...accessString.split(/\s+/), `>${password}`);
    const created = await sm.send(new CreateSecretCommand({ Name: secretName, SecretString: JSON.stringify({ username: 'app', password }) }));
    return created.ARN!;
  }

  beforeAll(async () => {
    // Everything starts at once: initdb takes the longest.
    const started = await Promise.allSettled([startMoto(), startPostgres(), startValkey(), startRedis(),
      startValkey({ config: ['--maxmemory', '3mb'] })]);
    const failed = started.find(r => r.status === 'rejected');
    [moto, pg, valkey, redis, evictionServer] = started.map(r => (r.status === 'fulfilled' ? r.value : undefined)) as
      [Moto, Postgres, RunningServer, RunningServer, RunningServer];
    if (failed) {
      throw (failed as PromiseRejectedResult).reason;
    }
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
    });
    sm = new SecretsManagerClient({});
  }, 60_000);

  afterAll(async () => {
    admins.forEach(a => a.disconnect());
    process.env = savedEnv;
    await Promise.all([moto, pg].filter(s => s !== undefined).map(s => s.stop()));
    await stopAll();
  });

  describe('database cache: lazy loading and write-through over PostgreSQL', () => {
    let db: Pool;
    let cache: Valkey;
    let repo: OrdersRepository;
    let connection: CacheConnection;

    beforeAll(async () => {
      const secretArn = await provisionAppUser(valkey.port, appUserAccessString(templates.database), 'orders-app');
      // The Lambda function's variables: PG* (here the local server's) and CACHE_*.
      Object.assign(process.env, pg.env, localVariables(lambdaEnvironment(templates.database, 'OrdersApi'),
        { port: valkey.port, id: 'orders-cache', secretArn }));
      db = new Pool({ max: 2 });
      await db.query(ORDERS_TABLE);
      await db.query("INSERT INTO orders VALUES (1, 'ada', 'pending', 42.00), (2, 'grace', 'pending', 7.50)");
      connection = CacheConnection.fromEnvironment();
      cache = await connectValkey(connection);
      followRotations(cache, connection);
      repo = new OrdersRepository(db, cache, 300);
    });

    afterAll(async () => {
      cache?.disconnect();
      await db?.end();
    });

    test('lazy loading: the first read misses and loads the row with a TTL; the next one hits', async () => {
      expect(await repo.get(1)).toEqual({ id: 1, customer: 'ada', status: 'pending', total: '42.00' });
      expect(repo.databaseReads).toBe(1);
      expect(await repo.get(1)).toMatchObject({ status: 'pending' });
      expect(repo.databaseReads).toBe(1);
      const ttl = await admins[0].ttl('orders:1');
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
      expect(await admins[0].exists('orders:2')).toBe(0);
    });

    test('a rotated password: WRONGPASS, then one re-read of the secret and the connection works', async () => {
      const rotated = 'pw-rotated-0123456789abcdef';
      await admins[0].call('ACL', 'SETUSER', 'app', 'resetpass', `>${rotated}`);
      await sm.send(new PutSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN, SecretString: JSON.stringify({ username: 'app', password: rotated }) }));
      // The cached secret is the old one: a new connection with it is refused.
      const cached = await connection.settings();
      const error = await admins[0].call('AUTH', cached.username!, cached.password!).catch(e => e);
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
      await admins[0].call('ACL', 'SETUSER', 'app', 'resetpass', `>${next}`);
      await sm.send(new PutSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN, SecretString: JSON.stringify({ username: 'app', password: next }) }));
      // The server drops the app's connections (as a failover or a node replacement would).
      await admins[0].call('CLIENT', 'KILL', 'USER', 'app');
      // The first reconnection is refused with the old password (what is in flight then fails with
      // WRONGPASS); the next one uses the new password.
      const replies: string[] = [];
      for (let i = 0; i < 20 && replies[replies.length - 1] !== 'PONG'; i++) {
        replies.push(await client.ping().catch(e => (isWrongPassError(e) ? 'WRONGPASS' : String(e))));
        await new Promise(r => setTimeout(r, 100));
      }
      expect(replies[replies.length - 1]).toBe('PONG');
      expect(replies.filter(r => r !== 'PONG' && r !== 'WRONGPASS')).toEqual([]);
      expect(client.options.password).toBe(next);
      // The repository's client (followRotations in beforeAll) got in again too.
      expect(await cache.ping()).toBe('PONG');
      client.disconnect();
    });
  });

  describe('session store: written by one instance, read by another', () => {
    let a: Awaited<ReturnType<typeof connectNodeRedis>>;
    let b: Awaited<ReturnType<typeof connectNodeRedis>>;

    beforeAll(async () => {
      const secretArn = await provisionAppUser(redis.port, appUserAccessString(templates.sessions), 'sessions-app');
      Object.assign(process.env, localVariables(containerEnvironment(templates.sessions), { port: redis.port, id: 'sessions', secretArn }));
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

  describe('eviction under memory pressure (maxmemory 3 MB, 4 MB written)', () => {
    let cache: Valkey;
    let server: Valkey;

    beforeAll(async () => {
      const secretArn = await provisionAppUser(evictionServer.port, appUserAccessString(templates.catalog), 'catalog-app');
      Object.assign(process.env, localVariables(lambdaEnvironment(templates.catalog, 'CatalogApi'),
        { port: evictionServer.port, id: 'catalog', secretArn }));
      cache = await connectValkey(CacheConnection.fromEnvironment({ name: 'catalog' }));
      server = admin(evictionServer.port);
    });

    afterAll(() => cache?.disconnect());

    /** Sets the policy on the server (what the parameter group does on ElastiCache) and empties it. */
    async function withPolicy(policy: string): Promise<void> {
      await server.config('SET', 'maxmemory-policy', policy);
      await server.call('FLUSHALL', 'SYNC'); // Valkey 8 flushes lazily by default: memory would be freed later
    }
    const COUNT = 4000;

    // The LRU clock ticks once a second: the older half is written a second before the newer one
    // (and the hot key read in between), so that least recently used means something. Each half fits
    // in memory; both do not, so about a third of the keys must go.
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
    const missing = (flags: boolean[]) => flags.filter(p => !p).length;
    const HALF = 1000;
    const BYTES = 1500;

    test('database cache, every key with a TTL: volatile-lru evicts the least recently used keys, no write fails', async () => {
      await withPolicy(evictionPolicyOf(templates.database));
      const older = await fill(cache, { prefix: 'orders:a', count: HALF, valueBytes: BYTES, ttlSeconds: () => 300 });
      expect(missing(older.present)).toBe(0);
      await sleep(1100);
      const newer = await fill(cache, { prefix: 'orders:b', count: HALF, valueBytes: BYTES, ttlSeconds: () => 300 });
      expect(older.refused + newer.refused).toBe(0);
      const evictedOlder = missing(await present(cache, 'orders:a', HALF));
      expect(evictedOlder).toBeGreaterThan(200);
      expect(missing(newer.present)).toBeLessThan(evictedOlder / 5);
    });

    test('catalog without TTLs: allkeys-lru keeps the keys in use and evicts the rest, no write fails', async () => {
      await withPolicy(evictionPolicyOf(templates.catalog));
      const older = await fill(cache, { prefix: 'product:a', count: HALF, valueBytes: BYTES });
      await sleep(1100);
      expect(await cache.get('product:a0')).not.toBeNull(); // a product in use
      const newer = await fill(cache, { prefix: 'product:b', count: HALF, valueBytes: BYTES });
      expect(older.refused + newer.refused).toBe(0);
      const olderLeft = await present(cache, 'product:a', HALF);
      expect(olderLeft[0]).toBe(true);
      expect(missing(olderLeft)).toBeGreaterThan(200);
      expect(missing(newer.present)).toBeLessThan(missing(olderLeft) / 5);
    });

    test('sessions: volatile-ttl evicts the sessions nearest to expiry first', async () => {
      await withPolicy(evictionPolicyOf(templates.sessions));
      const result = await fill(cache, { prefix: 'session:', count: COUNT, valueBytes: 1000, ttlSeconds: i => (i % 2 === 0 ? 600 : 86_400) });
      expect(result.refused).toBe(0);
      const evicted = (parity: number) => result.present.filter((p, i) => i % 2 === parity && !p).length;
      expect(evicted(0)).toBeGreaterThan(0);
      expect(evicted(0)).toBeGreaterThan(2 * evicted(1));
    });

    test('noeviction: nothing is lost silently, the writes that do not fit fail with OOM', async () => {
      await withPolicy(EvictionPolicy.NO_EVICTION.value);
      const result = await fill(cache, { prefix: 'ledger:', count: COUNT, valueBytes: 1000 });
      expect(result.refused).toBeGreaterThan(0);
      expect(result.written + result.refused).toBe(COUNT);
      expect(result.present.filter(p => p).length).toBe(result.written);
    });

    test('the pitfall: volatile-lru with keys without a TTL cannot evict them, so writes fail', async () => {
      await withPolicy(evictionPolicyOf(templates.database));
      const result = await fill(cache, { prefix: 'orders:', count: COUNT, valueBytes: 1000 });
      expect(result.refused).toBeGreaterThan(0);
      expect(result.present[0]).toBe(true);
    });
  });
});
