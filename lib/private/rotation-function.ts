import * as path from 'path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { RotationOptions } from '../rotation-options';
import { invalid } from './errors';

/**
 * The rotation function's asset: the handler as it is in lib/rotation/ (source tree) or
 * dist/lib/rotation/ (compiled package, copied there by `npm run build`). Only `index.js` is shipped.
 */
export const ROTATION_ASSET_DIR = path.join(__dirname, '..', 'rotation');

/** The tags the handler reads to know what a secret is the credential of (lib/rotation/index.js, TAGS). */
export const ROTATION_TAGS = {
  kind: 'cdk-elasticache:rotation',
  userId: 'cdk-elasticache:user-id',
  replicationGroupId: 'cdk-elasticache:replication-group-id',
} as const;

/** The construct id of the per-stack rotation function (a logical-id contract: do not rename). */
const SINGLETON_ID = 'CdkElastiCacheRotation';

/** What a rotated secret is the credential of. */
export type RotationTarget =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'auth-token'; readonly replicationGroupId: string };

/**
 * The rotation function of a stack, created once and shared by every rotation in it: the function, its
 * own role and log group, and one customer managed policy (no AWS managed policy, no inline policy) to
 * which each rotation adds the ARNs of its own user or group and secret: one statement per kind of
 * resource, so that the policy stays far below IAM's size limit with many rotations.
 */
export class RotationFunction extends Construct {
  /** The function of the stack that `scope` is in (and of the VPC, if any), created on first use. */
  public static of(scope: IConstruct, vpc?: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection): RotationFunction {
    const stack = Stack.of(scope);
    const id = vpc ? `${SINGLETON_ID}InVpc${vpc.node.addr.slice(0, 8).toUpperCase()}` : SINGLETON_ID;
    return (stack.node.tryFindChild(id) as RotationFunction | undefined) ?? new RotationFunction(stack, id, vpc, vpcSubnets);
  }

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly policy: iam.ManagedPolicy;
  private readonly statements = new Map<string, iam.PolicyStatement>();

  /** Its security group, when it runs in a VPC. */
  public readonly securityGroup?: ec2.SecurityGroup;

  private constructor(scope: Construct, id: string, vpc?: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rotation of the ElastiCache credentials (passwords, AUTH tokens) of this stack',
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'What the ElastiCache rotation function of this stack may do: the users, groups and secrets it rotates',
      roles: [this.role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });
    if (vpc) {
      // Out to the AWS APIs (HTTPS: Secrets Manager, ElastiCache, through a NAT or interface endpoints) and, added by each
      // cache's rotation, to the port of the caches it checks; nothing else goes out, nothing comes in.
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc, description: 'The ElastiCache rotation function: out to the AWS APIs and the caches it checks', allowAllOutbound: false,
      });
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the AWS APIs (Secrets Manager, ElastiCache)');
      // What Lambda needs to place the function in the VPC (EC2 takes no resource ARNs for these).
      this.policy.addStatements(new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }));
    }
    this.function = new lambda.Function(this, 'Function', {
      description: 'cdk-elasticache: rotates ElastiCache user passwords and AUTH tokens kept in Secrets Manager',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(ROTATION_ASSET_DIR, { exclude: ['*', '!index.js'] }),
      // A replication group takes minutes to apply an AUTH token; the handler waits within this limit.
      timeout: Duration.minutes(15),
      memorySize: 256,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(vpc ? { CDK_ELASTICACHE_DATA_PLANE_CHECK: 'true' } : {}),
      },
      ...(vpc ? { vpc, vpcSubnets, securityGroups: [this.securityGroup!] } : {}),
    });
    this.function.node.addDependency(this.policy);
    // Secrets Manager invokes the function; only for secrets of this account.
    this.function.addPermission('InvokeBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
  }

  /** Allows `actions` on `arn`, in the one statement of the policy that has exactly these actions and conditions. */
  public allow(actions: string[], arn: string, conditions?: Record<string, Record<string, unknown>>): void {
    const key = JSON.stringify([actions, conditions ?? {}]);
    let statement = this.statements.get(key);
    if (!statement) {
      statement = new iam.PolicyStatement({ actions, conditions });
      this.statements.set(key, statement);
      this.policy.addStatements(statement);
    }
    statement.addResources(arn);
  }
}

