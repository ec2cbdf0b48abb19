import { Annotations, CfnResource, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { AccessString } from './access-string';
import { CacheEngine, CacheEngineVersion } from './engine';
import { User, UserAuthentication } from './user';
import { IUserGroup, UserGroup } from './user-group';
import { CacheValidationError } from './validation-error';
import { helperRemovalPolicy } from './private/names';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, validatePassword } from './private/passwords';
import { validateUserGroupForCache } from './private/rbac';
import { CacheSecret } from './private/secret';
import { validateIntegerRange } from './private/validation';

/** Options for an AUTH token generated into a new Secrets Manager secret. */
export interface GeneratedAuthTokenOptions {
  /**
   * The name of the secret.
   * @default - a name CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * The KMS key that encrypts the secret.
   * @default - the cache's `kmsKey` when it has one (the credentials get the same customer managed
   * key as the data), otherwise the AWS managed key of Secrets Manager (`aws/secretsmanager`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The length of the token: 16 to 128 characters.
   * @default 64
   */
  readonly length?: number;
}

/** Options for `Authentication.generatedUserGroup()`: a new user group with one application user. */
export interface GeneratedUserGroupOptions {
  /**
   * The name the application authenticates with (`AUTH <userName> <password>`).
   * @default 'app'
   */
  readonly userName?: string;
  /**
   * What the application user may do. Narrow it to the application's keys, for example
   * `AccessString.keyPrefix('orders:')`; `AccessString.fullAccess()` makes it an administrator.
   * @default AccessString.readWrite() - least privilege, read-write on every key: the data commands,
   * transactions, scripts and what clients send when they connect, never `FLUSHALL`, `CONFIG`,
   * `ACL`, `FUNCTION` writes or other administrative commands
   */
  readonly accessString?: AccessString;
  /**
   * The name of the secret holding the application user's `{ "username", "password" }`.
   * @default - a name CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * The KMS key that encrypts the generated passwords (the application user's and the disabled
   * `default` user's).
   * @default - the cache's `kmsKey` when it has one, otherwise the AWS managed key of Secrets
   * Manager (`aws/secretsmanager`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What an authentication method contributes to a cache. Internal: the constructs read it.
 * @internal
 */
export interface AuthenticationConfig {
  /** A readable name of the method, for messages ('an AUTH token'). */
  readonly description: string;
  /** The AUTH token, if the method uses one. */
  readonly authToken?: SecretValue;
  /** The secret clients read: the AUTH token, or the application user's `{ username, password }`. */
  readonly secret?: secretsmanager.ISecret;
  /** The field of a JSON `secret` that holds the AUTH token, if the token is not the whole secret string. */
  readonly secretJsonField?: string;
  /** User group ids (RBAC, IAM). */
  readonly userGroupIds?: string[];
  /** The user group, for RBAC methods. */
  readonly userGroup?: IUserGroup;
  /** The application user the method created, if any. */
  readonly applicationUser?: User;
  /** The users with generated passwords the method created (what `cache.addRotation()` rotates). */
  readonly generatedUsers?: User[];
  /** Whether `secret` is an AUTH token the method generated (what `cache.addRotation()` rotates). */
  readonly generatedAuthToken?: boolean;
  /** The engine feature the method needs (`rbac`, `iamAuthentication`), if any beyond the AUTH token. */
  readonly requiredFeature?: 'rbac' | 'iamAuthentication';
  /** Whether the method needs encryption in transit. */
  readonly requiresTransitEncryption: boolean;
}

/** What a cache tells an authentication method when binding it. @internal */
export interface AuthenticationBindOptions {
  /** The removal policy of the cache (generated secrets, users and groups follow it). */
  readonly removalPolicy: RemovalPolicy;
  /** The engine version of the cache. */
  readonly engine: CacheEngineVersion;
  /** Whether the cache has encryption in transit. */
  readonly transitEncryption: boolean;
  /**
   * The cache's customer managed key for encryption at rest, which generated secrets default to.
   * @default - none: generated secrets use the AWS managed key of Secrets Manager
   */
  readonly kmsKey?: kms.IKey;
}

/**
 * How clients authenticate to a Valkey / Redis OSS replication group.
 *
 * - `generatedUserGroup()` (the default with encryption in transit on Valkey and Redis OSS 6.0+):
 *   RBAC, a new user group with a disabled `default` user and one application user whose password
 *   is generated into Secrets Manager (`authSecret`, a JSON `{ "username", "password" }`).
 * - `userGroup(group)`: RBAC with a user group of yours (password users, IAM users).
 * - `generatedAuthToken()` (the default with encryption in transit on Redis OSS before 6.0): an AUTH
 *   token generated into a new Secrets Manager secret (`authSecret`).
 * - `authToken(value)` / `authTokenFromSecret(secret)`: a token you hold.
 * - `none()`: no authentication; anyone who can reach the port can read and write.
 *
 * Choose at creation: CloudFormation replaces the replication group when it moves from an AUTH
 * token to a user group, and when an AUTH token is added to a group created without one.
 */
export abstract class Authentication {
  /**
   * RBAC with a new user group: a disabled `default` user (what a client is before it
   * authenticates) and one least-privilege application user (`AccessString.readWrite()` unless
   * `accessString` says otherwise) with a password generated into a new Secrets Manager
   * secret, exposed as the cache's `authSecret` (JSON `{ "username", "password" }`). Each user has two
   * password slots, which makes rotation seamless. Valkey 7.2+ and Redis OSS 6.0+, with encryption
   * in transit. The users and the group are Valkey ones on Valkey, Redis OSS ones on Redis OSS.
   */
  public static generatedUserGroup(options: GeneratedUserGroupOptions = {}): Authentication {
    return new GeneratedUserGroup(options);
  }

