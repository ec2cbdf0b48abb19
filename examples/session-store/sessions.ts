// Session store: stateless application instances share user sessions in the cache. Each session
// has a TTL that every read extends (sliding expiration), so idle sessions leave on their own.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { CacheConnection, isWrongPassError, NodeRedisOptions } from '../../lib/client';

function create(options: NodeRedisOptions) {
  return createClient({ ...options, disableOfflineQueue: true });
}

export type RedisClient = ReturnType<typeof create>;

/** A connected node-redis client, from the CACHE_* variables (re-reading a rotated secret once). */
export async function connectNodeRedis(connection: CacheConnection = CacheConnection.fromEnvironment()): Promise<RedisClient> {
  for (let attempt = 1; ; attempt++) {
    const client = create(await connection.nodeRedisOptions());
    client.on('error', () => undefined); // connection errors surface through the rejected promises
    try {
      await client.connect();
      return client;
    } catch (e) {
      client.destroy();
      if (attempt === 1 && isWrongPassError(e)) {
        connection.refresh();
        continue;
      }
      throw e;
    }
  }
}

export interface Session {
  readonly userId: string;
  readonly cart: string[];
}

export class SessionStore {
  /** @param ttlSeconds how long an idle session lives */
  constructor(private readonly cache: RedisClient, private readonly ttlSeconds = 1800) {}

  /** Creates a session and returns its id (the cookie value). */
  public async create(session: Session): Promise<string> {
    const id = randomUUID();
    await this.cache.set(key(id), JSON.stringify(session), { expiration: { type: 'EX', value: this.ttlSeconds } });
    return id;
  }

  /** Reads a session (on any instance) and extends its TTL; undefined once it has expired. */
  public async get(id: string): Promise<Session | undefined> {
    const value = await this.cache.getEx(key(id), { type: 'EX', value: this.ttlSeconds });
    return value === null ? undefined : JSON.parse(value) as Session;
  }

  /** Replaces a session's content, keeping it alive. */
  public async save(id: string, session: Session): Promise<void> {
    await this.cache.set(key(id), JSON.stringify(session), { expiration: { type: 'EX', value: this.ttlSeconds } });
  }

  /** Logs out. */
  public async destroy(id: string): Promise<void> {
    await this.cache.del(key(id));
  }
}

function key(id: string): string {
  return `session:${id}`;
}
