import { Annotations, IResource, Resource, SecretValue } from 'aws-cdk-lib';
import { CfnUser } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { AccessString } from './access-string';
import { CacheEngine } from './engine';
import { CacheValidationError } from './validation-error';
import { elastiCacheArn } from './private/arns';
import { invalid, phrase } from './private/errors';
import { generateName, lowercase } from './private/names';
import { literalSecret, validatePassword } from './private/passwords';
import { addSecretRotation } from './private/rotation-function';
import { CacheSecret } from './private/secret';
import { isToken } from './private/validation';
import { validateKnownProps } from './private/known-props';
import { RotationOptions } from './rotation-options';

/** How an RBAC user authenticates, as ElastiCache names it in `AuthenticationMode.Type`. */
export enum UserAuthenticationType {
  /** One or two passwords. */
  PASSWORD = 'password',
  /** No password: anyone can authenticate as the user. Redis OSS users only. */
  NO_PASSWORD = 'no-password-required',
  /** IAM authentication: short-lived tokens signed with the caller's IAM credentials. */
  IAM = 'iam',
}

/** Options for a password generated into a new Secrets Manager secret. */
export interface GeneratedPasswordOptions {
  /**
   * The name of the secret.
   * @default - a name CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * The customer-managed KMS key that encrypts the secret.
   * @default - the AWS managed key of Secrets Manager (`aws/secretsmanager`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * How an RBAC user authenticates.
 *
 * - `generatedPassword()` (the default): a password generated into a new Secrets Manager secret,
 *   a JSON `{ "username": ..., "password": ... }` exposed as `user.secret`.
 * - `password([...])`: one or two passwords you hold. Two passwords are both valid at once, which
 *   is how a password is rotated without downtime (see the README).
 * - `iam()`: IAM authentication (Valkey 7.2+, Redis OSS 7.0+, with TLS); the user name must equal
 *   the user id.
 * - `noPassword()`: anyone can authenticate as the user, so its access string is all that limits
 *   it. Redis OSS users only, and not allowed in Valkey user groups.
 */
export class UserAuthentication {
  /**
   * A password generated into a new Secrets Manager secret: 32 letters and digits (characters every
   * client and connection URL takes without escaping).
   */
  public static generatedPassword(options: GeneratedPasswordOptions = {}): UserAuthentication {
    return new UserAuthentication(UserAuthenticationType.PASSWORD, undefined, options);
  }

  /**
   * One or two passwords, for example `SecretValue.secretsManager('app-cache-password')`. Literal
   * passwords are checked: 16 to 128 characters, letters, digits and `! & # $ ^ < > -` only.
   */
  public static password(passwords: SecretValue[]): UserAuthentication {
    return new UserAuthentication(UserAuthenticationType.PASSWORD, [...passwords]);
  }

  /** IAM authentication. The user's name must equal its id (the default when only one is given). */
  public static iam(): UserAuthentication {
    return new UserAuthentication(UserAuthenticationType.IAM);
  }

  /** No password. Only for Redis OSS users, and rejected in Valkey user groups. */
  public static noPassword(): UserAuthentication {
    return new UserAuthentication(UserAuthenticationType.NO_PASSWORD);
  }

  /** The authentication type. */
  public readonly type: UserAuthenticationType;
  /** @internal */
  public readonly _passwords?: SecretValue[];
  /** @internal */
  public readonly _generated?: GeneratedPasswordOptions;

