/**
 * The access strings the library hands to ElastiCache, run on real Valkey 8.0 and Redis OSS 7.0
 * servers through real clients (iovalkey, ioredis, node-redis).
 *
 * Each server is TLS only (like the default replication group: transit encryption `required`)
 * and gets its users as ElastiCache creates them, `ACL SETUSER <user> reset <access string>
 * ><password>`: the `default` and `app` users read from the synthesized template of a default
 * replication group, and one user per helper. Then, per user and per client:
 * - a matrix of commands that must pass and must fail (commands whose success would disrupt the
 *   server, such as SHUTDOWN or MONITOR, and destructive ones as the administrator, are asked with
 *   `ACL DRYRUN` instead of being run);
 * - a connection with the clients' usual options (`db`, connection name, TLS, username and
 *   password), their ready check, a transaction and a script;
 * - the cross-prefix escalation through a library function, which must fail.
 */
import { randomBytes } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AccessString, CacheEngineVersion, KeyAccessLevel, RedisOssVersion, ReplicationGroup } from '../../lib';
import { INVALID_ACCESS_STRINGS, VALID_ACCESS_STRINGS } from '../acl-samples';
import { CLIENT_LIBS, Client, ClientLib, connect, verdict, Verdict } from './clients';
import { probe, RunningServer, serverSuite, startRedis, startValkey } from './harness';

type Level = 'full' | 'rw' | 'ro' | 'rwPrefix' | 'roPrefix';
const ALL: Level[] = ['full', 'rw', 'ro', 'rwPrefix', 'roPrefix'];
const WRITE: Level[] = ['full', 'rw', 'rwPrefix'];
const EVERY_KEY_READ: Level[] = ['full', 'rw', 'ro'];
const EVERY_KEY_WRITE: Level[] = ['full', 'rw'];
const ADMIN: Level[] = ['full'];

const PASSWORD = randomBytes(16).toString('hex');
const LIB_CODE = (name: string, body: string) =>
  `#!lua name=${name}\nredis.register_function('stamp', function(keys, args) ${body} end)`;
const ADMIN_LIBRARY = LIB_CODE('applib', "return redis.call('SET', keys[1], args[1])");

interface Check {
  /** What the README's table calls it. */
  readonly label: string;
  readonly args: (lib: ClientLib) => string[];
  readonly allowed: Level[];
  /**
   * Ask `ACL DRYRUN` instead of running it: 'always' for commands that would disrupt the server or
   * the connection whoever runs them, 'whenAllowed' for destructive ones (asked for the levels that
   * may run them, run for the others, where the server must refuse them).
   */
  readonly dryRun?: 'always' | 'whenAllowed';
}

const fixed = (...args: string[]) => () => args;

