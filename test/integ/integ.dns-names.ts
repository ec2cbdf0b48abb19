/**
 * Integ test: DNS names (`addDnsRecords()`) for a replication group (primary and reader endpoints), a Memcached
 * cluster (configuration endpoint) and a serverless cache (endpoint and reader endpoint), in a private hosted zone
 * of the test's VPC, deployed, and the zone's records listed: each a CNAME to the endpoint ElastiCache gave the cache.
 * The snapshot is linted by scripts/cfn-lint.sh with the others. Removal policy DESTROY: the run leaves nothing
 * behind. See README "Integ tests".
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MemcachedCluster, ReplicationGroup, ServerlessCache } from '../../lib';

const app = new App();
const stack = new Stack(app, 'cdk-elasticache-integ-dns-names');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'cdk-elasticache-integ.internal', vpc });

const orders = new ReplicationGroup(stack, 'Orders', { vpc, removalPolicy: RemovalPolicy.DESTROY });
orders.addDnsRecords({ zone, recordName: 'orders' });
const pages = new MemcachedCluster(stack, 'Pages', { vpc, removalPolicy: RemovalPolicy.DESTROY });
pages.addDnsRecords({ zone, recordName: 'pages' });
const sessions = new ServerlessCache(stack, 'Sessions', { vpc, removalPolicy: RemovalPolicy.DESTROY });
sessions.addDnsRecords({ zone, recordName: 'sessions', ttl: Duration.seconds(30) });

const integ = new IntegTest(app, 'DnsNames', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first: twice the time and cost.
  stackUpdateWorkflow: false,
});

const cname = (name: string, target: string, ttl = 60) => Match.objectLike({
  Name: `${name}.cdk-elasticache-integ.internal.`, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: target }],
});
integ.assertions.awsApiCall('Route53', 'listResourceRecordSets', { HostedZoneId: zone.hostedZoneId })
  .expect(ExpectedResult.objectLike({
    ResourceRecordSets: Match.arrayWith([
      cname('orders', orders.primaryEndpoint.hostname),
      cname('orders-reader', orders.readerEndpoint.hostname),
      cname('pages', pages.configurationEndpoint.hostname),
      cname('sessions', sessions.endpoint.hostname, 30),
      cname('sessions-reader', sessions.readerEndpoint.hostname, 30),
    ]),
  }));

app.synth();
