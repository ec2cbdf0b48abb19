// A Lambda handler with the helper: the README's runtime snippet (test/servers/readme-client.test.ts checks that they agree).
import Valkey from 'iovalkey'; // or ioredis: the same options
import { CacheConnection, sharedClient } from '../../lib/client';

const connection = CacheConnection.fromEnvironment();
// Connected on first use, kept for the next invocations, connected again after a failure.
const cache = sharedClient(async () => {
  const client = await connection.connectIoredis(Valkey);
  return client.on('error', (e: Error) => console.error('cache:', e.message));
});

export async function handler(): Promise<string | null> {
  return (await cache()).get('greeting');
}
