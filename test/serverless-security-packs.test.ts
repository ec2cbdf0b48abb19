import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Authentication, ServerlessCache, ServerlessEngine } from '../lib';

/**
 * The policy packs of test/security-packs.test.ts (cdk-nag AwsSolutions, HIPAA, NIST 800-53 rev 5, PCI DSS 3.2.1
 * and the Control Tower proactive controls of cfn-guard) over the default serverless caches: Valkey, Valkey with a
 * customer managed key, Memcached. The set of findings is asserted exactly, so a new one fails the test.
 */
function vpcIn(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-1', 'subnet-2'], privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
  });
}

function findings(): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-serverless-packs-'));
  try {
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app),
      new PCIDSS321Checks(app), new CfnGuardValidator());
    const valkey = new Stack(app, 'Serverless');
    new ServerlessCache(valkey, 'Cache', { vpc: vpcIn(valkey) });
    const cmk = new Stack(app, 'ServerlessCmk');
    new ServerlessCache(cmk, 'Cache', { vpc: vpcIn(cmk), kmsKey: kms.Key.fromKeyArn(cmk, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/k') });
    const memcached = new Stack(app, 'ServerlessMemcached');
    new ServerlessCache(memcached, 'Cache', { vpc: vpcIn(memcached), engine: ServerlessEngine.MEMCACHED_1_6 });
    // Every protection off: what the packs would flag if they inspected serverless caches.
    const bare = new Stack(app, 'ServerlessBare');
    new ServerlessCache(bare, 'Cache', { vpc: vpcIn(bare), authentication: Authentication.none(), backupRetention: Duration.days(0),
      removalPolicy: RemovalPolicy.DESTROY });
    try {
      app.synth();
    } catch (e) {
      if (!String(e).includes('ValidationFailed')) {
        throw e;
      }
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const out: string[] = [];
    for (const plugin of report.pluginReports) {
      for (const violation of plugin.violations) {
        for (const construct of violation.violatingConstructs) {
          out.push(`${violation.ruleName} ${construct.constructPath}`);
        }
      }
    }
    return out.sort();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const SECRET_ROTATION = 'rotation needs a rotation function of the user\'s own (README: Security > Rotation)';
const SECRET_KMS = 'secrets use the aws/secretsmanager key unless the cache has a kmsKey (then they use it, see ServerlessCmk)';

/** The findings on one generated secret: [finding, reason]. */
function secretFindings(secretPath: string, awsManagedKey: boolean): Array<[string, string]> {
  return [
    [`AwsSolutions-SMG4 ${secretPath}`, SECRET_ROTATION],
    [`HIPAA.Security-SecretsManagerRotationEnabled ${secretPath}`, SECRET_ROTATION],
    [`NIST.800.53.R5-SecretsManagerRotationEnabled ${secretPath}`, SECRET_ROTATION],
    ...(awsManagedKey ? [
      [`HIPAA.Security-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
      [`NIST.800.53.R5-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
      [`PCI.DSS.321-SecretsManagerUsingKMSKey ${secretPath}`, SECRET_KMS],
    ] as Array<[string, string]> : []),
  ];
}

/** Every finding, with its reason: only the generated passwords' secrets (the users of the default user group). */
const EXPECTED: Array<[string, string]> = [
  ...secretFindings('Serverless/Cache/AppUser/Secret/Resource', true),
  // The disabled default user (off -@all) of a Valkey group must have a password that nobody is told.
  ...secretFindings('Serverless/Cache/DefaultUser/Secret/Resource', true),
  ...secretFindings('ServerlessCmk/Cache/AppUser/Secret/Resource', false),
  ...secretFindings('ServerlessCmk/Cache/DefaultUser/Secret/Resource', false),
];

describe('policy packs over the default serverless caches', () => {
  const found = findings();

  test('the findings are exactly the expected ones: none on an ElastiCache resource', () => {
    expect(found).toEqual(EXPECTED.map(([finding]) => finding).sort());
    expect(found.filter(f => /\/Cache\/Resource$|SecurityGroup/.test(f))).toEqual([]);
    EXPECTED.forEach(([, reason]) => expect(reason.length).toBeGreaterThan(20));
  });

  test('no pack inspects serverless caches: one with every protection off has no finding either (README: Policy packs)', () => {
    expect(found.filter(f => f.includes('ServerlessBare'))).toEqual([]);
  });
});
