import {
  DescribeReplicationGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
  ModifyUserCommand,
} from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import Valkey from 'iovalkey';
import { makeHandler, TAGS } from '../../lib/rotation/index.js';
import { HOST, probe, RunningServer, serverSuite, startRedis, startValkey } from './harness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * The two-password behaviour the rotation relies on, on real servers: the rotation handler runs its
 * four steps, and what ElastiCache would do on its ModifyUser / ModifyReplicationGroup calls is done
 * on a real Valkey (and Redis OSS) server with the ACL commands that set a user's passwords:
 *
 * - ModifyUser with passwords [a, b]    -> `ACL SETUSER <name> resetpass >a >b`
 * - ROTATE with token t (AUTH)          -> `ACL SETUSER default >t` (the token is the default user's password)
 * - SET with token t (AUTH)             -> `ACL SETUSER default resetpass >t`
 *
 * Then fresh connections try each password, as clients do after a rotation.
 */

const ADMIN_PASSWORD = 'AdminPassword0123456789';
const OLD = 'OldPassword0123456789abcdefghijk';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const smMock = mockClient(SecretsManagerClient);
const ecMock = mockClient(ElastiCacheClient);

/** Fresh connection: AUTH as `user` (or the one-argument AUTH of an AUTH token); the server's first reply line. */
async function auth(server: RunningServer, password: string, user?: string): Promise<string> {
  const reply = await probe(server.port, user ? `AUTH ${user} ${password}\r\n` : `AUTH ${password}\r\n`);
  return reply.split('\r\n')[0];
}

/** An in-memory Secrets Manager with one secret, as the handler sees it. */
function fakeSecret(kind: 'user' | 'auth-token', initial: string) {
  const versions: Record<string, { stages: string[]; value: string }> = { v0: { stages: ['AWSCURRENT'], value: initial } };
  const tags = kind === 'user'
    ? [{ Key: TAGS.kind, Value: 'user' }, { Key: TAGS.userId, Value: 'app-user' }]
    : [{ Key: TAGS.kind, Value: 'auth-token' }, { Key: TAGS.replicationGroupId, Value: 'my-cache' }];
  smMock.on(DescribeSecretCommand).callsFake(() => ({
    RotationEnabled: true, Tags: tags,
    VersionIdsToStages: Object.fromEntries(Object.entries(versions).map(([id, v]) => [id, [...v.stages]])),
  }));
  smMock.on(GetSecretValueCommand).callsFake(input => {
    const hit = Object.entries(versions).find(([id, v]) => (input.VersionId ? id === input.VersionId : true)
      && v.stages.includes(input.VersionStage ?? (input.VersionId ? v.stages[0] : 'AWSCURRENT')) && v.value !== '');
    if (!hit) {
      throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    }
    return { SecretString: hit[1].value };
  });
  smMock.on(PutSecretValueCommand).callsFake(input => {
    versions[input.ClientRequestToken!] = { stages: input.VersionStages!, value: input.SecretString! };
    return {};
  });
  smMock.on(UpdateSecretVersionStageCommand).callsFake(input => {
    versions[input.RemoveFromVersionId!].stages = ['AWSPREVIOUS'];
    versions[input.MoveToVersionId!].stages = ['AWSCURRENT'];
    return {};
  });
  return {
    stages: () => Object.fromEntries(Object.entries(versions).map(([id, v]) => [id, [...v.stages]])),
    start: (token: string) => { versions[token] = { stages: ['AWSPENDING'], value: '' }; },
    value: (token: string) => versions[token].value,
  };
}

const handler = makeHandler({
  secretsManager: new SecretsManagerClient({ region: 'eu-west-1', credentials }),
  elastiCache: new ElastiCacheClient({ region: 'eu-west-1', credentials }),
  sleep: async () => undefined,
  log: () => undefined,
});

async function runStep(token: string, step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret'): Promise<void> {
  await handler({ SecretId: SECRET, ClientRequestToken: token, Step: step });
}

serverSuite('rotation on real servers', ['valkey-server', 'redis-server'], () => {
  const servers: Record<string, RunningServer> = {};
  let tlsServer: RunningServer;
  // Connections a test opens; closed after each test (before the harness stops the servers).
  const open: Valkey[] = [];
  const connect = (server: RunningServer, username: string, password: string) => {
    const client = new Valkey({ host: HOST, port: server.port, username, password, maxRetriesPerRequest: 0, retryStrategy: () => null,
      ...(server.tls ? { tls: { ca: server.tls.ca } } : {}) });
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    const [valkey, redis, valkeyTls] = await Promise.all([startValkey(), startRedis(), startValkey({ tls: true })]);
    Object.assign(servers, { 'Valkey': valkey, 'Redis OSS': redis });
    tlsServer = valkeyTls;
    // An administrator of our own, so that the tests can change the default user's passwords.
    await Promise.all([...Object.values(servers), valkeyTls].map(async server => {
      const bootstrap = new Valkey({ host: HOST, port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null,
        ...(server.tls ? { tls: { ca: server.tls.ca } } : {}) });
      await bootstrap.call('ACL', 'SETUSER', 'admin', 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all');
      await bootstrap.quit();
    }));
  }, 30_000);

  beforeEach(() => {
    smMock.reset();
    ecMock.reset();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map(c => c.quit().catch(() => c.disconnect())));
  });

  describe.each(['Valkey', 'Redis OSS'])('%s', name => {
    test('RBAC user: both passwords after setSecret and finishSecret; the next rotation drops the oldest', async () => {
      const server = servers[name];
      const admin = connect(server, 'admin', ADMIN_PASSWORD);
      // What CreateUser does for a user with one password.
      await admin.call('ACL', 'SETUSER', 'app', 'reset', 'on', `>${OLD}`, '~*', '&*', '+@all');
      const secret = fakeSecret('user', JSON.stringify({ username: 'app', password: OLD }));
      ecMock.on(DescribeUsersCommand).resolves({ Users: [{ UserId: 'app-user', Status: 'active', Authentication: { Type: 'password', PasswordCount: 2 } }] });
      const issued: string[][] = [];
      ecMock.on(ModifyUserCommand).callsFake(async input => {
        const args = ['SETUSER', 'app', 'resetpass', ...input.AuthenticationMode!.Passwords!.map((p: string) => `>${p}`)];
        issued.push(args);
        await admin.call('ACL', ...args);
        return {};
      });
      // A client connected with the old password before the rotation.
      const longLived = connect(server, 'app', OLD);
      await longLived.set('k', 'v');

      secret.start('r1');
      await runStep('r1', 'createSecret');
      const first = JSON.parse(secret.value('r1')).password;
      expect(await auth(server, first, 'app')).toMatch(/^-WRONGPASS/);

      await runStep('r1', 'setSecret');
      expect(issued).toEqual([['SETUSER', 'app', 'resetpass', `>${OLD}`, `>${first}`]]);
      expect(await auth(server, OLD, 'app')).toBe('+OK');
      expect(await auth(server, first, 'app')).toBe('+OK');

      await runStep('r1', 'testSecret');
      await runStep('r1', 'finishSecret');
      // Clients that still hold the old password keep working until the next rotation.
      expect(await auth(server, OLD, 'app')).toBe('+OK');
      expect(await auth(server, first, 'app')).toBe('+OK');

      secret.start('r2');
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
        await runStep('r2', step);
      }
      const second = JSON.parse(secret.value('r2')).password;
      expect(await auth(server, OLD, 'app')).toMatch(/^-WRONGPASS/);
      expect(await auth(server, first, 'app')).toBe('+OK');
      expect(await auth(server, second, 'app')).toBe('+OK');
      // The user holds exactly two passwords (what ElastiCache allows): the current and the previous one.
      const user = await admin.call('ACL', 'GETUSER', 'app') as unknown[];
      expect((user[user.indexOf('passwords') + 1] as string[]).length).toBe(2);
      // A connection authenticated before is not dropped when its password is removed: it fails only when it reconnects.
      expect(await longLived.get('k')).toBe('v');
    });

    test('AUTH token: both tokens after ROTATE (setSecret), only the new one after SET (finishSecret)', async () => {
      const server = servers[name];
      const admin = connect(server, 'admin', ADMIN_PASSWORD);
      const OLD_TOKEN = 'T'.repeat(40);
      // What an AUTH token is on the server: the default user's only password.
      await admin.call('ACL', 'SETUSER', 'default', 'on', 'resetpass', `>${OLD_TOKEN}`);
      try {
        const secret = fakeSecret('auth-token', OLD_TOKEN);
        ecMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'my-cache', Status: 'available', AuthTokenEnabled: true }] });
        ecMock.on(ModifyReplicationGroupCommand).callsFake(async input => {
          const args = input.AuthTokenUpdateStrategy === 'ROTATE'
            ? ['SETUSER', 'default', `>${input.AuthToken}`]
            : ['SETUSER', 'default', 'resetpass', `>${input.AuthToken}`];
          await admin.call('ACL', ...args);
          return {};
        });
        secret.start('a1');
        await runStep('a1', 'createSecret');
        const token = secret.value('a1');
        expect(token).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(await auth(server, token)).toMatch(/^-WRONGPASS/);

        await runStep('a1', 'setSecret');
        expect(await auth(server, OLD_TOKEN)).toBe('+OK');
        expect(await auth(server, token)).toBe('+OK');

        await runStep('a1', 'testSecret');
        await runStep('a1', 'finishSecret');
        expect(await auth(server, OLD_TOKEN)).toMatch(/^-WRONGPASS/);
        expect(await auth(server, token)).toBe('+OK');
      } finally {
        await admin.call('ACL', 'SETUSER', 'default', 'on', 'nopass');
      }
    });
  });

  describe('the data-plane check of testSecret (the function in the VPC), over TLS', () => {
    /** A handler with the check on, trusting the server's self-signed certificate. */
    const checking = () => makeHandler({
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1', credentials }),
      elastiCache: new ElastiCacheClient({ region: 'eu-west-1', credentials }),
      sleep: async () => undefined, log: line => logs.push(line), dataPlaneCheck: true, tlsCa: tlsServer.tls!.ca,
    });
    let logs: string[];
    const step = (h: ReturnType<typeof makeHandler>, token: string, s: 'createSecret' | 'setSecret' | 'testSecret') =>
      h({ SecretId: SECRET, ClientRequestToken: token, Step: s });

    beforeEach(async () => {
      logs = [];
      await connect(tlsServer, 'admin', ADMIN_PASSWORD).call('ACL', 'SETUSER', 'app', 'reset', 'on', `>${OLD}`, '~*', '&*', '+@all');
      ecMock.on(DescribeUsersCommand).resolves({ Users: [{ UserId: 'app-user', Status: 'active', Authentication: { Type: 'password', PasswordCount: 2 } }] });
      ecMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{
        ReplicationGroupId: 'my-cache', Status: 'available', TransitEncryptionEnabled: true,
        NodeGroups: [{ PrimaryEndpoint: { Address: HOST, Port: tlsServer.port } }],
      }] });
    });

    function userSecretWithGroup() {
      const secret = fakeSecret('user', JSON.stringify({ username: 'app', password: OLD }));
      // what cache.addRotation({ vpc }) adds: the group, whose endpoint the check connects to
      smMock.on(DescribeSecretCommand).callsFake(() => ({ RotationEnabled: true, Tags: [
        { Key: TAGS.kind, Value: 'user' }, { Key: TAGS.userId, Value: 'app-user' }, { Key: TAGS.replicationGroupId, Value: 'my-cache' },
      ], VersionIdsToStages: secret.stages() }));
      return secret;
    }

    test('passes when setSecret gave the user the new password', async () => {
      const admin = connect(tlsServer, 'admin', ADMIN_PASSWORD);
      ecMock.on(ModifyUserCommand).callsFake(async input => {
        await admin.call('ACL', 'SETUSER', 'app', 'resetpass', ...input.AuthenticationMode!.Passwords!.map((p: string) => `>${p}`));
        return {};
      });
      const secret = userSecretWithGroup();
      const h = checking();
      secret.start('d1');
      await step(h, 'd1', 'createSecret');
      await step(h, 'd1', 'setSecret');
      await step(h, 'd1', 'testSecret');
      expect(logs).toContain(`testSecret: ${HOST}:${tlsServer.port} accepts the pending password (AUTH over TLS)`);
    });

    test('fails when the server does not take the new password (a setSecret that did not reach the cache)', async () => {
      ecMock.on(ModifyUserCommand).resolves({});
      const secret = userSecretWithGroup();
      const h = checking();
      secret.start('d2');
      await step(h, 'd2', 'createSecret');
      await step(h, 'd2', 'setSecret');
      await expect(step(h, 'd2', 'testSecret')).rejects.toThrow(new RegExp(`^testSecret: ${HOST}:${tlsServer.port} refused the pending `
        + 'password: -WRONGPASS'));
    });
  });
});