/** The matrix. Keys: `orders:*` belongs to the prefix users, `other:*` does not. */
const CHECKS: Check[] = [
  // What clients send when they connect (and applications use on the way).
  { label: 'PING', args: fixed('PING'), allowed: ALL },
  { label: 'ECHO', args: fixed('ECHO', 'hi'), allowed: ALL },
  { label: 'HELLO', args: (lib) => ['HELLO', lib === 'node-redis' ? '3' : '2'], allowed: ALL },
  { label: 'CLIENT SETNAME', args: fixed('CLIENT', 'SETNAME', 'matrix'), allowed: ALL },
  { label: 'CLIENT GETNAME', args: fixed('CLIENT', 'GETNAME'), allowed: ALL },
  { label: 'CLIENT ID', args: fixed('CLIENT', 'ID'), allowed: ALL },
  { label: 'CLIENT INFO', args: fixed('CLIENT', 'INFO'), allowed: ALL },
  // Redis OSS 7.0 answers "unknown subcommand" (7.2 added it): allowed by the ACL either way.
  { label: 'CLIENT SETINFO', args: fixed('CLIENT', 'SETINFO', 'LIB-NAME', 'matrix'), allowed: ALL },
  { label: 'SELECT 1', args: fixed('SELECT', '1'), allowed: ALL },
  { label: 'SELECT 0', args: fixed('SELECT', '0'), allowed: ALL },
  { label: 'WAIT', args: fixed('WAIT', '0', '0'), allowed: ALL },
  { label: 'INFO', args: fixed('INFO', 'server'), allowed: ALL },
  { label: 'CLUSTER SLOTS', args: fixed('CLUSTER', 'SLOTS'), allowed: ALL },
  { label: 'CLUSTER SHARDS', args: fixed('CLUSTER', 'SHARDS'), allowed: ALL },
  { label: 'CLUSTER NODES', args: fixed('CLUSTER', 'NODES'), allowed: ALL },
  { label: 'CLUSTER INFO', args: fixed('CLUSTER', 'INFO'), allowed: ALL },
  { label: 'READONLY', args: fixed('READONLY'), allowed: ALL },
  // Data commands.
  { label: 'GET own key', args: fixed('GET', 'orders:1'), allowed: ALL },
  { label: 'GET other key', args: fixed('GET', 'other:1'), allowed: EVERY_KEY_READ },
  { label: 'SET own key', args: fixed('SET', 'orders:w', 'v'), allowed: WRITE },
  { label: 'SET other key', args: fixed('SET', 'other:w', 'v'), allowed: EVERY_KEY_WRITE },
  { label: 'DEL own key', args: fixed('DEL', 'orders:tmp'), allowed: WRITE },
  { label: 'EXPIRE own key', args: fixed('EXPIRE', 'orders:1', '3600'), allowed: WRITE },
  { label: 'WATCH own key', args: fixed('WATCH', 'orders:1'), allowed: ALL },
  { label: 'UNWATCH', args: fixed('UNWATCH'), allowed: ALL },
  { label: 'OBJECT ENCODING own key', args: fixed('OBJECT', 'ENCODING', 'orders:1'), allowed: ALL },
  { label: 'MEMORY USAGE own key', args: fixed('MEMORY', 'USAGE', 'orders:1'), allowed: ALL },
  { label: 'DUMP own key', args: fixed('DUMP', 'orders:1'), allowed: ALL },
  { label: 'SCAN', args: fixed('SCAN', '0'), allowed: ALL },
  { label: 'RANDOMKEY', args: fixed('RANDOMKEY'), allowed: ALL },
  { label: 'DBSIZE', args: fixed('DBSIZE'), allowed: ALL },
  { label: 'KEYS', args: fixed('KEYS', 'orders:*'), allowed: ADMIN },
  { label: 'SORT own key', args: fixed('SORT', 'orders:list'), allowed: ADMIN },
  { label: 'RESTORE own key', args: fixed('RESTORE', 'orders:r', '0', 'x'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'MOVE own key', args: fixed('MOVE', 'orders:1', '1'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'SWAPDB', args: fixed('SWAPDB', '0', '1'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FLUSHDB', args: fixed('FLUSHDB'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FLUSHALL', args: fixed('FLUSHALL'), allowed: ADMIN, dryRun: 'whenAllowed' },
  // Scripts: the server checks every command a script runs against the user.
  { label: 'EVAL', args: fixed('EVAL', 'return 1', '0'), allowed: ALL },
  { label: 'EVAL reading own key', args: fixed('EVAL', "return redis.call('GET', KEYS[1])", '1', 'orders:1'), allowed: ALL },
  { label: 'EVAL reading other key', args: fixed('EVAL', "return redis.call('GET', KEYS[1])", '1', 'other:1'), allowed: EVERY_KEY_READ },
  { label: 'EVAL writing own key', args: fixed('EVAL', "return redis.call('SET', KEYS[1], 'e')", '1', 'orders:e'), allowed: WRITE },
  { label: 'EVAL writing other key', args: fixed('EVAL', "return redis.call('SET', KEYS[1], 'e')", '1', 'other:e'), allowed: EVERY_KEY_WRITE },
  { label: 'EVAL writing an undeclared other key', args: fixed('EVAL', "return redis.call('SET', 'other:u', 'e')", '0'), allowed: EVERY_KEY_WRITE },
  { label: 'SCRIPT LOAD', args: fixed('SCRIPT', 'LOAD', 'return 1'), allowed: ALL },
  { label: 'EVALSHA', args: fixed('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'), allowed: ALL },
  { label: 'SCRIPT EXISTS', args: fixed('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'), allowed: ALL },
  { label: 'SCRIPT KILL', args: fixed('SCRIPT', 'KILL'), allowed: ADMIN },
  { label: 'SCRIPT FLUSH', args: fixed('SCRIPT', 'FLUSH'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FUNCTION LOAD REPLACE', args: fixed('FUNCTION', 'LOAD', 'REPLACE', LIB_CODE('applib', 'return 1')), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FUNCTION DELETE', args: fixed('FUNCTION', 'DELETE', 'applib'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FUNCTION FLUSH', args: fixed('FUNCTION', 'FLUSH'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FUNCTION RESTORE', args: fixed('FUNCTION', 'RESTORE', 'x'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'FUNCTION LIST', args: fixed('FUNCTION', 'LIST'), allowed: ADMIN },
  { label: 'FCALL', args: fixed('FCALL', 'stamp', '1', 'orders:f', 'v'), allowed: ADMIN },
  // Administration.
  { label: 'CONFIG GET', args: fixed('CONFIG', 'GET', 'maxmemory'), allowed: ADMIN },
  { label: 'CONFIG SET', args: fixed('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'ACL SETUSER default on nopass', args: fixed('ACL', 'SETUSER', 'default', 'on', 'nopass'), allowed: ADMIN, dryRun: 'whenAllowed' },
  { label: 'ACL WHOAMI', args: fixed('ACL', 'WHOAMI'), allowed: ADMIN },
  { label: 'ACL LIST', args: fixed('ACL', 'LIST'), allowed: ADMIN },
  { label: 'CLIENT LIST', args: fixed('CLIENT', 'LIST'), allowed: ADMIN },
  { label: 'CLIENT KILL', args: fixed('CLIENT', 'KILL', 'ID', '999999'), allowed: ADMIN },
  { label: 'CLIENT NO-EVICT', args: fixed('CLIENT', 'NO-EVICT', 'off'), allowed: ADMIN },
  { label: 'CLIENT PAUSE', args: fixed('CLIENT', 'PAUSE', '10'), allowed: ADMIN, dryRun: 'always' },
  { label: 'MONITOR', args: fixed('MONITOR'), allowed: ADMIN, dryRun: 'always' },
  { label: 'SHUTDOWN', args: fixed('SHUTDOWN', 'NOSAVE'), allowed: ADMIN, dryRun: 'always' },
  { label: 'REPLICAOF', args: fixed('REPLICAOF', 'NO', 'ONE'), allowed: ADMIN, dryRun: 'always' },
  { label: 'DEBUG', args: fixed('DEBUG', 'SLEEP', '0'), allowed: ADMIN, dryRun: 'always' },
  { label: 'BGSAVE', args: fixed('BGSAVE'), allowed: ADMIN, dryRun: 'always' },
  { label: 'SLOWLOG GET', args: fixed('SLOWLOG', 'GET'), allowed: ADMIN },
  { label: 'LATENCY LATEST', args: fixed('LATENCY', 'LATEST'), allowed: ADMIN },
  { label: 'TIME', args: fixed('TIME'), allowed: ADMIN },
  { label: 'PUBLISH', args: fixed('PUBLISH', 'events', 'm'), allowed: ADMIN },
  { label: 'SUBSCRIBE', args: fixed('SUBSCRIBE', 'events'), allowed: ADMIN, dryRun: 'always' },
];

interface UserRow {
  readonly user: string;
  readonly level: Level;
  readonly accessString: string;
}

interface DefaultUsers {
  /** The `default` user of the template: access string and whether it has a password. */
  readonly defaultUser: { accessString: string; passwordless: boolean };
  /** The application user of the template. */
  readonly app: { userName: string; accessString: string };
  /** The replication group's TLS settings. */
  readonly transitEncryption: { enabled: unknown; mode: unknown };
}

/** Synthesizes a default replication group (optionally on another engine) and reads its users from the template. */
function defaultReplicationGroupUsers(engine?: CacheEngineVersion): DefaultUsers {
  const stack = new Stack(new App(), 'Stack');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
  new ReplicationGroup(stack, 'Cache', { vpc, engine });
  const template = Template.fromStack(stack);
  const users = Object.values(template.findResources('AWS::ElastiCache::User')).map(r => r.Properties);
  const rg = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
  expect(users.map(u => u.UserName).sort()).toEqual(['app', 'default']);
  const def = users.find(u => u.UserName === 'default')!;
  const app = users.find(u => u.UserName === 'app')!;
  return {
    defaultUser: { accessString: def.AccessString, passwordless: def.AuthenticationMode.Type === 'no-password-required' },
    app: { userName: app.UserName, accessString: app.AccessString },
    transitEncryption: { enabled: rg.TransitEncryptionEnabled, mode: rg.TransitEncryptionMode },
  };
}

/** `ACL SETUSER <user> reset <access string> ><password>`, as ElastiCache creates a user. */
function setUserArgs(user: string, accessString: string, password: string | undefined): string[] {
  return ['ACL', 'SETUSER', user, 'reset', ...accessString.trim().split(/\s+/), password === undefined ? 'nopass' : `>${password}`];
}

interface Fixture {
  readonly server: RunningServer;
  readonly template: DefaultUsers;
  readonly rows: UserRow[];
  /** The administrator's connection (`AccessString.fullAccess()`). */
  admin: Client;
}

const ENGINES = [
  { name: 'Valkey 8.0', start: startValkey, engine: undefined, categories: 'valkey' as const },
  { name: 'Redis OSS 7.0', start: startRedis, engine: RedisOssVersion.VER_7_0, categories: 'redis' as const },
];

serverSuite('access strings on real servers', ['valkey-server', 'redis-server', 'openssl'], () => {
  const fixtures: Fixture[] = [];
  const open: Client[] = [];

  beforeAll(async () => {
    const servers = await Promise.all(ENGINES.map(e => e.start({ tls: true })));
    for (const [i, e] of ENGINES.entries()) {
      const template = defaultReplicationGroupUsers(e.engine);
      const rows: UserRow[] = [
        { user: 'admin', level: 'full', accessString: AccessString.fullAccess().value },
        { user: template.app.userName, level: 'rw', accessString: template.app.accessString },
        { user: 'reader', level: 'ro', accessString: AccessString.readOnly().value },
        { user: 'orders', level: 'rwPrefix', accessString: AccessString.keyPrefix('orders:').value },
        { user: 'orders-reader', level: 'roPrefix', accessString: AccessString.keyPrefix('orders:', KeyAccessLevel.READ_ONLY).value },
      ];
      // Before the users exist, the server's own default user (no password, full access) sets them up.
      const setup = await connect('iovalkey', servers[i]);
      for (const row of rows) {
        await setup.call(...setUserArgs(row.user, row.accessString, PASSWORD));
      }
      await setup.call(...setUserArgs('disabled', AccessString.disabled().value, PASSWORD));
      await setup.call(...setUserArgs('default', template.defaultUser.accessString,
        template.defaultUser.passwordless ? undefined : randomBytes(16).toString('hex')));
      setup.disconnect();
      const admin = await connect('iovalkey', servers[i], { username: 'admin', password: PASSWORD });
      await admin.call('SET', 'orders:1', 'x');
      await admin.call('SET', 'other:1', 'y');
      await admin.call('FUNCTION', 'LOAD', 'REPLACE', ADMIN_LIBRARY);
      fixtures.push({ server: servers[i], template, rows, admin });
    }
  }, 30_000);

  afterAll(async () => {
    for (const c of open) c.disconnect();
    await Promise.all(fixtures.map(f => f.admin.quit()));
  });

  async function userClient(f: Fixture, lib: ClientLib, user: string, opts: { db?: number; name?: string } = {}): Promise<Client> {
    const client = await connect(lib, f.server, { username: user, password: PASSWORD, ...opts });
    open.push(client);
    return client;
  }

  describe.each(ENGINES.map((e, i) => [e.name, i] as const))('%s', (_name, index) => {
    const f = () => fixtures[index];

    test('the default replication group: TLS required, the default user disabled, the app user least privilege', async () => {
      const { template, server } = f();
      expect(template.transitEncryption).toEqual({ enabled: true, mode: 'required' });
      expect(template.defaultUser.accessString).toBe('off -@all');
      expect(template.app.accessString).toBe(AccessString.readWrite().value);
      // TLS only: a plaintext client gets nothing.
      await expect(probe(server.port, 'PING\r\n', undefined, 300)).rejects.toThrow();
      // A client that does not authenticate is the disabled default user: nothing runs.
      expect(await probe(server.port, 'GET orders:1\r\n', server.tls)).toMatch(/^-NOAUTH/);
      expect(await probe(server.port, 'AUTH default anything\r\n', server.tls)).toMatch(/^-WRONGPASS/);
    });

    test('ACL CAT on the server is the category list AccessString.of() checks against', async () => {
      // Loaded here, not imported at the top, so that the rest of the file runs on a library without it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ACL_CATEGORIES } = require('../../lib/private/acl') as typeof import('../../lib/private/acl');
      const categories = await f().admin.call('ACL', 'CAT') as string[];
      expect([...categories].sort()).toEqual([...ACL_CATEGORIES[ENGINES[index].categories]].sort());
    });

    test('the grammar AccessString.of() checks agrees with the server: it accepts the valid strings and refuses the malformed ones', async () => {
      const admin = f().admin;
      const accepted = async (value: string) => {
        try {
          await admin.call('ACL', 'SETUSER', 'grammar-probe', 'reset', ...value.split(/\s+/));
          return true;
        } catch {
          return false;
        }
      };
      const valid = await Promise.all(VALID_ACCESS_STRINGS.map(async v => [v, await accepted(v)]));
      expect(valid.filter(([, ok]) => !ok)).toEqual([]);
      // Three the server takes and the library refuses as mistakes: an empty key pattern (matches only
      // the key ''), an empty channel pattern, an empty selector.
      const stricter = ['on ~', 'on & +get', 'on ~* ()'];
      const invalid = await Promise.all(INVALID_ACCESS_STRINGS.map(async ([v]) => [v, await accepted(v)] as const));
      expect(invalid.filter(([, ok]) => ok).map(([v]) => v)).toEqual(stricter);
      await admin.call('ACL', 'DELUSER', 'grammar-probe');
    });

    test('a disabled user cannot authenticate, with any client', async () => {
      for (const lib of CLIENT_LIBS) {
        await expect(connect(lib, f().server, { username: 'disabled', password: PASSWORD })).rejects.toThrow(/WRONGPASS/);
      }
    });

    test.each(ALL)('the command matrix for the %s user, through every client', async (level) => {
      const fx = f();
      const row = fx.rows.find(r => r.level === level)!;
      const expected: Record<string, Verdict> = {};
      for (const check of CHECKS) expected[check.label] = check.allowed.includes(level) ? 'allowed' : 'denied';
      // The three clients run the matrix side by side (each on its own connection).
      const results = await Promise.all(CLIENT_LIBS.map(async (lib) => {
        const client = await userClient(fx, lib, row.user, { name: `matrix-${lib}` });
        const actual: Record<string, Verdict> = {};
        const details: Record<string, string> = {};
        for (const check of CHECKS) {
          const args = check.args(lib);
          const dry = check.dryRun === 'always' || (check.dryRun === 'whenAllowed' && check.allowed.includes(level));
          const result = dry
            ? await dryRun(fx.admin, row.user, args)
            : await verdict(() => client.call(...args));
          actual[check.label] = result.verdict;
          details[check.label] = result.detail;
        }
        const mismatches = CHECKS.filter(c => actual[c.label] !== expected[c.label])
          .map(c => `${c.label}: ${actual[c.label]} (${details[c.label]})`);
        return { user: row.user, lib, mismatches, quit: await client.quit() };
      }));
      expect(results).toEqual(CLIENT_LIBS.map(lib => ({ user: row.user, lib, mismatches: [], quit: 'OK' })));
    });

    test.each([['rw', 'app'], ['rwPrefix', 'orders'], ['roPrefix', 'orders-reader']] as const)(
      'connecting as the %s user with db: 1, a connection name and TLS works in every client (ready check, SELECT, SETNAME)',
      async (level, user) => {
        const fx = f();
        const row = fx.rows.find(r => r.level === level)!;
        expect(row.user).toBe(user);
        const writes = level !== 'roPrefix';
        const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
        const reports: Record<string, unknown>[] = [];
        const expected: Record<string, unknown>[] = [];
        try {
          for (const lib of CLIENT_LIBS) {
            const key = `orders:db1:${lib}`;
            const name = `orders-api-${lib}`;
            await fx.admin.call('SELECT', '1');
            await fx.admin.call('SET', key, 'from-admin');
            await fx.admin.call('SELECT', '0');
            const report: Record<string, unknown> = {};
            let client: Client | undefined;
            try {
              client = await userClient(fx, lib, row.user, { db: 1, name });
              report.connect = 'ok';
            } catch (e) {
              report.connect = (e as Error).message;
            }
            if (client) {
              // What the server holds about the connection, seen by the administrator: its name and database.
              const line = String(await fx.admin.call('CLIENT', 'LIST')).split('\n').find(l => l.includes(` user=${row.user} `)
                && l.includes(` name=${name} `));
              report.name = line ? name : 'missing (CLIENT SETNAME refused)';
              report.db = line ? line.match(/ db=(\d+) /)?.[1] : undefined;
              report.read = await client.get(key).catch((e: Error) => e.message);
              if (writes) {
                report.transaction = await client.transaction(`orders:tx:${lib}`, 'v').catch((e: Error) => e.message);
                // Scripts as locks and rate limiters use them: EVALSHA, falling back to EVAL.
                await client.call('DEL', `orders:counter:${lib}`).catch(() => undefined);
                report.script = await client.incrByScript(`orders:counter:${lib}`, 2)
                  .then(() => client!.incrByScript(`orders:counter:${lib}`, 3)).catch((e: Error) => e.message);
                await client.set(key, 'from-user').catch(() => undefined);
                await fx.admin.call('SELECT', '1');
                report.writtenToDb1 = await fx.admin.call('GET', key);
                await fx.admin.call('SELECT', '0');
              } else {
                report.write = await verdict(() => client!.set(key, 'from-user')).then(v => v.verdict);
                report.transaction = await client.readTransaction(key).catch((e: Error) => e.message);
              }
              report.errorEvents = client.errors.map(e => e.message);
              report.quit = await client.quit().catch((e: Error) => e.message);
            }
            reports.push({ lib, ...report });
            expected.push({
              lib, connect: 'ok', name, db: '1', read: 'from-admin',
              ...(writes ? { transaction: ['OK', 'v'], script: 5, writtenToDb1: 'from-user' } : { write: 'denied', transaction: ['from-admin'] }),
              errorEvents: [], quit: 'OK',
            });
          }
          expect(reports).toEqual(expected);
          // iovalkey / ioredis skip their ready check, with this warning, when INFO is refused.
          expect(warn.mock.calls.map(c => String(c[0])).filter(m => /ready check/i.test(m))).toEqual([]);
        } finally {
          warn.mockRestore();
        }
      });

    test('RESET puts the connection back to the disabled default user', async () => {
      const client = await userClient(f(), 'iovalkey', 'orders');
      expect(await client.call('RESET')).toBe('RESET');
      await expect(client.call('GET', 'orders:1')).rejects.toThrow(/NOAUTH/);
      client.disconnect();
    });

    test('a prefix user cannot escalate through a library function, nor flush or move what is not its own', async () => {
      const fx = f();
      const orders = await userClient(fx, 'iovalkey', 'orders');
      await fx.admin.call('DEL', 'other:pwned');
      const attempt = async (...args: string[]) => (await verdict(() => orders.call(...args))).verdict;
      // The injected code: a function with the administrator's name that also writes outside orders:.
      const injected = LIB_CODE('applib', "redis.call('SET', 'other:pwned', '1'); return redis.call('SET', keys[1], args[1])");
      const attempts: Record<string, Verdict> = {};
      attempts['FUNCTION LOAD REPLACE'] = await attempt('FUNCTION', 'LOAD', 'REPLACE', injected);
      // The administrator calls its function, as it always does.
      const fcall = await verdict(() => fx.admin.call('FCALL', 'stamp', '1', 'orders:stamp', 'ok'));
      const pwned = await fx.admin.call('GET', 'other:pwned');
      const dump = String(await fx.admin.call('FUNCTION', 'DUMP'));
      attempts['FUNCTION RESTORE'] = await attempt('FUNCTION', 'RESTORE', dump, 'REPLACE');
      attempts['FUNCTION DELETE'] = await attempt('FUNCTION', 'DELETE', 'applib');
      attempts['FUNCTION FLUSH'] = await attempt('FUNCTION', 'FLUSH');
      attempts['SCRIPT FLUSH'] = await attempt('SCRIPT', 'FLUSH');
      attempts['MOVE'] = await attempt('MOVE', 'orders:1', '1');
      attempts['FLUSHALL'] = await attempt('FLUSHALL');
      const libraries = (await fx.admin.call('FUNCTION', 'LIST') as unknown[][]).map(l => l[1]);
      expect({ attempts, fcall: fcall.detail, pwned, libraries, orders1: await fx.admin.call('GET', 'orders:1') }).toEqual({
        attempts: Object.fromEntries(Object.keys(attempts).map(k => [k, 'denied'])),
        fcall: 'OK', pwned: null, libraries: ['applib'], orders1: 'x',
      });
      expect(await orders.quit()).toBe('OK');
    });
  });
});

/** `ACL DRYRUN <user> <command...>`: the server's decision without running the command. */
async function dryRun(admin: Client, user: string, args: string[]): Promise<{ verdict: Verdict; detail: string }> {
  const reply = String(await admin.call('ACL', 'DRYRUN', user, ...args));
  return { verdict: reply === 'OK' ? 'allowed' : 'denied', detail: `dry run: ${reply}` };
}
