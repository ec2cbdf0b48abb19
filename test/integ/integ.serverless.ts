/**
 * Integ test: the default serverless cache, `new ServerlessCache(this, 'Cache', { vpc })` (Valkey 8, RBAC with a
 * generated user group, daily snapshots kept 15 days), with usage limits, deployed and described: engine and major
 * version, limits, user group, snapshots, and both endpoints (6379 and the reader's 6380). Then an on-demand snapshot
 * (what `cdk-elasticache snapshot` does) and a wait until it is available. Removal policy DESTROY (instead of the
 * default SNAPSHOT, which would leave a final snapshot behind): the run leaves only the on-demand snapshot, which the
 * last step deletes. See README "Integ tests".
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerlessCache } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-serverless');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cache = new ServerlessCache(stack, 'Cache', {
  vpc,
  dataStorageMaximum: Size.gibibytes(1),
  ecpuPerSecondMaximum: 5000,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'Serverless', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});
const waitOptions = { totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) };

const deployed = integ.assertions.awsApiCall('ElastiCache', 'describeServerlessCaches', { ServerlessCacheName: cache.serverlessCacheName })
  .expect(ExpectedResult.objectLike({
    ServerlessCaches: [{
      ServerlessCacheName: cache.serverlessCacheName,
      Status: 'available',
      Engine: 'valkey',
      MajorEngineVersion: '8',
      UserGroupId: cache.userGroup!.userGroupId,
      SnapshotRetentionLimit: 15,
      CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } },
      Endpoint: { Port: 6379 },
      ReaderEndpoint: { Port: 6380 },
    }],
  }))
  .waitForAssertions(waitOptions);

const snapshotName = 'cdk-elasticache-integ-serverless-manual';
const snapshot = integ.assertions.awsApiCall('ElastiCache', 'createServerlessCacheSnapshot', {
  ServerlessCacheName: cache.serverlessCacheName,
  ServerlessCacheSnapshotName: snapshotName,
});
const available = integ.assertions.awsApiCall('ElastiCache', 'describeServerlessCacheSnapshots', {
  ServerlessCacheSnapshotName: snapshotName,
})
  .expect(ExpectedResult.objectLike({ ServerlessCacheSnapshots: [{ ServerlessCacheSnapshotName: snapshotName, Status: 'available' }] }))
  .waitForAssertions(waitOptions);
const cleanup = integ.assertions.awsApiCall('ElastiCache', 'deleteServerlessCacheSnapshot', { ServerlessCacheSnapshotName: snapshotName });

deployed.next(snapshot).next(available).next(cleanup);

app.synth();
