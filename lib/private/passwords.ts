import { SecretValue, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid, phrase } from './errors';

/**
 * The password rules of ElastiCache (AUTH tokens, and the passwords of RBAC users, for which AWS
 * documents no rule of their own): 16 to 128 printable ASCII characters, and of the non-alphanumerics
 * only `! & # $ ^ < > -`. The CreateReplicationGroup text allows those; the ModifyReplicationGroup text
 * forbids `/ " @ %` and spaces. This allowlist satisfies both.
 */
export const PASSWORD_MIN_LENGTH = 16;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_ALLOWED_CHARACTERS = /^[A-Za-z0-9!&#$^<>-]*$/;
export const PASSWORD_ALLOWED_DESCRIPTION = 'letters, digits and ! & # $ ^ < > - (printable ASCII, no space)';

/**
 * The literal value of a `SecretValue`, or undefined when it is only known at deployment (a dynamic
 * reference to Secrets Manager or SSM, a CloudFormation parameter, a resource attribute).
 *
 * `unsafeUnwrap()` is used instead of `Stack.resolve(secretValue)`: resolving a SecretValue outside a
 * CloudFormation property throws when the `@aws-cdk/core:checkSecretUsage` feature flag is on.
 */
export function literalSecret(value: SecretValue): string | undefined {
  const raw = value.unsafeUnwrap();
  return Token.isUnresolved(raw) ? undefined : raw;
}

/**
 * Checks a literal password (length and characters); deploy-time values pass. The message never
 * echoes the password, only its length or the offending characters.
 *
 * @param what how the message names the value ('a password', 'an AUTH token')
 */
export function validatePassword(scope: IConstruct | undefined, prop: string, value: SecretValue, what: string): void {
  const literal = literalSecret(value);
  if (literal === undefined) {
    return;
  }
  if (literal.length < PASSWORD_MIN_LENGTH || literal.length > PASSWORD_MAX_LENGTH) {
    invalid(scope, prop, phrase(`${what} of ${literal.length} characters`),
      `Allowed: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (!PASSWORD_ALLOWED_CHARACTERS.test(literal)) {
    const forbidden = [...new Set(literal.replace(/[A-Za-z0-9!&#$^<>-]/g, ''))]
      .map(c => (c === ' ' ? 'space' : /[\x21-\x7e]/.test(c) ? c : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`))
      .join(' ');
    invalid(scope, prop, phrase(`${what} with the characters ${forbidden}`), `Allowed: ${PASSWORD_ALLOWED_DESCRIPTION}.`);
  }
}
