import { Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';

/** Whether a value is (or contains) an unresolved token, so that validation must skip it. */
export function isToken(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value === 'number' || typeof value === 'string') {
    return Token.isUnresolved(value);
  }
  if (Array.isArray(value)) {
    return Token.isUnresolved(value) || value.some(isToken);
  }
  return Token.isUnresolved(value);
}

/** Validates that `value` is an integer within [min, max]; tokens and `undefined` pass. */
export function validateIntegerRange(
  scope: IConstruct | undefined, prop: string, value: number | undefined, min: number, max: number, why?: string,
): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(scope, prop, value, `Allowed: an integer from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  }
}

/** Validates a string's length within [min, max]; tokens and `undefined` pass. */
export function validateLength(
  scope: IConstruct | undefined, prop: string, value: string | undefined, min: number, max: number,
): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (value.length < min || value.length > max) {
    invalid(scope, prop, value, `Allowed: ${min} to ${max} characters (got ${value.length}).`);
  }
}

/**
 * Validates an ElastiCache identifier (replication group id, cluster name, user id...):
 * starts with a letter, only letters, digits and single hyphens, does not end with a hyphen,
 * at most `maxLength` characters. Tokens and `undefined` pass.
 */
export function validateIdentifier(
  scope: IConstruct | undefined, prop: string, value: string | undefined, maxLength: number,
): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  const rules = `Allowed: 1 to ${maxLength} characters, letters, digits and hyphens, starting with a letter, `
    + 'with no two consecutive hyphens and no hyphen at the end.';
  if (value.length < 1 || value.length > maxLength
    || !/^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*$/.test(value) || value.endsWith('-')) {
    invalid(scope, prop, value, rules);
  }
}

/** Validates a port: an integer from 1 to 65535. */
export function validatePort(scope: Construct, port: number | undefined): void {
  validateIntegerRange(scope, 'port', port, 1, 65535);
}
