import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CacheAuthMode, CacheClientError, CacheConnection, ConnectionEnvironment, isWrongPassError, readCacheEnvironment,
} from '../../lib/client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-app-AbCdEf';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** The variables connectFrom() sets for the default cache (RBAC with a generated password). */
function rbacEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CACHE_ENGINE: 'valkey',
    CACHE_ID: 'my-cache',
    CACHE_HOST: 'master.my-cache.abc123.euw1.cache.amazonaws.com',
    CACHE_PORT: '6379',
    CACHE_READER_HOST: 'replica.my-cache.abc123.euw1.cache.amazonaws.com',
    CACHE_TLS: 'true',
    CACHE_AUTH: 'rbac-password',
    CACHE_SECRET_ARN: SECRET_ARN,
    CACHE_USER: 'app',
    ...overrides,
  };
}

const sm = mockClient(SecretsManagerClient);
beforeEach(() => sm.reset());

function connection(env: Record<string, string | undefined>, extra: Partial<Parameters<typeof CacheConnection.fromEnvironment>[0]> = {}) {
  return CacheConnection.fromEnvironment({ env, secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }), ...extra });
}

describe('readCacheEnvironment', () => {
  test('parses every variable of a replication group', () => {
    expect(readCacheEnvironment(undefined, rbacEnv())).toEqual({
      engine: 'valkey',
      id: 'my-cache',
      host: 'master.my-cache.abc123.euw1.cache.amazonaws.com',
      port: 6379,
      readerHost: 'replica.my-cache.abc123.euw1.cache.amazonaws.com',
      tls: true,
      auth: CacheAuthMode.RBAC_PASSWORD,
      secretArn: SECRET_ARN,
      user: 'app',
    });
  });

  test('a connection name selects CACHE_<NAME>_* and ignores the unnamed variables', () => {
    const env = { CACHE_SESSIONS_ENGINE: 'redis', CACHE_SESSIONS_HOST: 'sessions', CACHE_SESSIONS_PORT: '6380',
      CACHE_SESSIONS_TLS: 'false', CACHE_SESSIONS_AUTH: 'none', ...rbacEnv() };
    expect(readCacheEnvironment('sessions', env)).toEqual({
      name: 'sessions', engine: 'redis', host: 'sessions', port: 6380, tls: false, auth: CacheAuthMode.NONE,
    });
    expect(ConnectionEnvironment.variableName('HOST', 'user-sessions')).toBe('CACHE_USER_SESSIONS_HOST');
  });

  test.each([
    ['CACHE_ENGINE', 'the engine'],
    ['CACHE_HOST', 'the endpoint host'],
    ['CACHE_PORT', 'the endpoint port'],
    ['CACHE_TLS', 'whether to use TLS'],
    ['CACHE_AUTH', 'the authentication mode'],
    ['CACHE_SECRET_ARN', 'for CACHE_AUTH=rbac-password'],
  ])('a missing %s is named, with what it is', (variable, why) => {
    expect(() => readCacheEnvironment(undefined, rbacEnv({ [variable]: undefined })))
      .toThrow(new RegExp(`^Missing environment variable ${variable} \\(.*${why}.*\\)\\. Set it with cache\\.connectFrom\\(consumer\\)`));
  });

  test('a blank variable counts as missing, and the message shows the connection name', () => {
    const env = { CACHE_ORDERS_ENGINE: 'valkey', CACHE_ORDERS_HOST: '  ', CACHE_ORDERS_PORT: '6379' };
    expect(() => readCacheEnvironment('orders', env))
      .toThrow("Missing environment variable CACHE_ORDERS_HOST (the endpoint host). Set it with cache.connectFrom(consumer, { name: 'orders' })");
  });

  test.each([
    ['CACHE_PORT', '65536', 'Allowed: an integer from 1 to 65535.'],
    ['CACHE_PORT', '6379.5', 'Allowed: an integer from 1 to 65535.'],
    ['CACHE_TLS', 'yes', "Allowed: 'true', 'false'."],
    ['CACHE_AUTH', 'password', "Allowed: 'rbac-password', 'auth-token', 'iam', 'none'."],
    ['CACHE_ENGINE', 'memcache', "Allowed: 'valkey', 'redis', 'memcached'."],
  ])('a malformed %s=%s is rejected', (variable, value, allowed) => {
    expect(() => readCacheEnvironment(undefined, rbacEnv({ [variable]: value })))
      .toThrow(`Invalid ${variable}: got '${value}'. ${allowed}`);
  });

  test('IAM needs the user id and the replication group id', () => {
    const iam = rbacEnv({ CACHE_AUTH: 'iam', CACHE_SECRET_ARN: undefined });
    expect(() => readCacheEnvironment(undefined, { ...iam, CACHE_USER: undefined }))
      .toThrow('Missing environment variable CACHE_USER (the IAM user id, for CACHE_AUTH=iam)');
    expect(() => readCacheEnvironment(undefined, { ...iam, CACHE_ID: undefined }))
      .toThrow('Missing environment variable CACHE_ID (the replication group id the IAM token is signed for, for CACHE_AUTH=iam)');
  });

  test('Memcached takes no authentication, and a bad connection name is rejected', () => {
    expect(() => readCacheEnvironment(undefined, rbacEnv({ CACHE_ENGINE: 'memcached' })))
      .toThrow("Invalid CACHE_AUTH: got 'rbac-password' with memcached. Allowed: 'none'");
    expect(() => readCacheEnvironment('9lives', rbacEnv())).toThrow("Invalid connection name '9lives'");
  });
});

