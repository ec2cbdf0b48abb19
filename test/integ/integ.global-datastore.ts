/**
 * Integ test: a two-Region global datastore. The primary, a Valkey group on r7g.large nodes (the
 * smallest family global datastores take), and the datastore in `CDK_INTEG_PRIMARY_REGION` (eu-west-1
 * unless set); a secondary with one replica in `CDK_INTEG_SECONDARY_REGION` (us-east-1), joined by the
 * datastore's full id through a weak cross-Region reference. Deployed in that order (the secondary's
 * stack depends on the primary's), described (two members, a PRIMARY in the primary's Region and a
 * SECONDARY in the other, status available), and destroyed the other way round: the secondary's stack
 * first, which takes the secondary out of the datastore. Removal policy DESTROY: nothing is left
 * behind. See README "Integ tests" and docs/global-datastore.md.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GlobalDatastore, NodeType, ReplicationGroup } from '../../lib';

const account = process.env.CDK_INTEG_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
// Two Regions of the test's own choosing (not CDK_INTEG_REGION, which is a placeholder in snapshots).
const primaryRegion = process.env.CDK_INTEG_PRIMARY_REGION ?? 'eu-west-1';
const secondaryRegion = process.env.CDK_INTEG_SECONDARY_REGION ?? 'us-east-1';

// The Availability Zones of both Regions, as a committed cdk.context.json holds them for env-bound
// stacks (the integ run does no lookup): two zones each, which every Region has.
const app = new App({
  context: Object.fromEntries([primaryRegion, secondaryRegion].map(region => [
    `availability-zones:account=${account}:region=${region}`, [`${region}a`, `${region}b`]])),
});
const vpcOf = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});

const primaryStack = new Stack(app, 'cdk-elasticache-integ-global-primary', { env: { account, region: primaryRegion } });
const primary = new ReplicationGroup(primaryStack, 'Cache', {
  vpc: vpcOf(primaryStack),
  nodeType: NodeType.R7G_LARGE,
  removalPolicy: RemovalPolicy.DESTROY,
});
const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });

const secondaryStack = new Stack(app, 'cdk-elasticache-integ-global-secondary', { env: { account, region: secondaryRegion } });
const secondary = datastore.addSecondary(secondaryStack, 'Secondary', {
  vpc: vpcOf(secondaryStack),
  replicas: 1,
  removalPolicy: RemovalPolicy.DESTROY,
});

// The assertions run in the primary's Region, where the datastore is described.
const assertionStack = new Stack(app, 'cdk-elasticache-integ-global-assertions', { env: { account, region: primaryRegion } });
const integ = new IntegTest(app, 'GlobalDatastore', {
  testCases: [primaryStack, secondaryStack],
  assertionStack,
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});

integ.assertions.awsApiCall('ElastiCache', 'describeGlobalReplicationGroups', {
  GlobalReplicationGroupId: datastore.globalDatastoreId,
  ShowMemberInfo: true,
})
  .expect(ExpectedResult.objectLike({
    GlobalReplicationGroups: [{
      GlobalReplicationGroupId: datastore.globalDatastoreId,
      Status: 'available',
      Engine: 'valkey',
      CacheNodeType: 'cache.r7g.large',
      Members: Match.arrayWith([
        Match.objectLike({ ReplicationGroupId: primary.replicationGroupId, ReplicationGroupRegion: primaryRegion, Role: 'PRIMARY' }),
        Match.objectLike({ ReplicationGroupRegion: secondaryRegion, Role: 'SECONDARY' }),
      ]),
    }],
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(60), interval: Duration.seconds(60) });

void secondary;
