/**
 * Integ test: the production default, `new ReplicationGroup(this, 'Cache', { vpc })` (Valkey, a
 * primary and a replica with Multi-AZ automatic failover, encryption at rest and in transit, RBAC
 * with a generated user group, backups), deployed and described; then a failover drill
 * (`TestFailover`) and a wait until the replica has taken over and the group is available again.
 * Removal policy DESTROY (instead of the default SNAPSHOT): the run leaves nothing behind.
 * See README "Integ tests".
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ReplicationGroup } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-production');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cache = new ReplicationGroup(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.DESTROY });
const [primary, replica] = cache.memberClusterIds;

const integ = new IntegTest(app, 'Production', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});
const waitOptions = { totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) };
const describe = () => integ.assertions.awsApiCall('ElastiCache', 'describeReplicationGroups', {
  ReplicationGroupId: cache.replicationGroupId,
});

// 1. What the defaults promise.
const deployed = describe()
  .expect(ExpectedResult.objectLike({
    ReplicationGroups: [{
      ReplicationGroupId: cache.replicationGroupId,
      Status: 'available',
      Engine: 'valkey',
      ClusterEnabled: false,
      CacheNodeType: 'cache.t4g.micro',
      MemberClusters: [primary, replica],
      MultiAZ: 'enabled',
      AutomaticFailover: 'enabled',
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AuthTokenEnabled: false,
      UserGroupIds: [cache.userGroup!.userGroupId],
      SnapshotRetentionLimit: 15,
      AutoMinorVersionUpgrade: true,
      NodeGroups: [{
        NodeGroupMembers: Match.arrayWith([{ CacheClusterId: primary, CurrentRole: 'primary' }]),
      }],
    }],
  }))
  .waitForAssertions(waitOptions);

// 2. The failover drill: ElastiCache promotes the replica.
const failover = integ.assertions.awsApiCall('ElastiCache', 'testFailover', {
  ReplicationGroupId: cache.replicationGroupId,
  NodeGroupId: '0001',
});

// 3. Available again, the former replica now the primary.
const recovered = describe()
  .expect(ExpectedResult.objectLike({
    ReplicationGroups: [{
      Status: 'available',
      NodeGroups: [{
        Status: 'available',
        NodeGroupMembers: Match.arrayWith([{ CacheClusterId: replica, CurrentRole: 'primary' }]),
      }],
    }],
  }))
  .waitForAssertions(waitOptions);

deployed.next(failover).next(recovered);

app.synth();