  private constructor(type: UserAuthenticationType, passwords?: SecretValue[], generated?: GeneratedPasswordOptions) {
    this.type = type;
    this._passwords = passwords;
    this._generated = generated;
  }
}

/** An ElastiCache RBAC user (Valkey or Redis OSS). */
export interface IUser extends IResource, refs.IUserRef {
  /**
   * The id of the user: lowercase, unique in the account and Region.
   * @attribute
   */
  readonly userId: string;
  /**
   * The name clients authenticate with. Several users (in different user groups) may share a name.
   * Throws for an imported user whose name was not given.
   */
  readonly userName: string;
  /**
   * The ARN of the user (`arn:<partition>:elasticache:<region>:<account>:user:<userId>`), which IAM
   * authentication policies grant `elasticache:Connect` on.
   * @attribute
   */
  readonly userArn: string;
  /** The engine of the user; undefined for an imported user whose engine was not given. */
  readonly engine?: CacheEngine;
  /** How the user authenticates; undefined for an imported user whose authentication was not given. */
  readonly authenticationType?: UserAuthenticationType;
}

/** The attributes of an existing user, for `User.fromUserAttributes()`. */
export interface UserAttributes {
  /** The id of the user. */
  readonly userId: string;
  /**
   * The name of the user.
   * @default - unknown (`userName` throws), except for the id `default` (the user ElastiCache creates
   * in every Region), whose name is `default`
   */
  readonly userName?: string;
  /**
   * The engine of the user.
   * @default - unknown (user groups skip their engine checks), except for the id `default`: Redis OSS
   */
  readonly engine?: CacheEngine;
  /**
   * How the user authenticates.
   * @default - unknown (user groups skip their authentication checks), except for the id `default`:
   * no password
   */
  readonly authenticationType?: UserAuthenticationType;
}

/** Properties of a `User`. */
export interface UserProps {
  /**
   * The id of the user: letters, digits and hyphens, starting with a letter; stored lowercase, so
   * it is lowercased here. Unique in the account and Region; `default` is taken by the user
   * ElastiCache creates. Changing it replaces the user.
   * @default - the `userName` for IAM authentication, otherwise a name generated from the construct
   * path (at most 40 characters)
   */
  readonly userId?: string;
  /**
   * The name clients authenticate with (`AUTH <userName> <password>`). With IAM authentication it
   * must equal the user id. A user group needs one user named `default` (it creates a disabled one
   * when you give none). Changing it replaces the user.
   * @default - the user id
   */
  readonly userName?: string;
  /**
   * The engine of the user: `CacheEngine.VALKEY` or `CacheEngine.REDIS_OSS`. Valkey user groups take
   * both (Redis OSS users only when they authenticate); Redis OSS user groups take Redis OSS users only.
   * @default CacheEngine.VALKEY
   */
  readonly engine?: CacheEngine;
  /**
   * What the user may do.
   * @default AccessString.disabled() - `off -@all`: the user exists but can do nothing until you
   * give it an access string
   */
  readonly accessString?: AccessString;
  /**
   * How the user authenticates.
   * @default UserAuthentication.generatedPassword() - a password generated into a new Secrets
   * Manager secret (`user.secret`)
   */
  readonly authentication?: UserAuthentication;
}

/** What users, created or imported, share: the ARN and the reference for L1 constructs. */
export abstract class UserBase extends Resource implements IUser {
  public abstract readonly userId: string;
  public abstract readonly userName: string;
  public abstract readonly engine?: CacheEngine;
  public abstract readonly authenticationType?: UserAuthenticationType;

  public get userArn(): string {
    return elastiCacheArn(this, 'user', this.userId);
  }

  /**
   * A reference for L1 constructs and the generated reference interfaces. Its `userName` field holds
   * what CloudFormation's `Ref` of an `AWS::ElastiCache::User` returns: the user *id*.
   */
  public get userRef(): refs.UserReference {
    return { userName: this.userId, userArn: this.userArn };
  }
}

/** The id ElastiCache gives the user it creates in every Region (no password, full access). */
const BUILT_IN_DEFAULT_USER_ID = 'default';

/**
 * An ElastiCache RBAC user for Valkey or Redis OSS. Put users in a `UserGroup` and give the group to
 * a cache.
 *
 * @example
 * new User(this, 'App', {
 *   userName: 'app',
 *   accessString: AccessString.keyPrefix('app:'),
 * });
 *
 * @resource AWS::ElastiCache::User
 */
export class User extends UserBase {
  /** Imports an existing user by id. Its name, engine and authentication are unknown. */
  public static fromUserId(scope: Construct, id: string, userId: string): IUser {
    return User.fromUserAttributes(scope, id, { userId });
  }

  /** Imports an existing user. */
  public static fromUserAttributes(scope: Construct, id: string, attrs: UserAttributes): IUser {
    return new ImportedUser(scope, id, attrs);
  }

  public readonly userId: string;
  public readonly userName: string;
  /**
   * The user's engine (`CacheEngine.VALKEY` unless `engine` was given). Always set on a `User`;
   * typed optional as in `IUser` (jsii: an implementation may not make it required).
   */
  public readonly engine?: CacheEngine;
  /**
   * How the user authenticates (`authentication.type`). Always set on a `User`;
   * typed optional as in `IUser` (jsii: an implementation may not make it required).
   */
  public readonly authenticationType?: UserAuthenticationType;
  /** How the user authenticates. */
  public readonly authentication: UserAuthentication;
  /** What the user may do. */
  public readonly accessString: AccessString;
  /**
   * The secret holding the generated password (JSON `{ "username": ..., "password": ... }`);
   * undefined unless the authentication is `UserAuthentication.generatedPassword()`.
   */
  public readonly secret?: secretsmanager.ISecret;

