import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The service principal ElastiCache publishes its event notifications as. */
const ELASTICACHE_PRINCIPAL = 'elasticache.amazonaws.com';

/**
 * Lets ElastiCache publish its events to a topic encrypted with a customer managed KMS key: an AWS
 * service publishing to an encrypted topic needs `kms:GenerateDataKey*` and `kms:Decrypt` on the
 * topic's key, granted to its service principal in the key policy
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Configure AWS KMS
 * permissions for AWS services"). An unencrypted topic needs nothing (the topic's default access
 * policy lets the account publish). An imported key (or the AWS managed key `alias/aws/sns`, whose
 * policy cannot be changed) cannot be updated here: a warning says what the key policy must allow.
 */
export function allowEventNotifications(scope: Construct, topic: sns.ITopic | undefined): void {
  const key = topic?.masterKey;
  if (!key) {
    return;
  }
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowElastiCacheEventNotifications',
    principals: [new iam.ServicePrincipal(ELASTICACHE_PRINCIPAL)],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
  }), true);
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:notificationTopicKeyPolicy', 'notificationTopic is encrypted with a '
      + `KMS key whose policy this stack cannot change: allow the service principal ${ELASTICACHE_PRINCIPAL} `
      + 'kms:GenerateDataKey* and kms:Decrypt on it, or ElastiCache cannot publish its events. The AWS managed key '
      + 'alias/aws/sns cannot allow it: use a customer managed key.');
  }
}
