/** The matrix's rows of `ReplicationGroupProps`, cluster mode disabled (the default). */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AccessString, Authentication, EvictionPolicy, IpDiscovery, LogDelivery, LogDestination, MaintenanceWindow, NetworkType, NodeType,
  ParameterGroup, RedisOssVersion, SnapshotWindow, SubnetGroup, TransitEncryptionMode, User, UserGroup, ValkeyVersion,
} from '../../../lib';
import { Row, SUBNETS } from '../matrix';
import { key, rg } from '../states';

const R = 'ReplicationGroupProps' as const;

/** The default group: Valkey 8.2, t4g.micro, one replica, TLS required, a generated user group, 15 days of backups. */
export const RG_BASE = rg('base');
const redis71 = rg('redis-7.1', () => ({ engine: RedisOssVersion.VER_7_1 }));
const plain = rg('no-tls', () => ({ transitEncryption: false }));
const authToken = rg('auth-token', () => ({ authentication: Authentication.generatedAuthToken() }));
const dualStack = rg('dual-stack', () => ({ networkType: NetworkType.DUAL_STACK, nodeType: NodeType.R7G_LARGE }));
const r7g = rg('r7g.large', () => ({ nodeType: NodeType.R7G_LARGE }));
const keyed = rg('kms-key', ctx => ({ kmsKey: key(ctx) }));
const withParams = rg('parameters', () => ({ parameters: { 'maxmemory-policy': 'allkeys-lru' } }));
const preferred = rg('tls-preferred', () => ({ transitEncryptionMode: TransitEncryptionMode.PREFERRED }));
const azs = rg('azs-a-b', () => ({ preferredAvailabilityZones: ['us-east-1a', 'us-east-1b'] }));

/** A user group of the cache stack with one password user, for `Authentication.userGroup()`. */
export function givenUserGroup(ctx: Parameters<Parameters<typeof rg>[1] & object>[0]) {
  const user = new User(ctx.cacheStack, 'AppUser', { userName: 'app', accessString: AccessString.readWrite() });
  return new UserGroup(ctx.cacheStack, 'Users', { users: [user] });
}