  /**
   * RBAC with a user group of yours (`UserGroup`, or an imported one). Users of the group
   * authenticate with their passwords or, for IAM users, with IAM tokens (grant them with the
   * cache's `grantConnect(grantee, user)`). Valkey 7.2+ and Redis OSS 6.0+ (IAM users: Redis OSS
   * 7.0+), with encryption in transit; a Redis OSS cache takes only Redis OSS user groups. Users
   * added to the group later are checked too.
   */
  public static userGroup(group: IUserGroup): Authentication {
    return new GivenUserGroup(group);
  }

  /**
   * An AUTH token generated into a new Secrets Manager secret (letters and digits only, which
   * AUTH always accepts). Needs encryption in transit.
   */
  public static generatedAuthToken(options: GeneratedAuthTokenOptions = {}): Authentication {
    validateIntegerRange(undefined, 'generatedAuthToken length', options.length, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH);
    return new GeneratedAuthToken(options);
  }

  /**
   * An AUTH token you provide, for example `SecretValue.secretsManager('my-token')`. A literal
   * token is checked: 16 to 128 characters, letters, digits and `! & # $ ^ < > -` only.
   * Needs encryption in transit.
   */
  public static authToken(token: SecretValue): Authentication {
    return new GivenAuthToken(token);
  }

  /**
   * An AUTH token held in an existing Secrets Manager secret (the whole secret string, or one
   * field of a JSON secret). The secret is exposed as `authSecret`. Needs encryption in transit.
   *
   * @param secret the secret
   * @param jsonField the field of a JSON secret that holds the token (default: the whole secret string)
   */
  public static authTokenFromSecret(secret: secretsmanager.ISecret, jsonField?: string): Authentication {
    return new GivenAuthToken(jsonField === undefined ? secret.secretValue : secret.secretValueFromJson(jsonField), secret, jsonField);
  }

  /** No authentication: anyone who can reach the port can read and write. */
  public static none(): Authentication {
    return new NoAuthentication();
  }

  /** Binds the method to a cache. @internal */
  public abstract _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig;
}

/** Warns that an AUTH token on an engine with RBAC is a one-way door (anchors: AUTH token -> RBAC replaces the group). */
function warnAuthTokenOnRbacEngine(scope: IConstruct, engine: CacheEngineVersion): void {
  if (!engine.features.rbac) {
    return;
  }
  Annotations.of(scope).addWarningV2('cdk-elasticache:authTokenOnRbacEngine', `An AUTH token on ${engine}, which has RBAC: `
    + 'moving to user groups later makes CloudFormation replace the replication group (a deployment that fails, since its id '
    + 'is fixed, until you give a new replicationGroupId and move the data). One shared token also gives every client the same, '
    + 'full access. Prefer RBAC (Authentication.generatedUserGroup(), the default, or Authentication.userGroup(group)); '
    + 'acknowledge this warning if the AUTH token is deliberate.');
}

/** Applies the removal policy of generated helpers to every CloudFormation resource under a construct. */
function applyHelperPolicy(scope: IConstruct, policy: RemovalPolicy): void {
  for (const child of scope.node.findAll()) {
    if (CfnResource.isCfnResource(child)) {
      child.applyRemovalPolicy(policy);
    }
  }
}

/** Checks a user group against the cache now, and again at synthesis (users may be added to it later). */
function bindUserGroup(scope: Construct, group: IUserGroup, options: AuthenticationBindOptions): void {
  validateUserGroupForCache(scope, 'authentication', options.engine, group, options.transitEncryption);
  scope.node.addValidation({
    validate: () => {
      try {
        validateUserGroupForCache(scope, 'authentication', options.engine, group, options.transitEncryption);
        return [];
      } catch (e) {
        if (e instanceof CacheValidationError) {
          return [e.message];
        }
        throw e;
      }
    },
  });
}

class GeneratedUserGroup extends Authentication {
  constructor(private readonly options: GeneratedUserGroupOptions) {
    super();
  }

