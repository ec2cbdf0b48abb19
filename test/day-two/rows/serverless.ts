/** The matrix's rows of `ServerlessCacheProps`. */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Authentication, DailySnapshotTime, NetworkType, ServerlessEngine } from '../../../lib';
import { Row, SUBNETS } from '../matrix';
import { key, sl } from '../states';
import { givenUserGroup } from './replication-group';

const S = 'ServerlessCacheProps' as const;

/** The default serverless cache: Valkey 8, a generated user group, 15 days of snapshots. */
const BASE = sl('base');
const keyed = sl('kms-key', ctx => ({ kmsKey: key(ctx) }));
const limits = sl('limits', () => ({ dataStorageMaximum: Size.gibibytes(10), ecpuPerSecondMaximum: 5000 }));
const redis7 = sl('redis-7', () => ({ engine: ServerlessEngine.REDIS_OSS_7 }));

export const SERVERLESS_ROWS: Row[] = [
  { subject: S, prop: 'serverlessCacheName', change: 'generated -> sessions', before: BASE, after: sl('name', () => ({ serverlessCacheName: 'sessions' })),
    expected: 'replaced', note: 'the name is the cache\'s identity: a new name is a new cache' },
  { subject: S, prop: 'description', change: 'default -> "Sessions"', before: BASE, after: sl('description', () => ({ description: 'Sessions' })), expected: 'in-place' },
  { subject: S, prop: 'engine', change: 'Valkey 7 -> 8', before: sl('valkey-7', () => ({ engine: ServerlessEngine.VALKEY_7 })), after: BASE, expected: 'in-place' },
  { subject: S, prop: 'engine', change: 'Valkey 8 -> 7 (downgrade)', before: BASE, after: sl('valkey-7', () => ({ engine: ServerlessEngine.VALKEY_7 })), expected: 'refused' },
  // As the replication group's: in place by the CloudFormation Template Reference and the registry schemas (not the CDK spec).
  { subject: S, prop: 'engine', change: 'Redis OSS 7 -> Valkey 8', before: redis7, after: BASE, expected: 'in-place',
    note: 'in place: the CloudFormation Template Reference says Engine updates users and user groups with no interruption and the registry schemas do not list it create-only (the CDK spec still says replacement)' },
  { subject: S, prop: 'vpc', change: 'another VPC (no consumer)', before: sl('no-consumer', () => ({}), { consumerStack: null }),
    after: sl('other-vpc', ctx => ({ vpc: ctx.otherVpc() }), { consumerStack: null }), expected: 'fails' },
  { subject: S, prop: 'vpcSubnets', change: 'all isolated subnets -> one subnet group', before: BASE,
    after: sl('subnets-data', () => ({ vpcSubnets: { subnetGroupName: SUBNETS.data } })), expected: 'fails' },
  { subject: S, prop: 'securityGroups', change: 'generated -> one of the app', before: BASE,
    after: sl('security-group', ctx => ({ securityGroups: [new ec2.SecurityGroup(ctx.cacheStack, 'Sg', { vpc: ctx.vpc })] })), expected: 'export-in-use' },
  { subject: S, prop: 'networkType', change: 'ipv4 -> dual stack', before: BASE, after: sl('dual-stack', () => ({ networkType: NetworkType.DUAL_STACK })), expected: 'fails',
    note: 'the network type is set at creation only' },
  { subject: S, prop: 'dataStorageMinimum', change: 'none -> 1 GiB', before: BASE, after: sl('storage-min', () => ({ dataStorageMinimum: Size.gibibytes(1) })), expected: 'in-place' },
  { subject: S, prop: 'dataStorageMaximum', change: 'none -> 10 GiB (with an ECPU limit)', before: BASE, after: limits, expected: 'in-place' },
  { subject: S, prop: 'dataStorageMaximum', change: '10 -> 20 GiB', before: limits,
    after: sl('limits-20', () => ({ dataStorageMaximum: Size.gibibytes(20), ecpuPerSecondMaximum: 5000 })), expected: 'in-place' },
  { subject: S, prop: 'ecpuPerSecondMinimum', change: 'none -> 1000', before: BASE, after: sl('ecpu-min', () => ({ ecpuPerSecondMinimum: 1000 })), expected: 'in-place' },
  { subject: S, prop: 'ecpuPerSecondMaximum', change: '5000 -> 10000', before: limits,
    after: sl('limits-ecpu', () => ({ dataStorageMaximum: Size.gibibytes(10), ecpuPerSecondMaximum: 10000 })), expected: 'in-place' },
  { subject: S, prop: 'kmsKey', change: 'added', before: BASE, after: keyed, expected: 'fails' },
  { subject: S, prop: 'kmsKey', change: 'removed', before: keyed, after: BASE, expected: 'fails' },
  { subject: S, prop: 'authentication', change: 'generated user group -> a user group of the app', before: BASE,
    after: sl('user-group', ctx => ({ authentication: Authentication.userGroup(givenUserGroup(ctx)) }), { options: ctx => ({ user: ctx.cacheStack.node.findChild('AppUser') as never }) }),
    expected: 'export-in-use' },
  { subject: S, prop: 'backupRetention', change: '15 -> 7 days', before: BASE, after: sl('backups-7', () => ({ backupRetention: Duration.days(7) })), expected: 'in-place' },
  { subject: S, prop: 'dailySnapshotTime', change: 'none -> 04:30', before: BASE,
    after: sl('snapshot-time', () => ({ dailySnapshotTime: DailySnapshotTime.fromString('04:30') })), expected: 'in-place' },
  { subject: S, prop: 'restoreFromSnapshots', change: 'none -> a snapshot', before: BASE,
    after: sl('restore', () => ({ restoreFromSnapshots: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:sessions-1'] })), expected: 'fails',
    note: 'it exists only at creation: a restore is a new cache' },
  { subject: S, prop: 'finalSnapshotName', change: 'default -> sessions-last', before: BASE,
    after: sl('final-snapshot', () => ({ finalSnapshotName: 'sessions-last' })), expected: 'in-place' },
  { subject: S, prop: 'verifyDeployedState', change: 'false -> true',
    before: BASE, after: sl('verify-state', () => ({ verifyDeployedState: true })), expected: 'unchanged',
    note: 'a synth-time check only (the stacks are environment-agnostic here: it warns); nothing in the template changes' },
  { subject: S, prop: 'removalPolicy', change: 'SNAPSHOT -> RETAIN', before: BASE, after: sl('retain', () => ({ removalPolicy: RemovalPolicy.RETAIN })), expected: 'in-place',
    note: 'only the deletion policies change' },
];
