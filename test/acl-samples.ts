/**
 * Access strings for the grammar check of `AccessString.of()`: test/user.test.ts checks the library
 * accepts the valid ones and rejects the invalid ones with these messages; test/servers checks that
 * real Valkey and Redis OSS servers agree (ACL SETUSER).
 */
export const VALID_ACCESS_STRINGS: string[] = [
  'on ~* &* +@all',
  'off -@all',
  'ON ~app:* -@ALL +GET +@Read',
  'on %R~reports:* %W~jobs:* %RW~cart:* -@all +@read +@write',
  'on allkeys allchannels allcommands -@dangerous',
  'on resetkeys ~a:* resetchannels &events:* nocommands +client|setname -client|kill +select|0',
  'on ~app:* -@all +get (~logs:* %R~audit:* +@read) (&news:* +subscribe)',
  'on clearselectors ~* +@all',
  'on ~* -@all ' + ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
    'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting'].map(c => `+@${c}`).join(' '),
];

/** Malformed access strings and the message part the library's error must hold. */
export const INVALID_ACCESS_STRINGS: [string, string][] = [
  ['on ~* +@reads', "Invalid accessString: got '+@reads' in 'on ~* +@reads'. Allowed: a command category is one of @all, @keyspace, @read,"],
  ['on ~* -@json', "got '-@json'"],
  ['on ~* +@', "got '+@'"],
  ['on ~', "got '~' in 'on ~'. Allowed: a key rule needs a pattern, such as ~app:* (or allkeys)."],
  ['on %X~a:* +get', "got '%X~a:*' in 'on %X~a:* +get'. Allowed: key permissions are %R~, %W~ or %RW~ followed by a pattern."],
  ['on %~a:* +get', "got '%~a:*'"],
  ['on & +get', "got '&' in 'on & +get'. Allowed: a channel rule needs a pattern"],
  ['on ~* +', "got '+' in 'on ~* +'. Allowed: a command rule is +<command>, -<command>, +<command>|<subcommand> or +@<category>."],
  ['on ~* +get|', "got '+get|'"],
  ['on ~* +client|set|name', "got '+client|set|name'"],
  ['on ~* +@all enable', "got 'enable' in 'on ~* +@all enable'. Allowed: ACL rules are on, off, ~<pattern>,"],
  ['on ~* get', "got 'get'"],
  ['on ~* (~a:* +get', "got '(~a:* +get' in 'on ~* (~a:* +get'. Allowed: a selector is rules in parentheses"],
  ['on ~* (on ~a:*)', "got 'on' in 'on ~* (on ~a:*)'. Allowed: a selector holds only key, channel and command rules."],
  ['on ~* ()', "got '()'"],
];
