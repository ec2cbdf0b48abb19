import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IUser, UserAuthenticationType } from '../user';
import { invalid, phrase } from './errors';

/**
 * `grantConnect()` of the caches that take RBAC users (replication group, serverless cache):
 * `elasticache:Connect` on the cache and on the user, which must authenticate with IAM.
 */
export function grantConnectAsUser(cache: IConstruct, grantee: iam.IGrantable, user: IUser, cacheArn: string): iam.Grant {
  if (user.authenticationType !== undefined && user.authenticationType !== UserAuthenticationType.IAM) {
    const label = Token.isUnresolved(user.userId) ? `at ${user.node.path}` : `'${user.userId}'`;
    invalid(cache, 'grantConnect user', phrase(`the ${user.authenticationType} user ${label}`), 'Allowed: a user with IAM '
      + 'authentication (UserAuthentication.iam()); elasticache:Connect only lets IAM users in. For a password user, grant '
      + 'read on its secret (user.secret.grantRead(grantee)).');
  }
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['elasticache:Connect'],
    resourceArns: [cacheArn, user.userArn],
  });
}