export const REPLICATION_GROUP_ROWS: Row[] = [
  { subject: R, prop: 'replicationGroupId', change: 'generated -> orders-cache', before: RG_BASE, after: rg('id', () => ({ replicationGroupId: 'orders-cache' })),
    expected: 'replaced', note: 'the id is the group\'s name: a new id is a new group (create it next to the old one)' },
  { subject: R, prop: 'description', change: 'default -> "Orders"', before: RG_BASE, after: rg('description', () => ({ description: 'Orders' })), expected: 'in-place' },
  { subject: R, prop: 'engine', change: 'Valkey 8.0 -> 8.2', before: rg('valkey-8.0', () => ({ engine: ValkeyVersion.VER_8_0 })), after: RG_BASE, expected: 'in-place' },
  { subject: R, prop: 'engine', change: 'Valkey 8.2 -> 8.0 (downgrade)', before: RG_BASE, after: rg('valkey-8.0', () => ({ engine: ValkeyVersion.VER_8_0 })), expected: 'refused' },
  // The CDK spec (2026-09) says Engine replaces the group, its users and user group; the CloudFormation Template Reference
  // (User, UserGroup: "Update requires: No interruption"), the registry schemas and the User Guide say in place: plan follows them.
  { subject: R, prop: 'engine', change: 'Redis OSS 7.1 -> Valkey 8.2', before: redis71, after: RG_BASE, expected: 'in-place',
    note: 'in place: the CloudFormation Template Reference says Engine updates users and user groups with no interruption and the registry schemas do not list it create-only (the CDK spec still says replacement)' },
  { subject: R, prop: 'engine', change: 'Redis OSS 5.0.6 -> 7.1 (default auth: AUTH token -> RBAC)',
    before: rg('redis-5.0.6', () => ({ engine: RedisOssVersion.VER_5_0_6 })), after: redis71, expected: 'fails',
    note: 'warned at synth on 5.0.6 (defaultAuthenticationFollowsEngine): pin Authentication.generatedAuthToken() (next row)' },
  { subject: R, prop: 'engine', change: 'Redis OSS 5.0.6 -> 7.1, AUTH token pinned',
    before: rg('redis-5.0.6-token', () => ({ engine: RedisOssVersion.VER_5_0_6, authentication: Authentication.generatedAuthToken() })),
    after: rg('redis-7.1-token', () => ({ engine: RedisOssVersion.VER_7_1, authentication: Authentication.generatedAuthToken() })),
    expected: 'in-place' },
  { subject: R, prop: 'port', change: '6379 -> 6380', before: RG_BASE, after: rg('port-6380', () => ({ port: 6380 })), expected: 'fails' },
  { subject: R, prop: 'verifyDeployedClusterMode', change: 'false -> true',
    before: RG_BASE, after: rg('verify', () => ({ verifyDeployedClusterMode: true })), expected: 'unchanged',
    note: 'a synth-time check only: nothing in the template changes' },
  { subject: R, prop: 'verifyDeployedState', change: 'false -> true',
    before: RG_BASE, after: rg('verify-state', () => ({ verifyDeployedState: true })), expected: 'unchanged',
    note: 'a synth-time check only (the stacks are environment-agnostic here: it warns); nothing in the template changes' },
  { subject: R, prop: 'replicas', change: '1 -> 2', before: RG_BASE, after: rg('replicas-2', () => ({ replicas: 2 })), expected: 'in-place' },
  { subject: R, prop: 'replicas', change: '1 -> 0', before: RG_BASE, after: rg('replicas-0', () => ({ replicas: 0 })), expected: 'in-place' },
  { subject: R, prop: 'automaticFailover', change: 'on -> off', before: RG_BASE,
    after: rg('no-failover', () => ({ automaticFailover: false, multiAz: false })), expected: 'in-place' },
  { subject: R, prop: 'multiAz', change: 'on -> off', before: RG_BASE, after: rg('no-multi-az', () => ({ multiAz: false })), expected: 'in-place' },
  { subject: R, prop: 'preferredAvailabilityZones', change: 'none -> a, b', before: RG_BASE, after: azs, expected: 'fails' },
  { subject: R, prop: 'preferredAvailabilityZones', change: 'a, b -> b, a (reordered)', before: azs,
    after: rg('azs-b-a', () => ({ preferredAvailabilityZones: ['us-east-1b', 'us-east-1a'] })), expected: 'fails' },
  { subject: R, prop: 'parameterGroup', change: 'default -> a ParameterGroup', before: RG_BASE,
    after: rg('parameter-group', ctx => ({ parameterGroup: new ParameterGroup(ctx.cacheStack, 'Params', { engine: ValkeyVersion.VER_8_2, evictionPolicy: EvictionPolicy.ALLKEYS_LFU }) })),
    expected: 'in-place' },
  { subject: R, prop: 'evictionPolicy', change: 'none -> allkeys-lru', before: RG_BASE,
    after: rg('eviction-allkeys-lru', () => ({ evictionPolicy: EvictionPolicy.ALLKEYS_LRU })), expected: 'in-place' },
  { subject: R, prop: 'evictionPolicy', change: 'allkeys-lru -> volatile-ttl', before: rg('eviction-allkeys-lru', () => ({ evictionPolicy: EvictionPolicy.ALLKEYS_LRU })),
    after: rg('eviction-volatile-ttl', () => ({ evictionPolicy: EvictionPolicy.VOLATILE_TTL })), expected: 'in-place' },
  { subject: R, prop: 'dataTiering', change: 'off (r7g.large) -> on (r6gd.xlarge)', before: r7g,
    after: rg('r6gd.xlarge', () => ({ nodeType: NodeType.R6GD_XLARGE })), expected: 'fails' },
  { subject: R, prop: 'nodeType', change: 't4g.micro -> r7g.large', before: RG_BASE, after: r7g, expected: 'in-place' },
  { subject: R, prop: 'nodeType', change: 'r6gd.xlarge -> r7g.large (data tiering off)', before: rg('r6gd.xlarge', () => ({ nodeType: NodeType.R6GD_XLARGE })),
    after: r7g, expected: 'fails' },
  { subject: R, prop: 'atRestEncryption', change: 'false -> true', before: rg('no-at-rest', () => ({ atRestEncryption: false })), after: RG_BASE, expected: 'fails' },
  { subject: R, prop: 'kmsKey', change: 'added', before: RG_BASE, after: keyed, expected: 'fails' },
  { subject: R, prop: 'kmsKey', change: 'removed', before: keyed, after: RG_BASE, expected: 'fails' },
  { subject: R, prop: 'transitEncryption', change: 'off -> on (mode required)', before: plain, after: RG_BASE, expected: 'refused' },
  { subject: R, prop: 'transitEncryption', change: 'off -> on (mode preferred)', before: plain, after: preferred, expected: 'in-place' },
  { subject: R, prop: 'transitEncryptionMode', change: 'preferred -> required', before: preferred, after: RG_BASE, expected: 'in-place' },
  { subject: R, prop: 'authentication', change: 'AUTH token -> generated user group', before: authToken, after: RG_BASE, expected: 'fails' },
  { subject: R, prop: 'authentication', change: 'AUTH token -> a user group of the app', before: authToken,
    after: rg('user-group', ctx => ({ authentication: Authentication.userGroup(givenUserGroup(ctx)) }), { options: ctx => ({ user: ctx.cacheStack.node.findChild('AppUser') as User }) }),
    expected: 'fails' },
  { subject: R, prop: 'authentication', change: 'AUTH token from one secret -> another (rotation by hand)',
    before: rg('token-a', ctx => ({ authentication: Authentication.authTokenFromSecret(new secretsmanager.Secret(ctx.cacheStack, 'TokenA')) })),
    after: rg('token-b', ctx => ({ authentication: Authentication.authTokenFromSecret(new secretsmanager.Secret(ctx.cacheStack, 'TokenB')) })),
    expected: 'export-in-use', note: 'the token changes in place, but the consumer stack imports the old secret' },
  { subject: R, prop: 'backupRetention', change: '15 -> 7 days', before: RG_BASE, after: rg('backups-7', () => ({ backupRetention: Duration.days(7) })), expected: 'in-place' },
  { subject: R, prop: 'snapshotWindow', change: 'none -> 03:00-04:00', before: RG_BASE,
    after: rg('snapshot-window', () => ({ snapshotWindow: SnapshotWindow.fromString('03:00-04:00') })), expected: 'in-place' },
  { subject: R, prop: 'restoreFromSnapshot', change: 'none -> a backup', before: RG_BASE,
    after: rg('restore-snapshot', () => ({ restoreFromSnapshot: 'orders-backup' })), expected: 'fails',
    note: 'it exists only at creation: a restore is a new group' },
  { subject: R, prop: 'restoreFromS3', change: 'none -> an .rdb file', before: RG_BASE,
    after: rg('restore-s3', () => ({ restoreFromS3: ['arn:aws:s3:::backups/orders.rdb'] })), expected: 'fails',
    note: 'it exists only at creation: a restore is a new group' },
  { subject: R, prop: 'logs', change: 'none -> slow log to a new log group', before: RG_BASE,
    after: rg('slow-log', () => ({ logs: [LogDelivery.slowLog(LogDestination.newLogGroup())] })), expected: 'in-place' },
  { subject: R, prop: 'removalPolicy', change: 'SNAPSHOT -> RETAIN', before: RG_BASE,
    after: rg('retain', () => ({ removalPolicy: RemovalPolicy.RETAIN })), expected: 'in-place',
    note: 'only the deletion policies change: CloudFormation records them without touching the group' },
  // The engine says in place (the subnet group takes the other VPC's subnets), but ElastiCache does not move a
  // subnet group in use to another VPC: a new VPC is a new cache. The plan's rules miss it (see the report of issue 22).
  { subject: R, prop: 'vpc', change: 'another VPC (no consumer)', before: rg('no-consumer', () => ({}), { consumerStack: null }),
    after: rg('other-vpc', ctx => ({ vpc: ctx.otherVpc() }), { consumerStack: null }),
    expected: 'export-in-use', note: 'the network stack stops exporting the subnets the deployed cache stack imports; ElastiCache would not move the group to another VPC either' },
  { subject: R, prop: 'vpcSubnets', change: 'all isolated subnets -> one subnet group', before: RG_BASE,
    after: rg('subnets-data', () => ({ vpcSubnets: { subnetGroupName: SUBNETS.data } })), expected: 'export-in-use',
    note: 'the subnet group updates in place, but the network stack stops exporting the subnets the deployed cache stack imports: export them one more deployment (network.exportValue())' },
  { subject: R, prop: 'subnetGroup', change: 'generated -> another SubnetGroup', before: RG_BASE,
    after: rg('subnet-group', ctx => ({ subnetGroup: new SubnetGroup(ctx.cacheStack, 'Subnets', { vpc: ctx.vpc }) })), expected: 'fails' },
  { subject: R, prop: 'subnetGroup', change: 'a SubnetGroup of the app renamed (subnetGroupName orders -> orders-2)',
    before: rg('subnet-group-orders', ctx => ({ subnetGroup: new SubnetGroup(ctx.cacheStack, 'Subnets', { vpc: ctx.vpc, subnetGroupName: 'orders' }) })),
    after: rg('subnet-group-orders-2', ctx => ({ subnetGroup: new SubnetGroup(ctx.cacheStack, 'Subnets', { vpc: ctx.vpc, subnetGroupName: 'orders-2' }) })),
    expected: 'fails', note: 'the subnet group is replaced under its new name, so the group\'s CacheSubnetGroupName changes at deployment: keep the name' },
  { subject: R, prop: 'securityGroups', change: 'generated -> one of the app', before: RG_BASE,
    after: rg('security-group', ctx => ({ securityGroups: [new ec2.SecurityGroup(ctx.cacheStack, 'Sg', { vpc: ctx.vpc })] })), expected: 'export-in-use' },
  { subject: R, prop: 'networkType', change: 'ipv4 -> dual stack', before: r7g, after: dualStack, expected: 'fails' },
  { subject: R, prop: 'ipDiscovery', change: 'default -> ipv6 (dual stack)', before: dualStack,
    after: rg('dual-stack-ipv6', () => ({ networkType: NetworkType.DUAL_STACK, nodeType: NodeType.R7G_LARGE, ipDiscovery: IpDiscovery.IPV6 })), expected: 'in-place' },
  { subject: R, prop: 'parameters', change: 'none -> maxmemory-policy', before: RG_BASE, after: withParams, expected: 'in-place' },
  { subject: R, prop: 'parameters', change: 'maxmemory-policy changed', before: withParams,
    after: rg('parameters-2', () => ({ parameters: { 'maxmemory-policy': 'volatile-ttl' } })), expected: 'in-place' },
  { subject: R, prop: 'maintenanceWindow', change: 'none -> sun:23:00-mon:01:30', before: RG_BASE,
    after: rg('maintenance', () => ({ maintenanceWindow: MaintenanceWindow.fromString('sun:23:00-mon:01:30') })), expected: 'in-place' },
  { subject: R, prop: 'autoMinorVersionUpgrade', change: 'true -> false', before: RG_BASE,
    after: rg('no-minor-upgrades', () => ({ autoMinorVersionUpgrade: false })), expected: 'in-place' },
  { subject: R, prop: 'notificationTopic', change: 'none -> a topic', before: RG_BASE,
    after: rg('topic', ctx => ({ notificationTopic: new sns.Topic(ctx.cacheStack, 'Events') })), expected: 'in-place' },
];
