import { Annotations, CfnDeletionPolicy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { invalid, phrase } from './errors';

/**
 * The checks and warnings on a customer managed key for encryption at rest (ElastiCache user guide,
 * "At-rest encryption", customer managed keys):
 *
 * - only symmetric encryption keys (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`), checked when the key is a
 *   `kms.Key` of this app (an imported key's spec is unknown);
 * - not offered in the AWS GovCloud (US) Regions, checked when the stack's Region is known;
 * - create-only: changing or removing the key replaces the group, and a disabled or deleted key makes
 *   the group irrecoverable, its backups included (warning `kmsKeyCreateOnly`);
 * - a key of this app that is deleted with the stack (`RemovalPolicy.DESTROY`) while the group leaves
 *   a final snapshot encrypted with it: the snapshot becomes unreadable (warning `kmsKeyOutlivedBySnapshot`).
 *
 * Nothing is added to the key policy: ElastiCache uses no service principal for node-based clusters; it
 * creates one KMS grant per replication group with the permissions of the principal that creates the
 * group (CloudFormation's deployment role needs `kms:CreateGrant` and `kms:DescribeKey`, which the key's
 * default policy gives every IAM principal of the account that is allowed them by IAM), and it does not
 * support the `kms:ViaService` condition.
 */
export function validateCacheKmsKey(scope: IConstruct, key: kms.IKey | undefined, removalPolicy: RemovalPolicy,
  what = 'replication group'): void {
  if (!key) {
    return;
  }
  const cfnKey = key.node.defaultChild instanceof kms.CfnKey ? key.node.defaultChild : undefined;
  if (cfnKey) {
    const spec = cfnKey.keySpec;
    if (spec !== undefined && !Token.isUnresolved(spec) && spec !== kms.KeySpec.SYMMETRIC_DEFAULT) {
      invalid(scope, 'kmsKey', phrase(`a key of spec ${spec}`), 'Allowed: a symmetric encryption key (KeySpec.SYMMETRIC_DEFAULT, '
        + 'the kms.Key default); ElastiCache encrypts at rest with symmetric keys only.');
    }
    const usage = cfnKey.keyUsage;
    if (usage !== undefined && !Token.isUnresolved(usage) && usage !== kms.KeyUsage.ENCRYPT_DECRYPT) {
      invalid(scope, 'kmsKey', phrase(`a key for ${usage}`), 'Allowed: a key for ENCRYPT_DECRYPT (KeyUsage.ENCRYPT_DECRYPT, '
        + 'the kms.Key default).');
    }
  }
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region) && region.startsWith('us-gov-')) {
    invalid(scope, 'kmsKey', phrase(`a customer managed key in ${region}`), 'Allowed: no kmsKey in the AWS GovCloud (US) Regions, '
      + 'where ElastiCache encrypts at rest with its own key only.');
  }
  const annotations = Annotations.of(scope);
  const short = what === 'replication group' ? 'group' : 'cache';
  annotations.addWarningV2('cdk-elasticache:kmsKeyCreateOnly', 'kmsKey is create-only: changing or removing it makes '
    + `CloudFormation replace the ${what}. Keep the key for the life of the ${short} and of its backups (automatic key `
    + `rotation is fine): a disabled or deleted key makes the ${short} and its backups irrecoverable. Acknowledge this warning `
    + 'once the key is settled.');
  if (cfnKey?.cfnOptions.deletionPolicy === CfnDeletionPolicy.DELETE && removalPolicy === RemovalPolicy.SNAPSHOT) {
    annotations.addWarningV2('cdk-elasticache:kmsKeyOutlivedBySnapshot', 'The kmsKey is deleted with the stack '
      + `(RemovalPolicy.DESTROY) while the ${what} leaves a final snapshot encrypted with it: once the key is `
      + 'deleted, the snapshot can never be restored. Keep the key (RemovalPolicy.RETAIN, the kms.Key default).');
  }
}