  private readonly resource: CfnUser;

  constructor(scope: Construct, id: string, props: UserProps = {}) {
    const authentication = props.authentication ?? UserAuthentication.generatedPassword();
    const iam = authentication.type === UserAuthenticationType.IAM;
    const givenId = lowercase(props.userId ?? (iam ? props.userName : undefined));
    super(scope, id, { physicalName: givenId });
    validateKnownProps(this, 'User', props);

    const engine = props.engine ?? CacheEngine.VALKEY;
    this.engine = engine;
    validateUserEngine(this, 'engine', engine);
    validateUserId(this, iam && props.userId === undefined ? 'userName' : 'userId', givenId);
    validateUserName(this, props.userName);

    this.userId = givenId ?? generateName(this, 40);
    this.userName = props.userName ?? this.userId;
    this.authentication = authentication;
    this.authenticationType = authentication.type;
    this.accessString = props.accessString ?? AccessString.disabled();
    if (this.accessString._restrictedCommands.length > 0) {
      const names = this.accessString._restrictedCommands.join(', ');
      Annotations.of(this).addWarningV2('cdk-elasticache:restrictedCommand', `The access string names ${names}: ElastiCache never `
        + 'runs these commands for any user (its restricted commands), and whether CreateUser accepts an access string that '
        + 'names them is not documented. Leave them out: allowing them gives nothing, and denying them is already done.');
    }

    if (iam && !isToken(this.userName) && !isToken(this.userId) && this.userName !== this.userId) {
      invalid(this, 'userName', this.userName, `Allowed: '${this.userId}', the userId: IAM authentication needs the user name `
        + 'to equal the user id, which ElastiCache stores lowercase. Give only one of them.');
    }
    if (authentication.type === UserAuthenticationType.NO_PASSWORD && engine.name !== CacheEngine.REDIS_OSS.name) {
      invalid(this, 'authentication', phrase('noPassword()'), `Allowed: password or IAM authentication for a ${engine.displayName} `
        + 'user; users without a password must have engine CacheEngine.REDIS_OSS (and cannot join Valkey user groups).');
    }

    let passwords: string[] | undefined;
    if (authentication._passwords) {
      passwords = this.renderPasswords(authentication._passwords);
    } else if (authentication._generated) {
      // A CacheSecret: grants to consumers of other stacks keep the key policy out of it (lib/private/secret.ts).
      const secret = new CacheSecret(this, 'Secret', {
        description: `Password of the ElastiCache ${engine.displayName} user ${this.node.path}`,
        secretName: authentication._generated.secretName,
        encryptionKey: authentication._generated.encryptionKey,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: this.userName }),
          generateStringKey: 'password',
          passwordLength: 32,
          excludePunctuation: true,
          includeSpace: false,
        },
      });
      this.secret = secret;
      passwords = [secret.passwordReference('password')];
    }

    this.resource = new CfnUser(this, 'Resource', {
      userId: this.userId,
      userName: this.userName,
      engine: engine.name,
      accessString: this.accessString.value,
      authenticationMode: passwords ? { Type: authentication.type, Passwords: passwords } : { Type: authentication.type },
    });
  }

  /**
   * Rotates the generated password with Secrets Manager on a schedule (every 30 days by default),
   * by the library's rotation function (one per stack, shared by every rotation in it). Each rotation
   * gives the user a new password next to the current one (`ModifyUser` with both, so clients that
   * still hold the current one keep working), then makes the new one current in the secret; the
   * password before it is dropped at the next rotation. Clients re-read the secret when the server
   * answers `WRONGPASS`.
   *
   * The function may only describe and modify this user and read and write this secret (and use its
   * KMS key). Only for `UserAuthentication.generatedPassword()`: passwords you hold are rotated by
   * you (two at a time, see the README).
   *
   * @returns the rotation schedule, for dependencies (a serverless cache or replication group the
   * user belongs to, so that the first rotation waits for it)
   */
  public addRotation(options: RotationOptions = {}): secretsmanager.CfnRotationSchedule {
    return this._addRotation(options, false);
  }

  /**
   * `addRotation()`; `byCache` when a cache's `addRotation()` calls it (the cache adds the data-plane check).
   * @internal
   */
  public _addRotation(options: RotationOptions, byCache: boolean): secretsmanager.CfnRotationSchedule {
    if (!this.secret) {
      invalid(this, 'addRotation', phrase(`a user with ${this.authenticationType} authentication and no generated password`),
        'Allowed: a user with UserAuthentication.generatedPassword() (the default), whose secret the library rotates. Rotate passwords '
        + 'you hold yourself: UserAuthentication.password([current, next]), then [next] (README: Rotating credentials).');
    }
    if (options.vpc && !byCache) {
      Annotations.of(this).addWarningV2('cdk-elasticache:rotationVpcWithoutCheck', 'addRotation({ vpc }) on a user runs the rotation '
        + 'function in the VPC, but a user does not know its cache, so testSecret checks the new password through the API only. '
        + 'Use cache.addRotation({ vpc }) for the check on the cache, or leave vpc out.');
    }
    // Next to the user, not in it: what depends on the user (its user groups) must not wait for the
    // schedule, which waits for the cache that waits for the user group.
    const scope = this.node.scope as Construct;
    return addSecretRotation(scope, `${this.node.id}Rotation`, this.secret, { kind: 'user', userId: this.userId }, options, [this.resource]);
  }

  /** The reference of the L1 (`Ref` is the user id), so that L1 consumers depend on the user. */
  public get userRef(): refs.UserReference {
    return { userName: this.resource.ref, userArn: this.resource.attrArn };
  }

  private renderPasswords(passwords: SecretValue[]): string[] {
    if (passwords.length < 1 || passwords.length > 2) {
      invalid(this, 'authentication', phrase(`${passwords.length} passwords`), 'Allowed: 1 or 2 passwords (two are both valid at once, '
        + 'for rotation).');
    }
    passwords.forEach(p => validatePassword(this, 'authentication', p, 'a password'));
    const literals = passwords.map(literalSecret);
    if (literals.length === 2 && literals[0] !== undefined && literals[0] === literals[1]) {
      invalid(this, 'authentication', phrase('the same password twice'), 'Allowed: two different passwords, or one.');
    }
    return passwords.map(p => p.unsafeUnwrap());
  }
}

