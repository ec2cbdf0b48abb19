import { randomBytes } from 'node:crypto';
import { DescribeUserGroupsCommand, ElastiCacheClient, ModifyReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretListEntry,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ClientOptions, commandClientConfig, instrumentCalls } from './client';
import { formatElapsed, poll, SYSTEM_CLOCK, WaitOptions } from './clock';
import { OpsError } from './errors';
import { findCache, isNamed, regionOf } from './find';
import { waitForAvailable } from './wait';

/**
 * The tags `user.addRotation()` / `cache.addRotation()` put on a rotated secret (the rotation
 * function reads the same ones; a test keeps the three copies equal).
 */
export const ROTATION_TAGS = {
  kind: 'cdk-elasticache:rotation',
  userId: 'cdk-elasticache:user-id',
  replicationGroupId: 'cdk-elasticache:replication-group-id',
} as const;

/** The clients the rotation commands use. */
export interface RotationClients {
  readonly elastiCache: ElastiCacheClient;
  readonly secretsManager: SecretsManagerClient;
}

/** What `rotateNow` returns, per secret. */
export interface RotationResult {
  /** The secret's ARN. */
  readonly secretArn: string;
  /** The secret's name. */
  readonly name: string;
  /** What it is the credential of: `user <id>` or `replication group <id>`. */
  readonly target: string;
  /** The version the rotation created, now AWSCURRENT. */
  readonly versionId: string;
  /** From RotateSecret until the version was AWSCURRENT, in milliseconds. */
  readonly durationMs: number;
}

/** The target a rotated secret's tags name, or undefined. */
function targetOf(tags: Array<{ Key?: string; Value?: string }> | undefined): string | undefined {
  const tag = (key: string) => tags?.find(t => t.Key === key)?.Value;
  if (tag(ROTATION_TAGS.kind) === 'user' && tag(ROTATION_TAGS.userId)) {
    return `user ${tag(ROTATION_TAGS.userId)}`;
  }
  if (tag(ROTATION_TAGS.kind) === 'auth-token' && tag(ROTATION_TAGS.replicationGroupId)) {
    return `replication group ${tag(ROTATION_TAGS.replicationGroupId)}`;
  }
  return undefined;
}

async function describeSecret(client: SecretsManagerClient, id: string): Promise<DescribeSecretCommandOutput | undefined> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: id }));
  } catch (e) {
    if (isNamed(e, 'ResourceNotFoundException')) {
      return undefined;
    }
    throw e;
  }
}

/** Every secret with the tag `key` set to one of `values` (ListSecrets filters, checked pairwise here). */
async function secretsTagged(client: SecretsManagerClient, key: string, values: string[]): Promise<SecretListEntry[]> {
  const found: SecretListEntry[] = [];
  for (let i = 0; i < values.length; i += 10) {
    const chunk = values.slice(i, i + 10);
    let token: string | undefined;
    do {
      const out = await client.send(new ListSecretsCommand({
        Filters: [{ Key: 'tag-key', Values: [key] }, { Key: 'tag-value', Values: chunk }],
        NextToken: token,
      }));
      found.push(...(out.SecretList ?? []).filter(s => s.Tags?.some(t => t.Key === key && chunk.includes(t.Value ?? ''))));
      token = out.NextToken;
    } while (token);
  }
  return found;
}

/**
 * The secrets `id` names: the secret itself (name or ARN), or the secrets cdk-elasticache rotates for
 * the cache `id` (its AUTH token, or the users of its user groups).
 */
async function resolveSecrets(clients: RotationClients, id: string): Promise<string[]> {
  const secret = await describeSecret(clients.secretsManager, id);
  if (secret) {
    return [secret.ARN ?? id];
  }
  let found;
  try {
    found = await findCache(clients.elastiCache, id);
  } catch (e) {
    if (e instanceof OpsError) {
      throw new OpsError(`No secret and no replication group or cache cluster named '${id}' in ${await regionOf(clients.elastiCache)}.`);
    }
    throw e;
  }
  if (found.kind !== 'replication-group') {
    throw new OpsError(`'${id}' is a cache cluster: it has no credentials to rotate (Memcached has none; rotate a Valkey / Redis OSS `
      + 'replication group or a secret).');
  }
  const group = found.group;
  if (!group.AuthTokenEnabled && (group.UserGroupIds ?? []).length === 0) {
    throw new OpsError(`Replication group '${id}' has no AUTH token and no user group: it has no credentials to rotate.`);
  }
  const secrets: SecretListEntry[] = [];
  if (group.AuthTokenEnabled) {
    secrets.push(...await secretsTagged(clients.secretsManager, ROTATION_TAGS.replicationGroupId, [id]));
  }
  const userGroupIds = group.UserGroupIds ?? [];
  if (userGroupIds.length > 0) {
    const userIds: string[] = [];
    for (const userGroupId of userGroupIds) {
      const out = await clients.elastiCache.send(new DescribeUserGroupsCommand({ UserGroupId: userGroupId }));
      userIds.push(...(out.UserGroups ?? []).flatMap(g => g.UserIds ?? []));
    }
    secrets.push(...await secretsTagged(clients.secretsManager, ROTATION_TAGS.userId, [...new Set(userIds)]));
  }
  if (secrets.length === 0) {
    throw new OpsError(`No secret of replication group '${id}' is rotated by cdk-elasticache (no secret tagged ${ROTATION_TAGS.kind} `
      + `for its ${group.AuthTokenEnabled ? 'AUTH token' : 'users'}): add cache.addRotation() to the app and deploy, pass the secret's `
      + `name or ARN, or rotate an AUTH token by hand with 'rotate-auth-token'.`);
  }
  return secrets.map(s => s.ARN!).filter((arn, i, all) => all.indexOf(arn) === i);
}

