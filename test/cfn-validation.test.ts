import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AccessString, Authentication, CacheEngine, ClusterMode, EvictionPolicy, MemcachedCluster, NodeType, ParameterGroup, RedisOssVersion,
  ReplicationGroup,
  SubnetGroup, User, UserAuthentication, UserGroup, ValkeyVersion,
} from '../lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LogDelivery, LogDestination, LogFormat } from '../lib';

/** Each case builds its resources into an empty stack. */
const CASES: Array<[string, (stack: Stack) => void]> = [
  ['rotation: the default cache, a generated AUTH token with a key, a user of its own and a cache in the VPC, in one stack', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new ReplicationGroup(stack, 'Cache', { vpc }).addRotation({ automaticallyAfter: Duration.hours(4) });
    new ReplicationGroup(stack, 'Legacy', {
      vpc, engine: RedisOssVersion.VER_7_1, kmsKey: new kms.Key(stack, 'Key'), authentication: Authentication.generatedAuthToken(),
    }).addRotation({ rotateImmediatelyOnUpdate: false });
    new User(stack, 'Orders', { userName: 'orders', accessString: AccessString.keyPrefix('orders:') }).addRotation();
    new ReplicationGroup(stack, 'Checked', { vpc }).addRotation({ vpc });
  }],
  ['subnet group and parameter group', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new SubnetGroup(stack, 'Subnets', { vpc });
    new ParameterGroup(stack, 'Params', { engine: ValkeyVersion.VER_8_2, evictionPolicy: EvictionPolicy.ALLKEYS_LRU });
  }],
  ['Memcached cluster: 3 nodes cross-AZ, a client allowed in', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0 });
    const cluster = new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 3, parameters: { max_item_size: '10485760' } });
    cluster.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'Client', { vpc }));
  }],
  ['replication group, cluster mode enabled: shards with zones, a cluster parameter group, auto scaling, alarms by role', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const cache = new ReplicationGroup(stack, 'Sharded', {
      vpc, clusterMode: ClusterMode.ENABLED, nodeType: NodeType.R7G_LARGE, replicas: 1, evictionPolicy: EvictionPolicy.ALLKEYS_LFU,
      shardConfiguration: [
        { primaryAvailabilityZone: 'eu-west-1a', replicaAvailabilityZones: ['eu-west-1b'] },
        { primaryAvailabilityZone: 'eu-west-1b', replicaAvailabilityZones: ['eu-west-1a'] },
      ],
    });
    cache.autoScaleShards({ minCapacity: 2, maxCapacity: 8 }).scaleOnEngineCpuUtilization({ targetUtilizationPercent: 60 });
    cache.autoScaleReplicas({ minCapacity: 1, maxCapacity: 2 }).scaleOnEngineCpuUtilization({ targetUtilizationPercent: 50 });
    cache.addRecommendedAlarms();
    cache.addDashboard();
    new ReplicationGroup(stack, 'Seeded', {
      vpc, clusterMode: ClusterMode.ENABLED, restoreFromS3: ['arn:aws:s3:::bucket/dump.rdb'],
      shardConfiguration: [{ slots: '0-8191' }, { slots: '8192-16383' }],
    });
  }],
  ['replication group: the seed hands-on configuration', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new ReplicationGroup(stack, 'Cache', {
      vpc, engine: RedisOssVersion.VER_7_1, nodeType: NodeType.T2_MICRO, replicas: 0, multiAz: false,
      atRestEncryption: false, transitEncryption: false, backupRetention: Duration.days(0), autoMinorVersionUpgrade: true,
    });
  }],
  ['replication group: the production default, a client allowed in', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc });
    cache.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'Client', { vpc }));
  }],
  ['RBAC: a user group with a password user and an IAM user', stack => {
    const appUser = new User(stack, 'AppUser', { userName: 'app', accessString: AccessString.keyPrefix('app:') });
    const reader = new User(stack, 'Reader', {
      userId: 'reader', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.iam(), accessString: AccessString.readOnly(),
    });
    new UserGroup(stack, 'Users', { users: [appUser, reader] });
    new UserGroup(stack, 'RedisUsers', { engine: CacheEngine.REDIS_OSS, users: [reader] });
  }],
  ['replication group: RBAC with an IAM user and grantConnect, a customer managed key', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const worker = new User(stack, 'Worker', { userId: 'worker', authentication: UserAuthentication.iam(), accessString: AccessString.readOnly() });
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, kmsKey: new kms.Key(stack, 'Key'), authentication: Authentication.userGroup(new UserGroup(stack, 'Users', { users: [worker] })),
    });
    cache.grantConnect(new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() }), worker);
  }],
  ['observability: recommended alarms to a topic, dashboards, slow and engine logs, events to an encrypted topic', stack => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const alarmTopic = new sns.Topic(stack, 'Alarms');
    const events = new sns.Topic(stack, 'Events', { masterKey: new kms.Key(stack, 'EventsKey') });
    const cache = new ReplicationGroup(stack, 'Cache', {
      vpc, notificationTopic: events,
      logs: [LogDelivery.slowLog(LogDestination.newLogGroup()), LogDelivery.engineLog(LogDestination.newLogGroup(), { format: LogFormat.TEXT })],
    });
    cache.addRecommendedAlarms({ actions: [new cloudwatchActions.SnsAction(alarmTopic)] });
    cache.addDashboard();
    const memcached = new MemcachedCluster(stack, 'Memcached', { vpc, nodes: 12, notificationTopic: events });
    memcached.addRecommendedAlarms({ actions: [new cloudwatchActions.SnsAction(alarmTopic)] });
    memcached.addDashboard();
  }],
];

/**
 * aws-cdk-lib validates synthesized templates against CloudFormation's rules (resource schemas,
 * references). The rest of the suite turns that off for speed (test/setup-env.ts); here it runs in
 * construct-library strict mode, where any finding fails the synthesis.
 */
describe('CloudFormation validation of the templates the library writes', () => {
  const previous = process.env.CDK_VALIDATION;
  const strict = () => new App({ context: { '@aws-cdk/core:strictCfnValidateErrors': true } });
  beforeAll(() => {
    delete process.env.CDK_VALIDATION;
    // aws-cdk-lib keeps one validation engine and builds it anew (seconds, in WebAssembly) whenever a
    // template holds a resource type the current engine was not built for. One synthesis of every
    // case at once, not strict (the tests below are), builds it once for all of them.
    const warmUp = new App();
    CASES.forEach(([, build], i) => build(new Stack(warmUp, `Case${i}`)));
    warmUp.synth();
  });
  afterAll(() => { process.env.CDK_VALIDATION = previous; });

  test.each(CASES)('%s', (_name, build) => {
    const app = strict();
    build(new Stack(app, 'Stack'));
    expect(() => app.synth()).not.toThrow();
  });










  test('strict mode really fails on a finding', () => {
    const app = strict();
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // A reference to nothing: the validator must catch it, or this test proves nothing.
    const sg = new SubnetGroup(stack, 'Other', { vpc });
    (sg.node.defaultChild as CfnSubnetGroup).addPropertyOverride('CacheSubnetGroupName', { Ref: 'Nothing' });
    expect(() => app.synth()).toThrow();
  });
});
