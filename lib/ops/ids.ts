import { OpsError } from './errors';

/**
 * What an id names, for `cacheIdProblem`:
 * - `replication-group`: a replication group id (1-40 characters);
 * - `cache-cluster`: a cache cluster id (1-50 characters);
 * - `cache`: either (what `describe`, `wait` and `snapshot` take);
 * - `serverless-cache`: a serverless cache name (1-40 characters, checked like a replication group id).
 */
export type CacheIdKind = 'replication-group' | 'cache-cluster' | 'cache' | 'serverless-cache';

/** Longest replication group id ElastiCache accepts. */
export const MAX_REPLICATION_GROUP_ID_LENGTH = 40;
/** Longest cache cluster id ElastiCache accepts. */
export const MAX_CACHE_CLUSTER_ID_LENGTH = 50;

/** Letters, digits and single hyphens, starting with a letter (the trailing hyphen is checked apart). */
const ID = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/;
const RULE = "letters, digits and hyphens, starting with a letter, with no '--' and no trailing '-'";

const RULES: Record<CacheIdKind, { what: string; allowed: string }> = {
  'replication-group': { what: 'replication group id', allowed: `1-${MAX_REPLICATION_GROUP_ID_LENGTH} ${RULE}` },
  'cache-cluster': { what: 'cache cluster id', allowed: `1-${MAX_CACHE_CLUSTER_ID_LENGTH} ${RULE}` },
  'cache': {
    what: 'cache id',
    allowed: `a replication group id (1-${MAX_REPLICATION_GROUP_ID_LENGTH} characters) or cache cluster id `
      + `(1-${MAX_CACHE_CLUSTER_ID_LENGTH} characters) of ${RULE}`,
  },
  'serverless-cache': { what: 'serverless cache name', allowed: `1-${MAX_REPLICATION_GROUP_ID_LENGTH} ${RULE}` },
};

/** `'my-cache'`; control characters escaped, long values cut, so that the message stays one line. */
function quote(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return `'${escaped.length > 64 ? `${escaped.slice(0, 60)}...` : escaped}'`;
}

function maxLength(kind: CacheIdKind): number {
  return kind === 'cache-cluster' || kind === 'cache' ? MAX_CACHE_CLUSTER_ID_LENGTH : MAX_REPLICATION_GROUP_ID_LENGTH;
}

/**
 * What is wrong with `id` under ElastiCache's naming rules, as one line
 * (`Invalid replication group id: got ''. Allowed: ...`), or `undefined` when it is valid.
 * Ids are compared case-insensitively by ElastiCache (it stores them in lowercase).
 */
export function cacheIdProblem(kind: CacheIdKind, id: string): string | undefined {
  const rule = RULES[kind];
  const valid = ID.test(id) && !id.endsWith('-') && id.length <= maxLength(kind);
  return valid ? undefined : `Invalid ${rule.what}: got ${quote(id)}. Allowed: ${rule.allowed}.`;
}

/** Throws an `OpsError` with `cacheIdProblem`'s message when `id` is not valid. @internal */
export function assertCacheId(kind: CacheIdKind, id: string): void {
  const problem = cacheIdProblem(kind, id);
  if (problem) {
    throw new OpsError(problem);
  }
}

/** Whether two ElastiCache ids name the same resource (ElastiCache ids are case-insensitive). @internal */
export function sameId(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
