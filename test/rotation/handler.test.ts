import {
  DescribeReplicationGroupsCommand,
  DescribeUsersCommand,
  DescribeUsersCommandOutput,
  ElastiCacheClient,
  ElastiCacheServiceException,
  InvalidParameterCombinationException,
  ModifyReplicationGroupCommand,
  ModifyUserCommand,
  UserNotFoundFault,
} from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { generatePassword, makeHandler, TAGS } from '../../lib/rotation/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * The rotation handler against aws-sdk-client-mock. Secrets Manager is an in-memory fake with the
 * version / stage rules of the real service (what DescribeSecret, GetSecretValue, PutSecretValue and
 * UpdateSecretVersionStage do), so that a rotation is run step by step as Secrets Manager runs it.
 */

const smMock = mockClient(SecretsManagerClient);
const ecMock = mockClient(ElastiCacheClient);
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
const TOKEN = '11111111-2222-3333-4444-555555555555';
const OLD = 'OldPassword0123456789abcdefghijk';

interface Version { stages: string[]; value: string }
interface FakeSecret { rotationEnabled: boolean; tags: Array<{ Key: string; Value: string }>; versions: Record<string, Version> }

let secret: FakeSecret;
let logs: string[];
let clock: number;
let sleeps: number[];

function smError(name: string): SecretsManagerServiceException {
  return new SecretsManagerServiceException({ name, message: name, $fault: 'client', $metadata: {} });
}

function ecError(name: string, message = name): ElastiCacheServiceException {
  return new ElastiCacheServiceException({ name, message, $fault: 'client', $metadata: {} });
}

function userSecret(): FakeSecret {
  return {
    rotationEnabled: true,
    tags: [{ Key: TAGS.kind, Value: 'user' }, { Key: TAGS.userId, Value: 'app-user' }],
    versions: { 'v-initial': { stages: ['AWSCURRENT'], value: JSON.stringify({ username: 'app', password: OLD }) } },
  };
}

function authSecret(): FakeSecret {
  return {
    rotationEnabled: true,
    tags: [{ Key: TAGS.kind, Value: 'auth-token' }, { Key: TAGS.replicationGroupId, Value: 'my-cache' }],
    versions: { 'v-initial': { stages: ['AWSCURRENT'], value: 'A'.repeat(64) } },
  };
}

/** What Secrets Manager does when a rotation starts: a new version id labelled AWSPENDING, without a value yet. */
function startRotation(token = TOKEN): void {
  secret.versions[token] = { stages: ['AWSPENDING'], value: '' };
}

function installFakeSecretsManager(): void {
  smMock.on(DescribeSecretCommand).callsFake(() => ({
    ARN: SECRET,
    RotationEnabled: secret.rotationEnabled,
    Tags: secret.tags,
    VersionIdsToStages: Object.fromEntries(Object.entries(secret.versions).map(([id, v]) => [id, [...v.stages]])),
  }));
  smMock.on(GetSecretValueCommand).callsFake(input => {
    const entry = Object.entries(secret.versions).find(([id, v]) =>
      (input.VersionId === undefined || input.VersionId === id) && (input.VersionStage === undefined || v.stages.includes(input.VersionStage))
      && (input.VersionId !== undefined || input.VersionStage !== undefined || v.stages.includes('AWSCURRENT')));
    if (!entry || entry[1].value === '') {
      throw new ResourceNotFoundException({ message: 'Secrets Manager can\'t find the specified secret value', $metadata: {} });
    }
    return { ARN: SECRET, VersionId: entry[0], SecretString: entry[1].value, VersionStages: entry[1].stages };
  });
  smMock.on(PutSecretValueCommand).callsFake(input => {
    const existing = secret.versions[input.ClientRequestToken!];
    if (existing && existing.value !== '' && existing.value !== input.SecretString) {
      throw smError('ResourceExistsException');
    }
    for (const v of Object.values(secret.versions)) {
      v.stages = v.stages.filter(s => !input.VersionStages!.includes(s));
    }
    secret.versions[input.ClientRequestToken!] = { stages: [...input.VersionStages!], value: input.SecretString! };
    return { ARN: SECRET, VersionId: input.ClientRequestToken };
  });
  smMock.on(UpdateSecretVersionStageCommand).callsFake(input => {
    const from = input.RemoveFromVersionId ? secret.versions[input.RemoveFromVersionId] : undefined;
    if (from) {
      from.stages = from.stages.filter(s => s !== input.VersionStage);
      if (input.VersionStage === 'AWSCURRENT') {
        from.stages.push('AWSPREVIOUS');
      }
    }
    const to = secret.versions[input.MoveToVersionId!];
    to.stages = [...to.stages.filter(s => s !== 'AWSPENDING'), input.VersionStage!];
    return { ARN: SECRET };
  });
}

