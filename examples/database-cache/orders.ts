// Database cache over PostgreSQL: an `orders` table read through the cache with lazy loading
// (cache-aside, with a TTL) and updated with write-through (and invalidation on delete).
import type Valkey from 'iovalkey';
import type { Pool } from 'pg';

export interface Order {
  readonly id: number;
  readonly customer: string;
  readonly status: string;
  readonly total: string;
}

export const ORDERS_TABLE = `CREATE TABLE IF NOT EXISTS orders (
  id integer PRIMARY KEY, customer text NOT NULL, status text NOT NULL, total numeric(10, 2) NOT NULL)`;

export class OrdersRepository {
  /** How many reads went to the database (the misses). */
  public databaseReads = 0;

  /**
   * @param db the PostgreSQL pool (`new Pool()` reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)
   * @param cache the Valkey / Redis OSS client
   * @param ttlSeconds how long a lazily loaded order may stay in the cache (every key gets a TTL)
   */
  constructor(private readonly db: Pool, private readonly cache: Valkey, private readonly ttlSeconds = 300) {}

  /** Lazy loading: the cache first; on a miss, the database, then the cache (with a TTL and some jitter). */
  public async get(id: number): Promise<Order | undefined> {
    const cached = await this.cache.get(key(id));
    if (cached !== null) {
      return JSON.parse(cached) as Order;
    }
    this.databaseReads++;
    const { rows } = await this.db.query<Order>('SELECT id, customer, status, total FROM orders WHERE id = $1', [id]);
    if (rows.length === 0) {
      return undefined;
    }
    await this.cache.set(key(id), JSON.stringify(rows[0]), 'EX', this.ttl());
    return rows[0];
  }

  /** A write to the database only: lazily loaded copies stay stale until their TTL runs out. */
  public async setStatusInDatabaseOnly(id: number, status: string): Promise<void> {
    await this.db.query('UPDATE orders SET status = $2 WHERE id = $1', [id, status]);
  }

  /** Write-through: the database, then the cache, in the same call, so that readers never see the old row. */
  public async setStatus(id: number, status: string): Promise<Order | undefined> {
    const { rows } = await this.db.query<Order>(
      'UPDATE orders SET status = $2 WHERE id = $1 RETURNING id, customer, status, total', [id, status]);
    if (rows.length === 0) {
      await this.cache.del(key(id));
      return undefined;
    }
    await this.cache.set(key(id), JSON.stringify(rows[0]), 'EX', this.ttl());
    return rows[0];
  }

  /** Invalidation: the row goes, and so does its cached copy. */
  public async delete(id: number): Promise<void> {
    await this.db.query('DELETE FROM orders WHERE id = $1', [id]);
    await this.cache.del(key(id));
  }

  /** The TTL with up to 10 % jitter, so that keys loaded together do not all expire together. */
  private ttl(): number {
    return this.ttlSeconds + Math.floor(Math.random() * Math.max(1, this.ttlSeconds / 10));
  }
}

function key(id: number): string {
  return `orders:${id}`;
}
