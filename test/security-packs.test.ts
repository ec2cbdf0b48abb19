import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagRuleCompliance, NIST80053R5Checks, PCIDSS321Checks, rules } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  Authentication, LogDelivery, LogDestination, MemcachedCluster, RedisOssVersion, ReplicationGroup, User, UserAuthentication, UserGroup,
} from '../lib';

/**
 * The policy packs security teams run on CDK apps, over the library's defaults: cdk-nag v3 (AwsSolutions,
 * HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1) and the AWS Control Tower proactive controls of
 * @cdklabs/cdk-validator-cfnguard (CT.ELASTICACHE.PR.1-8 among them), registered as CDK policy-validation
 * plugins. The app is synthesized once; the test asserts the exact set of findings, so a new one fails it.
 */

/** Why a rule is acknowledged on the library's defaults (the README's Security section says the same). */
const REASONS = {
  AEC6: 'RBAC with per-user credentials (a user group, CT.ELASTICACHE.PR.8) is stronger than one shared AUTH token; '
    + 'AwsSolutions-AEC6 predates RBAC and counts only AuthToken.',
  AEC5: 'The engine\'s standard port: a non-standard port is obscurity, not a control. Access is closed by the '
    + 'security group, which admits nobody until connections.allow*().',
};

/** Why the findings on resources other than the caches are left to the user (one line each). */
const SECRET_ROTATION = 'rotation is one call away, cache.addRotation() (README: Rotating credentials); off by default, since it changes '
  + 'the password clients hold';
const KEY_POLICY = 'the default policy of the user\'s kms.Key lets the account\'s IAM principals use kms:CreateGrant '
  + 'without kms:GrantIsForAWSResource; nothing the library adds';
const SECRET_KMS = 'secrets use the aws/secretsmanager key unless the cache has a kmsKey (then they use it, see ValkeyCmk)';

function vpcIn(stack: Stack): ec2.IVpc {
  const existing = stack.node.tryFindChild('Vpc') as ec2.IVpc | undefined;
  return existing ?? ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-1', 'subnet-2'], privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
  });
}

interface Finding { readonly plugin: string; readonly rule: string; readonly path: string }

/** An acknowledgement the test makes on the defaults, with the cdk-nag rule that must really flag the resource. */
interface Acknowledged {
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
  readonly rule: (node: CfnResource) => unknown;
}

/**
 * The stacks: the default replication group (Valkey, Redis OSS 7.1, Valkey with a customer managed key, Valkey with
 * cache.addRotation()) and Memcached cluster.
 */
