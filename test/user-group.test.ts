import { App, CfnParameter, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnServerlessCache, CfnUser, CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AccessString, CacheEngine, CacheEngineVersion, IUserGroup, RedisOssVersion, User, UserAuthentication,
  UserAuthenticationType, UserGroup, ValkeyVersion,
} from '../lib';
import { CacheValidationError } from '../lib/validation-error';
import { validateUserGroupForCache } from '../lib/private/rbac';

function stack() {
  return new Stack(new App(), 'Stack');
}

function logicalId(s: Stack, user: User) {
  return s.getLogicalId(user.node.defaultChild as CfnUser);
}

describe('UserGroup', () => {
  test('defaultUserEncryptionKey encrypts the created default user\'s password; a Redis OSS group has no secret for it', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    new UserGroup(s, 'Users', { defaultUserEncryptionKey: key });
    Template.fromStack(s).hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
    });
    expect(() => new UserGroup(s, 'Redis', { engine: CacheEngine.REDIS_OSS, defaultUserEncryptionKey: key })).toThrow(
      'Stack/Redis: Invalid defaultUserEncryptionKey: got a key on a Redis OSS group. Allowed: no key;');
  });

  test('defaults: Valkey, a generated id, and a disabled default user with a generated password', () => {
    const s = stack();
    const group = new UserGroup(s, 'Users');
    const template = Template.fromStack(s);
    const defaultUser = group.users[0] as User;
    expect(group.users).toHaveLength(1);
    expect(defaultUser.node.path).toBe('Stack/Users/DefaultUser');
    template.hasResourceProperties('AWS::ElastiCache::UserGroup', {
      UserGroupId: Match.stringLikeRegexp('^stack-users-[a-z0-9]{8}$'),
      Engine: 'valkey',
      UserIds: [{ Ref: logicalId(s, defaultUser) }],
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default',
      UserId: Match.stringLikeRegexp('^stack-users-defaultuser-[a-z0-9]{8}$'),
      Engine: 'valkey',
      AccessString: 'off -@all',
      AuthenticationMode: { Type: 'password', Passwords: Match.anyValue() },
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(group.engine).toBe(CacheEngine.VALKEY);
    expect(group.hasIamUsers).toBe(false);
    const groupId = s.getLogicalId(group.node.defaultChild as CfnUserGroup);
    expect(groupId).toMatch(/^Users[0-9A-F]{8}$/);
    expect(s.resolve(group.userGroupId)).toEqual({ Ref: groupId });
    expect(s.resolve(group.userGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':',
        { Ref: 'AWS::AccountId' }, ':usergroup:', { Ref: groupId }]],
    });
    expect(s.resolve(group.userGroupRef)).toEqual({ userGroupId: { Ref: groupId }, userGroupArn: s.resolve(group.userGroupArn) });
  });

  test('a Redis OSS group gets a disabled default user without a password (no secret)', () => {
    const s = stack();
    new UserGroup(s, 'Users', { engine: CacheEngine.REDIS_OSS, userGroupId: 'App-Users' });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::ElastiCache::UserGroup', { UserGroupId: 'app-users', Engine: 'redis' });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default', Engine: 'redis', AccessString: 'off -@all', AuthenticationMode: { Type: 'no-password-required' },
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('users: password and IAM users, in order, with explicit dependencies', () => {
    const s = stack();
    const app = new User(s, 'App', { userId: 'app', accessString: AccessString.keyPrefix('app:') });
    const reader = new User(s, 'Reader', { userId: 'reader', authentication: UserAuthentication.iam() });
    const group = new UserGroup(s, 'Users', { users: [app] });
    group.addUser(reader);
    const template = Template.fromStack(s);
    const defaultUser = group.users[0] as User;
    template.hasResource('AWS::ElastiCache::UserGroup', {
      Properties: { UserIds: [{ Ref: logicalId(s, defaultUser) }, 'app', 'reader'] },
      DependsOn: Match.arrayWith([logicalId(s, app), logicalId(s, reader)]),
    });
    expect(group.users).toEqual([defaultUser, app, reader]);
    expect(group.hasIamUsers).toBe(true);
  });

  test.each([
    ['in users', true],
    ['with addUser()', false],
  ])('a user named default given %s replaces the created one', (_, inProps) => {
    const s = stack();
    const mine = new User(s, 'Default', { userName: 'default', accessString: AccessString.readOnly('public:*') });
    const group = new UserGroup(s, 'Users', inProps ? { users: [mine] } : {});
    if (!inProps) {
      group.addUser(mine);
    }
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::ElastiCache::User', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1); // the given user's, not a second one
    expect(group.node.tryFindChild('DefaultUser')).toBeUndefined();
    template.hasResource('AWS::ElastiCache::UserGroup', {
      Properties: { UserIds: [mine.userId] },
      DependsOn: Match.arrayWith([logicalId(s, mine)]),
    });
    expect(group.users).toEqual([mine]);
  });

  test('an imported user named default counts as the default user', () => {
    const s = stack();
    const group = new UserGroup(s, 'Users', {
      users: [User.fromUserAttributes(s, 'Mine', { userId: 'my-default', userName: 'default', engine: CacheEngine.VALKEY })],
    });
    Template.fromStack(s).resourceCountIs('AWS::ElastiCache::User', 0);
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::UserGroup', { UserIds: ['my-default'] });
    expect(group.hasIamUsers).toBe(undefined); // the import's authentication is unknown
  });

  test('Valkey groups take Redis OSS users that authenticate', () => {
    const s = stack();
    const redis = new User(s, 'Redis', { userId: 'redis-user', engine: CacheEngine.REDIS_OSS });
    const group = new UserGroup(s, 'Users', { users: [redis] });
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::UserGroup', { Engine: 'valkey', UserIds: Match.arrayWith(['redis-user']) });
    expect(group.users).toContain(redis);
  });

  test('Redis OSS groups take users without a password', () => {
    const s = stack();
    const anon = new User(s, 'Anon', { userName: 'default', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.noPassword() });
    expect(() => new UserGroup(s, 'Users', { engine: CacheEngine.REDIS_OSS, users: [anon] })).not.toThrow();
  });

  test('the built-in default user is accepted in a Redis OSS group with a warning', () => {
    const s = stack();
    const builtIn = User.fromUserId(s, 'BuiltIn', 'default');
    const group = new UserGroup(s, 'Users', { engine: CacheEngine.REDIS_OSS, users: [builtIn] });
    expect(group.users).toEqual([builtIn]);
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::UserGroup', { UserIds: ['default'] });
    Annotations.fromStack(s).hasWarning('/Stack/Users', Match.stringLikeRegexp(
      "The user group holds the user with id 'default' that ElastiCache creates in every Region: it has no password.*"
      + 'ack: cdk-elasticache:builtInDefaultUser'));
  });

  test('token ids pass, and a token user id is never a duplicate', () => {
    const s = stack();
    const id = new CfnParameter(s, 'GroupId').valueAsString;
    const userId = new CfnParameter(s, 'UserId').valueAsString;
    const group = new UserGroup(s, 'Users', { userGroupId: id });
    group.addUser(User.fromUserId(s, 'A', userId));
    group.addUser(User.fromUserId(s, 'B', userId));
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::UserGroup', {
      UserGroupId: { Ref: 'GroupId' }, UserIds: Match.arrayWith([{ Ref: 'UserId' }]),
    });
  });

  test('a user in another stack makes the group stack depend on it', () => {
    const app = new App();
    const users = new Stack(app, 'Users');
    const caches = new Stack(app, 'Caches');
    const user = new User(users, 'App', { userId: 'app' });
    new UserGroup(caches, 'Group', { users: [user] });
    app.synth();
    expect(caches.dependencies).toContain(users);
  });

  type BadCase = [string, (s: Stack) => void, string];
  test.each<BadCase>([
    ['a Memcached group', s => new UserGroup(s, 'Users', { engine: CacheEngine.MEMCACHED }),
      "Stack/Users: Invalid engine: got 'memcached'. Allowed: CacheEngine.VALKEY or CacheEngine.REDIS_OSS; Memcached has no user groups."],
    ['a bad id', s => new UserGroup(s, 'Users', { userGroupId: 'my_users' }),
      "Stack/Users: Invalid userGroupId: got 'my_users'. Allowed: an id of letters, digits and hyphens, starting with a letter."],
    ['a Valkey user in a Redis OSS group', s => new UserGroup(s, 'Users', {
      engine: CacheEngine.REDIS_OSS, users: [new User(s, 'App', { userId: 'app' })],
    }), "Stack/Users: Invalid users: got the Valkey user 'app'. Allowed: Redis OSS users only; a Redis OSS user group takes no Valkey user."],
    ['an imported Valkey user in a Redis OSS group', s => new UserGroup(s, 'Users', {
      engine: CacheEngine.REDIS_OSS, users: [User.fromUserAttributes(s, 'App', { userId: 'app', engine: CacheEngine.VALKEY })],
    }), "Invalid users: got the Valkey user 'app'."],
    ['a user without a password in a Valkey group', s => new UserGroup(s, 'Users', {
      users: [new User(s, 'Anon', { userId: 'anon', engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.noPassword() })],
    }), "Stack/Users: Invalid users: got the user 'anon' without a password. Allowed: users that authenticate with a password or IAM; "
      + 'a Valkey user group takes no user without a password.'],
    ['the built-in default user in a Valkey group', s => new UserGroup(s, 'Users', {
      users: [User.fromUserId(s, 'BuiltIn', 'default')],
    }), "Invalid users: got the user 'default' without a password."],
    ['the same user twice', s => {
      const app = new User(s, 'App', { userId: 'app' });
      new UserGroup(s, 'Users', { users: [app, app] });
    }, "Stack/Users: Invalid users: got the user id 'app' twice. Allowed: each user once; user ids are unique."],
    ['two users with one id', s => new UserGroup(s, 'Users', {
      users: [new User(s, 'A', { userId: 'app' }), User.fromUserId(s, 'B', 'app')],
    }), "Invalid users: got the user id 'app' twice."],
    ['two users with one name', s => new UserGroup(s, 'Users', {
      users: [new User(s, 'A', { userId: 'app-a', userName: 'app' }), new User(s, 'B', { userId: 'app-b', userName: 'app' })],
    }), "Stack/Users: Invalid users: got two users named 'app' ('app-b' and 'app-a'). Allowed: distinct user names in a group"],
    ['two users named default', s => {
      const group = new UserGroup(s, 'Users', { users: [new User(s, 'A', { userName: 'default' })] });
      group.addUser(User.fromUserAttributes(s, 'B', { userId: 'other-default', userName: 'default' }));
    }, "Invalid users: got two users named 'default' ('other-default' and"],
    ['an imported group with a bad id', s => UserGroup.fromUserGroupId(s, 'Imported', 'my_users'),
      "Stack/Imported: Invalid userGroupId: got 'my_users'."],
    ['an imported Memcached group', s => UserGroup.fromUserGroupAttributes(s, 'Imported', { userGroupId: 'g', engine: CacheEngine.MEMCACHED }),
      "Stack/Imported: Invalid engine: got 'memcached'."],
  ])('rejects %s', (_, make, message) => {
    expect(() => make(stack())).toThrow(CacheValidationError);
    expect(() => make(stack())).toThrow(message);
  });

  test('importers: id, ARN, engine; works with an L1 that takes the reference', () => {
    const s = stack();
    const byId = UserGroup.fromUserGroupId(s, 'ById', 'app-users');
    const byAttrs = UserGroup.fromUserGroupAttributes(s, 'ByAttrs', { userGroupId: 'redis-users', engine: CacheEngine.REDIS_OSS });
    expect(byId.userGroupId).toBe('app-users');
    expect(byId.engine).toBeUndefined();
    expect(byId.hasIamUsers).toBeUndefined();
    expect(byAttrs.engine).toBe(CacheEngine.REDIS_OSS);
    expect(s.resolve(byId.userGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':',
        { Ref: 'AWS::AccountId' }, ':usergroup:app-users']],
    });
    new CfnServerlessCache(s, 'Cache', { engine: 'valkey', serverlessCacheName: 'c', userGroupId: byId });
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::ServerlessCache', { UserGroupId: 'app-users' });
  });

  test('a created group passed to an L1 by reference', () => {
    const s = stack();
    const group = new UserGroup(s, 'Users');
    new CfnServerlessCache(s, 'Cache', { engine: 'valkey', serverlessCacheName: 'c', userGroupId: group });
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      UserGroupId: { Ref: s.getLogicalId(group.node.defaultChild as CfnUserGroup) },
    });
  });
});

