// @ts-check
'use strict';
/**
 * The credential rotation function of cdk-elasticache: a Secrets Manager rotation handler for
 * ElastiCache RBAC user passwords and replication group AUTH tokens.
 *
 * Plain CommonJS with JSDoc types (checked by tsc), shipped as a Lambda asset without a bundling
 * step: it needs only Node.js and the AWS SDK v3 clients built into the Lambda Node.js runtime. It
 * must not import aws-cdk-lib or anything else of the library.
 *
 * What it rotates is read from the secret's tags, which the constructs set:
 * - `cdk-elasticache:rotation` = `user` (a JSON secret `{ "username", "password", ... }` of the RBAC
 *   user `cdk-elasticache:user-id`) or `auth-token` (a plain-string AUTH token of the replication
 *   group `cdk-elasticache:replication-group-id`).
 *
 * The four steps (Secrets Manager calls each one, and retries a failed rotation, so each step is
 * idempotent per version id):
 * - createSecret: a new password (letters and digits, the length of the current one) stored as
 *   AWSPENDING under the rotation's version id; nothing if that version already exists.
 * - setSecret: user: `ModifyUser` with the current and the pending password (both valid; the
 *   password before the current one, kept since the previous rotation, is dropped now), waiting
 *   for the user to be active before and after. AUTH token: `ModifyReplicationGroup` with the
 *   pending token, `AuthTokenUpdateStrategy: ROTATE`, `ApplyImmediately`, waiting for the group to
 *   be available before and after (old and new token both valid).
 * - testSecret: through the API: the user is active with two passwords / the group is available
 *   with AUTH enabled.
 * - finishSecret: the pending version becomes AWSCURRENT. AUTH token: then `SET` with the new token,
 *   which drops the old one (clients re-read the secret on WRONGPASS); a user keeps its previous
 *   password until the next rotation's setSecret.
 */

const crypto = require('node:crypto');
const net = require('node:net');
const tls = require('node:tls');
const sm = require('@aws-sdk/client-secrets-manager');
const ec = require('@aws-sdk/client-elasticache');

/** The tags the constructs put on a rotated secret. */
const TAGS = {
  kind: 'cdk-elasticache:rotation',
  userId: 'cdk-elasticache:user-id',
  replicationGroupId: 'cdk-elasticache:replication-group-id',
};

/** Set to `true` (by the constructs, when the function runs in the cache's VPC) for the data-plane check of testSecret. */
const DATA_PLANE_CHECK_ENV = 'CDK_ELASTICACHE_DATA_PLANE_CHECK';

/** Characters of generated passwords: letters and digits, which ElastiCache, every client and connection URLs take. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_LENGTH = 32;
const MIN_LENGTH = 16;
const MAX_LENGTH = 128;

/** Error names the handler retries with backoff (on top of the SDK's own retries). */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'ProvisionedThroughputExceededException', 'SlowDown']);

/**
 * @typedef {object} RotationEvent
 * @property {string} SecretId
 * @property {string} ClientRequestToken
 * @property {'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret'} Step
 */

/**
 * @typedef {object} LambdaContext
 * @property {() => number} [getRemainingTimeInMillis]
 */

/**
 * @typedef {object} HandlerOptions
 * @property {{ send: (command: any) => Promise<any> }} [secretsManager] the Secrets Manager client
 * @property {{ send: (command: any) => Promise<any> }} [elastiCache] the ElastiCache client
 * @property {(ms: number) => Promise<void>} [sleep] waits (tests pass a fake)
 * @property {() => number} [now] the clock, in ms (tests pass a fake that the fake sleep advances)
 * @property {(line: string) => void} [log] where log lines go (default: console.log, i.e. CloudWatch Logs)
 * @property {number} [pollIntervalMs] between two status checks (default 10 s)
 * @property {number} [maxWaitMs] the longest wait for a user or group to be ready, when the Lambda context gives no deadline (default 10 min)
 * @property {number} [throttleRetries] retries of a throttled call (default 5)
 * @property {boolean} [dataPlaneCheck] testSecret also sends AUTH with the pending password to the cache's primary endpoint
 *   (default: the environment variable CDK_ELASTICACHE_DATA_PLANE_CHECK is `true`)
 * @property {string} [tlsCa] the CA a TLS connection of the data-plane check trusts (default: Node.js's, which has Amazon's)
 */

/** An error the handler raises itself, with a message that says what to do. */
class RotationError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'RotationError';
  }
}

/**
 * A new password: `length` characters drawn uniformly from ALPHABET (rejection sampling).
 * @param {number} [length]
 * @returns {string}
 */
