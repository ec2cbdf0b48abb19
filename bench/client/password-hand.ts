// The same handler written by hand: the secret read with the SDK, the client built from the variables.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Valkey from 'iovalkey';

const secretsManager = new SecretsManagerClient({});
let client: Promise<Valkey> | undefined;

async function connect(): Promise<Valkey> {
  const secret = await secretsManager.send(new GetSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN }));
  const { username, password } = JSON.parse(secret.SecretString!) as { username: string; password: string };
  const valkey = new Valkey({
    host: process.env.CACHE_HOST, port: Number(process.env.CACHE_PORT), username, password,
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
