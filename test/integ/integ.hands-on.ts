/**
 * Integ test: the seed's hands-on replication group (Redis OSS 7.1, one cache.t3.micro node, no
 * replica, Multi-AZ and failover off, no encryption, no authentication, no backups), deployed and
 * described (the seed's cache.t2.micro can no longer be created; cache.t3.micro is its successor).
 * Removal policy DESTROY: the run leaves nothing behind. See README "Integ tests".
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NodeType, RedisOssVersion, ReplicationGroup } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-hands-on');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cache = new ReplicationGroup(stack, 'Cache', {
  vpc,
  engine: RedisOssVersion.VER_7_1,
  nodeType: NodeType.T3_MICRO,
  replicas: 0,
  multiAz: false,
  atRestEncryption: false,
  transitEncryption: false,
  backupRetention: Duration.days(0),
  autoMinorVersionUpgrade: true,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'HandsOn', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});

integ.assertions.awsApiCall('ElastiCache', 'describeReplicationGroups', { ReplicationGroupId: cache.replicationGroupId })
  .expect(ExpectedResult.objectLike({
    ReplicationGroups: [{
      ReplicationGroupId: cache.replicationGroupId,
      Status: 'available',
      ClusterEnabled: false,
      CacheNodeType: 'cache.t3.micro',
      MemberClusters: cache.memberClusterIds,
      MultiAZ: 'disabled',
      AutomaticFailover: 'disabled',
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      AuthTokenEnabled: false,
      SnapshotRetentionLimit: 0,
      AutoMinorVersionUpgrade: true,
    }],
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });

app.synth();
