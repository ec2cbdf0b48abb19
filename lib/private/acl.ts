/**
 * The grammar of a Valkey / Redis OSS ACL rule string, as ElastiCache takes it in a user's access
 * string, and the engines' command categories. Pure data and parsing: no aws-cdk-lib.
 */

/**
 * The command categories of `ACL CAT`, per engine: the same 21 on Valkey 8.0 and Redis OSS 7.0,
 * where test/servers compares this list with `ACL CAT` of real servers (so that it cannot drift
 * silently), and, per their documentation, on the other versions ElastiCache runs with RBAC
 * (Valkey 7.2-8.x, Redis OSS 6.0-7.1).
 */
export const ACL_CATEGORIES: { readonly valkey: readonly string[]; readonly redis: readonly string[] } = (() => {
  const shared = [
    'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
    'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
  ];
  return { valkey: shared, redis: shared };
})();

/**
 * The commands ElastiCache makes unavailable to every user (its "Restricted commands" page). Whether
 * its CreateUser accepts an access string that names them is not documented, so the library's
 * helpers never name them and `AccessString.of()` warns when a string does.
 */
export const RESTRICTED_COMMANDS: readonly string[] = [
  'bgrewriteaof', 'bgsave', 'config', 'debug', 'migrate', 'replicaof', 'save', 'slaveof', 'shutdown', 'sync',
];

/** Rules without an argument (ACL SETUSER takes them in any case). */
const KEYWORDS = ['on', 'off', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels', 'allcommands', 'nocommands', 'clearselectors'];
/** Rules that set the user's state rather than its permissions: not allowed inside a selector. */
const USER_ONLY = ['on', 'off', 'clearselectors'];

/** What parsing an access string found. */
export interface ParsedAccessString {
  /** The restricted commands the string names (`+config|get`, `-debug`), lowercase, once each. */
  readonly restrictedCommands: string[];
}

/** A grammar error: the offending rule and what is allowed there. */
export class AclGrammarError extends Error {
  constructor(public readonly rule: string, public readonly allowed: string) {
    super(`${rule}: ${allowed}`);
    Object.setPrototypeOf(this, AclGrammarError.prototype);
  }
}

const CATEGORY_LIST = [...new Set([...ACL_CATEGORIES.valkey, ...ACL_CATEGORIES.redis])];

/**
 * Parses an access string (whitespace-separated rules; a selector `( ... )` may span several words)
 * and throws an `AclGrammarError` on the first rule that is not valid. Password rules and `reset`
 * are checked by the caller first (their messages must not echo a password).
 */
export function parseAccessString(value: string): ParsedAccessString {
  const restricted = new Set<string>();
  const words = value.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith('(')) {
      // A selector (Valkey 7.2+, Redis OSS 7.0+): more key / channel / command rules in parentheses.
      const parts = [word];
      while (!parts[parts.length - 1].endsWith(')') && i + 1 < words.length) {
        parts.push(words[++i]);
      }
      const selector = parts.join(' ');
      if (!selector.endsWith(')') || selector.length < 3) {
        throw new AclGrammarError(selector, 'a selector is rules in parentheses, such as \'(~logs:* +@read)\'');
      }
      const inner = selector.slice(1, -1).trim().split(/\s+/);
      for (const rule of inner) {
        if (rule.includes('(') || rule.includes(')')) {
          throw new AclGrammarError(selector, 'selectors do not nest');
        }
        checkRule(rule, true, restricted);
      }
      continue;
    }
    checkRule(word, false, restricted);
  }
  return { restrictedCommands: [...restricted] };
}

function checkRule(rule: string, inSelector: boolean, restricted: Set<string>): void {
  const lower = rule.toLowerCase();
  if (KEYWORDS.includes(lower)) {
    if (inSelector && USER_ONLY.includes(lower)) {
      throw new AclGrammarError(rule, 'a selector holds only key, channel and command rules');
    }
    return;
  }
  const keyRule = /^(%([^~]*))?~(.*)$/.exec(rule);
  if (keyRule) {
    if (keyRule[1] !== undefined && !/^(R|W|RW|WR)$/i.test(keyRule[2])) {
      throw new AclGrammarError(rule, 'key permissions are %R~, %W~ or %RW~ followed by a pattern');
    }
    if (keyRule[3].length === 0) {
      throw new AclGrammarError(rule, 'a key rule needs a pattern, such as ~app:* (or allkeys)');
    }
    return;
  }
  if (rule.startsWith('&')) {
    if (rule.length === 1) {
      throw new AclGrammarError(rule, 'a channel rule needs a pattern, such as &events:* (or allchannels)');
    }
    return;
  }
  if (rule.startsWith('+') || rule.startsWith('-')) {
    const body = rule.slice(1);
    if (body.startsWith('@')) {
      const category = body.slice(1).toLowerCase();
      if (category !== 'all' && !CATEGORY_LIST.includes(category)) {
        throw new AclGrammarError(rule, `a command category is one of @all, ${CATEGORY_LIST.map(c => `@${c}`).join(', ')}`);
      }
      return;
    }
    // A command, or a command and a subcommand (or first argument): +config|get, -client|kill.
    if (!/^[a-z][a-z0-9_-]*(\|[^\s|()]+)?$/i.test(body)) {
      throw new AclGrammarError(rule, 'a command rule is +<command>, -<command>, +<command>|<subcommand> or +@<category>');
    }
    const command = body.split('|')[0].toLowerCase();
    if (RESTRICTED_COMMANDS.includes(command)) {
      restricted.add(command);
    }
    return;
  }
  throw new AclGrammarError(rule, 'ACL rules are on, off, ~<pattern>, %R~ / %W~ / %RW~<pattern>, allkeys, resetkeys, &<pattern>, '
    + 'allchannels, resetchannels, +<command>, -<command>, +@<category>, -@<category>, allcommands, nocommands and (selectors)');
}
