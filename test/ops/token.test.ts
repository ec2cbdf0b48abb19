import { createHash, createHmac } from 'node:crypto';
import { OpsError } from '../../lib/ops/errors';
import { generateIamAuthToken, IAM_AUTH_TOKEN_EXPIRY_SECONDS } from '../../lib/ops/token';
import './fixtures';

// The fixed clock and key of the AWS SigV4 test suite.
const SIGNING_DATE = new Date('2015-08-30T12:36:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** RFC 3986 encoding, as SigV4 wants it. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The SigV4 signature of a presigned GET, computed independently of the SDK (test-only), from the
 * AWS documentation's algorithm: canonical request, string to sign, derived signing key.
 */
function expectedSignature(host: string, params: URLSearchParams, secret: string, region: string): string {
  const query = [...params.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', query, `host:${host}`, '', 'host', emptyPayload].join('\n');
  const amzDate = params.get('X-Amz-Date')!;
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/elasticache/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'elasticache'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function parse(token: string): { host: string; path: string; params: URLSearchParams } {
  expect(token).not.toMatch(/^https?:/);
  const url = new URL(`http://${token}`);
  return { host: url.host, path: url.pathname, params: url.searchParams };
}

describe('generateIamAuthToken', () => {
  test('is a presigned GET http://<group>/?Action=connect&User=<user>, without the scheme, valid 900 s', async () => {
    const token = await generateIamAuthToken({
      cacheName: 'my-cache', userId: 'app-user', region: 'us-east-1', credentials: CREDENTIALS, signingDate: SIGNING_DATE,
    });
    expect(token.startsWith('my-cache/?')).toBe(true);
    const { host, path, params } = parse(token);
    expect(host).toBe('my-cache');
    expect(path).toBe('/');
    expect([...params.keys()].sort()).toEqual([
      'Action', 'User', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Signature', 'X-Amz-SignedHeaders',
    ]);
    expect(params.get('Action')).toBe('connect');
    expect(params.get('User')).toBe('app-user');
    expect(params.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(params.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20150830/us-east-1/elasticache/aws4_request');
    expect(params.get('X-Amz-Date')).toBe('20150830T123600Z');
    expect(params.get('X-Amz-Expires')).toBe('900');
    expect(IAM_AUTH_TOKEN_EXPIRY_SECONDS).toBe(900);
    expect(params.get('X-Amz-SignedHeaders')).toBe('host');
    expect(params.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature(host, params, CREDENTIALS.secretAccessKey, 'us-east-1'));
  });

  test('is deterministic for a fixed clock and key, and changes with each input', async () => {
    const base = { cacheName: 'my-cache', userId: 'app-user', region: 'us-east-1', credentials: CREDENTIALS, signingDate: SIGNING_DATE };
    const a = await generateIamAuthToken(base);
    expect(await generateIamAuthToken(base)).toBe(a);
    const variants = await Promise.all([
      generateIamAuthToken({ ...base, userId: 'other' }),
      generateIamAuthToken({ ...base, region: 'eu-west-1' }),
      generateIamAuthToken({ ...base, signingDate: new Date(SIGNING_DATE.getTime() + 1000) }),
      generateIamAuthToken({ ...base, credentials: { ...CREDENTIALS, secretAccessKey: 'other' } }),
    ]);
    const signatures = new Set([a, ...variants].map(t => parse(t).params.get('X-Amz-Signature')));
    expect(signatures.size).toBe(5);
  });

  test('session credentials add X-Amz-Security-Token, inside the signature', async () => {
    const token = await generateIamAuthToken({
      cacheName: 'my-cache', userId: 'app-user', region: 'eu-west-1', signingDate: SIGNING_DATE,
      credentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEJr//session+token=' },
    });
    const { host, params } = parse(token);
    expect(params.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEJr//session+token=');
    expect(token).toContain('X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2Fsession%2Btoken%3D');
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature(host, params, CREDENTIALS.secretAccessKey, 'eu-west-1'));
  });

  test('serverless caches add ResourceType=ServerlessCache', async () => {
    const token = await generateIamAuthToken({
      cacheName: 'my-serverless', userId: 'app-user', region: 'us-east-1', credentials: CREDENTIALS, signingDate: SIGNING_DATE, serverless: true,
    });
    const { host, params } = parse(token);
    expect(params.get('ResourceType')).toBe('ServerlessCache');
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature(host, params, CREDENTIALS.secretAccessKey, 'us-east-1'));
  });

  test('the user id is URI-encoded and the cache name lowercased (ElastiCache ids are lowercase)', async () => {
    const token = await generateIamAuthToken({
      cacheName: 'My-Cache', userId: 'app user@x', region: 'us-east-1', credentials: CREDENTIALS, signingDate: SIGNING_DATE,
    });
    expect(token).toMatch(/^my-cache\/\?Action=connect&User=app%20user%40x&/);
    const { host, params } = parse(token);
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature(host, params, CREDENTIALS.secretAccessKey, 'us-east-1'));
  });

  test('accepts a credential provider (what the SDK clients hold)', async () => {
    const provider = jest.fn(async () => CREDENTIALS);
    const token = await generateIamAuthToken({ cacheName: 'my-cache', userId: 'u', region: 'us-east-1', credentials: provider, signingDate: SIGNING_DATE });
    expect(provider).toHaveBeenCalled();
    expect(parse(token).params.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
  });

  test('region and credentials default to the SDK chains (here: the environment)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'ap-south-1', AWS_ACCESS_KEY_ID: 'AKIAENVEXAMPLE', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    try {
      const { params } = parse(await generateIamAuthToken({ cacheName: 'my-cache', userId: 'u', signingDate: SIGNING_DATE }));
      expect(params.get('X-Amz-Credential')).toBe('AKIAENVEXAMPLE/20150830/ap-south-1/elasticache/aws4_request');
    } finally {
      process.env = saved;
    }
  });

  test('the signing date defaults to now', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T14:25:01Z') });
    try {
      const { params } = parse(await generateIamAuthToken({ cacheName: 'my-cache', userId: 'u', region: 'us-east-1', credentials: CREDENTIALS }));
      expect(params.get('X-Amz-Date')).toBe('20250301T142501Z');
    } finally {
      jest.useRealTimers();
    }
  });

  test.each([
    ['', 'app', "Invalid replication group id: got ''. Allowed: 1-40 letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'."],
    ['my-cache.example.com', 'app', "Invalid replication group id: got 'my-cache.example.com'. Allowed: 1-40 letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'."],
    ['my/cache', 'app', "Invalid replication group id: got 'my/cache'. Allowed: 1-40 letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'."],
    [' my-cache', 'app', "Invalid replication group id: got ' my-cache'. Allowed: 1-40 letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'."],
    ['my-cache', ' ', 'Invalid user id for an IAM token: got an empty string.'],
  ])('rejects cache %j / user %j', async (cacheName, userId, message) => {
    const token = generateIamAuthToken({ cacheName, userId, region: 'us-east-1', credentials: CREDENTIALS });
    await expect(token).rejects.toThrow(OpsError);
    await expect(token).rejects.toThrow(message);
  });
});
