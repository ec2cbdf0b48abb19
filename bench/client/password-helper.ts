// A Lambda handler on a cache with a password, with the helper: the README's runtime snippet.
import Valkey from 'iovalkey'; // or ioredis: the same options
import { CacheConnection, sharedClient } from '../../lib/client';

const connection = CacheConnection.fromEnvironment();
const cache = sharedClient(async () => (await connection.connectIoredis(Valkey)).on('error', (e: Error) => console.error('cache:', e.message)));

export async function handler(): Promise<string | null> {
  return (await cache()).get('greeting');
}
