import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';
import { CacheConnectionBinding, ConnectFromOptions } from '../consumer';
import { IUser, UserAuthenticationType } from '../user';
import { consumerHosts } from './dns';
import { invalid, phrase } from './errors';
import { CacheSecret } from './secret';

/** What a cache tells `wireConsumer` about itself and the chosen credentials. */
export interface ConsumerFacts {
  readonly engine: string;
  readonly id: string;
  readonly host: string;
  readonly port: string;
  readonly readerHost?: string;
  /** The reader endpoint's port when it is not `port` (serverless caches). */
  readonly readerPort?: string;
  /** Whether `id` names a serverless cache (`CACHE_SERVERLESS`). */
  readonly serverless?: boolean;
  /** Whether clients must speak the cluster protocol through `host` (`CACHE_CLUSTER`). */
  readonly cluster?: boolean;
  readonly tls: boolean;
  readonly authMode: CacheAuthMode;
  /** The secret to grant read on and to name in `CACHE_SECRET_ARN`. */
  readonly secret?: secretsmanager.ISecret;
  readonly secretField?: string;
  /** `CACHE_USER`: the RBAC user name or the IAM user id. */
  readonly user?: string;
  /** For IAM: grants `elasticache:Connect` to the grantee. */
  readonly grantIam?: (grantee: iam.IGrantable) => iam.Grant;
}

function isGrantable(x: unknown): x is iam.IGrantable {
  return typeof x === 'object' && x !== null && 'grantPrincipal' in x && (x as iam.IGrantable).grantPrincipal !== undefined;
}

/**
 * The one call: opens the cache's port to the consumer, grants it the credentials, sets the variables.
 *
 * What it adds to another stack's resources lives in the consumer's stack when that stack depends on
 * the cache's (it does, through the endpoint and secret references): the ingress rule through the
 * caches' `CacheConnections`, read on a generated secret through `CacheSecret.grantRead` (its
 * `kms:Decrypt` as an identity policy with `kms:ViaService`), and, for any other secret, the same
 * grants as identity policies of the grantee, never statements in the cache stack's key or secret
 * policies, which would point back at the consumer and close a cycle.
 */
