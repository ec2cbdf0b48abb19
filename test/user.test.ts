import { App, CfnParameter, CfnResource, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnUser } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AccessString, CacheEngine, KeyAccessLevel, User, UserAuthentication, UserAuthenticationType, UserProps } from '../lib';
import { CacheValidationError } from '../lib/validation-error';
import { literalSecret, validatePassword } from '../lib/private/passwords';
import { INVALID_ACCESS_STRINGS, VALID_ACCESS_STRINGS } from './acl-samples';

function stack() {
  return new Stack(new App(), 'Stack');
}

// What the helpers allow beyond the key pattern (proven on real servers in test/servers/access-strings.test.ts).
const RO = '-@all +@connection +@read +@transaction -@dangerous +eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots';
const RW = '-@all +@connection +@read +@write +@transaction -@dangerous -@scripting -move +eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots';

const GOOD_PASSWORD = 'Abcdefgh12345678!&#$^<>-';

describe('AccessString', () => {
  test.each([
    [AccessString.disabled(), 'off -@all'],
    [AccessString.fullAccess(), 'on ~* &* +@all'],
    [AccessString.readOnly(), `on ~* ${RO}`],
    [AccessString.readOnly('session:*'), `on ~session:* ${RO}`],
    [AccessString.readWrite(), `on ~* ${RW}`],
    [AccessString.readWrite('cart:{*}'), `on ~cart:{*} ${RW}`],
    [AccessString.keyPrefix('orders:'), `on ~orders:* ${RW}`],
    [AccessString.keyPrefix('orders:', KeyAccessLevel.READ_WRITE), `on ~orders:* ${RW}`],
    [AccessString.keyPrefix('orders:', KeyAccessLevel.READ_ONLY), `on ~orders:* ${RO}`],
    [AccessString.of('on ~* -@all +get +set'), 'on ~* -@all +get +set'],
    [AccessString.of('on ~a:* resetkeys ~b:* +@all'), 'on ~a:* resetkeys ~b:* +@all'],
  ])('%s', (accessString, value) => {
    expect(accessString.value).toBe(value);
    expect(`${accessString}`).toBe(value);
  });

  test.each([
    ['', "Invalid accessString: got ''. Allowed: ACL rules such as 'on ~* -@all +@read'"],
    ['   ', "Invalid accessString: got '   '."],
    ['on >secret123 ~* +@all', "Invalid accessString: got a password rule starting with '>'. Allowed: ACL rules without passwords"],
    ['on <secret123 ~* +@all', "got a password rule starting with '<'"],
    ['on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~*', "got a password rule starting with '#'"],
    ['on !5e884898da2804 ~*', "got a password rule starting with '!'"],
    ['on nopass ~* +@all', "Invalid accessString: got 'nopass'."],
    ['on resetpass ~* +@all', "got 'resetpass'"],
    ['reset on ~* +@all', "got 'reset'"],
    ['on RESET ~* +@all', "got 'RESET'"],
  ])('of(%p) is rejected', (value, message) => {
    expect(() => AccessString.of(value)).toThrow(message);
  });

  test.each(VALID_ACCESS_STRINGS)('of(%p) passes the grammar check', (value) => {
    expect(AccessString.of(value).value).toBe(value);
  });

  test.each(INVALID_ACCESS_STRINGS)('of(%p) is a grammar error naming accessString', (value, message) => {
    expect(() => AccessString.of(value)).toThrow(CacheValidationError);
    expect(() => AccessString.of(value)).toThrow(message);
  });

  test('a password rule inside a selector is rejected without echoing it', () => {
    expect(() => AccessString.of('on ~* (>hunter2hunter2 +get)')).toThrow(expect.objectContaining({
      message: expect.stringContaining("got a password rule starting with '>'"),
    }));
    expect(() => AccessString.of('on ~* (>hunter2hunter2 +get)')).toThrow(expect.objectContaining({
      message: expect.not.stringContaining('hunter2'),
    }));
  });

  test('the message never echoes a password rule', () => {
    expect(() => AccessString.of('on >hunter2hunter2 ~*')).toThrow(expect.objectContaining({
      message: expect.not.stringContaining('hunter2'),
    }));
  });

  test.each([
    [() => AccessString.readOnly(''), "Invalid keyPattern: got ''. Allowed: a non-empty key pattern without whitespace."],
    [() => AccessString.readWrite('a b'), "Invalid keyPattern: got 'a b'."],
    [() => AccessString.keyPrefix(''), "Invalid keyPrefix: got ''. Allowed: a non-empty prefix without glob characters"],
    [() => AccessString.keyPrefix('app:*'), "Invalid keyPrefix: got 'app:*'."],
    [() => AccessString.keyPrefix('a?'), "Invalid keyPrefix: got 'a?'."],
    [() => AccessString.keyPrefix('a[b]'), "Invalid keyPrefix: got 'a[b]'."],
    [() => AccessString.keyPrefix('app '), "Invalid keyPrefix: got 'app '. Allowed: a non-empty key pattern without whitespace."],
  ])('helper input %# is rejected', (make, message) => {
    expect(make).toThrow(CacheValidationError);
    expect(make).toThrow(message);
  });

  test('tokens pass unchecked', () => {
    const s = stack();
    const raw = new CfnParameter(s, 'Acl').valueAsString;
    const prefix = new CfnParameter(s, 'Prefix').valueAsString;
    expect(AccessString.of(raw).value).toBe(raw);
    expect(s.resolve(AccessString.keyPrefix(prefix).value)).toEqual({
      'Fn::Join': ['', ['on ~', { Ref: 'Prefix' }, `* ${RW}`]],
    });
  });
});

