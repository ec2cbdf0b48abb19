// What startLocalCaches() takes from a template beyond the example app's caches, on small hand-written
// assemblies (fast: single nodes without TLS), checked on the live servers: an AUTH token read from a
// JSON secret by a dynamic reference, a parameter group's values (and ElastiCache's own parameters left
// out, with a note), Memcached parameters as flags, an ECS container's injected secret, the warning for
// a local engine older than the template's; and the client's two local hooks.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Valkey from 'iovalkey';
import { CacheClientError, CacheConnection } from '../../lib/client';
import { LocalCaches, startLocalCaches } from '../../lib/local';
import { runLocal } from '../../lib/local/command';
import { serversAvailable } from '../servers/harness';

const SUITE = 'local caches from hand-written templates';
const suite = serversAvailable(['valkey-server', 'memcached'], SUITE) ? describe : describe.skip;

/** The command in this process on bad input: its exit code and stderr (each kind also runs as a process in cli.test.ts). */
async function refusedInProcess(args: Record<string, unknown>, positionals: string[] = []): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  let stdout = '';
  const code = await runLocal(args, positionals, {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; } },
    interrupted: new Promise<string>(() => undefined),
  });
  expect(stdout).toBe('');
  return { code, stderr };
}

function writeAssembly(dir: string, resources: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: {
    App: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'App.template.json' } },
  } }));
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify({ Resources: resources }));
  return dir;
}

const tokenRef = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'TokenSecret' }, ':SecretString:token::}}']] };

