import { Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { CacheValidationError } from '../validation-error';

/**
 * A physical name for a resource whose name the service stores lowercase: unique in the
 * stack, within `maxLength`, starting with a letter, no double or trailing hyphen.
 */
export function generateName(scope: IConstruct, maxLength: number): string {
  let name = Names.uniqueResourceName(scope, { separator: '-', maxLength }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  if (!/^[a-z]/.test(name)) {
    name = `c${name}`.slice(0, maxLength).replace(/-$/, '');
  }
  return name;
}

/** Lowercases a name unless it is a token (ElastiCache stores names lowercase; a mixed-case name drifts). */
export function lowercase(name: string): string;
export function lowercase(name: string | undefined): string | undefined;
export function lowercase(name: string | undefined): string | undefined {
  return name === undefined || Token.isUnresolved(name) ? name : name.toLowerCase();
}

/**
 * The removal policy of a helper resource (subnet group, parameter group): RETAIN stays RETAIN,
 * anything else is DESTROY (a snapshot of the cache is enough to recreate them), as aws-rds does.
 */
export function helperRemovalPolicy(policy?: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN || policy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
    ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/**
 * The ids ElastiCache gives the nodes of a cache cluster, `0001`, `0002`, ... (the `CacheNodeId`
 * metric dimension). A token count cannot be expanded and is an error.
 *
 * @param what what the count is, for the message ('nodes')
 */
export function cacheNodeIds(scope: Construct, count: number, what: string): string[] {
  if (Token.isUnresolved(count)) {
    throw new CacheValidationError(`Cannot list the node ids: ${what} is a token. Allowed: a literal node count.`, scope);
  }
  return Array.from({ length: count }, (_, i) => String(i + 1).padStart(4, '0'));
}
