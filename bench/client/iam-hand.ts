// An IAM handler written by hand, as AWS's ElastiCache IAM examples sign: @smithy/signature-v4, the
// SDK's credential chain, a presigned URL without its scheme as the password.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { formatUrl } from '@aws-sdk/util-format-url';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import Valkey from 'iovalkey';

const signer = new SignatureV4({
  service: 'elasticache', region: process.env.AWS_REGION!, credentials: fromNodeProviderChain(), sha256: Hash.bind(null, 'sha256'),
});
let client: Promise<Valkey> | undefined;

async function token(): Promise<string> {
  const cacheName = process.env.CACHE_ID!;
  const request = new HttpRequest({
    method: 'GET', protocol: 'http:', hostname: cacheName, path: '/', headers: { host: cacheName },
    query: { Action: 'connect', User: process.env.CACHE_USER! },
  });
  return formatUrl(await signer.presign(request, { expiresIn: 900 })).replace(/^http:\/\//, '');
}

async function connect(): Promise<Valkey> {
  const valkey = new Valkey({
    host: process.env.CACHE_HOST, port: Number(process.env.CACHE_PORT), username: process.env.CACHE_USER, password: await token(),
    ...(process.env.CACHE_TLS === 'true' ? { tls: { servername: process.env.CACHE_HOST } } : {}),
    connectTimeout: 2_000, commandTimeout: 2_000, maxRetriesPerRequest: 1, lazyConnect: true,
  });
  valkey.on('error', (e: Error) => console.error('cache:', e.message));
  await valkey.connect();
  return valkey;
}

export async function handler(): Promise<string | null> {
  client ??= connect().catch(e => {
    client = undefined;
    throw e;
  });
  return (await client).get('greeting');
}
