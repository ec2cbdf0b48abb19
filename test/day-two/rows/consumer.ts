/** The matrix's rows of the consumer wiring (`ConnectFromOptions`, the consumer's stack) and of a cache's identity. */
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AccessString, Authentication, ReplicationGroup, User, UserAuthentication, UserGroup } from '../../../lib';
import { Row, state, State } from '../matrix';
import { rg } from '../states';
import { RG_BASE } from './replication-group';

const C = 'ConnectFromOptions' as const;
const I = 'identity' as const;

/** A group with two users of the app, `app` and `reporting`; the consumer connects as `as`. */
function twoUsers(as: 'app' | 'reporting'): State {
  return state(`consumer:two-users-${as}`, ctx => {
    const app = new User(ctx.cacheStack, 'AppUser', { userName: 'app', accessString: AccessString.readWrite() });
    const reporting = new User(ctx.cacheStack, 'Reporting', { userName: 'reporting', accessString: AccessString.readOnly() });
    const cache = new ReplicationGroup(ctx.cacheStack, 'Cache', {
      vpc: ctx.vpc, authentication: Authentication.userGroup(new UserGroup(ctx.cacheStack, 'Users', { users: [app, reporting] })),
    });
    cache.connectFrom(ctx.consumer(), { user: as === 'app' ? app : reporting });
  });
}

/** The default group, its consumer an ECS task (Fargate) in the consumer stack. */
const ecsConsumer = state('consumer:ecs', ctx => {
  const cache = new ReplicationGroup(ctx.cacheStack, 'Cache', { vpc: ctx.vpc });
  const consumerStack = ctx.stack('Consumer');
  const task = new ecs.FargateTaskDefinition(consumerStack, 'Task');
  const container = task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22') });
  const service = new ecs.FargateService(consumerStack, 'Service', {
    cluster: new ecs.Cluster(consumerStack, 'Cluster', { vpc: ctx.vpc }), taskDefinition: task,
    vpcSubnets: { subnetGroupName: 'Data' },
  });
  cache.connectFrom(service, { container, grantee: task.taskRole });
});

const noConsumer = rg('no-consumer', () => ({}), { consumerStack: null });

/** The default group with DNS names in a private zone of the network stack, its consumer wired after them (so, to the names). */
const dnsNames = state('consumer:dns-names', ctx => {
  const cache = new ReplicationGroup(ctx.cacheStack, 'Cache', { vpc: ctx.vpc });
  cache.addDnsRecords({ zone: new route53.PrivateHostedZone(ctx.network, 'Zone', { zoneName: 'cache.internal', vpc: ctx.vpc }), recordName: 'orders' });
  cache.connectFrom(ctx.consumer());
});

export const CONSUMER_ROWS: Row[] = [
  { subject: C, prop: 'name', change: 'none -> orders (CACHE_ORDERS_HOST...)', before: RG_BASE, after: rg('name', () => ({}), { options: () => ({ name: 'orders' }) }),
    expected: 'unchanged' },
  { subject: C, prop: 'user', change: 'app -> reporting', before: twoUsers('app'), after: twoUsers('reporting'), expected: 'export-in-use',
    note: 'the consumer stack stops importing the first user\'s secret: deploy it first, or keep the export one deployment' },
  { subject: C, prop: 'secret', change: 'the user\'s secret -> the same secret imported by name in the consumer stack',
    before: secretUser(false), after: secretUser(true), expected: 'export-in-use', note: 'the consumer stack stops importing the secret\'s ARN' },
  { subject: C, prop: 'useDnsNames', change: 'endpoints -> the DNS names of addDnsRecords() (the default once it is called)', before: RG_BASE,
    after: dnsNames, expected: 'unchanged',
    note: 'records are created; the cache stack keeps exporting the endpoints the deployed consumer stack imports until it is updated' },
  { subject: C, prop: 'grantee', change: 'the function -> a role of the consumer stack', before: RG_BASE,
    after: rg('grantee', () => ({}), { options: ctx => ({ grantee: new iam.Role(ctx.stack('Consumer'), 'Reader', { assumedBy: new iam.AccountRootPrincipal() }) }) }),
    expected: 'unchanged' },
  { subject: C, prop: 'container', change: 'a Lambda function -> an ECS task\'s container', before: RG_BASE, after: ecsConsumer, expected: 'unchanged',
    note: 'the task imports what the function imported' },
  { subject: C, prop: 'consumer stack', change: 'Consumer -> Consumer2 (another stack)', before: RG_BASE,
    after: rg('consumer-2', () => ({}), { consumerStack: 'Consumer2' }), expected: 'unchanged',
    note: 'the old consumer stack keeps importing until it is deleted; the exports stay' },
  { subject: C, prop: 'consumer stack', change: 'Consumer -> the cache stack', before: RG_BASE,
    after: rg('consumer-in-cache-stack', () => ({}), { consumerStack: 'Cache' }), expected: 'export-in-use',
    note: 'the cache stack stops exporting what the deployed consumer stack imports: delete (or redeploy) the consumer stack first' },
  { subject: I, prop: 'construct id', change: 'Cache -> OrdersCache', before: RG_BASE, after: rg('id-orders', () => ({}), { id: 'OrdersCache' }), expected: 'export-in-use',
    note: 'a new, empty group (a new generated id), and the exports the consumer imports change' },
  { subject: I, prop: 'construct id', change: 'Cache -> OrdersCache (no consumer)', before: noConsumer,
    after: rg('id-orders-no-consumer', () => ({}), { id: 'OrdersCache', consumerStack: null }), expected: 'replaced',
    note: 'a new, empty group under a new generated id; the old one is deleted (final snapshot)' },
  { subject: I, prop: 'stack', change: 'the cache moved to another stack (no consumer)', before: noConsumer,
    after: rg('stack-2-no-consumer', () => ({}), { cacheStack: 'Cache2', consumerStack: null }), expected: 'replaced',
    note: 'a new, empty group under a new generated id; the old one is deleted (final snapshot)' },
  { subject: I, prop: 'stack', change: 'the cache moved to another stack, its id pinned (no consumer)',
    before: rg('pinned-no-consumer', () => ({ replicationGroupId: 'orders' }), { consumerStack: null }),
    after: rg('pinned-stack-2-no-consumer', () => ({ replicationGroupId: 'orders' }), { cacheStack: 'Cache2', consumerStack: null }), expected: 'fails',
    note: 'CloudFormation cannot create the group in the new stack while the old one exists: use cdk refactor' },
];

/**
 * A group whose user `app` has its password in the secret `app-secret`, given to `connectFrom()`
 * (imported by name in the consumer's stack with `byName`).
 */
function secretUser(byName: boolean): State {
  return state(`consumer:secret${byName ? '-by-name' : ''}`, ctx => {
    const secret = new secretsmanager.Secret(ctx.cacheStack, 'AppSecret', {
      secretName: 'app-secret',
      generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludePunctuation: true },
    });
    const app = new User(ctx.cacheStack, 'AppUser', {
      userName: 'app', accessString: AccessString.readWrite(), authentication: UserAuthentication.password([secret.secretValueFromJson('password')]),
    });
    const cache = new ReplicationGroup(ctx.cacheStack, 'Cache', {
      vpc: ctx.vpc, authentication: Authentication.userGroup(new UserGroup(ctx.cacheStack, 'Users', { users: [app] })),
    });
    const fn = ctx.consumer();
    cache.connectFrom(fn, { user: app, secret: byName ? secretsmanager.Secret.fromSecretNameV2(fn, 'AppSecret', 'app-secret') : secret });
  });
}
