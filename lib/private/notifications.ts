import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { invalid, phrase } from './errors';

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
  validateStandardTopic(scope, topic);
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

/**
 * ElastiCache publishes its events to standard topics only: a FIFO topic takes a publish only with a
 * `MessageGroupId` (SNS API reference, `Publish`: "MessageGroupId ... required for FIFO topics"), which
 * ElastiCache's event notifications do not carry, so no event would ever arrive. `fifo` is known for a
 * topic of the app (`sns.Topic` with `fifo: true`) and for an imported ARN ending in `.fifo`.
 */
function validateStandardTopic(scope: Construct, topic: sns.ITopic | undefined): void {
  if (topic?.fifo === true) {
    invalid(scope, 'notificationTopic', phrase(`the FIFO topic ${topic.node.path}`), 'Allowed: a standard SNS topic; '
      + 'ElastiCache publishes event notifications only to standard topics (a FIFO topic needs a message group id on '
      + 'every message).');
  }
}
