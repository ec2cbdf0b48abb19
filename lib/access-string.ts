import { Token } from 'aws-cdk-lib';
import { AclGrammarError, parseAccessString } from './private/acl';
import { CacheValidationError } from './validation-error';
import { describe } from './private/errors';

/**
 * The access strings checked so far, with their restricted commands: every cache's users get the same
 * few strings, and the check (the whole grammar) is a pure function of the string.
 */
const VALIDATED = new Map<string, string[]>();

/**
 * The permissions of an RBAC user: a Valkey / Redis OSS ACL rule string such as
 * `on ~app:* -@all +@read`.
 *
 * The helpers are least privilege and usable by real clients (measured on Valkey 8.0 and Redis OSS
 * 7.0 with iovalkey, ioredis and node-redis, see the README): the data commands on the user's keys,
 * transactions, Lua scripts (`EVAL` / `EVALSHA`, whose commands are checked against the same key
 * pattern), what clients send when they connect (`HELLO`, `AUTH`, `CLIENT SETNAME` / `SETINFO`,
 * `SELECT`, `PING`, `ECHO`, `RESET`, `QUIT`: the `@connection` category), `INFO` (the ready check
 * of iovalkey / ioredis) and the cluster topology (`CLUSTER SLOTS` / `SHARDS` / `NODES` / `INFO`);
 * never the `@dangerous` commands (`FLUSHALL`, `FLUSHDB`, `SWAPDB`, `KEYS`, `CONFIG`, `MONITOR`,
 * `CLIENT KILL`...), Functions (`FUNCTION LOAD` / `DELETE` / `FLUSH` / `RESTORE`: keyless writes
 * that run later as whoever calls them), `SCRIPT FLUSH` or `MOVE`.
 *
 * `of()` takes any rule string and checks its grammar. ElastiCache forbids password rules inside
 * an access string (`>pass`, `<pass`, `#hash`, `!hash`, `nopass`, `resetpass`) and `reset`:
 * passwords are set through the user's authentication instead.
 *
 * @example
 * AccessString.readWrite()             // the default application user: read-write on every key
 * AccessString.keyPrefix('orders:')    // read-write on orders:*
 * AccessString.readOnly('session:*')   // read-only on session:*
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
   * Every command on every key and Pub/Sub channel: `on ~* &* +@all`. The administrator's access
   * string: it runs `FLUSHALL`, `ACL SETUSER`, `MONITOR`, `FUNCTION` and `CLIENT KILL`. Applications
   * should get `readWrite()`, `readOnly()` or `keyPrefix()`.
   */
  public static fullAccess(): AccessString {
    return new AccessString('on ~* &* +@all');
  }

  /**
   * Read commands on the keys matching a glob pattern, plus transactions, read-only scripts, the
   * connection commands, `INFO` and the cluster topology:
   * `on ~<pattern> -@all +@connection +@read +@transaction -@dangerous +eval +evalsha +script|load
   * +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots`. A script's
   * writes are refused (the server checks every command a script runs against the user).
   *
   * @param keyPattern a glob pattern of keys (`*`, `session:*`); default `*`, every key
   */
  public static readOnly(keyPattern?: string): AccessString {
    return new AccessString(`on ~${checkPattern('keyPattern', keyPattern ?? '*')} -@all +@connection +@read +@transaction -@dangerous`
      + ` ${CLIENT_COMMANDS}`);
  }

  /**
   * Read and write commands on the keys matching a glob pattern, plus transactions, scripts, the
   * connection commands, `INFO` and the cluster topology:
   * `on ~<pattern> -@all +@connection +@read +@write +@transaction -@dangerous -@scripting -move
   * +eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards
   * +cluster|slots`. What the removals close: `FLUSHALL`, `FLUSHDB` and `SWAPDB` (`@dangerous`)
   * and `FUNCTION LOAD` / `DELETE` / `FLUSH` / `RESTORE` (`@scripting`) are writes that take no key,
   * so a key pattern alone would not stop them; `MOVE` takes a key in another database.
   *
   * @param keyPattern a glob pattern of keys; default `*`, every key
   */
  public static readWrite(keyPattern?: string): AccessString {
    return new AccessString(`on ~${checkPattern('keyPattern', keyPattern ?? '*')} -@all +@connection +@read +@write +@transaction`
      + ` -@dangerous -@scripting -move ${CLIENT_COMMANDS}`);
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
   * Any access string, for example `on ~app:* &app:* -@all +@read +@write +@pubsub`. Its grammar
   * is checked at synth time: `on` / `off`, key patterns (`~`, `%R~`, `%W~`, `%RW~`, `allkeys`,
   * `resetkeys`), channels (`&`, `allchannels`, `resetchannels`), commands (`+cmd`, `-cmd`,
   * `+cmd|subcommand`, `allcommands`, `nocommands`), categories (`+@read`..., from the engines'
   * `ACL CAT`) and selectors (`(~logs:* +@read)`). A user whose string names a command ElastiCache
   * never runs (`config`, `debug`, `save`...) gets the warning `cdk-elasticache:restrictedCommand`.
   * See https://valkey.io/topics/acl/ for the rules.
   */
  public static of(accessString: string): AccessString {
    return new AccessString(accessString);
  }

  /** The access string as ElastiCache takes it. */
  public readonly value: string;
  /**
   * The commands of ElastiCache's restricted list that the string names (lowercase).
   * @internal
   */
  public readonly _restrictedCommands: string[];

  private constructor(value: string) {
    let restricted = VALIDATED.get(value);
    if (restricted === undefined) {
      restricted = validateAccessString(value);
      VALIDATED.set(value, restricted);
    }
    this._restrictedCommands = restricted;
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

/**
 * What the helpers add on top of their categories: scripts (`EVAL` / `EVALSHA`; `SCRIPT LOAD` /
 * `EXISTS` for clients that preload them), `INFO` (in `@dangerous`, but iovalkey / ioredis send it
 * as their ready check) and the cluster topology that cluster-mode clients read (only in `@slow`).
 * Only commands that exist since Redis OSS 6.0, so that the strings work on every RBAC engine.
 */
const CLIENT_COMMANDS = '+eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots';

/** The rules ElastiCache forbids in an access string: passwords are set through the user, never inside the ACL. */
const FORBIDDEN_WORDS = ['nopass', 'resetpass', 'reset'];

function validateAccessString(value: string): string[] {
  if (Token.isUnresolved(value)) {
    return [];
  }
  if (!/\S/.test(value)) {
    throw new CacheValidationError(`Invalid accessString: got ${describe(value)}. Allowed: ACL rules such as 'on ~* -@all +@read'; `
      + 'an empty string is rejected by ElastiCache.');
  }
  for (const word of value.trim().split(/\s+/).map(w => w.replace(/^\(|\)$/g, ''))) {
    if (/^[><#!]/.test(word) || FORBIDDEN_WORDS.includes(word.toLowerCase())) {
      // A password rule may hold a password: name the kind of rule, never echo it.
      const rule = /^[><#!]/.test(word) ? `a password rule starting with '${word[0]}'` : `'${word}'`;
      throw new CacheValidationError(`Invalid accessString: got ${rule}. Allowed: ACL rules without passwords, nopass, resetpass `
        + 'or reset; set passwords through the user\'s authentication (UserAuthentication.password() or generatedPassword()).');
    }
  }
  try {
    return parseAccessString(value).restrictedCommands;
  } catch (e) {
    if (e instanceof AclGrammarError) {
      throw new CacheValidationError(`Invalid accessString: got ${describe(e.rule)} in ${describe(value)}. Allowed: ${e.allowed}.`);
    }
    throw e;
  }
}