function buildApp(outdir: string): { app: App; acknowledged: Acknowledged[] } {
  const app = new App({ outdir });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app), new PCIDSS321Checks(app),
    new CfnGuardValidator(),
  );
  const valkey = new Stack(app, 'Valkey');
  const redis = new Stack(app, 'RedisOss');
  const cmk = new Stack(app, 'ValkeyCmk');
  const memcached = new Stack(app, 'Memcached');
  const rotated = new Stack(app, 'ValkeyRotated', { env: { account: '123456789012', region: 'eu-west-1' } });
  const oneKey = new Stack(app, 'OneKey');
  // One key of the app for everything a cache creates: the data, the users' secrets (its own user group,
  // whose created default user takes the key too) and a new log group for the slow log.
  const key = new kms.Key(oneKey, 'Key', { enableKeyRotation: true });
  const appUser = new User(oneKey, 'AppUser', { userName: 'app', authentication: UserAuthentication.generatedPassword({ encryptionKey: key }) });
  const userGroup = new UserGroup(oneKey, 'Users', { users: [appUser], defaultUserEncryptionKey: key });
  const caches = [
    new ReplicationGroup(valkey, 'Cache', { vpc: vpcIn(valkey) }),
    new ReplicationGroup(redis, 'Cache', { vpc: vpcIn(redis), engine: RedisOssVersion.VER_7_1 }),
    new ReplicationGroup(cmk, 'Cache', { vpc: vpcIn(cmk), kmsKey: kms.Key.fromKeyArn(cmk, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/k') }),
    new ReplicationGroup(oneKey, 'Cache', {
      vpc: vpcIn(oneKey), kmsKey: key, authentication: Authentication.userGroup(userGroup),
      logs: [LogDelivery.slowLog(LogDestination.newLogGroup())],
    }),
  ];
  const memcachedCluster = new MemcachedCluster(memcached, 'Memcached', { vpc: vpcIn(memcached) });
  // A consumer of each engine, let in with the README's one-liner: the packs read the rule's literal port.
  caches[0].connections.allowDefaultPortFrom(new ec2.SecurityGroup(valkey, 'Client', { vpc: vpcIn(valkey) }), 'Client to Valkey');
  memcachedCluster.connections.allowDefaultPortFrom(new ec2.SecurityGroup(memcached, 'Client', { vpc: vpcIn(memcached) }));
  const rotatedCache = new ReplicationGroup(rotated, 'Cache', { vpc: vpcIn(rotated) });
  rotatedCache.addRotation();
  caches.push(rotatedCache);

  const acknowledged: Acknowledged[] = [
    ...caches.map(cache => ({ construct: cache, id: 'AwsSolutions-AEC6', reason: REASONS.AEC6,
      rule: rules.elasticache.ElastiCacheRedisClusterRedisAuth })),
    // Valkey on 6379 passes AEC5 (the rule knows only the engine names redis and memcached).
    { construct: caches[1], id: 'AwsSolutions-AEC5', reason: REASONS.AEC5, rule: rules.elasticache.ElastiCacheClusterNonDefaultPort },
    { construct: memcachedCluster, id: 'AwsSolutions-AEC5', reason: REASONS.AEC5, rule: rules.elasticache.ElastiCacheClusterNonDefaultPort },
  ];
  for (const { construct, id, reason } of acknowledged) {
    Validations.of(construct).acknowledge({ id, reason });
  }
  return { app, acknowledged };
}

/** Synthesizes once and reads the findings from the validation report in the cloud assembly. */
function synthesizeWithPacks(): { findings: string[]; acknowledged: Acknowledged[]; app: App } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-packs-'));
  try {
    const { app, acknowledged } = buildApp(outdir);
    try {
      app.synth();
    } catch (e) {
      // The packs fail the synthesis on the findings listed below; anything else is a real error.
      if (!String(e).includes('ValidationFailed')) {
        throw e;
      }
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const findings: Finding[] = [];
    for (const plugin of report.pluginReports) {
      for (const violation of plugin.violations) {
        for (const construct of violation.violatingConstructs) {
          findings.push({ plugin: plugin.pluginName, rule: violation.ruleName, path: construct.constructPath });
        }
      }
    }
    return { findings: findings.map(f => `${f.rule} ${f.path}`).sort(), acknowledged, app };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Why the findings on the rotation function (cache.addRotation()) are left: [rule, reason]. */
const ROTATION_FUNCTION = {
  logGroup: 'the rotation log holds step names and resource ids, never a password; retention one year',
  concurrency: 'reserved concurrency would take from the account\'s pool (and cannot be set on accounts with the minimum limit); '
    + 'Secrets Manager calls it a few times per rotation',
  dlq: 'Secrets Manager invokes the rotation function synchronously and retries a failed rotation itself: a DLQ never receives anything',
  vpc: 'the function calls only the Secrets Manager and ElastiCache APIs, never the cache: in a VPC it would need NAT or two interface '
    + 'endpoints for nothing',
  runtime: 'the function stays on the newest Node.js runtime of the aws-cdk-lib the library is built with (2.276: nodejs24.x); a newer '
    + 'aws-cdk-lib knows a newer one, which the library adopts in a release of its own',
};

/** The newest Node.js runtime this aws-cdk-lib knows, by major version. */
const NEWEST_NODE_MAJOR = Math.max(...Object.values(lambda.Runtime)
  .filter((r): r is lambda.Runtime => r instanceof lambda.Runtime && r.family === lambda.RuntimeFamily.NODEJS)
  .map(r => Number(/^nodejs(\d+)\.x$/.exec(r.name)?.[1] ?? 0)));
/** The rotation function's Node.js major (lib/private/rotation-function.ts). */
const ROTATION_NODE_MAJOR = 24;
/**
 * cdk-nag's AwsSolutions-L1 ("not the latest runtime") appears on the rotation function only when this
 * aws-cdk-lib knows a newer Node.js runtime than the function's: on the pinned aws-cdk-lib it does not,
 * on a newer one (2.278 knows nodejs26.x) it does.
 */
const L1_ON_ROTATION = NEWEST_NODE_MAJOR > ROTATION_NODE_MAJOR;

function rotationFunctionFindings(stack: string): Array<[string, string]> {
  const fn = `${stack}/CdkElastiCacheRotation/Function/Resource`;
  const logGroup = `${stack}/CdkElastiCacheRotation/LogGroup/Resource`;
  return [
    [`HIPAA.Security-CloudWatchLogGroupEncrypted ${logGroup}`, ROTATION_FUNCTION.logGroup],
    [`NIST.800.53.R5-CloudWatchLogGroupEncrypted ${logGroup}`, ROTATION_FUNCTION.logGroup],
    [`PCI.DSS.321-CloudWatchLogGroupEncrypted ${logGroup}`, ROTATION_FUNCTION.logGroup],
    [`cloudwatch_log_group_encrypted_check ${logGroup}`, ROTATION_FUNCTION.logGroup],
    [`HIPAA.Security-LambdaConcurrency ${fn}`, ROTATION_FUNCTION.concurrency],
    [`NIST.800.53.R5-LambdaConcurrency ${fn}`, ROTATION_FUNCTION.concurrency],
    [`HIPAA.Security-LambdaDLQ ${fn}`, ROTATION_FUNCTION.dlq],
    [`NIST.800.53.R5-LambdaDLQ ${fn}`, ROTATION_FUNCTION.dlq],
    [`HIPAA.Security-LambdaInsideVPC ${fn}`, ROTATION_FUNCTION.vpc],
    [`NIST.800.53.R5-LambdaInsideVPC ${fn}`, ROTATION_FUNCTION.vpc],
    [`PCI.DSS.321-LambdaInsideVPC ${fn}`, ROTATION_FUNCTION.vpc],
    [`lambda_inside_vpc_check ${fn}`, ROTATION_FUNCTION.vpc],
    ...(L1_ON_ROTATION ? [[`AwsSolutions-L1 ${fn}`, ROTATION_FUNCTION.runtime] as [string, string]] : []),
  ];
}

/** The findings left on the generated secrets, per secret: [rule, reason]. A rotated secret has no rotation finding. */
function secretFindings(secretPath: string, awsManagedKey: boolean, rotated = false): Array<[string, string]> {
  const rows: Array<[string, string]> = rotated ? [] : [
    [`AwsSolutions-SMG4 ${secretPath}`, SECRET_ROTATION],
    [`HIPAA.Security-SecretsManagerRotationEnabled ${secretPath}`, SECRET_ROTATION],
    [`NIST.800.53.R5-SecretsManagerRotationEnabled ${secretPath}`, SECRET_ROTATION],
  ];
  if (awsManagedKey) {
    rows.push(
      [`HIPAA.Security-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
      [`NIST.800.53.R5-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
      [`PCI.DSS.321-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
    );
  }
  return rows;
}

/**
 * Every finding left after the acknowledgements, with its reason. None is on an ElastiCache resource:
 * the cfn-guard Control Tower rules (CT.ELASTICACHE.PR.1-8) and the ElastiCache rules of the cdk-nag packs
 * (AEC1, AEC3, AEC4, HIPAA / NIST ElastiCacheRedisClusterAutomaticBackup) all pass on the defaults.
 */
const EXPECTED: Array<[string, string]> = [
  ...secretFindings('Valkey/Cache/AppUser/Secret/Resource', true),
  // The disabled default user (off -@all) of a Valkey group must have a password that nobody is told.
  ...secretFindings('Valkey/Cache/DefaultUser/Secret/Resource', true),
  // A Redis OSS group's disabled default user has no password, hence no secret.
  ...secretFindings('RedisOss/Cache/AppUser/Secret/Resource', true),
  ...secretFindings('ValkeyCmk/Cache/AppUser/Secret/Resource', false),
  ...secretFindings('ValkeyCmk/Cache/DefaultUser/Secret/Resource', false),
  // cache.addRotation(): no rotation finding on its secrets; what remains is on the rotation function.
  ...secretFindings('ValkeyRotated/Cache/AppUser/Secret/Resource', true, true),
  ...secretFindings('ValkeyRotated/Cache/DefaultUser/Secret/Resource', true, true),
  ...rotationFunctionFindings('ValkeyRotated'),
  // One key for everything: the user group's secrets (the created default user's too) are under it.
  ...secretFindings('OneKey/AppUser/Secret/Resource', false),
  ...secretFindings('OneKey/Users/DefaultUser/Secret/Resource', false),
  ['cloudwatch_log_group_retention_period_check OneKey/Cache/SlowLogGroup/Resource', 'the new log group keeps one month '
    + 'by default; the Control Tower rule asks for a year: LogDestination.newLogGroup({ retention })'],
  // The kms.Key default policy (the account's principals may use kms:*, CreateGrant included): the user's key.
  ['kms_create_grant_aws_service_check OneKey/Key/Resource', KEY_POLICY],
  ['kms_create_grant_aws_service_check ', KEY_POLICY],
];

describe('policy packs over the default replication group and Memcached cluster', () => {
  const { findings, acknowledged, app } = synthesizeWithPacks();

  test('the findings are exactly the expected ones: none on an ElastiCache resource', () => {
    expect(findings).toEqual(EXPECTED.map(([finding]) => finding).sort());
    // (the rule names; the rotation function's path, CdkElastiCacheRotation, names ElastiCache too)
    expect(findings.filter(f => /AEC|ElastiCache|elasticache/.test(f.split(' ')[0]) || /\/Cache\/Resource$|\/Memcached\/Resource$/.test(f)))
      .toEqual([]);
  });

  test('cache.addRotation() clears AwsSolutions-SMG4 and HIPAA / NIST SecretsManagerRotationEnabled, and adds no AwsSolutions finding', () => {
    const rotationRules = /SMG4|SecretsManagerRotationEnabled/;
    expect(findings.filter(f => rotationRules.test(f) && f.includes('ValkeyRotated/'))).toEqual([]);
    expect(findings.filter(f => rotationRules.test(f) && f.startsWith('AwsSolutions-SMG4 Valkey/'))).toHaveLength(2);
    expect(findings.filter(f => f.startsWith('AwsSolutions-') && f.includes('ValkeyRotated/')))
      .toEqual(L1_ON_ROTATION ? ['AwsSolutions-L1 ValkeyRotated/CdkElastiCacheRotation/Function/Resource'] : []);
  });

  test('a cache with a kmsKey leaves no KMS finding: its secrets, its user group\'s and its new log group use the key', () => {
    expect(findings.filter(f => /KMS|Encrypted/i.test(f) && /OneKey|ValkeyCmk/.test(f) && !/kms_create_grant/.test(f))).toEqual([]);
  });

  test('the consumers\' ingress rules are validated: no EC2RestrictedSSH / EC2RestrictedCommonPorts finding', () => {
    const rules = app.node.findAll().filter(c => c instanceof ec2.CfnSecurityGroupIngress);
    expect(rules.map(r => r.node.path).sort()).toEqual([
      expect.stringMatching(/^Memcached\/Memcached\/SecurityGroup\/from MemcachedClient[0-9A-F]{8}:\{IndirectPort\}$/),
      expect.stringMatching(/^Valkey\/Cache\/SecurityGroup\/from ValkeyClient[0-9A-F]{8}:\{IndirectPort\}$/),
    ]);
    expect(findings.filter(f => /EC2Restricted|CdkNagValidationFailure|SecurityGroup/.test(f))).toEqual([]);
  });

  test('every acknowledgement is needed: the rule really flags the resource, and has a reason', () => {
    for (const { construct, rule, reason } of acknowledged) {
      expect(rule(construct.node.defaultChild as CfnResource)).toBe(NagRuleCompliance.NON_COMPLIANT);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  test('every remaining finding has a reason', () => {
    EXPECTED.forEach(([, reason]) => expect(reason.length).toBeGreaterThan(20));
  });
});

test('the library acknowledges nothing on the users\' behalf', () => {
  const stack = new Stack(new App(), 'Stack');
  const vpc = vpcIn(stack);
  new ReplicationGroup(stack, 'Cache', { vpc });
  new ReplicationGroup(stack, 'Redis', { vpc, engine: RedisOssVersion.VER_7_1 });
  new MemcachedCluster(stack, 'Memcached', { vpc });
  expect(stack.node.findAll().length).toBeGreaterThan(10);
  const acknowledgements = stack.node.findAll().flatMap(c => c.node.metadata)
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  expect(acknowledgements).toEqual([]);
});

test('the rotation function runs the Node.js major the L1 expectation assumes', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'lib', 'private', 'rotation-function.ts'), 'utf8');
  expect(source).toContain(`lambda.Runtime.NODEJS_${ROTATION_NODE_MAJOR}_X`);
});