export function wireConsumer(cache: IConstruct & ec2.IConnectable, consumer: ec2.IConnectable, options: ConnectFromOptions,
  facts: ConsumerFacts): CacheConnectionBinding {
  if (options.name !== undefined && !Token.isUnresolved(options.name) && !ConnectionEnvironment.isValidName(options.name)) {
    invalid(cache, 'connectFrom name', options.name, 'Allowed: a letter, then letters, digits, \'-\' or \'_\', at most 32 '
      + '(it becomes part of the variable names, CACHE_<NAME>_HOST).');
  }

  claimConnectionName(cache, consumer, options);

  // Network
  if (cache.connections.defaultPort === undefined) {
    invalid(cache, 'connectFrom', phrase('a cache without a known port'), 'Allowed: an imported cache with its port '
      + '(fromReplicationGroupAttributes / fromMemcachedClusterAttributes { port }).');
  }
  if (cache.connections.securityGroups.length === 0) {
    Annotations.of(cache).addWarningV2('cdk-elasticache:connectFromNoSecurityGroups', 'connectFrom(): the imported cache has '
      + 'no securityGroups, so no ingress rule is added: the consumer can reach the port only if the cache\'s security groups '
      + 'already allow it. Give securityGroups when importing the cache.');
  }
  // The caches' connections (CacheConnections) put the rule in the consumer's stack when it depends on the cache's.
  cache.connections.allowDefaultPortFrom(consumer);

  // Credentials
  const grantee = options.grantee ?? (isGrantable(consumer) ? consumer : undefined);
  const needsGrant = facts.secret !== undefined || facts.grantIam !== undefined;
  if (needsGrant && !grantee) {
    invalid(cache, 'connectFrom grantee', phrase('nothing (the consumer is not IGrantable)'), 'Allowed: the principal the '
      + 'consumer runs as, for example { grantee: taskDefinition.taskRole } for an ECS service.');
  }
  if (facts.secret) {
    checkSecretsManagerReachable(consumer);
  }
  if (facts.secret && grantee) {
    if (facts.secret instanceof CacheSecret) {
      // The library's generated secrets keep their key grants out of the key policy across stacks.
      facts.secret.grantRead(grantee);
    } else {
      grantSecretRead(facts.secret, grantee);
    }
  }
  if (facts.grantIam && grantee) {
    facts.grantIam(grantee);
  }

  // Variables (with the DNS names of addDnsRecords(), if any, instead of the endpoints)
  const hosts = consumerHosts(cache, consumer, options.useDnsNames, facts);
  const variables: Array<[string, string | undefined]> = [
    [ConnectionEnvironment.ENGINE, facts.engine],
    [ConnectionEnvironment.ID, facts.id],
    [ConnectionEnvironment.HOST, hosts.host],
    [ConnectionEnvironment.PORT, facts.port],
    [ConnectionEnvironment.READER_HOST, hosts.readerHost],
    [ConnectionEnvironment.READER_PORT, facts.readerPort],
    [ConnectionEnvironment.TLS, facts.tls ? 'true' : 'false'],
    [ConnectionEnvironment.AUTH, facts.authMode],
    [ConnectionEnvironment.SECRET_ARN, facts.secret?.secretArn],
    [ConnectionEnvironment.SECRET_FIELD, facts.secretField],
    [ConnectionEnvironment.USER, facts.user],
    [ConnectionEnvironment.SERVERLESS, facts.serverless ? 'true' : undefined],
    [ConnectionEnvironment.CLUSTER, facts.cluster ? 'true' : undefined],
    [ConnectionEnvironment.DNS_ALIAS, hosts.alias ? 'true' : undefined],
  ];
  const environment: Record<string, string> = {};
  for (const [key, value] of variables) {
    if (value !== undefined) {
      environment[ConnectionEnvironment.variableName(key, options.name)] = value;
    }
  }
  const target = options.container ?? (consumer instanceof lambda.Function ? consumer : undefined);
  for (const [name, value] of Object.entries(environment)) {
    target?.addEnvironment(name, value);
  }
  return { environment, authMode: facts.authMode };
}

/** Per consumer (its function, container or construct): the connection names wired, normalized, to the cache's path. */
const CONNECTION_NAMES = new WeakMap<object, Map<string, string>>();

/**
 * Records the connection name of this `connectFrom()` on the consumer, and refuses a second one with
 * the same name (or none twice): its `CACHE_*` variables would overwrite the first's while both
 * grants stay. The consumer is the environment written: `container`, else the consumer (a Lambda
 * function, or one whose returned environment the user applies).
 */
function claimConnectionName(cache: IConstruct, consumer: ec2.IConnectable, options: ConnectFromOptions): void {
  const owner: object = options.container ?? consumer;
  const key = options.name === undefined ? '' : Token.isUnresolved(options.name) ? options.name : ConnectionEnvironment.normalizeName(options.name);
  let names = CONNECTION_NAMES.get(owner);
  if (!names) {
    names = new Map();
    CONNECTION_NAMES.set(owner, names);
  }
  const first = names.get(key);
  if (first !== undefined) {
    const variables = `${ConnectionEnvironment.variableName(ConnectionEnvironment.HOST, options.name)}...`;
    invalid(cache, 'connectFrom name', options.name === undefined ? phrase('none again') : options.name, `The consumer is already `
      + `connected to ${first === cache.node.path ? 'this cache' : first} with ${options.name === undefined ? 'no name' : 'that name'}: `
      + `its ${variables} variables would be overwritten. Allowed: a different name on each connectFrom() of one consumer, `
      + 'such as { name: \'sessions\' } (CACHE_SESSIONS_HOST...).');
  }
  names.set(key, cache.node.path);
}

/** The consumers that already get the Secrets Manager check (one warning per consumer). */
const REACHABILITY_CHECKED = new WeakSet<object>();

