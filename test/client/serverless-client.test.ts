import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CacheClientError, CacheConnection, readCacheEnvironment } from '../../lib/client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** The variables connectFrom() sets for a serverless cache whose consumer connects as an IAM user. */
const serverlessEnv = (overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  CACHE_ENGINE: 'valkey',
  CACHE_ID: 'orders',
  CACHE_HOST: 'orders-abc.serverless.euw1.cache.amazonaws.com',
  CACHE_PORT: '6379',
  CACHE_READER_HOST: 'orders-abc.serverless.euw1.cache.amazonaws.com',
  CACHE_READER_PORT: '6380',
  CACHE_TLS: 'true',
  CACHE_AUTH: 'iam',
  CACHE_USER: 'worker',
  CACHE_SERVERLESS: 'true',
  AWS_REGION: 'eu-west-1',
  ...overrides,
});

const connection = (env: Record<string, string | undefined>) => CacheConnection.fromEnvironment({
  env, secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }), credentials: CREDENTIALS, now: () => Date.parse('2026-03-01T12:00:00Z'),
});

test('a serverless cache: the reader endpoint on its own port, IAM tokens signed for a serverless cache', async () => {
  expect(readCacheEnvironment(undefined, serverlessEnv())).toEqual(expect.objectContaining({ readerPort: 6380, serverless: true, port: 6379 }));
  const conn = connection(serverlessEnv());
  const primary = await conn.settings();
  expect([primary.host, primary.port]).toEqual(['orders-abc.serverless.euw1.cache.amazonaws.com', 6379]);
  expect(primary.password).toMatch(/^orders\/\?Action=connect&ResourceType=ServerlessCache&User=worker&X-Amz-Algorithm=/);
  const reader = await conn.settings({ reader: true });
  expect([reader.host, reader.port]).toEqual(['orders-abc.serverless.euw1.cache.amazonaws.com', 6380]);
});

test('a replication group (no CACHE_READER_PORT, no CACHE_SERVERLESS): the reader on the same port, tokens without ResourceType', async () => {
  const env = serverlessEnv({ CACHE_READER_PORT: undefined, CACHE_SERVERLESS: undefined, CACHE_ID: 'my-cache' });
  const conn = connection(env);
  expect((await conn.settings({ reader: true })).port).toBe(6379);
  expect((await conn.settings()).password).not.toContain('ResourceType');
});

test.each([
  ['CACHE_READER_PORT', '70000', /Invalid CACHE_READER_PORT: got '70000'. Allowed: an integer from 1 to 65535/],
  ['CACHE_SERVERLESS', 'yes', /Invalid CACHE_SERVERLESS: got 'yes'. Allowed: 'true', 'false'/],
])('a malformed %s is a one-line error', (name, value, message) => {
  expect(() => readCacheEnvironment(undefined, serverlessEnv({ [name]: value }))).toThrow(CacheClientError);
  expect(() => readCacheEnvironment(undefined, serverlessEnv({ [name]: value }))).toThrow(message);
});
