/**
 * Integ test: a sharded group, cluster mode enabled (`clusterMode: ClusterMode.ENABLED`, 2 shards of a
 * primary and a replica, defaults otherwise), deployed and described: two node groups `0001` and
 * `0002` holding the keyspace in halves, the configuration endpoint, Multi-AZ failover; then a
 * failover drill on the second shard only (`TestFailover` with its `NodeGroupId`, what
 * `cdk-elasticache failover-drill --shard 0002` does) and a wait until it is available again.
 * Removal policy DESTROY: the run leaves nothing behind. See README "Integ tests".
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterMode, ReplicationGroup } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-sharded');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cache = new ReplicationGroup(stack, 'Cache', {
  vpc,
  clusterMode: ClusterMode.ENABLED,
  shards: 2,
  replicas: 1,
  removalPolicy: RemovalPolicy.DESTROY,
});
new CfnOutput(stack, 'ConfigurationEndpoint', { value: cache.configurationEndpoint.socketAddress });
const [shard1Primary, shard1Replica, shard2Primary, shard2Replica] = cache.memberClusterIds;

const integ = new IntegTest(app, 'Sharded', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});
const waitOptions = { totalTimeout: Duration.minutes(40), interval: Duration.seconds(30) };
const describe = () => integ.assertions.awsApiCall('ElastiCache', 'describeReplicationGroups', {
  ReplicationGroupId: cache.replicationGroupId,
});

// 1. Two shards, each a primary and a replica, the keyspace in halves, the configuration endpoint.
const deployed = describe()
  .expect(ExpectedResult.objectLike({
    ReplicationGroups: [{
      ReplicationGroupId: cache.replicationGroupId,
      Status: 'available',
      ClusterEnabled: true,
      ClusterMode: 'enabled',
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      CacheNodeType: 'cache.t4g.micro',
      MemberClusters: Match.arrayWith([shard1Primary, shard1Replica, shard2Primary, shard2Replica]),
      ConfigurationEndpoint: { Port: 6379 },
      NodeGroups: [
        { NodeGroupId: '0001', Slots: '0-8191', Status: 'available' },
        { NodeGroupId: '0002', Slots: '8192-16383', Status: 'available' },
      ],
    }],
  }))
  .waitForAssertions(waitOptions);

// 2. The failover drill on shard 0002 only.
const failover = integ.assertions.awsApiCall('ElastiCache', 'testFailover', {
  ReplicationGroupId: cache.replicationGroupId,
  NodeGroupId: '0002',
});

// 3. Available again, both shards. (NodeGroupMembers carry no CurrentRole with cluster mode
// enabled, so the promotion itself shows in the group's events, not here.)
const recovered = describe()
  .expect(ExpectedResult.objectLike({
    ReplicationGroups: [{
      Status: 'available',
      NodeGroups: [
        { NodeGroupId: '0001', Status: 'available' },
        { NodeGroupId: '0002', Status: 'available' },
      ],
    }],
  }))
  .waitForAssertions(waitOptions);

deployed.next(failover).next(recovered);

app.synth();