/** Renders the schedule, checking the period (Secrets Manager: 1-1000 days, or 4-23 hours). */
function rotationRules(scope: IConstruct, after: Duration): secretsmanager.CfnRotationSchedule.RotationRulesProperty {
  if (after.isUnresolved()) {
    return { automaticallyAfterDays: after.toDays() };
  }
  const hours = after.toHours({ integral: false });
  if (Number.isInteger(hours / 24) && hours / 24 >= 1 && hours / 24 <= 1000) {
    return { automaticallyAfterDays: hours / 24 };
  }
  if (Number.isInteger(hours) && hours >= 4 && hours <= 23) {
    return { scheduleExpression: `rate(${hours} hours)` };
  }
  return invalid(scope, 'automaticallyAfter', after.toHumanString(), 'Allowed: whole days from 1 to 1000, or whole hours from 4 to 23 '
    + '(what Secrets Manager schedules).');
}

/**
 * Rotates `secret` with the stack's rotation function: tags it with its target, grants the function
 * exactly that secret (and its key) and that user or replication group, and adds the schedule.
 * The schedule waits for `dependencies` (the user, the cache): Secrets Manager rotates right away.
 *
 * @param owner where the schedule goes (its construct id is `id`)
 */
export function addSecretRotation(owner: Construct, id: string, secret: secretsmanager.ISecret, target: RotationTarget,
  options: RotationOptions, dependencies: IConstruct[]): secretsmanager.CfnRotationSchedule {
  const rules = rotationRules(owner, options.automaticallyAfter ?? Duration.days(30));
  if (owner.node.tryFindChild(id)) {
    invalid(owner, 'addRotation', 'a second call', 'Allowed: one rotation per secret; it is already rotated.');
  }
  const rotation = RotationFunction.of(owner, options.vpc, options.vpcSubnets);
  const stack = Stack.of(owner);

  Tags.of(secret).add(ROTATION_TAGS.kind, target.kind);
  if (target.kind === 'user') {
    Tags.of(secret).add(ROTATION_TAGS.userId, target.userId);
    rotation.allow(['elasticache:DescribeUsers', 'elasticache:ModifyUser'], stack.formatArn({
      service: 'elasticache', resource: 'user', resourceName: target.userId, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
  } else {
    Tags.of(secret).add(ROTATION_TAGS.replicationGroupId, target.replicationGroupId);
    rotation.allow(['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'], stack.formatArn({
      service: 'elasticache', resource: 'replicationgroup', resourceName: target.replicationGroupId, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
  }
  rotation.allow(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecretVersionStage'], secret.secretFullArn ?? `${secret.secretArn}-??????`);
  // A customer managed key: encrypt (PutSecretValue) and decrypt (GetSecretValue), through Secrets Manager only. In the
  // function's own policy, not the key policy: that works for imported keys too (whose policy delegates to IAM, as the
  // default does), and a key in another stack gets no statement that names this stack's role.
  if (secret.encryptionKey) {
    rotation.allow(['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], secret.encryptionKey.keyArn,
      { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } });
  }

  const schedule = new secretsmanager.CfnRotationSchedule(owner, id, {
    secretId: secret.secretArn,
    rotationLambdaArn: rotation.function.functionArn,
    rotationRules: rules,
    rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate,
  });
  // Secrets Manager checks the invoke permission and may rotate at once: the function, its permission
  // and its policies first, then the user or the cache.
  schedule.node.addDependency(rotation);
  dependencies.forEach(d => schedule.node.addDependency(d));
  return schedule;
}