function activeUser(passwordCount = 1, status = 'active'): DescribeUsersCommandOutput {
  return {
    Users: [{ UserId: 'app-user', UserName: 'app', Status: status, Authentication: { Type: 'password', PasswordCount: passwordCount } }],
    $metadata: {},
  };
}

function group(status = 'available', authTokenEnabled = true) {
  return { ReplicationGroups: [{ ReplicationGroupId: 'my-cache', Status: status, AuthTokenEnabled: authTokenEnabled }] };
}

const handler = makeHandler({
  secretsManager: new SecretsManagerClient({ region: 'eu-west-1', credentials }),
  elastiCache: new ElastiCacheClient({ region: 'eu-west-1', credentials }),
  sleep: async ms => { sleeps.push(ms); clock += ms; },
  now: () => clock,
  log: line => logs.push(line),
  pollIntervalMs: 10_000,
  maxWaitMs: 60_000,
});

type Step = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
const step = (Step: Step, token = TOKEN) => handler({ SecretId: SECRET, ClientRequestToken: token, Step });

async function rotate(token = TOKEN): Promise<void> {
  startRotation(token);
  for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
    await step(s, token);
  }
}

const password = (v: Version) => JSON.parse(v.value).password as string;

beforeEach(() => {
  smMock.reset();
  ecMock.reset();
  installFakeSecretsManager();
  logs = [];
  clock = 1_000_000;
  sleeps = [];
});

