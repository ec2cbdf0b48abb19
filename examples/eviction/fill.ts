// Eviction: what a full cache does with a write, by policy. The example writes more than fits and
// reports what was refused and what is left, so each workload can be matched with its policy:
//
// | workload                                   | keys        | policy                    | when full               |
// | database cache (lazy loading, write-through)| all TTL'd  | volatile-lru (the default) | least recently used TTL'd keys go |
// | catalog / computed results without TTLs     | no TTL     | allkeys-lru               | least recently used keys go |
// | session store                               | all TTL'd  | volatile-ttl              | sessions nearest expiry go |
// | data that must not vanish silently          | any        | noeviction (+ alarms)     | writes fail with OOM    |
import type Valkey from 'iovalkey';

export interface FillOptions {
  /** The key prefix. */
  readonly prefix: string;
  /** How many keys. */
  readonly count: number;
  /** The size of each value, in bytes. */
  readonly valueBytes: number;
  /** The TTL of key `i` (seconds), or undefined for no TTL. @default - no TTL */
  readonly ttlSeconds?: (i: number) => number | undefined;
  /** Keys read between writes, to keep them recently used (an LRU policy keeps them). @default - none */
  readonly hotKeys?: readonly number[];
}

export interface FillResult {
  /** Writes the server accepted. */
  readonly written: number;
  /** Writes refused with `OOM command not allowed when used memory > 'maxmemory'`. */
  readonly refused: number;
  /** Which of the keys 0..count-1 are still there. */
  readonly present: boolean[];
}

/** Writes the keys in batches of 50 (a pipeline each), then checks which are still there. */
export async function fill(cache: Valkey, options: FillOptions): Promise<FillResult> {
  const value = 'x'.repeat(options.valueBytes);
  let written = 0;
  let refused = 0;
  for (let start = 0; start < options.count; start += 50) {
    const batch = cache.pipeline();
    for (let i = start; i < Math.min(start + 50, options.count); i++) {
      const ttl = options.ttlSeconds?.(i);
      if (ttl === undefined) {
        batch.set(`${options.prefix}${i}`, value);
      } else {
        batch.set(`${options.prefix}${i}`, value, 'EX', ttl);
      }
    }
    for (const hot of options.hotKeys ?? []) {
      batch.get(`${options.prefix}${hot}`);
    }
    const results = (await batch.exec()) ?? [];
    for (const [error, reply] of results) {
      if (error && /^OOM/.test(error.message)) {
        refused++;
      } else if (error) {
        throw error;
      } else if (reply === 'OK') {
        written++;
      }
    }
  }
  return { written, refused, present: await present(cache, options.prefix, options.count) };
}

/** Which of the keys `<prefix>0` to `<prefix><count-1>` exist. */
export async function present(cache: Valkey, prefix: string, count: number): Promise<boolean[]> {
  const check = cache.pipeline();
  for (let i = 0; i < count; i++) {
    check.exists(`${prefix}${i}`);
  }
  return ((await check.exec()) ?? []).map(([, n]) => n === 1);
}