describe('validateUserGroupForCache (the check a cache makes on its user group)', () => {
  const s = stack();
  const valkeyGroup = new UserGroup(s, 'Valkey');
  const redisGroup = new UserGroup(s, 'Redis', { engine: CacheEngine.REDIS_OSS });
  const iamGroup = new UserGroup(s, 'Iam', {
    engine: CacheEngine.REDIS_OSS,
    users: [new User(s, 'IamUser', { engine: CacheEngine.REDIS_OSS, authentication: UserAuthentication.iam() })],
  });
  const imported = UserGroup.fromUserGroupId(s, 'Imported', 'users');
  const passwordUser = new User(s, 'PasswordUser', {
    engine: CacheEngine.REDIS_OSS,
    authentication: UserAuthentication.password([SecretValue.secretsManager('x')]),
  });
  const passwordGroup = new UserGroup(s, 'Passwords', { engine: CacheEngine.REDIS_OSS, users: [passwordUser] });

  test.each<[string, CacheEngineVersion, IUserGroup]>([
    ['Valkey group on Valkey', ValkeyVersion.VER_8_2, valkeyGroup],
    ['Redis OSS group on Valkey', ValkeyVersion.VER_7_2, redisGroup],
    ['Redis OSS group on Redis OSS 6.0', RedisOssVersion.of('6.0'), passwordGroup],
    ['IAM users on Redis OSS 7.0', RedisOssVersion.VER_7_0, iamGroup],
    ['IAM users on Valkey 7.2', ValkeyVersion.VER_7_2, iamGroup],
    ['an imported group on Redis OSS 6.2', RedisOssVersion.VER_6_2, imported],
  ])('accepts %s', (_, engine, group) => {
    expect(() => validateUserGroupForCache(s, 'userGroup', engine, group, true)).not.toThrow();
  });

  test.each<[string, CacheEngineVersion, IUserGroup, boolean, string]>([
    ['RBAC before Redis OSS 6.0', RedisOssVersion.of('5.0.6'), passwordGroup, true,
      'Invalid userGroup: got a user group on Redis OSS 5.0.6. Allowed: user groups (RBAC) on Valkey 7.2+ or Redis OSS 6.0+'],
    ['a Valkey group on Redis OSS', RedisOssVersion.VER_7_1, valkeyGroup, true,
      'Invalid userGroup: got a Valkey user group. Allowed: a Redis OSS user group on Redis OSS 7.1; Redis OSS caches accept only '
      + 'Redis OSS user groups (Valkey caches accept both).'],
    ['no TLS', ValkeyVersion.VER_8_2, valkeyGroup, false,
      'Invalid userGroup: got a user group without encryption in transit. Allowed: user groups (RBAC) only with encryption in transit'],
    ['IAM users on Redis OSS 6.2', RedisOssVersion.VER_6_2, iamGroup, true,
      'Invalid userGroup: got a user group with IAM users on Redis OSS 6.2. Allowed: IAM authentication on Valkey 7.2+ or Redis OSS 7.0+'],
  ])('rejects %s', (_, engine, group, tls, message) => {
    expect(() => validateUserGroupForCache(s, 'userGroup', engine, group, tls)).toThrow(message);
  });

  test('sees users added after the cache took the group', () => {
    const late = new UserGroup(stack(), 'Late', { engine: CacheEngine.REDIS_OSS });
    expect(() => validateUserGroupForCache(s, 'userGroup', RedisOssVersion.VER_6_2, late, true)).not.toThrow();
    late.addUser(User.fromUserAttributes(late, 'Iam', { userId: 'iam', engine: CacheEngine.REDIS_OSS, authenticationType: UserAuthenticationType.IAM }));
    expect(() => validateUserGroupForCache(s, 'userGroup', RedisOssVersion.VER_6_2, late, true)).toThrow('with IAM users');
  });
});
