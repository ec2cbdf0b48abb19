import { Annotations, IResource, Resource } from 'aws-cdk-lib';
import { CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { AccessString } from './access-string';
import { CacheEngine } from './engine';
import { CacheValidationError } from './validation-error';
import { elastiCacheArn } from './private/arns';
import { invalid, phrase } from './private/errors';
import { generateName, lowercase } from './private/names';
import { isToken } from './private/validation';
import { validateKnownProps } from './private/known-props';
import { IUser, User, UserAuthentication, UserAuthenticationType } from './user';

/** An ElastiCache RBAC user group: the users a Valkey / Redis OSS cache accepts. */
export interface IUserGroup extends IResource, refs.IUserGroupRef {
  /**
   * The id of the user group.
   * @attribute
   */
  readonly userGroupId: string;
  /**
   * The ARN of the user group (`arn:<partition>:elasticache:<region>:<account>:usergroup:<id>`).
   * @attribute
   */
  readonly userGroupArn: string;
  /**
   * The engine of the group; undefined for an imported group whose engine was not given. Redis OSS
   * caches accept only Redis OSS groups; Valkey caches accept both.
   */
  readonly engine?: CacheEngine;
  /**
   * Whether the group holds IAM users (which need Valkey 7.2+ or Redis OSS 7.0+ and TLS): true,
   * false, or undefined when unknown (an imported group, or imported users whose authentication was
   * not given). Computed when read, so it reflects users added later.
   */
  readonly hasIamUsers?: boolean;
}

/** The attributes of an existing user group, for `UserGroup.fromUserGroupAttributes()`. */
export interface UserGroupAttributes {
  /** The id of the user group. */
  readonly userGroupId: string;
  /**
   * The engine of the user group.
   * @default - unknown: caches skip their engine check
   */
  readonly engine?: CacheEngine;
}

/** Properties of a `UserGroup`. */
export interface UserGroupProps {
  /**
   * The id of the user group: letters, digits and hyphens, starting with a letter; stored
   * lowercase, so it is lowercased here. Changing it replaces the group.
   * @default - a name generated from the construct path (at most 40 characters)
   */
  readonly userGroupId?: string;
  /**
   * The engine of the group: `CacheEngine.VALKEY` (for Valkey caches) or `CacheEngine.REDIS_OSS`
   * (for Redis OSS caches, and accepted by Valkey caches too).
   * @default CacheEngine.VALKEY
   */
  readonly engine?: CacheEngine;
  /**
   * The users of the group; more can be added with `addUser()`. ElastiCache requires a user named
   * `default` in every group: when none of the users is named `default`, the group creates a
   * disabled one (`off -@all`).
   * @default - only the disabled `default` user
   */
  readonly users?: IUser[];
  /**
   * The customer managed KMS key that encrypts the generated password of the disabled `default`
   * user the group creates (Valkey groups, whose users must authenticate: its password sits in a
   * Secrets Manager secret nobody is told). Give the key of the cache (`kmsKey`) so that everything
   * the cache uses is under one key, as the HIPAA, NIST 800-53 and PCI DSS packs ask. Unused when one
   * of the users is named `default`; an error on a Redis OSS group (its default user has no password).
   * @default - the AWS managed key of Secrets Manager (`aws/secretsmanager`)
   */
  readonly defaultUserEncryptionKey?: kms.IKey;
}

/** What user groups, created or imported, share: the ARN and the reference for L1 constructs. */
export abstract class UserGroupBase extends Resource implements IUserGroup {
  public abstract readonly userGroupId: string;
  public abstract readonly engine?: CacheEngine;
  public abstract readonly hasIamUsers?: boolean;

  public get userGroupArn(): string {
    return elastiCacheArn(this, 'usergroup', this.userGroupId);
  }

  /** A reference for L1 constructs (such as `CfnServerlessCache.userGroupId`) and the generated reference interfaces. */
  public get userGroupRef(): refs.UserGroupReference {
    return { userGroupId: this.userGroupId, userGroupArn: this.userGroupArn };
  }
}

/** The name ElastiCache requires one user of every user group to have. */
const DEFAULT_USER_NAME = 'default';

/**
 * An ElastiCache RBAC user group for Valkey or Redis OSS caches.
 *
 * Every group needs a user named `default`, the user a client is before it authenticates. Unless
 * you give one (a user with `userName: 'default'`), the group creates a disabled one
 * (`off -@all`, construct id `DefaultUser`): with no password for a Redis OSS group, with a
 * generated password in a Secrets Manager secret for a Valkey group (Valkey groups take only
 * users that authenticate).
 *
 * @example
 * declare const app: User;
 * const group = new UserGroup(this, 'Users', { users: [app] });
 *
 * @resource AWS::ElastiCache::UserGroup
 */
export class UserGroup extends UserGroupBase {
  /** Imports an existing user group by id. Its engine is unknown. */
  public static fromUserGroupId(scope: Construct, id: string, userGroupId: string): IUserGroup {
    return UserGroup.fromUserGroupAttributes(scope, id, { userGroupId });
  }

  /** Imports an existing user group. */
  public static fromUserGroupAttributes(scope: Construct, id: string, attrs: UserGroupAttributes): IUserGroup {
    return new ImportedUserGroup(scope, id, attrs);
  }

  public readonly userGroupId: string;
  /**
   * The engine of the group (`CacheEngine.VALKEY` unless `engine` was given). Always set on a
   * `UserGroup`; typed optional as in `IUserGroup` (jsii: an implementation may not make it required).
   */
  public readonly engine?: CacheEngine;

  /** The group's engine. */
  private readonly groupEngine: CacheEngine;

  private readonly resource: CfnUserGroup;
  private readonly members: IUser[] = [];
  /** The disabled `default` user the group created, until a user named `default` is added. */
  private createdDefaultUser?: User;

  constructor(scope: Construct, id: string, props: UserGroupProps = {}) {
    const givenId = lowercase(props.userGroupId);
    super(scope, id, { physicalName: givenId });
    validateKnownProps(this, 'UserGroup', props);
    validateUserGroupId(this, 'userGroupId', givenId);
    this.groupEngine = props.engine ?? CacheEngine.VALKEY;
    this.engine = this.groupEngine;
    validateGroupEngine(this, this.groupEngine);
    if (props.defaultUserEncryptionKey && !this.isValkey) {
      invalid(this, 'defaultUserEncryptionKey', phrase('a key on a Redis OSS group'), 'Allowed: no key; the disabled default user of '
        + 'a Redis OSS group has no password, hence no secret to encrypt (Valkey groups have one).');
    }

    this.resource = new CfnUserGroup(this, 'Resource', {
      userGroupId: givenId ?? generateName(this, 40),
      engine: this.groupEngine.name,
      // Set again by addUser() (a plain list rather than a Lazy: one token less per group to resolve).
      userIds: [],
    });
    this.userGroupId = this.resource.ref;

    for (const user of props.users ?? []) {
      this.addUser(user);
    }
    if (!this.members.some(isNamedDefault)) {
      this.createdDefaultUser = new User(this, 'DefaultUser', {
        userName: DEFAULT_USER_NAME,
        engine: this.groupEngine,
        accessString: AccessString.disabled(),
        authentication: this.isValkey
          ? UserAuthentication.generatedPassword({ encryptionKey: props.defaultUserEncryptionKey }) : UserAuthentication.noPassword(),
      });
    }
    this.resource.userIds = this.renderUserIds();
  }

  /**
   * The users of the group, the created `default` user first. Users are checked against the group's
   * engine when added.
   */
  public get users(): IUser[] {
    return this.createdDefaultUser ? [this.createdDefaultUser, ...this.members] : [...this.members];
  }

  public get hasIamUsers(): boolean | undefined {
    const types = this.users.map(u => u.authenticationType);
    if (types.includes(UserAuthenticationType.IAM)) {
      return true;
    }
    return types.includes(undefined) ? undefined : false;
  }

  /**
   * Adds a user to the group. A user named `default` replaces the disabled `default` user the group
   * created.
   */
  public addUser(user: IUser): void {
    this.validateMember(user);
    if (isNamedDefault(user) && this.createdDefaultUser) {
      this.node.tryRemoveChild(this.createdDefaultUser.node.id);
      this.createdDefaultUser = undefined;
    }
    if (user.userId === 'default') {
      Annotations.of(this).addWarningV2('cdk-elasticache:builtInDefaultUser', 'The user group holds the user with id \'default\' '
        + 'that ElastiCache creates in every Region: it has no password and, unless you changed it, full access (on ~* +@all). '
        + 'Prefer your own user named default with a restricted access string, or leave it to the group (a disabled one).');
    }
    this.members.push(user);
    // The ids are literal strings (the API needs them), so the order must be stated.
    this.resource.node.addDependency(user);
    this.resource.userIds = this.renderUserIds();
  }

  private get isValkey(): boolean {
    return this.groupEngine.name === CacheEngine.VALKEY.name;
  }

  private validateMember(user: IUser): void {
    const label = describeUser(user);
    if (user.engine && this.groupEngine.name === CacheEngine.REDIS_OSS.name && user.engine.name !== CacheEngine.REDIS_OSS.name) {
      invalid(this, 'users', phrase(`the ${user.engine.displayName} user ${label}`), 'Allowed: Redis OSS users only; a Redis OSS user '
        + 'group takes no Valkey user. Make the group a Valkey one (engine: CacheEngine.VALKEY) for Valkey caches.');
    }
    if (this.isValkey && user.authenticationType === UserAuthenticationType.NO_PASSWORD) {
      invalid(this, 'users', phrase(`the user ${label} without a password`), 'Allowed: users that authenticate with a password or IAM; '
        + 'a Valkey user group takes no user without a password. Use a Redis OSS group (Valkey caches accept it too) '
        + 'or give the user a password.');
    }
    for (const other of this.members) {
      if (!isToken(user.userId) && user.userId === other.userId) {
        invalid(this, 'users', phrase(`the user id '${user.userId}' twice`), 'Allowed: each user once; user ids are unique.');
      }
      const name = knownUserName(user);
      if (name !== undefined && name === knownUserName(other)) {
        invalid(this, 'users', phrase(`two users named '${name}' (${label} and ${describeUser(other)})`),
          'Allowed: distinct user names in a group; clients authenticate by name.');
      }
    }
  }

  private renderUserIds(): string[] {
    // The created default user is referenced through its Ref, so that removing it (when a user named
    // default is added) leaves no dependency behind.
    const created = this.createdDefaultUser ? [this.createdDefaultUser.userRef.userName] : [];
    return [...created, ...this.members.map(u => u.userId)];
  }
}

class ImportedUserGroup extends UserGroupBase {
  public readonly userGroupId: string;
  public readonly engine?: CacheEngine;
  public readonly hasIamUsers = undefined;

  constructor(scope: Construct, id: string, attrs: UserGroupAttributes) {
    super(scope, id);
    validateUserGroupId(this, 'userGroupId', attrs.userGroupId);
    if (attrs.engine) {
      validateGroupEngine(this, attrs.engine);
    }
    this.userGroupId = attrs.userGroupId;
    this.engine = attrs.engine;
  }
}

/** The user's name, or undefined when it is unknown (an import without it) or a token. */
function knownUserName(user: IUser): string | undefined {
  let name: string;
  try {
    name = user.userName;
  } catch (e) {
    if (e instanceof CacheValidationError) {
      return undefined;
    }
    throw e;
  }
  return isToken(name) ? undefined : name;
}

function isNamedDefault(user: IUser): boolean {
  return knownUserName(user) === DEFAULT_USER_NAME;
}

function describeUser(user: IUser): string {
  return isToken(user.userId) ? `at ${user.node.path}` : `'${user.userId}'`;
}

function validateGroupEngine(scope: Construct, engine: CacheEngine): void {
  if (engine.name !== CacheEngine.VALKEY.name && engine.name !== CacheEngine.REDIS_OSS.name) {
    invalid(scope, 'engine', engine.name, 'Allowed: CacheEngine.VALKEY or CacheEngine.REDIS_OSS; Memcached has no user groups.');
  }
}

function validateUserGroupId(scope: Construct, prop: string, id: string | undefined): void {
  if (id === undefined || isToken(id)) {
    return;
  }
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(id)) {
    invalid(scope, prop, id, 'Allowed: an id of letters, digits and hyphens, starting with a letter.');
  }
}