function generatePassword(length = DEFAULT_LENGTH) {
  const n = Math.min(MAX_LENGTH, Math.max(MIN_LENGTH, Math.floor(length)));
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < n) {
    for (const byte of crypto.randomBytes(n * 2)) {
      if (byte < limit && out.length < n) {
        out += ALPHABET[byte % ALPHABET.length];
      }
    }
  }
  return out;
}

/**
 * @param {unknown} e
 * @returns {string}
 */
function errorName(e) {
  return e && typeof e === 'object' && 'name' in e ? String(e.name) : '';
}

/**
 * Builds a rotation handler. `exports.handler` is the one Lambda runs; tests build their own with a
 * fake sleep.
 * @param {HandlerOptions} [options]
 * @returns {(event: RotationEvent, context?: LambdaContext) => Promise<void>}
 */
function makeHandler(options = {}) {
  const secrets = options.secretsManager ?? new sm.SecretsManagerClient({});
  const elasticache = options.elastiCache ?? new ec.ElastiCacheClient({});
  const sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  // eslint-disable-next-line no-console
  const log = options.log ?? (line => console.log(line));
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const throttleRetries = options.throttleRetries ?? 5;
  const dataPlaneCheck = options.dataPlaneCheck ?? process.env[DATA_PLANE_CHECK_ENV] === 'true';

  /**
   * Sends a command, retrying throttling errors with exponential backoff.
   * @param {{ send: (command: any) => Promise<any> }} client
   * @param {any} command
   * @returns {Promise<any>}
   */
  async function call(client, command) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.send(command);
      } catch (e) {
        if (!THROTTLING.has(errorName(e)) || attempt >= throttleRetries) {
          throw e;
        }
        const delay = Math.min(20_000, 500 * 2 ** attempt);
        log(`throttled (${errorName(e)}) on ${command.constructor.name}, retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  return async function handler(event, context) {
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
    const deadline = now() + (context?.getRemainingTimeInMillis
      ? Math.max(0, context.getRemainingTimeInMillis() - 15_000) : (options.maxWaitMs ?? 600_000));
    log(`${step}: secret ${secretId}, version ${token}`);

    const description = await call(secrets, new sm.DescribeSecretCommand({ SecretId: secretId }));
    if (!description.RotationEnabled) {
      throw new RotationError(`Secret ${secretId} does not have rotation enabled.`);
    }
    const versions = description.VersionIdsToStages ?? {};
    const stages = versions[token];
    if (!stages) {
      throw new RotationError(`Version ${token} is not a version of secret ${secretId}: the rotation was started for another `
        + 'version, or the version was deleted.');
    }
    const target = readTarget(secretId, description.Tags ?? []);
    const groupOfUser = (description.Tags ?? []).find(/** @param {any} t */ t => t.Key === TAGS.replicationGroupId)?.Value;
    if (stages.includes('AWSCURRENT') && step !== 'finishSecret') {
      log(`${step}: version ${token} is already AWSCURRENT, nothing to do`);
      return;
    }
    if (!stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT')) {
      throw new RotationError(`Version ${token} of secret ${secretId} is not AWSPENDING (stages: ${stages.join(', ') || 'none'}).`);
    }

    switch (step) {
      case 'createSecret':
        return createSecret(secretId, token, target);
      case 'setSecret':
        return setSecret(secretId, token, target, deadline);
      case 'testSecret':
        await testSecret(target, deadline);
        if (dataPlaneCheck) {
          await checkOnCache(secretId, token, target, target.kind === 'auth-token' ? target.replicationGroupId : groupOfUser);
        }
        return;
      case 'finishSecret':
        return finishSecret(secretId, token, versions, target, deadline);
      default:
        throw new RotationError(`Unknown step ${String(step)}: expected createSecret, setSecret, testSecret or finishSecret.`);
    }
  };

  /**
   * @param {string} secretId
   * @param {Array<{ Key?: string, Value?: string }>} tags
   * @returns {{ kind: 'user', userId: string } | { kind: 'auth-token', replicationGroupId: string }}
   */
  function readTarget(secretId, tags) {
    /** @param {string} key */
    const tag = key => tags.find(t => t.Key === key)?.Value;
    const kind = tag(TAGS.kind);
    if (kind === 'user') {
      const userId = tag(TAGS.userId);
      if (userId) {
        return { kind, userId };
      }
    } else if (kind === 'auth-token') {
      const replicationGroupId = tag(TAGS.replicationGroupId);
      if (replicationGroupId) {
        return { kind, replicationGroupId };
      }
    }
    throw new RotationError(`Secret ${secretId} has no rotation target: it needs the tag ${TAGS.kind} (user or auth-token) and `
      + `${TAGS.userId} or ${TAGS.replicationGroupId}, which user.addRotation() / cache.addRotation() set.`);
  }

  /**
   * @param {string} secretId
   * @param {string} [versionId]
   * @param {string} [stage]
   * @returns {Promise<string | undefined>} the secret string, or undefined when that version does not exist
   */
  async function getValue(secretId, versionId, stage) {
    try {
      const value = await call(secrets, new sm.GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: stage }));
      return value.SecretString;
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') {
        return undefined;
      }
      throw e;
    }
  }

  /**
   * The password (user) or token (AUTH) in a secret string.
   * @param {'user' | 'auth-token'} kind
   * @param {string} secretString
   * @param {string} what
   * @returns {string}
   */
  function passwordOf(kind, secretString, what) {
    if (kind === 'auth-token') {
      return secretString;
    }
    let parsed;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed.password !== 'string' || parsed.password.length === 0) {
      throw new RotationError(`The ${what} value of the secret is not a JSON object with a "password" field.`);
    }
    return parsed.password;
  }

  /**
   * @param {string} secretId
   * @param {string} token
   * @param {{ kind: 'user' | 'auth-token' }} target
   */
  async function createSecret(secretId, token, target) {
    const current = await getValue(secretId, undefined, 'AWSCURRENT');
    if (current === undefined) {
      throw new RotationError(`Secret ${secretId} has no AWSCURRENT version to rotate.`);
    }
    if (await getValue(secretId, token, 'AWSPENDING') !== undefined) {
      log(`createSecret: version ${token} already holds a pending password, keeping it`);
      return;
    }
    const currentPassword = passwordOf(target.kind, current, 'current');
    const password = generatePassword(currentPassword.length);
    const secretString = target.kind === 'auth-token' ? password : JSON.stringify({ ...JSON.parse(current), password });
    await call(secrets, new sm.PutSecretValueCommand({
      SecretId: secretId, ClientRequestToken: token, SecretString: secretString, VersionStages: ['AWSPENDING'],
    }));
    log(`createSecret: stored a new ${password.length}-character password as AWSPENDING (version ${token})`);
  }

  /**
   * @param {string} secretId
   * @param {string} token
   * @param {{ kind: 'user', userId: string } | { kind: 'auth-token', replicationGroupId: string }} target
   * @param {number} deadline
   */
  async function setSecret(secretId, token, target, deadline) {
    const pendingValue = await getValue(secretId, token, 'AWSPENDING');
    if (pendingValue === undefined) {
      throw new RotationError(`Version ${token} of secret ${secretId} has no AWSPENDING value: createSecret did not run.`);
    }
    const pending = passwordOf(target.kind, pendingValue, 'pending');
    if (target.kind === 'user') {
      const currentValue = await getValue(secretId, undefined, 'AWSCURRENT');
      const current = currentValue === undefined ? undefined : passwordOf('user', currentValue, 'current');
      const passwords = current && current !== pending ? [current, pending] : [pending];
      await waitForUser(target.userId, deadline, 'before setting its passwords');
      await call(elasticache, new ec.ModifyUserCommand({
        UserId: target.userId,
        AuthenticationMode: { Type: 'password', Passwords: passwords },
      }));
      log(`setSecret: user ${target.userId} now accepts ${passwords.length === 2 ? 'the current and the pending password' : 'the pending password'}`);
      await waitForUser(target.userId, deadline, 'after setting its passwords');
    } else {
      await waitForGroup(target.replicationGroupId, deadline, 'before rotating its AUTH token');
      await call(elasticache, new ec.ModifyReplicationGroupCommand({
        ReplicationGroupId: target.replicationGroupId,
        AuthToken: pending,
        AuthTokenUpdateStrategy: 'ROTATE',
        ApplyImmediately: true,
      }));
      log(`setSecret: replication group ${target.replicationGroupId} rotating its AUTH token (ROTATE): old and new both valid`);
      await waitForGroup(target.replicationGroupId, deadline, 'after ROTATE');
    }
  }

  /**
   * @param {{ kind: 'user', userId: string } | { kind: 'auth-token', replicationGroupId: string }} target
   * @param {number} deadline
   */
  async function testSecret(target, deadline) {
    if (target.kind === 'user') {
      const user = await waitForUser(target.userId, deadline, 'to test the pending password');
      const count = user.Authentication?.PasswordCount;
      if (user.Authentication?.Type !== 'password' || count === undefined || count < 1) {
        throw new RotationError(`testSecret: user ${target.userId} has no password authentication (type `
          + `${user.Authentication?.Type ?? 'unknown'}, ${count ?? 0} passwords): setSecret did not take effect.`);
      }
      log(`testSecret: user ${target.userId} is active with ${count} password(s)`);
    } else {
      const group = await waitForGroup(target.replicationGroupId, deadline, 'to test the pending AUTH token');
      if (!group.AuthTokenEnabled) {
        throw new RotationError(`testSecret: replication group ${target.replicationGroupId} has no AUTH token enabled.`);
      }
      log(`testSecret: replication group ${target.replicationGroupId} is available with AUTH enabled`
        + (group.AuthTokenLastModifiedDate ? ` (token modified ${new Date(group.AuthTokenLastModifiedDate).toISOString()})` : ''));
    }
  }

  /**
   * The data-plane check: AUTH with the pending password (user) or token on the group's primary endpoint,
   * over TLS when the group has encryption in transit. Only from inside the VPC (the constructs enable it there).
   * @param {string} secretId
   * @param {string} token
   * @param {{ kind: 'user' | 'auth-token' }} target
   * @param {string | undefined} groupId
   */
  async function checkOnCache(secretId, token, target, groupId) {
    if (!groupId) {
      log(`testSecret: no data-plane check (the secret has no tag ${TAGS.replicationGroupId})`);
      return;
    }
    const pendingValue = await getValue(secretId, token, 'AWSPENDING');
    if (pendingValue === undefined) {
      throw new RotationError(`testSecret: version ${token} of secret ${secretId} has no AWSPENDING value: createSecret did not run.`);
    }
    const out = await call(elasticache, new ec.DescribeReplicationGroupsCommand({ ReplicationGroupId: groupId }));
    const group = (out.ReplicationGroups ?? [])[0];
    const endpoint = group?.NodeGroups?.[0]?.PrimaryEndpoint ?? group?.ConfigurationEndpoint;
    if (!endpoint?.Address || !endpoint.Port) {
      throw new RotationError(`testSecret: replication group ${groupId} reports no endpoint for the data-plane check.`);
    }
    const args = target.kind === 'user'
      ? ['AUTH', String(JSON.parse(pendingValue).username), passwordOf('user', pendingValue, 'pending')]
      : ['AUTH', pendingValue];
    const where = `${endpoint.Address}:${endpoint.Port}`;
    const reply = await respCommand(endpoint.Address, endpoint.Port, Boolean(group.TransitEncryptionEnabled), args);
    if (!reply.startsWith('+OK')) {
      throw new RotationError(`testSecret: ${where} refused the pending ${target.kind === 'user' ? 'password' : 'token'}: ${reply}`);
    }
    log(`testSecret: ${where} accepts the pending ${target.kind === 'user' ? 'password' : 'token'} (AUTH over `
      + `${group.TransitEncryptionEnabled ? 'TLS' : 'plain TCP'})`);
  }

  /**
   * Sends one RESP command on a new connection and resolves with the first line of the reply.
   * @param {string} host
   * @param {number} port
   * @param {boolean} useTls
   * @param {string[]} args
   * @returns {Promise<string>}
   */
  function respCommand(host, port, useTls, args) {
    const request = `*${args.length}\r\n${args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    return new Promise((resolve, reject) => {
      const socket = useTls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(options.tlsCa ? { ca: options.tlsCa } : {}) })
        : net.connect({ host, port });
      let data = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RotationError(`testSecret: no answer from ${host}:${port} within 10 s (is the function's security group let in?)`));
      }, 10_000);
      socket.once(useTls ? 'secureConnect' : 'connect', () => socket.write(request));
      socket.on('data', chunk => {
        data += chunk.toString('utf8');
        const end = data.indexOf('\r\n');
        if (end >= 0) {
          clearTimeout(timer);
          socket.destroy();
          resolve(data.slice(0, end));
        }
      });
      socket.once('error', e => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RotationError(`testSecret: cannot reach ${host}:${port} for the data-plane check: ${e.message}`));
      });
    });
  }

  /**
   * @param {string} secretId
   * @param {string} token
   * @param {Record<string, string[]>} versions
   * @param {{ kind: 'user', userId: string } | { kind: 'auth-token', replicationGroupId: string }} target
   * @param {number} deadline
   */
  async function finishSecret(secretId, token, versions, target, deadline) {
    const current = Object.keys(versions).find(v => versions[v].includes('AWSCURRENT'));
    const alreadyCurrent = current === token;
    if (alreadyCurrent) {
      log(`finishSecret: version ${token} is already AWSCURRENT`);
    } else {
      await call(secrets, new sm.UpdateSecretVersionStageCommand({
        SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current,
      }));
      log(`finishSecret: version ${token} is now AWSCURRENT (was ${current ?? 'none'})`);
    }
    if (target.kind === 'user') {
      log(`finishSecret: user ${target.userId} keeps the previous password until the next rotation`);
      return;
    }
    const value = await getValue(secretId, token);
    if (value === undefined) {
      throw new RotationError(`finishSecret: version ${token} of secret ${secretId} has no value.`);
    }
    await waitForGroup(target.replicationGroupId, deadline, 'before SET');
    try {
      await call(elasticache, new ec.ModifyReplicationGroupCommand({
        ReplicationGroupId: target.replicationGroupId,
        AuthToken: value,
        AuthTokenUpdateStrategy: 'SET',
        ApplyImmediately: true,
      }));
    } catch (e) {
      // SET is allowed only after ROTATE: on a retry after a SET that went through, ElastiCache refuses a second one.
      if (alreadyCurrent && errorName(e) === 'InvalidParameterCombinationException') {
        log(`finishSecret: replication group ${target.replicationGroupId} refused SET (${String(e)}); the token is already set`);
        return;
      }
      throw e;
    }
    log(`finishSecret: replication group ${target.replicationGroupId} set to the new AUTH token (SET): the old one no longer works`);
    await waitForGroup(target.replicationGroupId, deadline, 'after SET');
  }

  /**
   * Waits until the user is active; throws when it is not before the deadline.
   * @param {string} userId
   * @param {number} deadline
   * @param {string} why
   * @returns {Promise<any>} the user as DescribeUsers returns it
   */
  async function waitForUser(userId, deadline, why) {
    for (;;) {
      let out;
      try {
        out = await call(elasticache, new ec.DescribeUsersCommand({ UserId: userId }));
      } catch (e) {
        if (errorName(e) === 'UserNotFoundFault') {
          throw new RotationError(`User ${userId} does not exist: was it deleted, or is the tag ${TAGS.userId} wrong?`);
        }
        throw e;
      }
      const user = (out.Users ?? []).find(/** @param {any} u */ u => u.UserId === userId);
      if (!user) {
        throw new RotationError(`User ${userId} does not exist: was it deleted, or is the tag ${TAGS.userId} wrong?`);
      }
      if (user.Status === 'active') {
        return user;
      }
      if (now() + pollIntervalMs > deadline) {
        throw new RotationError(`User ${userId} is still ${user.Status} (waiting ${why}); Secrets Manager retries the rotation later.`);
      }
      log(`waiting for user ${userId} (${user.Status}) ${why}`);
      await sleep(pollIntervalMs);
    }
  }

  /**
   * Waits until the replication group is available; throws when it is not before the deadline.
   * @param {string} id
   * @param {number} deadline
   * @param {string} why
   * @returns {Promise<any>} the group as DescribeReplicationGroups returns it
   */
  async function waitForGroup(id, deadline, why) {
    for (;;) {
      let out;
      try {
        out = await call(elasticache, new ec.DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
      } catch (e) {
        if (errorName(e) === 'ReplicationGroupNotFoundFault') {
          throw new RotationError(`Replication group ${id} does not exist: was it deleted, or is the tag ${TAGS.replicationGroupId} wrong?`);
        }
        throw e;
      }
      const group = (out.ReplicationGroups ?? [])[0];
      if (!group) {
        throw new RotationError(`Replication group ${id} does not exist.`);
      }
      if (group.Status === 'available') {
        return group;
      }
      if (now() + pollIntervalMs > deadline) {
        throw new RotationError(`Replication group ${id} is still ${group.Status} (waiting ${why}); Secrets Manager retries the rotation later.`);
      }
      log(`waiting for replication group ${id} (${group.Status}) ${why}`);
      await sleep(pollIntervalMs);
    }
  }
}

exports.TAGS = TAGS;
exports.DATA_PLANE_CHECK_ENV = DATA_PLANE_CHECK_ENV;
exports.RotationError = RotationError;
exports.generatePassword = generatePassword;
exports.makeHandler = makeHandler;
/** @type {ReturnType<typeof makeHandler> | undefined} */
let defaultHandler;
/**
 * The Lambda entry point (`index.handler`); its clients are created on the first invocation, not when
 * the module is loaded.
 * @param {RotationEvent} event
 * @param {LambdaContext} [context]
 */
exports.handler = (event, context) => {
  defaultHandler ??= makeHandler();
  return defaultHandler(event, context);
};