suite(SUITE, () => {
  let dir: string;
  let session: LocalCaches;
  const progress: string[] = [];
  const clients: Valkey[] = [];
  const connect = (port: number, password?: string) => {
    const client = new Valkey({ host: '127.0.0.1', port, password, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true,
      enableReadyCheck: false });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-template-'));
    const assembly = writeAssembly(path.join(dir, 'cdk.out'), {
      TokenSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {
        GenerateSecretString: { SecretStringTemplate: '{"purpose":"auth"}', GenerateStringKey: 'token', PasswordLength: 40 } } },
      Params: { Type: 'AWS::ElastiCache::ParameterGroup', Properties: { CacheParameterGroupFamily: 'valkey8',
        Properties: { 'notify-keyspace-events': 'Ex', 'maxmemory-policy': 'allkeys-random', 'reserved-memory-percent': '30' } } },
      Tokens: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: {
        Engine: 'valkey', EngineVersion: '99.0', ReplicationGroupId: 'tokens', NumCacheClusters: 1, TransitEncryptionEnabled: false,
        AuthToken: tokenRef, CacheParameterGroupName: { Ref: 'Params' } } },
      MemcachedParams: { Type: 'AWS::ElastiCache::ParameterGroup', Properties: { CacheParameterGroupFamily: 'memcached1.6',
        Properties: { max_item_size: '2097152' } } },
      Items: { Type: 'AWS::ElastiCache::CacheCluster', Properties: {
        Engine: 'memcached', ClusterName: 'items', NumCacheNodes: 1, CacheParameterGroupName: { Ref: 'MemcachedParams' } } },
      // A consumer wired through DNS names (addDnsRecords): its host is a record name, its cache known by CACHE_ID.
      Aliased: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: {
        CACHE_ENGINE: 'valkey', CACHE_ID: { Ref: 'Tokens' }, CACHE_HOST: 'tokens.cache.internal', CACHE_PORT: '6379', CACHE_TLS: 'false',
        CACHE_AUTH: 'auth-token', CACHE_DNS_ALIAS: 'true', CACHE_SECRET_ARN: { Ref: 'TokenSecret' }, CACHE_SECRET_FIELD: 'token',
      } } } },
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{
        Name: 'Web', Image: 'node:22',
        Environment: [{ Name: 'CACHE_HOST', Value: { 'Fn::GetAtt': ['Tokens', 'PrimaryEndPoint.Address'] } }, { Name: 'OTHER', Value: 'x' }],
        Secrets: [{ Name: 'REDIS_TOKEN', ValueFrom: { 'Fn::Join': ['', [{ Ref: 'TokenSecret' }, ':token::']] } }],
      }] } },
    });
    session = await startLocalCaches({ assembly, onProgress: line => progress.push(line) });
  }, 30_000);

  afterAll(async () => {
    clients.forEach(c => c.disconnect());
    await session?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a local major version older than the template\'s warns', () => {
    expect(progress).toContainEqual(
      expect.stringMatching(/^App\/Tokens: the template asks for valkey 99\.0, valkey-server here is \d+\.\d+\.\d+ \(an older major version\)/));
  });

  test('an AUTH token from a JSON secret: required by the server, and what the client reads through CACHE_SECRET_ARN', async () => {
    const cache = session.caches.find(c => c.id === 'App/Tokens')!;
    expect(cache.authToken).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(cache.environment).toMatchObject({ CACHE_AUTH: 'auth-token', CACHE_TLS: 'false' });
    const settings = await CacheConnection.fromEnvironment({ env: cache.environment }).settings();
    expect(settings.password).toBe(cache.authToken);
    const anonymous = connect(cache.port);
    await anonymous.connect();
    await expect(anonymous.get('k')).rejects.toThrow(/NOAUTH/);
    const client = connect(cache.port, settings.password);
    await client.connect();
    expect(await client.set('k', 'v')).toBe('OK');
  });

  test('the parameter group\'s values are on the server; ElastiCache\'s own parameters are left out with a note', async () => {
    const cache = session.caches.find(c => c.id === 'App/Tokens')!;
    expect(cache.parameters).toEqual({ 'maxmemory-policy': 'allkeys-random', 'notify-keyspace-events': 'Ex' });
    expect(cache.notes).toContain('the parameter reserved-memory-percent is ElastiCache\'s own: not applied');
    const client = connect(cache.port, cache.authToken);
    await client.connect();
    expect(await client.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'xE']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-random']);
  });

  test('Memcached: max_item_size as the -I flag', async () => {
    const cache = session.caches.find(c => c.id === 'App/Items')!;
    const stats = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = net.connect({ host: '127.0.0.1', port: cache.port }, () => socket.write('stats settings\r\n'));
      socket.on('data', d => {
        data += d;
        if (data.includes('END\r\n')) {
          socket.end();
          resolve(data);
        }
      });
      socket.on('error', reject);
    });
    expect(stats).toMatch(/STAT item_size_max 2097152\r\n/);
  });

  test('a consumer of DNS names: the local host instead of the record, no CACHE_DNS_ALIAS, and the client gets in', async () => {
    const cache = session.caches.find(c => c.id === 'App/Tokens')!;
    const aliased = session.consumers.find(c => c.id === 'App/Aliased')!;
    expect(aliased.environment).toEqual({
      CACHE_AUTH: 'auth-token', CACHE_ENGINE: 'valkey', CACHE_HOST: 'localhost', CACHE_ID: 'tokens', CACHE_PORT: String(cache.port),
      CACHE_SECRET_ARN: expect.stringMatching(/^file:\/\//), CACHE_SECRET_FIELD: 'token', CACHE_TLS: 'false',
    });
    const settings = await CacheConnection.fromEnvironment({ env: aliased.environment }).settings();
    expect(settings.password).toBe(cache.authToken);
  });

  test('an ECS container: its CACHE_* variables resolved, the secret it injects as the local value, other variables left out', () => {
    const cache = session.caches.find(c => c.id === 'App/Tokens')!;
    expect(session.consumers.filter(c => c.id !== 'App/Aliased')).toEqual([{
      id: 'App/Task/Web', type: 'AWS::ECS::TaskDefinition', caches: ['App/Tokens'],
      environment: { CACHE_HOST: 'localhost', REDIS_TOKEN: cache.authToken },
    }]);
  });

  test('the client\'s local hooks fail in one line naming the variable when their file is gone', async () => {
    const env = { CACHE_ENGINE: 'valkey', CACHE_HOST: 'localhost', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'auth-token',
      CACHE_SECRET_ARN: `file://${path.join(dir, 'gone.json')}`, CACHE_TLS_CA_FILE: path.join(dir, 'gone.pem') };
    // (jest's fs errors come from another realm: the client writes them with their 'Error: ' prefix here)
    const secretError = await CacheConnection.fromEnvironment({ env }).settings().catch(e => e);
    expect(secretError).toBeInstanceOf(CacheClientError);
    expect(secretError.message).toMatch(new RegExp('^Cannot read the secret file://.*gone\\.json \\(CACHE_SECRET_ARN\\): (Error: )?ENOENT: no such '
      + "file or directory, open '.*gone\\.json' \\(is cdk-elasticache local still running\\?\\)$"));
    fs.writeFileSync(path.join(dir, 'gone.json'), 'a-token');
    const caError = await CacheConnection.fromEnvironment({ env }).settings().catch(e => e);
    expect(caError).toBeInstanceOf(CacheClientError);
    expect(caError.message)
      .toMatch(/^Cannot read the CA file .*gone\.pem \(CACHE_TLS_CA_FILE\): (Error: )?ENOENT: no such file or directory, open '.*gone\.pem'$/);
    const ca = path.join(dir, 'gone.pem');
    fs.writeFileSync(ca, 'PEM');
    const connection = CacheConnection.fromEnvironment({ env });
    expect(await connection.ioredisOptions()).toMatchObject({ host: 'localhost', port: 6379, password: 'a-token', tls: { servername: 'localhost', ca: 'PEM' } });
    expect(await connection.nodeRedisOptions()).toMatchObject({ socket: { host: 'localhost', port: 6379, tls: true, servername: 'localhost', ca: 'PEM' },
      password: 'a-token' });
  });

  test.each([
    ['no directory', { app: '/nowhere/cdk.out' }, [], /^No cloud assembly at \/nowhere\/cdk\.out: the directory does not exist/],
    ['a cache that is not there', { cache: 'Other' }, [], /^No cache Other in .*: its caches are App\/Tokens, App\/Items\.$/],
    ['a cache id as an argument', {}, ['App/Tokens'], /^'local' takes no cache id, got 'App\/Tokens': select caches with --stack and --cache/],
    ['an option of the AWS commands', { region: 'eu-west-1' }, [], /^'local' reads no --region: it starts servers on this machine/],
    ['a bad --maxmemory', { maxmemory: 'lots' }, [], /^Invalid --maxmemory: got 'lots'\. Allowed: a size such as 64mb/],
    ['a bad --port', { port: '80' }, [], /^Invalid --port: got '80'\. Allowed: an integer from 1024 to 65535/],
    ['a --timeout', { timeout: '5m' }, [], /^'local' takes no --timeout: it runs until interrupted/],
  ])('bad input in process: %s', async (_, values, positionals, message) => {
    const r = await refusedInProcess({ app: path.join(dir, 'cdk.out'), ...values }, positionals);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['a user group of another app', { UserGroupIds: ['elsewhere'] },
      /^App\/Cache cannot run locally: its user group elsewhere is not in the assembly \(its users and access strings are unknown\)\.$/],
    ['an engine given as a parameter', { Engine: { Ref: 'EngineParameter' } },
      /^App\/Cache cannot run locally: its Engine is not a literal value of the template \(it is known only once deployed\)\.$/],
    ['slots given twice', { ClusterMode: 'enabled', NumNodeGroups: 2, NodeGroupConfiguration: [{ Slots: '0-8000' }, { Slots: '8000-16383' }] },
      /^App\/Cache cannot run locally: slot 8000 is in shards 0001 and 0002 \(a slot belongs to one shard\)\.$/],
    ['too many nodes for a laptop', { ClusterMode: 'enabled', NumNodeGroups: 30, ReplicasPerNodeGroup: 2 },
      /^App\/Cache cannot run locally: it has 90 nodes \(at most 60 servers start for one cache on a laptop\)\.$/],
  ])('a cache that cannot run locally, in process: %s', async (_, properties, message) => {
    const assembly = writeAssembly(path.join(dir, `bad-${Math.random().toString(36).slice(2)}`), {
      Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { Engine: 'valkey', ReplicationGroupId: 'bad', NumCacheClusters: 1, ...properties } },
    });
    const r = await refusedInProcess({ app: assembly });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  test('a server binary missing from the PATH: one line naming the Debian package, nothing started', async () => {
    const saved = process.env.PATH;
    process.env.PATH = dir; // no server here
    try {
      const r = await refusedInProcess({ app: path.join(dir, 'cdk.out'), cache: 'App/Tokens' });
      expect(r).toEqual({ code: 2, stderr: 'valkey-server is not on the PATH (needed for App/Tokens (engine valkey)): install valkey-server '
        + '(Debian bookworm: apt-get install -t bookworm-backports valkey-server).\n' });
    } finally {
      process.env.PATH = saved;
    }
  });
});