  public _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig {
    const engine = options.engine.engine.name === CacheEngine.VALKEY.name ? CacheEngine.VALKEY : CacheEngine.REDIS_OSS;
    const encryptionKey = this.options.encryptionKey ?? options.kmsKey;
    // Valkey groups take only users that authenticate, so the disabled default user gets a password
    // nobody is told; Redis OSS groups take it without one.
    const defaultUser = new User(scope, 'DefaultUser', {
      userName: 'default',
      engine,
      accessString: AccessString.disabled(),
      authentication: engine === CacheEngine.VALKEY
        ? UserAuthentication.generatedPassword({ encryptionKey }) : UserAuthentication.noPassword(),
    });
    const applicationUser = new User(scope, 'AppUser', {
      userName: this.options.userName ?? 'app',
      engine,
      accessString: this.options.accessString ?? AccessString.readWrite(),
      authentication: UserAuthentication.generatedPassword({ secretName: this.options.secretName, encryptionKey }),
    });
    const group = new UserGroup(scope, 'UserGroup', { engine, users: [defaultUser, applicationUser] });
    bindUserGroup(scope, group, options);
    // A retained cache keeps using its group: deleting the group, the users or their secrets would fail or lock clients out.
    const policy = helperRemovalPolicy(options.removalPolicy);
    [defaultUser, applicationUser, group].forEach(c => applyHelperPolicy(c, policy));
    return {
      description: 'a generated user group',
      userGroupIds: [group.userGroupId],
      userGroup: group,
      applicationUser,
      generatedUsers: [defaultUser, applicationUser].filter(u => u.secret !== undefined),
      secret: applicationUser.secret,
      requiredFeature: 'rbac',
      requiresTransitEncryption: true,
    };
  }
}

class GivenUserGroup extends Authentication {
  constructor(private readonly group: IUserGroup) {
    super();
  }

  public _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig {
    bindUserGroup(scope, this.group, options);
    return {
      description: 'a user group',
      userGroupIds: [this.group.userGroupId],
      userGroup: this.group,
      requiredFeature: 'rbac',
      requiresTransitEncryption: true,
    };
  }
}

class GeneratedAuthToken extends Authentication {
  constructor(private readonly options: GeneratedAuthTokenOptions) {
    super();
  }

  public _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig {
    warnAuthTokenOnRbacEngine(scope, options.engine);
    const secret = new CacheSecret(scope, 'AuthToken', {
      description: `AUTH token of the ElastiCache replication group ${scope.node.path}`,
      secretName: this.options.secretName,
      encryptionKey: this.options.encryptionKey ?? options.kmsKey,
      generateSecretString: {
        passwordLength: this.options.length ?? 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      // A retained cache keeps its token; anything else can go with the cache.
      removalPolicy: helperRemovalPolicy(options.removalPolicy),
    });
    return {
      description: 'a generated AUTH token',
      authToken: secret.secretValue,
      secret,
      generatedAuthToken: true,
      requiresTransitEncryption: true,
    };
  }
}

class GivenAuthToken extends Authentication {
  constructor(private readonly token: SecretValue, private readonly secret?: secretsmanager.ISecret, private readonly jsonField?: string) {
    super();
  }

  public _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig {
    validatePassword(scope, 'authentication', this.token, 'an AUTH token');
    warnAuthTokenOnRbacEngine(scope, options.engine);
    return {
      description: 'an AUTH token',
      authToken: this.token,
      secret: this.secret,
      secretJsonField: this.jsonField,
      requiresTransitEncryption: true,
    };
  }
}

class NoAuthentication extends Authentication {
  public _bind(): AuthenticationConfig {
    return { description: 'no authentication', requiresTransitEncryption: false };
  }
}
