import { Token } from 'aws-cdk-lib';
import { CacheValidationError } from './validation-error';

/** The `Durability` values this library knows (the ElastiCache API's enum). */
const KNOWN_DURABILITY = ['sync', 'async', 'disabled', 'default'];

/**
 * The durability of a Valkey replication group: whether writes are kept in a Multi-AZ transactional
 * log, so that a failure loses none of them (`SYNC`) or at most the last 10 seconds (`ASYNC`).
 *
 * Durability needs Valkey 9.0+, cluster mode enabled, Multi-AZ with at least one replica per shard,
 * encryption in transit, an r7g, r6g, m7g, m6g or c7gn node type and no data tiering; it turns
 * encryption at rest on. It is not available on serverless caches or in a global datastore.
 * `SYNC` and `ASYNC` switch in place; whether durability can be turned on or off on an existing
 * group is documented both ways (User Guide, "Changing durability on an existing cluster" and
 * "Limitations"): choose it when the group is created.
 */
export class Durability {
  /**
   * Synchronous writes: a write is in the Multi-AZ transactional log, in at least two Availability
   * Zones, before the client gets its reply. No acknowledged write is lost in a failure; writes take
   * single-digit milliseconds instead of microseconds. Reads stay in microseconds.
   */
  public static readonly SYNC = new Durability('sync');
  /**
   * Asynchronous writes: the reply comes first, the write reaches the transactional log after it.
   * Write latency as without durability; a failure can lose up to the last 10 seconds of writes, and
   * the primary refuses writes while its log lags more than 10 seconds behind (clients retry).
   */
  public static readonly ASYNC = new Durability('async');
  /** No durability: a cache. Replicas and backups, as without the prop. */
  public static readonly DISABLED = new Durability('disabled');

  /**
   * Any durability value, for one newer than this library: the API's values are `sync`, `async`,
   * `disabled` and `default` (which ElastiCache resolves by engine version: disabled on Valkey 9.0).
   * Checked for its shape only (lowercase letters and hyphens); a value other than `disabled` and
   * `default` is taken as durable (every rule of `SYNC` applies), and ElastiCache rejects one it does
   * not know at deployment.
   */
  public static of(value: string): Durability {
    if (!Token.isUnresolved(value) && !/^[a-z][a-z-]*$/.test(value)) {
      throw new CacheValidationError(`Invalid durability: got '${value}'. Allowed: ${KNOWN_DURABILITY.map(v => `'${v}'`).join(', ')}, `
        + 'or a newer value of lowercase letters and hyphens.');
    }
    return new Durability(value);
  }

  /** The value as CloudFormation and the ElastiCache API take it (`sync`, `async`, `disabled`...). */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** Whether writes go to the transactional log: every value but `disabled` and `default`. */
  public get durable(): boolean {
    return this.value !== 'disabled' && this.value !== 'default';
  }

  /** The value. */
  public toString(): string {
    return this.value;
  }
}
