/** The matrix's rows of `MemcachedClusterProps`. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AzMode, IpDiscovery, MaintenanceWindow, MemcachedVersion, NetworkType, NodeType, ParameterGroup, SubnetGroup,
} from '../../../lib';
import { Row, SUBNETS } from '../matrix';
import { mc } from '../states';

const M = 'MemcachedClusterProps' as const;

/** The default cluster: Memcached 1.6.22, two t4g.micro nodes, TLS on. */
const BASE = mc('base');
const crossAz = mc('cross-az', () => ({ azMode: AzMode.CROSS_AZ }));
const crossAzAb = mc('cross-az-ab', () => ({ azMode: AzMode.CROSS_AZ, nodes: 2, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] }));
const crossAzAbc = mc('cross-az-abc', () => ({ azMode: AzMode.CROSS_AZ, nodes: 3, preferredAvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }));
const dualStack = mc('dual-stack', () => ({ networkType: NetworkType.DUAL_STACK, nodeType: NodeType.R7G_LARGE }));
const params = mc('parameters', () => ({ parameters: { max_item_size: '2097152' } }));
const v1612 = mc('1.6.12', () => ({ engine: MemcachedVersion.VER_1_6_12 }));

export const MEMCACHED_ROWS: Row[] = [
  { subject: M, prop: 'clusterName', change: 'generated -> sessions', before: BASE, after: mc('name', () => ({ clusterName: 'sessions' })), expected: 'replaced',
    note: 'the name is the cluster\'s identity: a new name is a new cluster' },
  { subject: M, prop: 'engine', change: '1.6.12 -> 1.6.22', before: v1612, after: BASE, expected: 'in-place' },
  { subject: M, prop: 'engine', change: '1.6.22 -> 1.6.12 (downgrade)', before: BASE, after: v1612, expected: 'refused' },
  { subject: M, prop: 'transitEncryption', change: 'off (1.6.6) -> on with a version bump (1.6.22)',
    before: mc('1.6.6-no-tls', () => ({ engine: MemcachedVersion.VER_1_6_6 })), after: BASE, expected: 'refused',
    note: 'a Memcached cluster\'s TLS is set at creation only' },
  { subject: M, prop: 'transitEncryption', change: 'on -> off', before: BASE, after: mc('no-tls', () => ({ transitEncryption: false })), expected: 'refused' },
  // The CDK spec says NumCacheNodes may replace the cluster (with preferredAvailabilityZones, ElastiCache adds nodes in place:
  // docs/day-two.md); the engine reads "may" as "will", so a named cluster fails here.
  { subject: M, prop: 'nodes', change: '2 -> 3', before: BASE, after: mc('nodes-3', () => ({ nodes: 3 })), expected: 'in-place',
    note: 'ModifyCacheCluster adds Memcached nodes in place (the CDK spec says NumCacheNodes may replace: other engines)' },
  { subject: M, prop: 'nodes', change: '2 -> 3 with a preferred AZ appended', before: crossAzAb, after: crossAzAbc, expected: 'in-place',
    note: 'the new node goes to the appended zone (NewAvailabilityZones)' },
  { subject: M, prop: 'nodes', change: '3 -> 2 with preferred AZs', before: crossAzAbc,
    after: crossAzAb, expected: 'fails' },
  { subject: M, prop: 'port', change: '11211 -> 11212', before: BASE, after: mc('port', () => ({ port: 11212 })), expected: 'fails' },
  { subject: M, prop: 'azMode', change: 'cross-az -> single-az', before: crossAz, after: mc('single-az', () => ({ azMode: AzMode.SINGLE_AZ })), expected: 'refused' },
  { subject: M, prop: 'azMode', change: 'default -> CROSS_AZ given', before: BASE, after: crossAz, expected: 'unchanged',
    note: 'cross-az is the default with several nodes: the template is the same' },
  { subject: M, prop: 'preferredAvailabilityZones', change: 'a, b, c -> c, b, a (reordered)', before: crossAzAbc,
    after: mc('cross-az-cba', () => ({ azMode: AzMode.CROSS_AZ, nodes: 3, preferredAvailabilityZones: ['us-east-1c', 'us-east-1b', 'us-east-1a'] })),
    expected: 'fails' },
  { subject: M, prop: 'parameterGroup', change: 'default -> a ParameterGroup', before: BASE,
    after: mc('parameter-group', ctx => ({ parameterGroup: new ParameterGroup(ctx.cacheStack, 'Params', { engine: MemcachedVersion.VER_1_6_22, parameters: { max_item_size: '2097152' } }) })),
    expected: 'in-place' },
  { subject: M, prop: 'parameters', change: 'none -> max_item_size', before: BASE, after: params, expected: 'in-place' },
  { subject: M, prop: 'verifyDeployedState', change: 'false -> true',
    before: BASE, after: mc('verify-state', () => ({ verifyDeployedState: true })), expected: 'unchanged',
    note: 'a synth-time check only (the stacks are environment-agnostic here: it warns); nothing in the template changes' },
  { subject: M, prop: 'removalPolicy', change: 'DESTROY -> RETAIN', before: BASE, after: mc('retain', () => ({ removalPolicy: RemovalPolicy.RETAIN })), expected: 'in-place',
    note: 'only the deletion policies change' },
  { subject: M, prop: 'nodeType', change: 't4g.micro -> r7g.large', before: BASE, after: mc('r7g.large', () => ({ nodeType: NodeType.R7G_LARGE })), expected: 'in-place' },
  { subject: M, prop: 'vpc', change: 'another VPC (no consumer)', before: mc('no-consumer', () => ({}), { consumerStack: null }),
    after: mc('other-vpc', ctx => ({ vpc: ctx.otherVpc() }), { consumerStack: null }), expected: 'export-in-use',
    note: 'the network stack stops exporting the subnets the deployed cache stack imports; ElastiCache would not move the cluster to another VPC either' },
  { subject: M, prop: 'vpcSubnets', change: 'all isolated subnets -> one subnet group', before: BASE,
    after: mc('subnets-data', () => ({ vpcSubnets: { subnetGroupName: SUBNETS.data } })), expected: 'export-in-use',
    note: 'the subnet group updates in place, but the network stack stops exporting the subnets the deployed cache stack imports' },
  { subject: M, prop: 'subnetGroup', change: 'generated -> another SubnetGroup', before: BASE,
    after: mc('subnet-group', ctx => ({ subnetGroup: new SubnetGroup(ctx.cacheStack, 'Subnets', { vpc: ctx.vpc }) })), expected: 'fails' },
  { subject: M, prop: 'securityGroups', change: 'generated -> one of the app', before: BASE,
    after: mc('security-group', ctx => ({ securityGroups: [new ec2.SecurityGroup(ctx.cacheStack, 'Sg', { vpc: ctx.vpc })] })), expected: 'export-in-use' },
  { subject: M, prop: 'networkType', change: 'ipv4 -> dual stack', before: mc('r7g.large', () => ({ nodeType: NodeType.R7G_LARGE })), after: dualStack, expected: 'fails' },
  { subject: M, prop: 'ipDiscovery', change: 'default -> ipv6 (dual stack)', before: dualStack,
    after: mc('dual-stack-ipv6', () => ({ networkType: NetworkType.DUAL_STACK, nodeType: NodeType.R7G_LARGE, ipDiscovery: IpDiscovery.IPV6 })), expected: 'in-place' },
  { subject: M, prop: 'maintenanceWindow', change: 'none -> sun:23:00-mon:01:30', before: BASE,
    after: mc('maintenance', () => ({ maintenanceWindow: MaintenanceWindow.fromString('sun:23:00-mon:01:30') })), expected: 'in-place' },
  { subject: M, prop: 'autoMinorVersionUpgrade', change: 'true -> false', before: BASE, after: mc('no-minor-upgrades', () => ({ autoMinorVersionUpgrade: false })), expected: 'in-place' },
  { subject: M, prop: 'notificationTopic', change: 'none -> a topic', before: BASE,
    after: mc('topic', ctx => ({ notificationTopic: new sns.Topic(ctx.cacheStack, 'Events') })), expected: 'in-place' },
];
