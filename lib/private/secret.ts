import { Resource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { belongsToConsumerStack } from './cross-stack';

/** What `grantRead` / `grantWrite` on a secret need of its KMS key (as aws-cdk-lib grants them). */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
const WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret', 'secretsmanager:UpdateSecretVersionStage'];
const KEY_DECRYPT = ['kms:Decrypt'];
const KEY_ENCRYPT = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * The secrets the library generates (users' passwords, AUTH tokens): a `secretsmanager.Secret` whose
 * grants on its customer managed key can stay out of the key policy.
 *
 * aws-cdk-lib's `grantRead` / `grantWrite` of a secret with an `encryptionKey` grant the key to the
 * grantee through Secrets Manager (`kms.ViaServicePrincipal`), which lands in the key policy: a
 * statement, in the key's stack, that names the grantee's role. For a grantee in another stack that
 * depends on the key's (a consumer of the cache), that is a dependency cycle. Here the grant goes to
 * the grantee's identity policy instead, with the same condition (`kms:ViaService` =
 * `secretsmanager.<region>.amazonaws.com`), when:
 *
 * - the grantee is an IAM principal of this app in the key's account, in a stack that depends on the
 *   key's (see `belongsToConsumerStack`), or
 * - the key is not a `kms.Key` of this app (an imported key, whose policy the stack cannot change:
 *   aws-cdk-lib then grants nothing on the key at all), and its policy delegates to IAM, as a
 *   key's default policy does.
 *
 * Otherwise (same stack, a key of this app) the grant is aws-cdk-lib's, unchanged.
 */
export class CacheSecret extends secretsmanager.Secret {
  public grantRead(grantee: iam.IGrantable, versionStages?: string[]): iam.Grant {
    if (!this.grantsKeyByIdentity(grantee)) {
      return super.grantRead(grantee, versionStages);
    }
    const result = iam.Grant.addToPrincipalOrResource({ grantee, actions: READ_ACTIONS, resourceArns: [this.arnForPolicies], resource: this });
    const statement = result.principalStatement ?? result.resourceStatement;
    if (versionStages !== undefined && statement) {
      statement.addCondition('ForAnyValue:StringEquals', { 'secretsmanager:VersionStage': versionStages });
    }
    this.grantKeyViaSecretsManager(grantee, KEY_DECRYPT);
    return result;
  }

  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    if (!this.grantsKeyByIdentity(grantee)) {
      return super.grantWrite(grantee);
    }
    const result = iam.Grant.addToPrincipalOrResource({ grantee, actions: WRITE_ACTIONS, resourceArns: [this.arnForPolicies], resource: this });
    this.grantKeyViaSecretsManager(grantee, KEY_ENCRYPT);
    return result;
  }

  private grantsKeyByIdentity(grantee: iam.IGrantable): boolean {
    const key = this.encryptionKey;
    const principal = grantee.grantPrincipal;
    if (!key || !Construct.isConstruct(principal)) {
      return false;
    }
    const accounts = Token.compareStrings(Stack.of(this).account, principal.principalAccount ?? '');
    if (accounts !== TokenComparison.SAME && accounts !== TokenComparison.BOTH_UNRESOLVED) {
      return false;
    }
    return !Resource.isOwnedResource(key) || belongsToConsumerStack(key, principal);
  }

  private grantKeyViaSecretsManager(grantee: iam.IGrantable, actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.encryptionKey!.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
    });
  }
}
