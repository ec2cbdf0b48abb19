// Connecting an application to a cache wired with `connectFrom()`: the runtime helper turns the
// CACHE_* variables into client options; a rotated password (WRONGPASS) is handled by re-reading the
// secret once and connecting again.
import Valkey from 'iovalkey';
import { CacheConnection, isWrongPassError } from '../lib/client';

/**
 * A connected iovalkey client (ioredis takes the same options). `name` is the connection name given
 * to `connectFrom(consumer, { name })`, if any.
 */
export async function connectValkey(connection: CacheConnection = CacheConnection.fromEnvironment()): Promise<Valkey> {
  for (let attempt = 1; ; attempt++) {
    const client = new Valkey({ ...(await connection.ioredisOptions()), lazyConnect: true, maxRetriesPerRequest: 1 });
    // iovalkey / ioredis report a refused AUTH as an 'error' event, and may still resolve connect().
    let authError: unknown;
    const onError = (e: unknown) => {
      if (isWrongPassError(e)) {
        authError = e;
      }
    };
    client.on('error', onError);
    try {
      await client.connect();
      await client.ping();
      if (authError !== undefined) {
        throw authError;
      }
      client.off('error', onError);
      return client;
    } catch (e) {
      client.disconnect();
      if (attempt === 1 && (isWrongPassError(e) || authError !== undefined)) {
        // The password was rotated since the secret was read: read it again, once.
        connection.refresh();
        continue;
      }
      throw e;
    }
  }
}

/**
 * For a long-lived client: when a reconnection meets WRONGPASS (the password was rotated while the
 * client was connected), read the secret again and give the client the new password; its next
 * reconnection attempt uses it.
 */
export function followRotations(client: Valkey, connection: CacheConnection): void {
  client.on('error', (e: Error) => {
    if (isWrongPassError(e)) {
      connection.refresh();
      connection.settings().then(s => {
        client.options.password = s.password;
      }, () => undefined); // an unreadable secret: the next WRONGPASS tries again
    }
  });
}
