/** The matrix's rows of `UserProps` and `UserGroupProps`: a group authenticated with a user group of the app. */
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessString, Authentication, CacheEngine, RedisOssVersion, ReplicationGroup, User, UserAuthentication, UserGroup, UserGroupProps, UserProps,
} from '../../../lib';
import { Row, state, State } from '../matrix';
import { key } from '../states';

const U = 'UserProps' as const;
const G = 'UserGroupProps' as const;

/**
 * A Valkey group (or Redis OSS 7.1 with `engine`) authenticated with the user group `Users`, whose user `AppUser`
 * has `user`'s props; the consumer connects as it. `more` adds a user `Reporting`.
 */
export function users(key_: string, user: (ctx: Parameters<State['build']>[0]) => UserProps = () => ({}),
  group: (ctx: Parameters<State['build']>[0]) => UserGroupProps = () => ({}), options: { more?: boolean; engine?: CacheEngine } = {}): State {
  return state(`users:${key_}`, ctx => {
    const app = new User(ctx.cacheStack, 'AppUser', { userName: 'app', accessString: AccessString.readWrite(), engine: options.engine, ...user(ctx) });
    const members = [app];
    if (options.more) {
      members.push(new User(ctx.cacheStack, 'Reporting', { userName: 'reporting', accessString: AccessString.readOnly(), engine: options.engine }));
    }
    const userGroup = new UserGroup(ctx.cacheStack, 'Users', { users: members, engine: options.engine, ...group(ctx) });
    const cache = new ReplicationGroup(ctx.cacheStack, 'Cache', {
      vpc: ctx.vpc, authentication: Authentication.userGroup(userGroup),
      engine: options.engine === CacheEngine.REDIS_OSS ? RedisOssVersion.VER_7_1 : undefined, ...ctx.cacheProps,
    });
    const secret = ctx.cacheStack.node.tryFindChild('AppSecret') as secretsmanager.ISecret | undefined;
    cache.connectFrom(ctx.consumer(), { user: app, secret });
  });
}

const BASE = users('base');

export const USER_ROWS: Row[] = [
  { subject: U, prop: 'userId', change: 'generated -> app-user', before: BASE, after: users('user-id', () => ({ userId: 'app-user' })), expected: 'replaced',
    note: 'the id is the user\'s identity: a new id is a new user (add it to the group, then remove the old one)' },
  { subject: U, prop: 'userName', change: 'app -> orders', before: BASE, after: users('user-name', () => ({ userName: 'orders' })), expected: 'fails',
    note: 'the name is create-only' },
  { subject: U, prop: 'engine', change: 'Redis OSS -> Valkey (group and users)', before: users('redis', undefined, undefined, { engine: CacheEngine.REDIS_OSS }),
    after: users('valkey', undefined, undefined, { engine: CacheEngine.VALKEY }), expected: 'in-place',
    note: 'in place: the CloudFormation Template Reference says Engine updates users and user groups with no interruption and the registry schemas do not list it create-only (the CDK spec still says replacement)' },
  { subject: U, prop: 'accessString', change: 'read-write -> read-only', before: BASE, after: users('read-only', () => ({ accessString: AccessString.readOnly() })),
    expected: 'in-place' },
  { subject: U, prop: 'authentication', change: 'generated password -> passwords given', before: BASE,
    after: users('passwords', ctx => {
      const secret = new secretsmanager.Secret(ctx.cacheStack, 'AppSecret', {
        generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password', excludePunctuation: true },
      });
      return { authentication: UserAuthentication.password([secret.secretValueFromJson('password')]) };
    }),
    expected: 'export-in-use', note: 'the user updates in place; the consumer stack imports the generated password\'s secret' },
  { subject: U, prop: 'authentication', change: 'generated password -> IAM', before: BASE,
    after: users('iam', () => ({ userId: 'app', authentication: UserAuthentication.iam() })), expected: 'export-in-use',
    note: 'an IAM user\'s id is its name: a new user, the old one deleted (add the IAM user next to it, then remove the old one); the consumer stack imported the old user\'s secret' },
  { subject: G, prop: 'users', change: 'a user added', before: BASE, after: users('more', undefined, undefined, { more: true }), expected: 'in-place' },
  { subject: G, prop: 'users', change: 'a user removed', before: users('more', undefined, undefined, { more: true }), after: BASE, expected: 'deleted',
    note: 'the user leaves the group in place, then CloudFormation deletes it' },
  { subject: G, prop: 'userGroupId', change: 'generated -> orders-users', before: BASE, after: users('group-id', undefined, () => ({ userGroupId: 'orders-users' })),
    expected: 'replaced', note: 'the id is the group\'s identity' },
  { subject: G, prop: 'engine', change: 'Redis OSS -> Valkey', before: users('redis', undefined, undefined, { engine: CacheEngine.REDIS_OSS }),
    after: users('valkey', undefined, undefined, { engine: CacheEngine.VALKEY }), expected: 'in-place', note: 'as UserProps.engine' },
  { subject: G, prop: 'defaultUserEncryptionKey', change: 'none -> a key', before: BASE, after: users('default-user-key', undefined, ctx => ({ defaultUserEncryptionKey: key(ctx) })),
    expected: 'unchanged', note: 'only the secret of the disabled default user\'s password changes (not an ElastiCache resource)' },
];