describe('User', () => {
  test.each([
    ['on ~* +@all -config -debug', 'config, debug'],
    ['on ~* -@all +@read +CONFIG|get +bgsave +save', 'config, bgsave, save'],
    ['on ~* -@all +@read (~a:* +shutdown)', 'shutdown'],
  ])('an access string naming restricted commands (%p) warns restrictedCommand', (value, names) => {
    const s = stack();
    new User(s, 'Admin', { accessString: AccessString.of(value) });
    const warnings = Annotations.fromStack(s).findWarning('/Stack/Admin', Match.stringLikeRegexp('restrictedCommand'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain(`The access string names ${names}: ElastiCache never runs these commands`);
  });

  test('the helpers name no restricted command (no warning)', () => {
    const s = stack();
    [AccessString.readOnly(), AccessString.readWrite(), AccessString.keyPrefix('a:'), AccessString.fullAccess(), AccessString.disabled(),
      AccessString.of('on ~* -@all +configure +saveit')].forEach((accessString, i) => new User(s, `U${i}`, { accessString }));
    expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('defaults: Valkey, a generated id and name, a generated password in a secret, disabled', () => {
    const s = stack();
    const user = new User(s, 'AppUser');
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::ElastiCache::User', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const secretId = s.getLogicalId(user.secret!.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: Match.stringLikeRegexp('^stack-appuser-[a-z0-9]{8}$'),
      UserName: user.userId,
      Engine: 'valkey',
      AccessString: 'off -@all',
      AuthenticationMode: {
        Type: 'password',
        Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']] }],
      },
      NoPasswordRequired: Match.absent(),
      Passwords: Match.absent(),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Password of the ElastiCache Valkey user Stack/AppUser',
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ username: user.userId }),
        GenerateStringKey: 'password',
        PasswordLength: 32,
        ExcludePunctuation: true,
        IncludeSpace: false,
      },
      KmsKeyId: Match.absent(),
      Name: Match.absent(),
    });
    expect(user.userId).toMatch(/^stack-appuser-[a-z0-9]{8}$/);
    expect(user.userName).toBe(user.userId);
    expect(user.engine).toBe(CacheEngine.VALKEY);
    expect(user.authenticationType).toBe(UserAuthenticationType.PASSWORD);
    expect(user.authentication.type).toBe(UserAuthenticationType.PASSWORD);
    expect(user.accessString.value).toBe('off -@all');
    const logicalId = s.getLogicalId(user.node.defaultChild as CfnUser);
    expect(logicalId).toMatch(/^AppUser[0-9A-F]{8}$/);
    expect(s.resolve(user.userRef)).toEqual({ userName: { Ref: logicalId }, userArn: { 'Fn::GetAtt': [logicalId, 'Arn'] } });
    expect(s.resolve(user.userArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':',
        { Ref: 'AWS::AccountId' }, `:user:${user.userId}`]],
    });
  });

  test('generated ids stay within 40 characters and start with a letter', () => {
    const s = stack();
    const ids = [new User(s, 'U'.repeat(100)), new User(s, '9Users')].map(u => u.userId);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(40);
      expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    }
  });

  test('generated password: name, customer-managed KMS key, user name in the secret', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    const user = new User(s, 'App', {
      userId: 'App-User',
      userName: 'app',
      engine: CacheEngine.REDIS_OSS,
      accessString: AccessString.readOnly(),
      authentication: UserAuthentication.generatedPassword({ secretName: 'cache/app', encryptionKey: key }),
    });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'cache/app',
      KmsKeyId: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}' }),
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: 'app-user', UserName: 'app', Engine: 'redis', AccessString: `on ~* ${RO}`,
    });
    expect(user.userId).toBe('app-user');
    expect(user.secret).toBeDefined();
  });

  test('one or two passwords of your own; no secret is created', () => {
    const s = stack();
    const user = new User(s, 'App', {
      authentication: UserAuthentication.password([
        SecretValue.secretsManager('cache/app', { jsonField: 'password' }),
        SecretValue.unsafePlainText(GOOD_PASSWORD),
      ]),
    });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      AuthenticationMode: {
        Type: 'password',
        Passwords: ['{{resolve:secretsmanager:cache/app:SecretString:password::}}', GOOD_PASSWORD],
      },
    });
    expect(user.secret).toBeUndefined();
  });

  test('IAM: the user name is the user id; no password, no secret', () => {
    const s = stack();
    const user = new User(s, 'Reader', { userId: 'Reader-1', authentication: UserAuthentication.iam() });
    const byName = new User(s, 'ByName', { userName: 'writer-1', authentication: UserAuthentication.iam() });
    const generated = new User(s, 'Generated', { authentication: UserAuthentication.iam() });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: 'reader-1', UserName: 'reader-1', AuthenticationMode: { Type: 'iam' },
    });
    template.hasResourceProperties('AWS::ElastiCache::User', { UserId: 'writer-1', UserName: 'writer-1' });
    expect(user.authenticationType).toBe(UserAuthenticationType.IAM);
    expect(byName.userId).toBe('writer-1');
    expect(generated.userName).toBe(generated.userId);
  });

  test('no password: Redis OSS users', () => {
    const s = stack();
    const user = new User(s, 'Anon', {
      userName: 'default',
      engine: CacheEngine.REDIS_OSS,
      authentication: UserAuthentication.noPassword(),
      accessString: AccessString.of('on ~public:* -@all +get'),
    });
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default',
      UserId: Match.stringLikeRegexp('^stack-anon-'),
      Engine: 'redis',
      AccessString: 'on ~public:* -@all +get',
      AuthenticationMode: { Type: 'no-password-required' },
    });
    expect(user.authenticationType).toBe(UserAuthenticationType.NO_PASSWORD);
  });

  test('tokens pass: ids, names, passwords from parameters', () => {
    const s = stack();
    const id = new CfnParameter(s, 'Id').valueAsString;
    const name = new CfnParameter(s, 'Name').valueAsString;
    const password = new CfnParameter(s, 'Password', { noEcho: true });
    new User(s, 'A', { userId: id, userName: name, authentication: UserAuthentication.password([SecretValue.cfnParameter(password)]) });
    new User(s, 'B', { userId: id, userName: name, authentication: UserAuthentication.iam() });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: { Ref: 'Id' }, UserName: { Ref: 'Name' },
      AuthenticationMode: { Type: 'password', Passwords: [{ Ref: 'Password' }] },
    });
  });

  test('no secret value is resolved at construction (works with @aws-cdk/core:checkSecretUsage)', () => {
    const s = new Stack(new App({ context: { '@aws-cdk/core:checkSecretUsage': true } }), 'Stack');
    expect(() => new User(s, 'A', {
      authentication: UserAuthentication.password([SecretValue.unsafePlainText(GOOD_PASSWORD), SecretValue.secretsManager('x')]),
    })).not.toThrow();
    Template.fromStack(s).hasResourceProperties('AWS::ElastiCache::User', {
      AuthenticationMode: { Type: 'password', Passwords: [GOOD_PASSWORD, '{{resolve:secretsmanager:x:SecretString:::}}'] },
    });
  });

  const pw = (v: string) => SecretValue.unsafePlainText(v);
  test.each<[string, UserProps, string]>([
    ['memcached engine', { engine: CacheEngine.MEMCACHED },
      "Stack/User: Invalid engine: got 'memcached'. Allowed: CacheEngine.VALKEY or CacheEngine.REDIS_OSS; Memcached has no users."],
    ['bad user id', { userId: 'app_user' },
      "Stack/User: Invalid userId: got 'app_user'. Allowed: a user id of letters, digits and hyphens, starting with a letter."],
    ['user id starting with a digit', { userId: '1app' }, "Invalid userId: got '1app'."],
    ['built-in default id', { userId: 'default' },
      "Invalid userId: got 'default'. Allowed: any other id; ElastiCache already has a user with the id 'default' in every Region."],
    ['built-in default id, any case', { userId: 'Default' }, "Invalid userId: got 'default'."],
    ['empty user name', { userName: '' }, "Invalid userName: got ''. Allowed: a non-empty name without whitespace."],
    ['user name with a space', { userName: 'app user' }, "Invalid userName: got 'app user'."],
    ['IAM name differs from id', { userId: 'reader', userName: 'Reader', authentication: UserAuthentication.iam() },
      "Stack/User: Invalid userName: got 'Reader'. Allowed: 'reader', the userId: IAM authentication needs the user name to equal the user id"],
    ['IAM name only, not a valid id', { userName: 'app.reader', authentication: UserAuthentication.iam() },
      "Invalid userName: got 'app.reader'. Allowed: a user id of letters"],
    ['IAM user named default', { userName: 'default', authentication: UserAuthentication.iam() }, "Invalid userName: got 'default'."],
    ['no password on Valkey', { authentication: UserAuthentication.noPassword() },
      "Stack/User: Invalid authentication: got noPassword(). Allowed: password or IAM authentication for a Valkey user; "
      + 'users without a password must have engine CacheEngine.REDIS_OSS'],
    ['no passwords', { authentication: UserAuthentication.password([]) },
      'Invalid authentication: got 0 passwords. Allowed: 1 or 2 passwords'],
    ['three passwords', { authentication: UserAuthentication.password([pw(GOOD_PASSWORD), pw(`${GOOD_PASSWORD}a`), pw(`${GOOD_PASSWORD}b`)]) },
      'Invalid authentication: got 3 passwords.'],
    ['the same password twice', { authentication: UserAuthentication.password([pw(GOOD_PASSWORD), pw(GOOD_PASSWORD)]) },
      'Invalid authentication: got the same password twice. Allowed: two different passwords, or one.'],
    ['a short password', { authentication: UserAuthentication.password([pw('short-password1')]) },
      'Invalid authentication: got a password of 15 characters. Allowed: 16 to 128 characters.'],
    ['a long password', { authentication: UserAuthentication.password([pw('a'.repeat(129))]) },
      'got a password of 129 characters.'],
    ['forbidden characters', { authentication: UserAuthentication.password([pw('abcdefgh@12345678/ "%')]) },
      'Invalid authentication: got a password with the characters @ / space " %. Allowed: letters, digits and ! & # $ ^ < > -'],
    ['non-ASCII', { authentication: UserAuthentication.password([pw('abcdefgh12345678é')]) },
      'got a password with the characters U+00E9.'],
  ])('rejects %s', (_, props, message) => {
    const s = stack();
    expect(() => new User(s, 'User', props)).toThrow(CacheValidationError);
    expect(() => new User(stack(), 'User', props)).toThrow(message);
  });

  test('messages never echo a password', () => {
    expect(() => new User(stack(), 'User', { authentication: UserAuthentication.password([pw('tooshort@x')]) }))
      .toThrow(expect.objectContaining({ message: expect.not.stringContaining('tooshort') }));
  });

  test('the longest and shortest valid passwords pass', () => {
    const s = stack();
    expect(() => new User(s, 'A', { authentication: UserAuthentication.password([pw('a'.repeat(16)), pw('b'.repeat(128))]) }))
      .not.toThrow();
  });

  describe('importers', () => {
    test('fromUserId: id and ARN; the name throws; engine and authentication unknown', () => {
      const s = stack();
      const user = User.fromUserId(s, 'Imported', 'app-user');
      expect(user.userId).toBe('app-user');
      expect(user.engine).toBeUndefined();
      expect(user.authenticationType).toBeUndefined();
      expect(() => user.userName).toThrow(new CacheValidationError("Cannot read userName of the imported user 'app-user': it was "
        + 'not given. Import it with User.fromUserAttributes(scope, id, { userId, userName }).', user));
      expect(s.resolve(user.userArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:', { Ref: 'AWS::Region' }, ':',
          { Ref: 'AWS::AccountId' }, ':user:app-user']],
      });
      expect(s.resolve(user.userRef)).toEqual({ userName: 'app-user', userArn: s.resolve(user.userArn) });
    });

    test('fromUserAttributes keeps what it is given', () => {
      const s = stack();
      const user = User.fromUserAttributes(s, 'Imported', {
        userId: 'app-user', userName: 'app', engine: CacheEngine.REDIS_OSS, authenticationType: UserAuthenticationType.IAM,
      });
      expect(user.userName).toBe('app');
      expect(user.engine).toBe(CacheEngine.REDIS_OSS);
      expect(user.authenticationType).toBe(UserAuthenticationType.IAM);
    });

    test('the built-in default user is known: named default, Redis OSS, no password', () => {
      const user = User.fromUserId(stack(), 'Default', 'default');
      expect(user.userName).toBe('default');
      expect(user.engine).toBe(CacheEngine.REDIS_OSS);
      expect(user.authenticationType).toBe(UserAuthenticationType.NO_PASSWORD);
    });

    test('a token id passes', () => {
      const s = stack();
      const id = new CfnParameter(s, 'Id').valueAsString;
      expect(User.fromUserId(s, 'Imported', id).userId).toBe(id);
    });

    test.each([
      [{ userId: 'app_user' }, "Stack/Imported: Invalid userId: got 'app_user'. Allowed: a user id of letters"],
      [{ userId: 'app', engine: CacheEngine.MEMCACHED }, "Invalid engine: got 'memcached'."],
      [{ userId: 'app', userName: 'a b' }, "Invalid userName: got 'a b'."],
    ])('rejects %p', (attrs, message) => {
      expect(() => User.fromUserAttributes(stack(), 'Imported', attrs)).toThrow(message);
    });
  });
});

describe('password helpers', () => {
  test('literalSecret: literal values only', () => {
    expect(literalSecret(SecretValue.unsafePlainText('abc'))).toBe('abc');
    expect(literalSecret(SecretValue.secretsManager('x'))).toBeUndefined();
    expect(literalSecret(SecretValue.ssmSecure('/p'))).toBeUndefined();
  });

  test('validatePassword names the value as told', () => {
    expect(() => validatePassword(undefined, 'authToken', SecretValue.unsafePlainText('x'), 'an AUTH token'))
      .toThrow('Invalid authToken: got an AUTH token of 1 characters.');
    expect(() => validatePassword(undefined, 'authToken', SecretValue.unsafePlainText(GOOD_PASSWORD), 'an AUTH token')).not.toThrow();
  });
});
