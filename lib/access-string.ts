import { Token } from 'aws-cdk-lib';
import { CacheValidationError, describe } from './private/errors';

/**
 * The permissions of an RBAC user: a Valkey / Redis OSS ACL rule string such as
 * `on ~app:* -@all +@read`.
 *
 * The factories cover the common cases; `of()` takes any rule string. ElastiCache forbids
 * password rules inside an access string (`>pass`, `<pass`, `#hash`, `!hash`, `nopass`,
 * `resetpass`) and `reset`: passwords are set through the user's authentication instead.
 *
 * @example
 * AccessString.readOnly('session:*')   // on ~session:* -@all +@read -@dangerous +ping
 * AccessString.keyPrefix('orders:')    // on ~orders:* -@all +@read +@write +@transaction -@dangerous +ping
 * AccessString.of('on ~* -@all +get +set')
 */
export class AccessString {
  /**
   * A disabled user with no permissions: `off -@all`. The default of `User`, and the access
   * string of the `default` user a `UserGroup` creates.
   */
  public static disabled(): AccessString {
    return new AccessString('off -@all');
  }

  /**
   * Every command on every key and Pub/Sub channel: `on ~* &* +@all`. For administrators only;
   * applications should get `readOnly()`, `readWrite()` or `keyPrefix()`.
   */
  public static fullAccess(): AccessString {
    return new AccessString('on ~* &* +@all');
  }

  /**
   * Read commands (the `@read` category, less the `@dangerous` ones such as `KEYS`) and `PING`
   * on the keys matching a glob pattern: `on ~<pattern> -@all +@read -@dangerous +ping`.
   *
   * @param keyPattern a glob pattern of keys (`*`, `session:*`); default `*`, every key
   */
  public static readOnly(keyPattern?: string): AccessString {
    return new AccessString(`on ~${checkPattern('keyPattern', keyPattern ?? '*')} -@all +@read -@dangerous +ping`);
  }

  /**
   * Read and write commands (`@read`, `@write`), transactions (`@transaction`: `MULTI`, `EXEC`,
   * `WATCH`) and `PING` on the keys matching a glob pattern, less the `@dangerous` commands:
   * `on ~<pattern> -@all +@read +@write +@transaction -@dangerous +ping`. Removing `@dangerous`
   * matters: `FLUSHALL` and `FLUSHDB` are in `@write` and take no key, so a key pattern alone would
   * not stop them; `KEYS`, `SORT`, `CONFIG` and `DEBUG` go too.
   *
   * @param keyPattern a glob pattern of keys; default `*`, every key
   */
  public static readWrite(keyPattern?: string): AccessString {
    return new AccessString(`on ~${checkPattern('keyPattern', keyPattern ?? '*')} -@all +@read +@write +@transaction -@dangerous +ping`);
  }

  /**
   * `readWrite()` (or `readOnly()`) limited to the keys that start with a prefix, the usual way to
   * give each application its own namespace in a shared cache.
   *
   * @param prefix the key prefix (`orders:`); glob characters `* ? [ ] \` are not allowed in it
   * @param level read-only or read-write; default read-write
   */
  public static keyPrefix(prefix: string, level?: KeyAccessLevel): AccessString {
    if (!Token.isUnresolved(prefix) && (prefix.length === 0 || /[*?[\]\\]/.test(prefix))) {
      throw new CacheValidationError(`Invalid keyPrefix: got ${describe(prefix)}. Allowed: a non-empty prefix without glob `
        + 'characters (* ? [ ] \\); for a pattern use AccessString.readOnly(pattern) or readWrite(pattern).');
    }
    const pattern = `${checkPattern('keyPrefix', prefix)}*`;
    return level === KeyAccessLevel.READ_ONLY ? AccessString.readOnly(pattern) : AccessString.readWrite(pattern);
  }

  /**
   * Any access string, for example `on ~app:* &app:* -@all +@read +@write +@pubsub`.
   * See https://valkey.io/topics/acl/ for the rules.
   */
  public static of(accessString: string): AccessString {
    return new AccessString(accessString);
  }

  /** The access string as ElastiCache takes it. */
  public readonly value: string;

  private constructor(value: string) {
    validateAccessString(value);
    this.value = value;
  }

  /** The access string. */
  public toString(): string {
    return this.value;
  }
}

/** How much an access string built by `AccessString.keyPrefix()` allows on its keys. */
export enum KeyAccessLevel {
  /** Read commands only. */
  READ_ONLY = 'READ_ONLY',
  /** Read and write commands, and transactions. */
  READ_WRITE = 'READ_WRITE',
}

function checkPattern(prop: string, pattern: string): string {
  if (!Token.isUnresolved(pattern) && (pattern.length === 0 || /\s/.test(pattern))) {
    throw new CacheValidationError(`Invalid ${prop}: got ${describe(pattern)}. Allowed: a non-empty key pattern without whitespace.`);
  }
  return pattern;
}

/** The rules ElastiCache forbids in an access string: passwords are set through the user, never inside the ACL. */
const FORBIDDEN_WORDS = ['nopass', 'resetpass', 'reset'];

function validateAccessString(value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!/\S/.test(value)) {
    throw new CacheValidationError(`Invalid accessString: got ${describe(value)}. Allowed: ACL rules such as 'on ~* -@all +@read'; `
      + 'an empty string is rejected by ElastiCache.');
  }
  for (const word of value.trim().split(/\s+/)) {
    if (/^[><#!]/.test(word) || FORBIDDEN_WORDS.includes(word.toLowerCase())) {
      // A password rule may hold a password: name the kind of rule, never echo it.
      const rule = /^[><#!]/.test(word) ? `a password rule starting with '${word[0]}'` : `'${word}'`;
      throw new CacheValidationError(`Invalid accessString: got ${rule}. Allowed: ACL rules without passwords, nopass, resetpass `
        + 'or reset; set passwords through the user\'s authentication (UserAuthentication.password() or generatedPassword()).');
    }
  }
}
