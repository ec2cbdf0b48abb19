import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GeneratedSecret, GeneratedSecretProps } from '../lib/private/secret';

/**
 * The library's generated secrets are built on the L1 instead of `secretsmanager.Secret` (the L2's
 * constructor was the library's largest cost in the synth benchmark). They must synthesize and behave
 * exactly as that L2 would: each case builds the same app twice, once with `Secret`, once with
 * `GeneratedSecret`, and compares the whole templates.
 */
type Use = (secret: secretsmanager.ISecret, stack: Stack) => unknown;

function template(kind: 'l2' | 'generated', props: (stack: Stack) => GeneratedSecretProps, use: Use = () => undefined) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const p = props(stack);
  const secret = kind === 'l2' ? new secretsmanager.Secret(stack, 'Secret', p) : new GeneratedSecret(stack, 'Secret', p);
  const result = use(secret, stack);
  return { template: Template.fromStack(stack).toJSON(), result: stack.resolve(result) };
}

const generate: secretsmanager.SecretStringGenerator = {
  secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password', passwordLength: 32,
  excludePunctuation: true, includeSpace: false,
};
const plain = () => ({ description: 'Password of a user', generateSecretString: generate });
const withKey = (stack: Stack) => ({ ...plain(), encryptionKey: new kms.Key(stack, 'Key') });
const named = () => ({ ...plain(), secretName: 'cache-app-password', removalPolicy: RemovalPolicy.RETAIN });
const role = (stack: Stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

describe('GeneratedSecret synthesizes and behaves as secretsmanager.Secret', () => {
  test.each<[string, (stack: Stack) => GeneratedSecretProps, Use]>([
    ['the secret alone', plain, () => undefined],
    ['a customer managed key: the key policy statements for Secrets Manager', withKey, () => undefined],
    ['a name and a removal policy; secretName', named, s => s.secretName],
    ['secretName of an unnamed secret (parsed out of the ARN)', plain, s => s.secretName],
    ['grantRead with version stages, and with the key', withKey, (s, stack) => s.grantRead(role(stack), ['AWSCURRENT']).success],
    ['grantRead of a principal in another account (resource policy)', withKey,
      s => s.grantRead(new iam.AccountPrincipal('222222222222')).success],
    ['grantWrite', withKey, (s, stack) => s.grantWrite(role(stack)).success],
    ['secretValueFromJson, secretValue, cfnDynamicReferenceKey, secretFullArn, secretRef', plain,
      s => [s.secretValueFromJson('password').unsafeUnwrap(), s.secretValue.unsafeUnwrap(),
        s.cfnDynamicReferenceKey({ jsonField: 'password' }), s.secretFullArn, s.secretRef]],
    ['denyAccountRootDelete and addToResourcePolicy', plain, s => {
      s.denyAccountRootDelete();
      return s.addToResourcePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'],
        principals: [new iam.AccountRootPrincipal()] })).statementAdded;
    }],
    ['a rotation schedule', plain, (s, stack) => s.addRotationSchedule('Rotation', {
      rotationLambda: new lambda.Function(stack, 'Rotator', {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
      }),
      automaticallyAfter: Duration.days(30),
    }) && undefined],
  ])('%s', (_, props, use) => {
    const l2 = template('l2', props, use);
    const generated = template('generated', props, use);
    expect(generated.template).toEqual(l2.template);
    expect(generated.result).toEqual(l2.result);
  });

  test('a cross-account grant without a customer managed key is rejected, as Secret rejects it', () => {
    const grant = (kind: 'l2' | 'generated') => () => template(kind, plain, s => s.grantRead(new iam.AccountPrincipal('222222222222')));
    expect(grant('l2')).toThrow(/KMS Key must be provided for cross account access to Secret/);
    expect(grant('generated')).toThrow(/KMS Key must be provided for cross account access to Secret/);
  });
});