class ImportedUser extends UserBase {
  public readonly userId: string;
  public readonly engine?: CacheEngine;
  public readonly authenticationType?: UserAuthenticationType;
  private readonly name?: string;

  constructor(scope: Construct, id: string, attrs: UserAttributes) {
    super(scope, id);
    validateUserId(this, 'userId', attrs.userId, true);
    if (attrs.engine) {
      validateUserEngine(this, 'engine', attrs.engine);
    }
    validateUserName(this, attrs.userName);
    const builtIn = attrs.userId === BUILT_IN_DEFAULT_USER_ID;
    this.userId = attrs.userId;
    this.name = attrs.userName ?? (builtIn ? 'default' : undefined);
    this.engine = attrs.engine ?? (builtIn ? CacheEngine.REDIS_OSS : undefined);
    this.authenticationType = attrs.authenticationType ?? (builtIn ? UserAuthenticationType.NO_PASSWORD : undefined);
  }

  public get userName(): string {
    if (this.name === undefined) {
      throw new CacheValidationError(`Cannot read userName of the imported user '${this.userId}': it was not given. `
        + 'Import it with User.fromUserAttributes(scope, id, { userId, userName }).', this);
    }
    return this.name;
  }
}

function validateUserEngine(scope: Construct, prop: string, engine: CacheEngine): void {
  if (engine.name !== CacheEngine.VALKEY.name && engine.name !== CacheEngine.REDIS_OSS.name) {
    invalid(scope, prop, engine.name, 'Allowed: CacheEngine.VALKEY or CacheEngine.REDIS_OSS; Memcached has no users.');
  }
}

/** User ids: the API pattern `[a-zA-Z][a-zA-Z0-9-]*` (stored lowercase), and not the built-in `default`. */
function validateUserId(scope: Construct, prop: string, userId: string | undefined, allowDefault = false): void {
  if (userId === undefined || isToken(userId)) {
    return;
  }
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(userId)) {
    invalid(scope, prop, userId, 'Allowed: a user id of letters, digits and hyphens, starting with a letter.');
  }
  if (!allowDefault && userId.toLowerCase() === BUILT_IN_DEFAULT_USER_ID) {
    invalid(scope, prop, userId, 'Allowed: any other id; ElastiCache already has a user with the id \'default\' in every Region. '
      + 'To make a user named default, set userName: \'default\' and leave userId out (not with IAM '
      + 'authentication, where the name must equal the id).');
  }
}

/** User names: at least one character, no whitespace (ACL rules are separated by spaces). */
function validateUserName(scope: Construct, userName: string | undefined): void {
  if (userName === undefined || isToken(userName)) {
    return;
  }
  if (userName.length === 0 || /\s/.test(userName)) {
    invalid(scope, 'userName', userName, 'Allowed: a non-empty name without whitespace.');
  }
}