/**
 * Warns, at synthesis (when the VPC's endpoints are all added), when the consumer runs only in
 * isolated subnets of a VPC of this app without a Secrets Manager interface endpoint: it cannot read
 * its secret. Says nothing when it cannot see: a consumer outside a VPC, subnets of an imported VPC
 * (its NAT routes and endpoints are not in the app), a consumer whose subnets it cannot read.
 */
function checkSecretsManagerReachable(consumer: ec2.IConnectable): void {
  if (!isConstruct(consumer) || REACHABILITY_CHECKED.has(consumer)) {
    return;
  }
  REACHABILITY_CHECKED.add(consumer);
  consumer.node.addValidation({
    validate: () => {
      const isolated = isolatedWithoutSecretsManager(consumer);
      if (isolated) {
        Annotations.of(consumer).addWarningV2('cdk-elasticache:consumerCannotReachSecretsManager', `connectFrom(): this consumer `
          + `reads its cache password from Secrets Manager, but runs in isolated subnets (${isolated}) of a VPC without a NAT route `
          + 'or a Secrets Manager interface endpoint: the read times out. Add vpc.addInterfaceEndpoint(\'SecretsManager\', { service: '
          + 'ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER }), or run it in PRIVATE_WITH_EGRESS subnets (a NAT gateway). '
          + 'Acknowledge this warning if the VPC reaches Secrets Manager another way (an endpoint made outside this app, a '
          + 'transit gateway, a proxy).');
      }
      return [];
    },
  });
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x && typeof (x as IConstruct).node?.addValidation === 'function';
}

/** The subnet ids (as written in its template) of a Lambda function, ECS service or EC2 instance; `undefined` for other consumers. */
function consumerSubnetIds(consumer: IConstruct): unknown[] | undefined {
  for (const child of consumer.node.children) {
    if (child instanceof lambda.CfnFunction) {
      return resolveList(child, (child.vpcConfig as lambda.CfnFunction.VpcConfigProperty | undefined)?.subnetIds);
    }
    if (child instanceof ecs.CfnService) {
      const network = Stack.of(child).resolve(child.networkConfiguration) as
        { awsvpcConfiguration?: { subnets?: unknown[] }; AwsvpcConfiguration?: { Subnets?: unknown[] } } | undefined;
      return network?.awsvpcConfiguration?.subnets ?? network?.AwsvpcConfiguration?.Subnets;
    }
    if (child instanceof ec2.CfnInstance) {
      return child.subnetId === undefined ? undefined : [Stack.of(child).resolve(child.subnetId)];
    }
  }
  return undefined;
}

function resolveList(scope: IConstruct, list: unknown): unknown[] | undefined {
  const resolved = Stack.of(scope).resolve(list) as unknown;
  return Array.isArray(resolved) ? resolved : undefined;
}

/**
 * `'2 of 2'` when some of the consumer's subnets are isolated subnets of an `ec2.Vpc` of this app that
 * has no Secrets Manager interface endpoint (with private DNS); otherwise `undefined` (reachable, or
 * not known: subnets of an imported VPC or not found).
 */
function isolatedWithoutSecretsManager(consumer: IConstruct): string | undefined {
  const subnetIds = consumerSubnetIds(consumer);
  if (!subnetIds || subnetIds.length === 0) {
    return undefined;
  }
  const stack = Stack.of(consumer);
  // Both sides resolved in the consumer's stack: the same subnet is the same Ref (or import).
  const key = (value: unknown) => JSON.stringify(stack.resolve(value));
  const wanted = new Set(subnetIds.map(id => JSON.stringify(id)));
  const root = consumer.node.root;
  for (const vpc of root.node.findAll().filter((c): c is ec2.Vpc => c instanceof ec2.Vpc)) {
    const isolated = new Set(vpc.isolatedSubnets.map(s => key(s.subnetId)));
    const all = new Set([...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].map(s => key(s.subnetId)));
    if (![...wanted].every(id => all.has(id))) {
      continue; // not (only) this VPC's subnets
    }
    const inIsolated = [...wanted].filter(id => isolated.has(id)).length;
    if (inIsolated === 0 || hasSecretsManagerEndpoint(root, key(vpc.vpcId), key)) {
      return undefined;
    }
    return `${inIsolated} of ${wanted.size}`;
  }
  return undefined;
}

