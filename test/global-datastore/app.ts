/**
 * The acceptance app of the global datastore: a Valkey datastore whose primary is in eu-west-1 and
 * whose secondaries are in us-east-1 and ap-southeast-1, each Region with a consumer (a Lambda
 * function in the Region's VPC) wired by `connectFrom()`. Five stacks: the primary's (VPC, primary,
 * datastore and its consumer), and in each secondary Region the secondary's stack (VPC, secondary) and
 * a consumer stack. Used by test/global-datastore/acceptance.test.ts and by
 * scripts/cfn-lint-global-datastore.sh (cfn-lint over the five templates).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { GlobalDatastore, NodeType, ReplicationGroup, SecondaryReplicationGroup, ValkeyVersion } from '../../lib';

export const ACCOUNT = '111111111111';
export const PRIMARY_REGION = 'eu-west-1';
export const SECONDARY_REGIONS = ['us-east-1', 'ap-southeast-1'];

/**
 * The Availability Zones of each Region as a lookup would answer (without them, env-bound stacks get
 * placeholder zones, 'dummy1a', which cfn-lint warns about).
 */
export const AZ_CONTEXT: Record<string, string[]> = Object.fromEntries([PRIMARY_REGION, ...SECONDARY_REGIONS].map(region => [
  `availability-zones:account=${ACCOUNT}:region=${region}`, [`${region}a`, `${region}b`, `${region}c`]]));

/** A VPC of two isolated subnets, no NAT. */
export function regionVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

/** A Lambda function in the VPC. */
export function consumerFunction(scope: Construct, vpc: ec2.IVpc): lambda.Function {
  return new lambda.Function(scope, 'Consumer', {
    vpc,
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => process.env.CACHE_HOST;'),
  });
}

export interface GlobalDatastoreApp {
  readonly app: App;
  readonly primaryStack: Stack;
  readonly datastore: GlobalDatastore;
  readonly secondaries: SecondaryReplicationGroup[];
  readonly consumers: Record<string, lambda.Function>;
}

/** Builds the five-stack app (synthesized by the caller). */
export function buildGlobalDatastoreApp(app: App = new App({ context: AZ_CONTEXT })): GlobalDatastoreApp {
  const primaryStack = new Stack(app, 'CachePrimary', { env: { account: ACCOUNT, region: PRIMARY_REGION } });
  const vpc = regionVpc(primaryStack);
  const primary = new ReplicationGroup(primaryStack, 'Cache', { vpc, engine: ValkeyVersion.VER_8_2, nodeType: NodeType.R7G_LARGE });
  const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
  const consumers: Record<string, lambda.Function> = {};
  consumers[PRIMARY_REGION] = consumerFunction(primaryStack, vpc);
  primary.connectFrom(consumers[PRIMARY_REGION]);

  const secondaries = SECONDARY_REGIONS.map(region => {
    const name = region.split('-').map(p => p[0].toUpperCase() + p.slice(1)).join('');
    const env = { account: ACCOUNT, region };
    const stack = new Stack(app, `Cache${name}`, { env });
    const regional = regionVpc(stack);
    const secondary = datastore.addSecondary(stack, 'Secondary', { vpc: regional, replicas: 1 });
    secondary.addRecommendedAlarms();
    const consumerStack = new Stack(app, `Consumer${name}`, { env });
    consumers[region] = consumerFunction(consumerStack, regional);
    secondary.connectFrom(consumers[region]);
    return secondary;
  });
  return { app, primaryStack, datastore, secondaries, consumers };
}

// `tsx test/global-datastore/app.ts OUTDIR`: synthesizes the app into OUTDIR (for cfn-lint).
if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) {
    throw new Error('usage: tsx test/global-datastore/app.ts OUTDIR');
  }
  buildGlobalDatastoreApp(new App({ outdir, context: AZ_CONTEXT })).app.synth();
}
