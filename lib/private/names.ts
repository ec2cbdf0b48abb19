import { Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