/**
 * Starts a rotation now (`RotateSecret`) of a secret, or of every secret cdk-elasticache rotates for a
 * replication group, one after the other, and follows each until its new version is AWSCURRENT.
 * Progress: one line per poll. Fails when the secret has no rotation, when a rotation is already
 * running, and when the new version is not current after `timeoutMs` (default 20 minutes; polls
 * every 5 seconds): the rotation function's log says why.
 */
export async function rotateNow(clients: RotationClients, id: string, options: WaitOptions = {}): Promise<RotationResult[]> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const results: RotationResult[] = [];
  for (const arn of await resolveSecrets(clients, id)) {
    const secret = (await describeSecret(clients.secretsManager, arn))!;
    const name = secret.Name ?? arn;
    const target = targetOf(secret.Tags) ?? 'an unknown target';
    if (!secret.RotationEnabled || !secret.RotationLambdaARN) {
      throw new OpsError(`Secret ${name} has no rotation: add user.addRotation() / cache.addRotation() to the app and deploy `
        + '(or rotate an AUTH token by hand with \'rotate-auth-token\').');
    }
    const start = clock.now();
    let versionId: string;
    try {
      const out = await clients.secretsManager.send(new RotateSecretCommand({ SecretId: arn, RotateImmediately: true }));
      versionId = out.VersionId!;
    } catch (e) {
      if (isNamed(e, 'InvalidRequestException')) {
        throw new OpsError(`Secrets Manager refused to rotate ${name}: ${(e as Error).message.replace(/\s+/g, ' ').trim()} `
          + '(a rotation still in progress: wait for it, or see the rotation function\'s log).');
      }
      throw e;
    }
    options.onProgress?.(`${name} (${target}): rotation started, version ${versionId}`);
    const fn = secret.RotationLambdaARN.split(':').pop();
    let stages: string[] = [];
    await poll(async elapsedMs => {
      const now = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: arn }));
      stages = now.VersionIdsToStages?.[versionId] ?? [];
      options.onProgress?.(`${name}: version ${versionId} ${stages.length > 0 ? stages.join(', ') : 'gone'} [${formatElapsed(elapsedMs)}]`);
      if (stages.includes('AWSCURRENT')) {
        return true;
      }
      if (stages.length === 0) {
        throw new OpsError(`The rotation of ${name} failed: version ${versionId} is gone. See the log of the rotation function ${fn} `
          + `(log group /aws/lambda/${fn}, or the function's own).`);
      }
      return undefined;
    }, {
      clock,
      timeoutMs,
      signal: options.signal,
      intervalMs: options.intervalMs ?? 5_000,
      onTimeout: () => new OpsError(`Timed out after ${formatElapsed(timeoutMs)}: version ${versionId} of ${name} is still `
        + `${stages.join(', ') || 'pending'}. The rotation function ${fn} failed or is still waiting for ${target}; its log says which.`),
    });
    results.push({ secretArn: arn, name, target, versionId, durationMs: clock.now() - start });
  }
  return results;
}

/** The characters ElastiCache takes in an AUTH token, and its length. */
const AUTH_TOKEN = /^[A-Za-z0-9!&#$^<>-]{16,128}$/;

/** A new AUTH token: 64 letters and digits. */
export function generateAuthToken(length = 64): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) {
        out += alphabet[byte % alphabet.length];
      }
    }
  }
  return out;
}

/** Options of `rotateAuthToken`. */
export interface RotateAuthTokenOptions extends WaitOptions {
  /**
   * The secret clients read the token from (its whole string): the new token is stored there between
   * ROTATE and SET, and SET only reads it from there (`step: 'set'`).
   */
  readonly secretId: string;
  /**
   * Which part to run: `both` (ROTATE, store, SET), `rotate` (ROTATE and store: old and new both work,
   * until a later `set`), or `set` (SET with the token the secret holds: only it works).
   * @default 'both'
   */
  readonly step?: 'both' | 'rotate' | 'set';
  /**
   * The new token (16-128 characters: letters, digits, `! & # $ ^ < > -`).
   * @default - 64 random letters and digits
   */
  readonly token?: string;
}

/** What `rotateAuthToken` returns. */
export interface RotateAuthTokenResult {
  readonly replicationGroupId: string;
  readonly secretArn: string;
  /** The steps that ran, in order: `ROTATE`, `secret updated`, `SET`. */
  readonly steps: string[];
  /** The whole run, in milliseconds. */
  readonly durationMs: number;
}

