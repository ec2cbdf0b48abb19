import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AuthenticationConfig } from '../auth';
import { CacheEngineVersion } from '../engine';
import { NodeType } from '../node-type';
import { TransitEncryptionMode } from '../transit-encryption-mode';
import { invalid, phrase } from './errors';

/**
 * Encryption of a replication group, at rest and in transit, and what its authentication method
 * needs of them and of the engine.
 */

/** Encryption at rest: on unless turned off; a KMS key needs it on. */
export function resolveAtRest(scope: Construct, engine: CacheEngineVersion, nodeType: NodeType, wanted: boolean | undefined,
  kmsKey: kms.IKey | undefined): boolean {
  if (kmsKey && wanted === false) {
    invalid(scope, 'kmsKey', phrase('a key'), 'Allowed: no kmsKey with atRestEncryption: false; the key is only used to encrypt at rest.');
  }
  const atRest = wanted ?? true;
  if (atRest && !engine.features.atRestEncryption) {
    invalid(scope, 'atRestEncryption', true, `Allowed: false on ${engine}; encryption at rest needs Valkey 7.2+ or Redis OSS 4.0.10+.`);
  }
  if (atRest && !nodeType.supportsAtRestEncryption) {
    invalid(scope, 'atRestEncryption', true, `Allowed: false on ${nodeType}; encryption at rest is not supported on T1, M1, M2 and C1 nodes.`);
  }
  return atRest;
}

/** TLS and its mode: the mode is rendered explicitly (`required`) where the version has it. */
export function resolveTransitMode(scope: Construct, engine: CacheEngineVersion, nodeType: NodeType, transitEncryption: boolean,
  mode: TransitEncryptionMode | undefined): string | undefined {
  if (transitEncryption && !engine.features.transitEncryption) {
    invalid(scope, 'transitEncryption', true, `Allowed: false on ${engine}; encryption in transit needs Valkey 7.2+ or `
      + 'Redis OSS 3.2.6 / 4.0.10+.');
  }
  if (transitEncryption && !nodeType.supportsTransitEncryption) {
    invalid(scope, 'transitEncryption', true, `Allowed: false on ${nodeType}; encryption in transit is not supported on M1 and M2 nodes.`);
  }
  if (mode !== undefined && !transitEncryption) {
    invalid(scope, 'transitEncryptionMode', mode, 'Allowed: no mode with transitEncryption: false; the mode says how TLS is '
      + 'enforced once it is on.');
  }
  if (mode !== undefined && !engine.features.transitEncryptionMode) {
    invalid(scope, 'transitEncryptionMode', mode, `Allowed: no mode on ${engine} (always required there); the mode needs `
      + 'Valkey 7.2+ or Redis OSS 7.0+.');
  }
  if (!transitEncryption || !engine.features.transitEncryptionMode) {
    return undefined;
  }
  return mode ?? TransitEncryptionMode.REQUIRED;
}

/** The authentication method's needs: encryption in transit for credentials, and the engine's RBAC or IAM support. */
export function validateAuthentication(scope: Construct, engine: CacheEngineVersion, auth: AuthenticationConfig,
  transitEncryption: boolean): void {
  if (auth.requiresTransitEncryption && !transitEncryption) {
    invalid(scope, 'authentication', phrase(auth.description), 'Allowed: Authentication.none() without encryption in transit; AUTH tokens, '
      + 'RBAC and IAM authentication need transitEncryption: true (ElastiCache refuses credentials over plaintext).');
  }
  if (auth.requiredFeature && !engine.features[auth.requiredFeature]) {
    const needs = auth.requiredFeature === 'rbac' ? 'RBAC (user groups) needs Valkey 7.2+ or Redis OSS 6.0+'
      : 'IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+';
    invalid(scope, 'authentication', phrase(auth.description), `Allowed: an AUTH token or none on ${engine}; ${needs}.`);
  }
}