/** Whether the app defines a Secrets Manager interface endpoint with private DNS in the VPC `vpcKey`. */
function hasSecretsManagerEndpoint(root: IConstruct, vpcKey: string, key: (value: unknown) => string): boolean {
  return root.node.findAll().some(c => c instanceof ec2.CfnVPCEndpoint
    && (c.vpcEndpointType ?? 'Gateway') === 'Interface'
    && c.privateDnsEnabled !== false
    && /\.secretsmanager(-fips)?"/.test(JSON.stringify(Stack.of(c).resolve(c.serviceName)))
    && key(c.vpcId) === vpcKey);
}

/**
 * Read on a secret of the user's (an AUTH token from `authTokenFromSecret`, an imported user's) as an
 * identity policy of the grantee (what `secret.grantRead` does, without the
 * key-policy statement its `kms.ViaServicePrincipal` falls back to): `GetSecretValue` and
 * `DescribeSecret` on the secret, and `kms:Decrypt` on its customer managed key when Secrets Manager
 * of this Region asks for it. The key's default policy delegates to IAM, so this is enough in the
 * key's account.
 */
function grantSecretRead(secret: secretsmanager.ISecret, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    // A secret imported by its partial ARN (no random suffix) needs the suffix wildcard, as grantRead does.
    resourceArns: [secret.secretFullArn ? secret.secretArn : `${secret.secretArn}-??????`],
  });
  if (secret.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [secret.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
    });
  }
}

/** What a replication group knows about its authentication, for `resolveConsumerAuth`. */
export interface CacheAuthFacts {
  /** The mode without a `user` option: the cache's own, or the imported `authMode`. */
  readonly mode: CacheAuthMode;
  /** The cache's `authSecret`. */
  readonly authSecret?: secretsmanager.ISecret;
  /** The JSON field of an AUTH token secret. */
  readonly secretField?: string;
  /** The application user `generatedUserGroup()` made (RBAC default). */
  readonly applicationUser?: IUser & { readonly secret?: secretsmanager.ISecret };
  /** Whether the cache is known to use RBAC with a user group of the user's (`Authentication.userGroup`). */
  readonly givenUserGroup?: boolean;
  /** Grants IAM authentication as a user. */
  readonly grantConnect: (grantee: iam.IGrantable, user: IUser) => iam.Grant;
}

type AuthChoice = Pick<ConsumerFacts, 'authMode' | 'secret' | 'secretField' | 'user' | 'grantIam'>;

function userLabel(user: IUser): string {
  return Token.isUnresolved(user.userId) ? `at ${user.node.path}` : `'${user.userId}'`;
}

function userNameOf(user: IUser): string | undefined {
  try {
    return user.userName;
  } catch {
    return undefined;
  }
}

