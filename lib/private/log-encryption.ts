import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The keys that already allow CloudWatch Logs (one statement per key, however many log groups use it). */
const allowed = new WeakSet<kms.IKey>();

/**
 * Lets CloudWatch Logs encrypt log groups with a customer managed key: the key policy must allow the
 * Region's service principal `logs.<region>.amazonaws.com` (CloudWatch Logs user guide, "Encrypt log data
 * in CloudWatch Logs using AWS KMS"), here for the account's log groups in the key's Region (the
 * encryption context `aws:logs:arn`). The condition names no log group: the log group references the
 * key, so a key policy that referenced the log group would be a cycle. An imported key's policy
 * cannot be changed from the stack: a warning says what it must allow.
 */
export function allowLogGroupEncryption(scope: Construct, key: kms.IKey | undefined): void {
  if (!key || allowed.has(key)) {
    return;
  }
  const stack = Stack.of(key);
  const principal = `logs.${stack.region}.amazonaws.com`;
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsEncryption',
    principals: [new iam.ServicePrincipal(principal)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }), true);
  if (statementAdded) {
    allowed.add(key);
    return;
  }
  Annotations.of(scope).addWarningV2('cdk-elasticache:logGroupKeyPolicy', 'The new log group is encrypted with a KMS key '
    + 'whose policy this stack cannot change: allow the service principal logs.<region>.amazonaws.com kms:Encrypt*, '
    + 'kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* on it (condition kms:EncryptionContext:aws:logs:arn), '
    + 'or CloudWatch Logs cannot create the log group. Or give LogDestination.newLogGroup({ encryptionKey }) a key of this app.');
}
