import { IConstruct } from 'constructs';
import { CacheValidationError } from '../validation-error';

/**
 * Throws a `CacheValidationError` built from its parts:
 * `Invalid <prop>: got <received>. <allowed>`.
 */
export function invalid(scope: IConstruct | undefined, prop: string, received: unknown, allowed: string): never {
  throw new CacheValidationError(`Invalid ${prop}: got ${describe(received)}. ${allowed}`, scope);
}

/** Renders a received value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
  }
  if (value === undefined) {
    return 'nothing';
  }
  return String(value);
}

/**
 * A received value that `invalid()` prints as it is, unquoted: a description of the value rather than
 * the value (`invalid(scope, 'authentication', phrase('a password of 12 characters'), ...)`), for
 * values that must not be echoed or that are not strings.
 */
export function phrase(text: string): { toString(): string } {
  return { toString: () => text };
}
