import { formatUrl } from '@aws-sdk/util-format-url';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { IAM_AUTH_TOKEN_EXPIRY_SECONDS, IamCredentials, signIamAuthToken } from '../../lib/client/iam-token';

/** The token as the AWS SDK's own signer presigns it (what the helper signed with before it signed with node:crypto alone). */
async function sdkToken(cacheName: string, userId: string, region: string, credentials: IamCredentials, signingDate: Date,
  serverless: boolean): Promise<string> {
  const signer = new SignatureV4({ service: 'elasticache', region, credentials, sha256: Hash.bind(null, 'sha256') });
  const host = cacheName.toLowerCase();
  const request = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: host, path: '/', headers: { host },
    query: { Action: 'connect', User: userId, ...(serverless ? { ResourceType: 'ServerlessCache' } : {}) } });
  const signed = await signer.presign(request, { expiresIn: IAM_AUTH_TOKEN_EXPIRY_SECONDS, signingDate });
  return formatUrl(signed).replace(/^http:\/\//, '');
}

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

test.each([
  ['a replication group', 'my-cache', 'app', 'us-east-1', KEYS, false],
  ['session credentials', 'my-cache', 'app', 'eu-west-1', { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjE+/=token' }, false],
  ['a serverless cache', 'orders', 'reporting', 'ap-southeast-2', KEYS, true],
  ['a user id and cache name needing encoding and lowercasing', 'My-Cache', "app user!*'()~", 'us-west-2', KEYS, false],
] as const)('%s: the same token as the AWS SDK signer, to the byte', async (_what, cache, user, region, credentials, serverless) => {
  const signingDate = new Date('2026-03-01T12:34:56.789Z');
  const token = signIamAuthToken({ cacheName: cache, userId: user, region, credentials, signingDate, serverless });
  expect(token).toBe(await sdkToken(cache, user, region, credentials, signingDate, serverless));
  expect(token.startsWith(`${cache.toLowerCase()}/?Action=connect&`)).toBe(true);
});

test('the signing date defaults to now', () => {
  const before = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  expect(signIamAuthToken({ cacheName: 'c', userId: 'u', region: 'eu-west-1', credentials: KEYS })).toContain(`X-Amz-Date=${before}T`);
});