/** Which credentials a consumer of a replication group gets, from the cache's authentication and the options. */
export function resolveConsumerAuth(cache: IConstruct, facts: CacheAuthFacts, options: ConnectFromOptions): AuthChoice {
  const user = options.user;
  if (user) {
    if (facts.mode === CacheAuthMode.NONE || facts.mode === CacheAuthMode.AUTH_TOKEN) {
      invalid(cache, 'connectFrom user', phrase(`the user ${userLabel(user)}`), `Allowed: no user on a cache with `
        + `${facts.mode === CacheAuthMode.NONE ? 'no authentication' : 'an AUTH token'}; users need RBAC (a user group).`);
    }
    switch (user.authenticationType) {
      case UserAuthenticationType.IAM:
        return { authMode: CacheAuthMode.IAM, user: user.userId, grantIam: grantee => facts.grantConnect(grantee, user) };
      case UserAuthenticationType.NO_PASSWORD:
        invalid(cache, 'connectFrom user', phrase(`the no-password user ${userLabel(user)}`), 'Allowed: a password or IAM user; '
          + 'a no-password user has no credentials to hand to a consumer.');
      // falls through (invalid throws)
      default: {
        const own = user === facts.applicationUser ? facts.authSecret : undefined;
        const secret = options.secret ?? (user as { secret?: secretsmanager.ISecret }).secret ?? own;
        if (!secret) {
          invalid(cache, 'connectFrom secret', phrase(`nothing for the user ${userLabel(user)}`), 'Allowed: the secret with the '
            + 'user\'s { "username", "password" } ({ user, secret }); only a User with a generated password has one the library knows.');
        }
        return { authMode: CacheAuthMode.RBAC_PASSWORD, secret, user: userNameOf(user) };
      }
    }
  }
  switch (facts.mode) {
    case CacheAuthMode.NONE:
      return { authMode: CacheAuthMode.NONE };
    case CacheAuthMode.IAM:
      return invalid(cache, 'connectFrom user', phrase('nothing'), 'Allowed: the IAM user the consumer connects as ({ user }).');
    case CacheAuthMode.AUTH_TOKEN: {
      const secret = options.secret ?? facts.authSecret;
      if (!secret) {
        invalid(cache, 'connectFrom secret', phrase('nothing'), 'Allowed: the secret that holds the AUTH token ({ secret }); '
          + 'Authentication.authToken(value) gives consumers nothing to read: prefer Authentication.authTokenFromSecret(secret) '
          + 'or generatedAuthToken().');
      }
      return { authMode: CacheAuthMode.AUTH_TOKEN, secret, secretField: options.secret ? undefined : facts.secretField };
    }
    case CacheAuthMode.RBAC_PASSWORD: {
      if (facts.givenUserGroup) {
        invalid(cache, 'connectFrom user', phrase('nothing'), 'Allowed: the user of the group the consumer connects as ({ user }); '
          + 'with Authentication.userGroup(group) the construct cannot choose one.');
      }
      const secret = options.secret ?? facts.authSecret;
      if (!secret) {
        invalid(cache, 'connectFrom secret', phrase('nothing'), 'Allowed: the secret with the { "username", "password" } the '
          + 'consumer connects with ({ secret }, or authSecret when importing the cache).');
      }
      const name = facts.applicationUser ? userNameOf(facts.applicationUser) : undefined;
      return { authMode: CacheAuthMode.RBAC_PASSWORD, secret, ...(name !== undefined ? { user: name } : {}) };
    }
  }
}

/** What a cache that takes credentials (replication group, serverless cache) tells `connectFrom()`. */
export interface CacheConsumerFacts {
  /** Where the cache is and how to reach it. */
  readonly endpoint: Omit<ConsumerFacts, 'authMode'>;
  /** How the cache authenticates its clients. */
  readonly auth: Omit<CacheAuthFacts, 'grantConnect'>;
}

/**
 * `connectFrom()` of a cache that takes credentials: the consumer's credentials (from the cache's
 * authentication and the options), then the wiring (`wireConsumer`).
 */
export function connectConsumer(cache: IConstruct & ec2.IConnectable, consumer: ec2.IConnectable, options: ConnectFromOptions,
  facts: CacheConsumerFacts, grantConnect: (grantee: iam.IGrantable, user: IUser) => iam.Grant): CacheConnectionBinding {
  const auth = resolveConsumerAuth(cache, { ...facts.auth, grantConnect }, options);
  return wireConsumer(cache, consumer, options, { ...facts.endpoint, ...auth });
}

/**
 * A cache without authentication (Memcached) hands its consumers no credentials: a `user` or
 * `secret` option is an error.
 *
 * @param what the cache, for the message ('Memcached cluster')
 */
export function rejectConsumerCredentials(cache: IConstruct, options: ConnectFromOptions, what: string): void {
  if (options.user !== undefined || options.secret !== undefined) {
    invalid(cache, `connectFrom ${options.user !== undefined ? 'user' : 'secret'}`, phrase('a value'), `Allowed: none on a ${what}, `
      + 'which has no authentication.');
  }
}
