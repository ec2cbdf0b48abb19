import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { helperRemovalPolicy } from './private/names';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, validatePassword } from './private/passwords';
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
   * @default - the AWS managed key of Secrets Manager (`aws/secretsmanager`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The length of the token: 16 to 128 characters.
   * @default 64
   */
  readonly length?: number;
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
  /** The secret holding the AUTH token, if any. */
  readonly secret?: secretsmanager.ISecret;
  /** User group ids (RBAC, IAM). */
  readonly userGroupIds?: string[];
  /** The engine feature the method needs (`rbac`, `iamAuthentication`), if any beyond the AUTH token. */
  readonly requiredFeature?: 'rbac' | 'iamAuthentication';
  /** Whether the method needs encryption in transit. */
  readonly requiresTransitEncryption: boolean;
}

/** What a cache tells an authentication method when binding it. @internal */
export interface AuthenticationBindOptions {
  /** The removal policy of the cache (a generated secret follows it). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * How clients authenticate to a Valkey / Redis OSS replication group.
 *
 * - `generatedAuthToken()` (the default with encryption in transit): an AUTH token generated into a
 *   new Secrets Manager secret, exposed as `authSecret` so that clients can be granted read.
 * - `authToken(value)` / `authTokenFromSecret(secret)`: a token you hold.
 * - `none()`: no authentication; anyone who can reach the port can read and write.
 *
 * Moving from an AUTH token to RBAC (user groups) later makes CloudFormation replace the
 * replication group, and so does adding an AUTH token to a group created without one: choose
 * the method when the group is created.
 */
export abstract class Authentication {
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
    return new GivenAuthToken(jsonField === undefined ? secret.secretValue : secret.secretValueFromJson(jsonField), secret);
  }

  /** No authentication: anyone who can reach the port can read and write. */
  public static none(): Authentication {
    return new NoAuthentication();
  }

  /** Binds the method to a cache. @internal */
  public abstract _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig;
}

class GeneratedAuthToken extends Authentication {
  constructor(private readonly options: GeneratedAuthTokenOptions) {
    super();
  }

  public _bind(scope: Construct, options: AuthenticationBindOptions): AuthenticationConfig {
    const secret = new secretsmanager.Secret(scope, 'AuthToken', {
      description: `AUTH token of the ElastiCache replication group ${scope.node.path}`,
      secretName: this.options.secretName,
      encryptionKey: this.options.encryptionKey,
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
      requiresTransitEncryption: true,
    };
  }
}

class GivenAuthToken extends Authentication {
  constructor(private readonly token: SecretValue, private readonly secret?: secretsmanager.ISecret) {
    super();
  }

  public _bind(scope: Construct): AuthenticationConfig {
    validatePassword(scope, 'authentication', this.token, 'an AUTH token');
    return {
      description: 'an AUTH token',
      authToken: this.token,
      secret: this.secret,
      requiresTransitEncryption: true,
    };
  }
}

class NoAuthentication extends Authentication {
  public _bind(): AuthenticationConfig {
    return { description: 'no authentication', requiresTransitEncryption: false };
  }
}