describe('RBAC user', () => {
  beforeEach(() => {
    secret = userSecret();
    ecMock.on(DescribeUsersCommand).resolves(activeUser(2));
    ecMock.on(ModifyUserCommand).resolves({});
  });

  test('a rotation: a new password as AWSPENDING, both passwords on the user, then promoted', async () => {
    await rotate();
    const next = secret.versions[TOKEN];
    expect(next.stages).toEqual(['AWSCURRENT']);
    expect(secret.versions['v-initial'].stages).toEqual(['AWSPREVIOUS']);
    // The other fields of the JSON are kept; the password is new: 32 letters and digits, like the current one.
    expect(JSON.parse(next.value)).toEqual({ username: 'app', password: expect.stringMatching(/^[A-Za-z0-9]{32}$/) });
    expect(password(next)).not.toEqual(OLD);
    const modify = ecMock.commandCalls(ModifyUserCommand);
    expect(modify).toHaveLength(1);
    expect(modify[0].args[0].input).toEqual({
      UserId: 'app-user', AuthenticationMode: { Type: 'password', Passwords: [OLD, password(next)] },
    });
    expect(logs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^createSecret: stored a new 32-character password as AWSPENDING/),
      'setSecret: user app-user now accepts the current and the pending password',
      'testSecret: user app-user is active with 2 password(s)',
      expect.stringMatching(/^finishSecret: version .* is now AWSCURRENT \(was v-initial\)/),
    ]));
  });

  test('the next rotation drops the password before the current one (kept one rotation period)', async () => {
    await rotate();
    const first = password(secret.versions[TOKEN]);
    await rotate('22222222-2222-3333-4444-555555555555');
    const second = password(secret.versions['22222222-2222-3333-4444-555555555555']);
    const calls = ecMock.commandCalls(ModifyUserCommand).map(c => c.args[0].input.AuthenticationMode?.Passwords);
    expect(calls).toEqual([[OLD, first], [first, second]]);
  });

  test('createSecret is idempotent per version id: a retry keeps the pending password', async () => {
    startRotation();
    await step('createSecret');
    const pending = secret.versions[TOKEN].value;
    await step('createSecret');
    expect(secret.versions[TOKEN].value).toEqual(pending);
    expect(smMock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(logs).toContain(`createSecret: version ${TOKEN} already holds a pending password, keeping it`);
  });

  test('setSecret is idempotent: a retry sends the same two passwords again', async () => {
    startRotation();
    await step('createSecret');
    await step('setSecret');
    await step('setSecret');
    const calls = ecMock.commandCalls(ModifyUserCommand).map(c => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
  });

  test('a version already promoted: every step is a no-op', async () => {
    await rotate();
    smMock.resetHistory();
    ecMock.resetHistory();
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      await step(s);
    }
    expect(smMock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(smMock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(ecMock.calls()).toHaveLength(0);
    expect(logs).toContain(`setSecret: version ${TOKEN} is already AWSCURRENT, nothing to do`);
    expect(logs).toContain(`finishSecret: version ${TOKEN} is already AWSCURRENT`);
  });

  test('waits while the user is modifying, before and after ModifyUser', async () => {
    ecMock.on(DescribeUsersCommand)
      .resolvesOnce(activeUser(1, 'modifying'))
      .resolvesOnce(activeUser(1, 'active'))
      .resolvesOnce(activeUser(2, 'modifying'))
      .resolvesOnce(activeUser(2, 'modifying'))
      .resolves(activeUser(2, 'active'));
    startRotation();
    await step('createSecret');
    await step('setSecret');
    expect(sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(ecMock.commandCalls(DescribeUsersCommand)).toHaveLength(5);
    expect(logs).toContain('waiting for user app-user (modifying) before setting its passwords');
    expect(logs).toContain('waiting for user app-user (modifying) after setting its passwords');
  });

  test('a user still modifying at the deadline fails the step with a clear message (Secrets Manager retries)', async () => {
    ecMock.on(DescribeUsersCommand).resolves(activeUser(1, 'modifying'));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('User app-user is still modifying (waiting before setting its passwords); '
      + 'Secrets Manager retries the rotation later.');
    expect(ecMock.commandCalls(ModifyUserCommand)).toHaveLength(0);
    // maxWaitMs 60 s, a poll every 10 s: checks at 0, 10, ..., 60 s, the last one fails
    expect(sleeps).toEqual(Array(6).fill(10_000));
  });

  test('the Lambda deadline bounds the wait (remaining time minus a margin)', async () => {
    ecMock.on(DescribeUsersCommand).resolves(activeUser(1, 'modifying'));
    startRotation();
    await step('createSecret');
    await expect(handler({ SecretId: SECRET, ClientRequestToken: TOKEN, Step: 'setSecret' },
      { getRemainingTimeInMillis: () => 45_000 })).rejects.toThrow(/still modifying/);
    // 45 s left minus the 15 s margin: checks at 0, 10, 20, 30 s
    expect(sleeps).toEqual(Array(3).fill(10_000));
  });

  test('throttling is retried with backoff, then succeeds', async () => {
    ecMock.on(ModifyUserCommand)
      .rejectsOnce(ecError('Throttling'))
      .rejectsOnce(ecError('ThrottlingException'))
      .resolves({});
    startRotation();
    smMock.on(PutSecretValueCommand).rejectsOnce(smError('ThrottlingException')).callsFake(input => {
      secret.versions[input.ClientRequestToken!] = { stages: ['AWSPENDING'], value: input.SecretString! };
      return {};
    });
    await step('createSecret');
    await step('setSecret');
    expect(ecMock.commandCalls(ModifyUserCommand)).toHaveLength(3);
    expect(smMock.commandCalls(PutSecretValueCommand)).toHaveLength(2);
    expect(sleeps).toEqual([500, 500, 1000]);
    expect(logs).toContain('throttled (Throttling) on ModifyUserCommand, retrying in 500 ms');
  });

  test('throttling that does not stop fails after the retries', async () => {
    ecMock.on(ModifyUserCommand).rejects(ecError('Throttling', 'Rate exceeded'));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('Rate exceeded');
    expect(ecMock.commandCalls(ModifyUserCommand)).toHaveLength(6);
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  test('other ElastiCache errors are not retried', async () => {
    ecMock.on(ModifyUserCommand).rejects(ecError('InvalidUserStateFault', 'User is not in active state'));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('User is not in active state');
    expect(ecMock.commandCalls(ModifyUserCommand)).toHaveLength(1);
  });

  test('a user that does not exist', async () => {
    ecMock.on(DescribeUsersCommand).rejects(new UserNotFoundFault({ message: 'User not found', $metadata: {} }));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('User app-user does not exist: was it deleted, or is the tag '
      + 'cdk-elasticache:user-id wrong?');
  });

  test('testSecret fails when the user does not authenticate with passwords', async () => {
    ecMock.on(DescribeUsersCommand).resolves({ Users: [{ UserId: 'app-user', Status: 'active', Authentication: { Type: 'iam' } }] });
    startRotation();
    await step('createSecret');
    await expect(step('testSecret')).rejects.toThrow('testSecret: user app-user has no password authentication (type iam, 0 passwords)');
  });

  test('setSecret without createSecret', async () => {
    startRotation();
    await expect(step('setSecret')).rejects.toThrow(`Version ${TOKEN} of secret ${SECRET} has no AWSPENDING value: createSecret did not run.`);
  });

  test('a current value that is not the JSON of a user', async () => {
    secret.versions['v-initial'].value = 'not json';
    startRotation();
    await expect(step('createSecret')).rejects.toThrow('The current value of the secret is not a JSON object with a "password" field.');
  });
});

describe('the data-plane check (dataPlaneCheck: true, the function in the VPC)', () => {
  test('a secret without the group tag (user.addRotation()): skipped with a log line, the API check still runs', async () => {
    secret = userSecret();
    ecMock.on(DescribeUsersCommand).resolves(activeUser(2));
    const checking = makeHandler({
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1', credentials }),
      elastiCache: new ElastiCacheClient({ region: 'eu-west-1', credentials }),
      log: line => logs.push(line), dataPlaneCheck: true,
    });
    startRotation();
    await checking({ SecretId: SECRET, ClientRequestToken: TOKEN, Step: 'createSecret' });
    await checking({ SecretId: SECRET, ClientRequestToken: TOKEN, Step: 'testSecret' });
    expect(logs).toContain('testSecret: no data-plane check (the secret has no tag cdk-elasticache:replication-group-id)');
    expect(ecMock.commandCalls(DescribeUsersCommand)).toHaveLength(1);
    expect(ecMock.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(0);
  });

  test('a group that reports no endpoint', async () => {
    secret = userSecret();
    secret.tags.push({ Key: TAGS.replicationGroupId, Value: 'my-cache' });
    ecMock.on(DescribeUsersCommand).resolves(activeUser(2));
    ecMock.on(DescribeReplicationGroupsCommand).resolves(group());
    const checking = makeHandler({
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1', credentials }),
      elastiCache: new ElastiCacheClient({ region: 'eu-west-1', credentials }),
      log: line => logs.push(line), dataPlaneCheck: true,
    });
    startRotation();
    await checking({ SecretId: SECRET, ClientRequestToken: TOKEN, Step: 'createSecret' });
    await expect(checking({ SecretId: SECRET, ClientRequestToken: TOKEN, Step: 'testSecret' })).rejects.toThrow(
      'testSecret: replication group my-cache reports no endpoint for the data-plane check.');
  });
});

describe('every step checks the secret first', () => {
  beforeEach(() => {
    secret = userSecret();
  });

  test('rotation not enabled', async () => {
    secret.rotationEnabled = false;
    startRotation();
    await expect(step('createSecret')).rejects.toThrow(`Secret ${SECRET} does not have rotation enabled.`);
  });

  test('a version id that is not a version of the secret', async () => {
    await expect(step('createSecret')).rejects.toThrow(`Version ${TOKEN} is not a version of secret ${SECRET}`);
  });

  test('a version that is neither pending nor current', async () => {
    secret.versions[TOKEN] = { stages: ['AWSPREVIOUS'], value: 'x' };
    await expect(step('setSecret')).rejects.toThrow(`Version ${TOKEN} of secret ${SECRET} is not AWSPENDING (stages: AWSPREVIOUS).`);
  });

  test('a secret without the tags the constructs set', async () => {
    secret.tags = [];
    startRotation();
    await expect(step('createSecret')).rejects.toThrow('has no rotation target: it needs the tag cdk-elasticache:rotation');
    expect(ecMock.calls()).toHaveLength(0);
  });

  test('a Secrets Manager error other than "not found" propagates', async () => {
    startRotation();
    smMock.on(GetSecretValueCommand).rejects(smError('AccessDeniedException'));
    await expect(step('createSecret')).rejects.toThrow('AccessDeniedException');
  });
});

describe('AUTH token', () => {
  beforeEach(() => {
    secret = authSecret();
    ecMock.on(DescribeReplicationGroupsCommand).resolves(group());
    ecMock.on(ModifyReplicationGroupCommand).resolves({});
  });

  test('a rotation: ROTATE with the pending token at setSecret, SET with it after the promotion', async () => {
    const order: string[] = [];
    ecMock.on(ModifyReplicationGroupCommand).callsFake(input => {
      order.push(`${input.AuthTokenUpdateStrategy} (current: ${Object.keys(secret.versions).find(v => secret.versions[v].stages.includes('AWSCURRENT'))})`);
      return {};
    });
    await rotate();
    const token = secret.versions[TOKEN].value;
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    const calls = ecMock.commandCalls(ModifyReplicationGroupCommand).map(c => c.args[0].input);
    expect(calls).toEqual([
      { ReplicationGroupId: 'my-cache', AuthToken: token, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true },
      { ReplicationGroupId: 'my-cache', AuthToken: token, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true },
    ]);
    // SET only once the new token is AWSCURRENT: a client that re-reads the secret on WRONGPASS gets a token that works.
    expect(order).toEqual(['ROTATE (current: v-initial)', `SET (current: ${TOKEN})`]);
    expect(secret.versions[TOKEN].stages).toEqual(['AWSCURRENT']);
  });

  test('waits for the group to be available before and after each modification', async () => {
    // setSecret: before ROTATE (2), after it (2); testSecret (1); finishSecret: before SET (1), after it (2)
    const statuses = ['modifying', 'available', 'modifying', 'available', 'available', 'available', 'modifying', 'available'];
    ecMock.on(DescribeReplicationGroupsCommand).callsFake(() => group(statuses.shift() ?? 'available'));
    const seen: string[] = [];
    ecMock.on(ModifyReplicationGroupCommand).callsFake(input => {
      seen.push(`${input.AuthTokenUpdateStrategy} after ${ecMock.commandCalls(DescribeReplicationGroupsCommand).length} describes`);
      return {};
    });
    await rotate();
    expect(seen).toEqual(['ROTATE after 2 describes', 'SET after 6 describes']);
    expect(logs).toContain('waiting for replication group my-cache (modifying) before rotating its AUTH token');
    expect(logs).toContain('waiting for replication group my-cache (modifying) after ROTATE');
    expect(logs).toContain('waiting for replication group my-cache (modifying) after SET');
    expect(ecMock.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(8);
  });

  test('a group that stays modifying fails setSecret before ROTATE', async () => {
    ecMock.on(DescribeReplicationGroupsCommand).resolves(group('modifying'));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('Replication group my-cache is still modifying (waiting before rotating its AUTH token)');
    expect(ecMock.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
  });

  test('finishSecret retried after a SET that went through: the refused second SET is success', async () => {
    await rotate();
    ecMock.on(ModifyReplicationGroupCommand).rejects(new InvalidParameterCombinationException({
      message: 'SET is allowed only after ROTATE', $metadata: {},
    }));
    await expect(step('finishSecret')).resolves.toBeUndefined();
    expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/refused SET .*the token is already set/)]));
  });

  test('a refused SET on the first finishSecret is an error', async () => {
    ecMock.on(ModifyReplicationGroupCommand)
      .resolvesOnce({})
      .rejects(new InvalidParameterCombinationException({ message: 'SET is allowed only after ROTATE', $metadata: {} }));
    startRotation();
    await step('createSecret');
    await step('setSecret');
    await step('testSecret');
    await expect(step('finishSecret')).rejects.toThrow('SET is allowed only after ROTATE');
  });

  test('testSecret fails on a group without AUTH', async () => {
    ecMock.on(DescribeReplicationGroupsCommand).resolves(group('available', false));
    startRotation();
    await step('createSecret');
    await expect(step('testSecret')).rejects.toThrow('testSecret: replication group my-cache has no AUTH token enabled.');
  });

  test('a group that does not exist', async () => {
    ecMock.on(DescribeReplicationGroupsCommand).rejects(ecError('ReplicationGroupNotFoundFault'));
    startRotation();
    await step('createSecret');
    await expect(step('setSecret')).rejects.toThrow('Replication group my-cache does not exist');
  });
});

describe('generatePassword', () => {
  test('letters and digits, the length asked for within 16-128', () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generatePassword(64)).toHaveLength(64);
    expect(generatePassword(4)).toHaveLength(16);
    expect(generatePassword(500)).toHaveLength(128);
    const many = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(many.size).toBe(50);
  });

  test('uses every character of the alphabet (no bias to a subset)', () => {
    const seen = new Set(Array.from({ length: 40 }, () => generatePassword(128)).join(''));
    expect(seen.size).toBe(62);
  });
});
