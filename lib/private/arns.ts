import { ArnFormat, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The ARN of an ElastiCache resource of `scope`'s stack (partition, Region and account):
 * `arn:<partition>:elasticache:<region>:<account>:<resource>:<name>`.
 *
 * @param resource the ARN's resource type ('replicationgroup', 'cluster', 'serverlesscache', 'user', 'usergroup')
 */
export function elastiCacheArn(scope: IConstruct, resource: string, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'elasticache',
    resource,
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
