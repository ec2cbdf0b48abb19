/**
 * Integ test: the sharded Memcached variant, a 3-node cluster spread across Availability Zones with
 * encryption in transit, deployed and described. Removal policy DESTROY: the run leaves nothing
 * behind. See README "Integ tests".
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MemcachedCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-memcached');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cluster = new MemcachedCluster(stack, 'Memcached', {
  vpc,
  nodes: 3,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'Memcached', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});

const node = { CacheNodeStatus: 'available' };
integ.assertions.awsApiCall('ElastiCache', 'describeCacheClusters', { CacheClusterId: cluster.clusterName, ShowCacheNodeInfo: true })
  .expect(ExpectedResult.objectLike({
    CacheClusters: [{
      CacheClusterId: cluster.clusterName,
      CacheClusterStatus: 'available',
      Engine: 'memcached',
      CacheNodeType: 'cache.t4g.micro',
      NumCacheNodes: 3,
      // Cross-AZ: the nodes are spread over the subnet group's Availability Zones.
      PreferredAvailabilityZone: 'Multiple',
      TransitEncryptionEnabled: true,
      CacheNodes: [node, node, node],
    }],
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });

app.synth();