describe('CacheConnection', () => {
  test('RBAC: the secret is read once, cached, and read again after refresh()', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolvesOnce({ SecretString: JSON.stringify({ username: 'app', password: 'first-password-0123456789' }) })
      .resolves({ SecretString: JSON.stringify({ username: 'app', password: 'second-password-0123456789' }) });
    const conn = connection(rbacEnv());
    const first = await conn.settings();
    expect(first).toEqual({ host: 'master.my-cache.abc123.euw1.cache.amazonaws.com', port: 6379, tls: true,
      username: 'app', password: 'first-password-0123456789' });
    expect((await conn.settings({ reader: true })).host).toBe('replica.my-cache.abc123.euw1.cache.amazonaws.com');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    conn.refresh();
    expect((await conn.settings()).password).toBe('second-password-0123456789');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  test('RBAC: the client shapes of iovalkey / ioredis and node-redis, with the default timeouts and retries', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'app', password: 'p4ssw0rd-p4ssw0rd' }) });
    const conn = connection(rbacEnv());
    const io = await conn.ioredisOptions();
    expect(io).toEqual({ host: 'master.my-cache.abc123.euw1.cache.amazonaws.com', port: 6379,
      username: 'app', password: 'p4ssw0rd-p4ssw0rd', tls: { servername: 'master.my-cache.abc123.euw1.cache.amazonaws.com' },
      connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: expect.any(Function) });
    // 100, 200, 400 ms apart, then it gives up.
    expect([1, 2, 3, 4].map(io.retryStrategy)).toEqual([100, 200, 400, null]);
    const nr = await conn.nodeRedisOptions({ reader: true });
    expect(nr).toEqual({
      socket: { host: 'replica.my-cache.abc123.euw1.cache.amazonaws.com', port: 6379, tls: true,
        servername: 'replica.my-cache.abc123.euw1.cache.amazonaws.com', connectTimeout: 2000, reconnectStrategy: expect.any(Function) },
      username: 'app', password: 'p4ssw0rd-p4ssw0rd', commandOptions: { timeout: 2000 },
    });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect([0, 1, 2].map(n => nr.socket.reconnectStrategy(n, reset))).toEqual([100, 200, 400]);
    expect(nr.socket.reconnectStrategy(3, reset)).toBe(reset);
    // What retrying cannot mend stops at once: a refused password, an untrusted certificate, TLS spoken to plaintext.
    const wrongPass = new Error('WRONGPASS invalid username-password pair or user is disabled.');
    const selfSigned = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(nr.socket.reconnectStrategy(0, wrongPass)).toBe(wrongPass);
    expect(nr.socket.reconnectStrategy(0, selfSigned)).toBe(selfSigned);
  });

  test('TLS to an IP address sends no SNI server name (RFC 6066 allows host names only)', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'app', password: 'p4ssw0rd-p4ssw0rd' }) });
    const conn = connection(rbacEnv({ CACHE_HOST: '10.0.1.25', CACHE_READER_HOST: undefined }));
    expect((await conn.ioredisOptions()).tls).toEqual({});
    expect((await conn.nodeRedisOptions()).socket).toEqual(expect.objectContaining({ host: '10.0.1.25', tls: true }));
    expect((await conn.nodeRedisOptions()).socket).not.toHaveProperty('servername');
  });

  test('the timeouts and retries are options of the connection', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'app', password: 'p4ssw0rd-p4ssw0rd' }) });
    const conn = connection(rbacEnv(), { connectTimeoutMs: 5_000, commandTimeoutMs: 0, reconnectAttempts: 1 });
    expect(conn.timeouts).toEqual({ connectTimeoutMs: 5_000, commandTimeoutMs: 0, reconnectAttempts: 1 });
    const io = await conn.ioredisOptions();
    expect(io).toEqual(expect.objectContaining({ connectTimeout: 5_000 }));
    expect(io).not.toHaveProperty('commandTimeout');
    expect([1, 2].map(io.retryStrategy)).toEqual([100, null]);
    const nr = await conn.nodeRedisOptions();
    expect(nr.socket.connectTimeout).toBe(5_000);
    expect(nr).not.toHaveProperty('commandOptions');
    expect(connection(rbacEnv()).timeouts).toEqual({ connectTimeoutMs: 2_000, commandTimeoutMs: 2_000, reconnectAttempts: 3 });
  });

  test('RBAC: a secret without a username falls back to CACHE_USER', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: 'p4ssw0rd-p4ssw0rd' }) });
    expect((await connection(rbacEnv()).settings()).username).toBe('app');
    await expect(connection(rbacEnv({ CACHE_USER: undefined })).settings())
      .rejects.toThrow(`Unexpected content of the secret ${SECRET_ARN}: no "username" string, and CACHE_USER is not set.`);
  });

  test.each([
    ['not JSON', 'just-a-token-0123456789', 'not JSON'],
    ['a JSON array', '["app"]', 'not JSON'],
    ['JSON without a password', '{"username":"app"}', 'no "password" string'],
  ])('RBAC: a secret that is %s is rejected', async (_what, secret, reason) => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: secret });
    const error = await connection(rbacEnv()).settings().catch(e => e);
    expect(error).toBeInstanceOf(CacheClientError);
    expect(error.message).toBe(`Unexpected content of the secret ${SECRET_ARN}: ${reason}. Allowed: a JSON { "username": "...", `
      + '"password": "..." } (what User and Authentication.generatedUserGroup() generate).');
  });

  test('a binary secret and an unreadable secret are one-line errors; a failure is not cached', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretBinary: new Uint8Array([1, 2]) })
      .rejectsOnce(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }))
      .resolves({ SecretString: '{"username":"app","password":"p4ssw0rd-p4ssw0rd"}' });
    const conn = connection(rbacEnv());
    await expect(conn.settings()).rejects.toThrow(`Cannot use the secret ${SECRET_ARN} (CACHE_SECRET_ARN): it has no SecretString `
      + '(a binary secret). Allowed: a string secret.');
    await expect(conn.settings()).rejects.toThrow(`Cannot read the secret ${SECRET_ARN} (CACHE_SECRET_ARN): `
      + "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    expect((await conn.settings()).password).toBe('p4ssw0rd-p4ssw0rd');
  });

  test('AUTH token: the whole secret string, or one field of a JSON secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'Tok3nTok3nTok3nTok3n' });
    const plain = await connection(rbacEnv({ CACHE_AUTH: 'auth-token', CACHE_USER: undefined })).settings();
    expect(plain).toEqual({ host: 'master.my-cache.abc123.euw1.cache.amazonaws.com', port: 6379, tls: true, password: 'Tok3nTok3nTok3nTok3n' });

    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"Tok3nTok3nTok3nTok3n","other":1}' });
    const tokenEnv = rbacEnv({ CACHE_AUTH: 'auth-token', CACHE_USER: undefined });
    await expect(connection(tokenEnv).settings()).rejects.toThrow(`Unexpected content of the secret ${SECRET_ARN}: a JSON object, `
      + 'not a token. Set CACHE_SECRET_FIELD to the field that holds the AUTH token.');
    expect((await connection({ ...tokenEnv, CACHE_SECRET_FIELD: 'token' }).settings()).password).toBe('Tok3nTok3nTok3nTok3n');
    await expect(connection({ ...tokenEnv, CACHE_SECRET_FIELD: 'other' }).settings())
      .rejects.toThrow(`Unexpected content of the secret ${SECRET_ARN}: no "other" string. Allowed: a JSON object whose "other" field`);
  });

  test('no authentication: no secret is read, and an unknown reader endpoint is named', async () => {
    const conn = connection(rbacEnv({ CACHE_AUTH: 'none', CACHE_TLS: 'false', CACHE_READER_HOST: undefined }));
    const io = await conn.ioredisOptions();
    expect(io).not.toHaveProperty('tls');
    expect(io).not.toHaveProperty('username');
    expect(io).not.toHaveProperty('password');
    expect((await conn.nodeRedisOptions()).socket).toEqual(expect.objectContaining({ tls: false }));
    expect(await conn.nodeRedisOptions()).not.toHaveProperty('password');
    await expect(conn.settings({ reader: true })).rejects.toThrow('Missing environment variable CACHE_READER_HOST (the reader endpoint).');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  describe('IAM', () => {
    const iamEnv = rbacEnv({ CACHE_AUTH: 'iam', CACHE_SECRET_ARN: undefined, CACHE_USER: 'app-iam', AWS_REGION: 'eu-west-1' });

    test('signs a token for the group and the user, reuses it for 10 minutes, then signs a new one', async () => {
      let now = Date.parse('2026-03-01T12:00:00Z');
      const conn = connection(iamEnv, { credentials: CREDENTIALS, now: () => now });
      const first = await conn.settings();
      expect(first.username).toBe('app-iam');
      expect(first.password).toMatch(/^my-cache\/\?Action=connect&User=app-iam&X-Amz-Algorithm=AWS4-HMAC-SHA256/);
      expect(first.password).toContain('X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F');
      expect(first.password).toContain('%2Feu-west-1%2Felasticache%2Faws4_request');
      expect(first.password).toContain('X-Amz-Expires=900');
      expect(first.password).toContain('X-Amz-Date=20260301T120000Z');
      now += 9 * 60_000;
      expect((await conn.settings()).password).toBe(first.password);
      now += 60_000;
      const second = await conn.settings();
      expect(second.password).toContain('X-Amz-Date=20260301T121000Z');
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    });

    test('a token that cannot be signed is a one-line CacheClientError', async () => {
      const conn = connection({ ...iamEnv, AWS_REGION: undefined }, { credentials: CREDENTIALS });
      const error = await conn.settings().catch(e => e);
      expect(error).toBeInstanceOf(CacheClientError);
      expect(error.reason).toBe('signing');
      expect(error.message).toBe("Cannot sign an IAM token for user 'app-iam' on 'my-cache': no region: set AWS_REGION "
        + '(Lambda functions and ECS tasks have it) or pass region.');
    });

    test('without credentials given, the keys of the environment (a Lambda function\'s), with the session token', async () => {
      const env = { ...iamEnv, AWS_ACCESS_KEY_ID: 'ASIAENVEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session-token' };
      const token = (await connection(env).settings()).password!;
      expect(token).toContain('X-Amz-Credential=ASIAENVEXAMPLE%2F');
      expect(token).toContain('X-Amz-Security-Token=session-token');
    });

    test('missing credentials are reported when signing', async () => {
      const conn = connection(iamEnv, { credentials: () => Promise.reject(new Error('Could not load credentials from any providers')) });
      await expect(conn.settings()).rejects.toThrow("Cannot sign an IAM token for user 'app-iam' on 'my-cache': Could not load credentials");
    });
  });

  test('Memcached: the configuration endpoint and TLS flag; each engine refuses the other\'s method', async () => {
    const memcached = connection({ CACHE_ENGINE: 'memcached', CACHE_ID: 'sessions', CACHE_HOST: 'sessions.abc123.cfg.euw1.cache.amazonaws.com',
      CACHE_PORT: '11211', CACHE_TLS: 'true', CACHE_AUTH: 'none' });
    expect(memcached.memcachedSettings()).toEqual({ configurationEndpoint: 'sessions.abc123.cfg.euw1.cache.amazonaws.com:11211',
      host: 'sessions.abc123.cfg.euw1.cache.amazonaws.com', port: 11211, tls: true });
    await expect(memcached.settings()).rejects.toThrow('CACHE_ENGINE is memcached: use memcachedSettings().');
    expect(() => connection(rbacEnv()).memcachedSettings()).toThrow('CACHE_ENGINE is valkey: use settings().');
  });

  test('isWrongPassError recognises a rotated password and nothing else', () => {
    expect(isWrongPassError(new Error('WRONGPASS invalid username-password pair or user is disabled.'))).toBe(true);
    expect(isWrongPassError(new Error('ERR invalid password'))).toBe(true);
    expect(isWrongPassError(new Error('NOPERM this user has no permissions to run the \'get\' command'))).toBe(false);
    expect(isWrongPassError('ECONNREFUSED')).toBe(false);
  });
});