/**
 * The AUTH token rotation by hand, for groups without the rotation function: `ModifyReplicationGroup`
 * with the new token and `AuthTokenUpdateStrategy: ROTATE` (old and new both work), the new token into
 * the secret clients read, then `SET` (only the new one works), each with `ApplyImmediately` and a wait
 * until the group is available. `step` runs one half, for a pause in which clients move.
 */
export async function rotateAuthToken(clients: RotationClients, id: string, options: RotateAuthTokenOptions): Promise<RotateAuthTokenResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const start = clock.now();
  const step = options.step ?? 'both';
  const found = await findCache(clients.elastiCache, id);
  if (found.kind !== 'replication-group') {
    throw new OpsError(`'${id}' is a cache cluster: AUTH tokens belong to Valkey / Redis OSS replication groups.`);
  }
  if (!found.group.AuthTokenEnabled) {
    throw new OpsError(`Replication group '${id}' has no AUTH token${(found.group.UserGroupIds ?? []).length > 0 ? ' (it uses RBAC user '
      + 'groups: rotate its users\' passwords with \'rotate\')' : ''}.`);
  }
  if (options.token !== undefined && !AUTH_TOKEN.test(options.token)) {
    throw new OpsError(`Invalid token: ${options.token.length} characters${/^[A-Za-z0-9!&#$^<>-]*$/.test(options.token) ? '' : ' with '
      + 'characters ElastiCache refuses'}. Allowed: 16 to 128 characters, letters, digits and ! & # $ ^ < > - only.`);
  }
  const secret = await describeSecret(clients.secretsManager, options.secretId);
  if (!secret) {
    throw new OpsError(`No secret named '${options.secretId}' in ${await regionOf(clients.elastiCache)}: pass the secret clients read the `
      + 'token from (--secret).');
  }
  if (secret.RotationEnabled) {
    throw new OpsError(`Secret ${secret.Name} is rotated by ${secret.RotationLambdaARN?.split(':').pop() ?? 'a rotation function'}: `
      + `use 'rotate ${secret.Name}', which keeps the function's bookkeeping right.`);
  }
  const arn = secret.ARN!;
  const steps: string[] = [];
  const wait = (why: string) => waitForAvailable(clients.elastiCache, id, {
    clock, timeoutMs: options.timeoutMs, intervalMs: options.intervalMs, signal: options.signal, onProgress: line => options.onProgress?.(`${line} (${why})`),
  });
  const modify = async (token: string, strategy: 'ROTATE' | 'SET') => {
    await wait(`before ${strategy}`);
    await clients.elastiCache.send(new ModifyReplicationGroupCommand({
      ReplicationGroupId: id, AuthToken: token, AuthTokenUpdateStrategy: strategy, ApplyImmediately: true,
    }));
    steps.push(strategy);
    options.onProgress?.(strategy === 'ROTATE' ? `${id}: ROTATE sent: the old and the new token both work once the group is available`
      : `${id}: SET sent: only the new token works once the group is available`);
    await wait(`after ${strategy}`);
  };

  let token = options.token;
  if (step === 'set') {
    token ??= (await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
    if (!token || !AUTH_TOKEN.test(token)) {
      throw new OpsError(`Secret ${secret.Name} does not hold an AUTH token (a plain string of 16-128 allowed characters).`);
    }
  } else {
    token ??= generateAuthToken();
    await modify(token, 'ROTATE');
    await clients.secretsManager.send(new PutSecretValueCommand({ SecretId: arn, SecretString: token }));
    steps.push('secret updated');
    options.onProgress?.(`${secret.Name}: holds the new token (AWSCURRENT); clients that re-read it use it`);
  }
  if (step !== 'rotate') {
    await modify(token, 'SET');
  }
  return { replicationGroupId: id, secretArn: arn, steps, durationMs: clock.now() - start };
}

/** Secret names and ARNs as Secrets Manager takes them (names: letters, digits and `/_+=.@-`; ARNs add `:`). */
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;

/**
 * What is wrong with a secret name or ARN, as one line, or `undefined` when it may be one.
 * @param orGroup the id may also be a replication group id (the message says so)
 */
export function secretIdProblem(id: string, orGroup = false): string | undefined {
  return SECRET_ID.test(id) ? undefined : `Invalid ${orGroup ? 'secret or replication group id' : 'secret id'}: got ${JSON.stringify(id)}. `
    + `Allowed: a secret name (letters, digits and / _ + = . @ -) or ARN${orGroup ? ', or a replication group id' : ''}.`;
}

/**
 * The Secrets Manager client of the command: the region, credentials, timeouts and deadline as
 * `createCommandClient` resolves them, and the endpoint `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else `--endpoint-url` (a local endpoint
 * such as moto serves both APIs), else `AWS_ENDPOINT_URL`. @internal
 */
export function createSecretsManagerCommandClient(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): SecretsManagerClient {
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER?.trim() || options.endpoint || env.AWS_ENDPOINT_URL?.trim() || undefined;
  const config = commandClientConfig({ ...options, endpoint: undefined }, env);
  return instrumentCalls(new SecretsManagerClient({ ...config, ...(endpoint ? { endpoint } : {}) }), options.deadline);
}
