// `cdk-elasticache rotate` and `rotate-auth-token` as a process, against a moto server (ElastiCache and
// Secrets Manager on one local endpoint): the paths moto implements (moto has no ModifyReplicationGroup
// and runs rotation functions only in Docker, so the successful rotations are tested against
// aws-sdk-client-mock in rotate.test.ts and cli-rotate.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BuiltCli, buildCli } from './build-cli';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';
import { bareEnv, CliRun, runCli as run } from './run-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function expectOneLine(r: CliRun, status: number, line: string): void {
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status, stdout: '', stderr: `${line}\n` });
}

jest.setTimeout(30_000);

const suite = motoAvailable('test/ops/rotate-moto.test.ts') ? describe : describe.skip;

suite('rotate and rotate-auth-token against moto', () => {
  let moto: Moto;
  let home: string;
  let built: BuiltCli;
  let env: NodeJS.ProcessEnv;
  const runCli = (...args: string[]) => run(built.cli, [...args, '--endpoint-url', moto.endpoint], env);

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'rotate-moto-'));
    const started = startMoto();
    built = buildCli();
    moto = await started;
    env = bareEnv(home, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' });
    const ec = new ElastiCacheClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const sm = new SecretsManagerClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await Promise.all([
      ec.send(new CreateReplicationGroupCommand({
        ReplicationGroupId: 'plain-cache', ReplicationGroupDescription: 'test', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro',
      })),
      sm.send(new CreateSecretCommand({ Name: 'app/cache-password', SecretString: '{"username":"app","password":"x"}' })),
    ]);
    ec.destroy();
    sm.destroy();
  }, 30_000);

  afterAll(async () => {
    await moto?.stop();
    rmSync(home, { recursive: true, force: true });
    built?.remove();
  });

  test('every refusal is one line and exit 1; usage errors exit 2 before any call', async () => {
    const [unknown, noRotation, rbacOnly, noSecret, noGroup, badId, missingSecret, badStep] = await Promise.all([
      runCli('rotate', 'no-such-thing'),
      runCli('rotate', 'app/cache-password'),
      runCli('rotate', 'plain-cache'),
      runCli('rotate-auth-token', 'plain-cache', '--secret', 'no-such-secret'),
      runCli('rotate-auth-token', 'no-such-cache', '--secret', 'app/cache-password'),
      runCli('rotate', 'has space'),
      runCli('rotate-auth-token', 'plain-cache'),
      runCli('rotate-auth-token', 'plain-cache', '--secret', 'x', '--step', 'later'),
    ]);
    expectOneLine(unknown, 1, 'No secret and no replication group or cache cluster named \'no-such-thing\' in eu-west-1.');
    expectOneLine(noRotation, 1, 'Secret app/cache-password has no rotation: add user.addRotation() / cache.addRotation() to the app '
      + 'and deploy (or rotate an AUTH token by hand with \'rotate-auth-token\').');
    expectOneLine(rbacOnly, 1, 'No secret of replication group \'plain-cache\' is rotated by cdk-elasticache (no secret tagged '
      + 'cdk-elasticache:rotation for its users): add cache.addRotation() to the app and deploy, pass the secret\'s name or ARN, or '
      + 'rotate an AUTH token by hand with \'rotate-auth-token\'.');
    // moto's group has no AUTH token: refused before the secret is even looked at
    expectOneLine(noSecret, 1, 'Replication group \'plain-cache\' has no AUTH token.');
    expectOneLine(noGroup, 1, 'No replication group or cache cluster named \'no-such-cache\' in eu-west-1.');
    expectOneLine(badId, 2, 'Invalid secret or replication group id: got "has space". Allowed: a secret name (letters, digits and / _ + = . @ -) '
      + 'or ARN, or a replication group id.');
    expectOneLine(missingSecret, 2, '\'rotate-auth-token\' needs --secret <secret>: the secret clients read the token from, where the '
      + 'new token is stored (see --help).');
    expectOneLine(badStep, 2, 'Invalid --step: got \'later\'. Allowed: both, rotate or set.');
  });

  test('help names both commands', async () => {
    const help = await run(built.cli, ['--help'], env);
    expect(help.stdout).toContain('rotate <secret or id> [--timeout 20m] [--json]');
    expect(help.stdout).toContain('rotate-auth-token <id> --secret <secret> [--step both|rotate|set]');
  });
});
