import { DescribeReplicationGroupsCommand, ElastiCacheClient, ModifyReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo, main } from '../../bin/cli';
import { ROTATION_TAGS } from '../../lib/ops/rotate';
import { instantClock, REGION, replicationGroup } from './fixtures';

// `cdk-elasticache rotate` and `rotate-auth-token` in-process, against aws-sdk-client-mock (their refusals
// against moto are in cli-moto.test.ts).
const ec = mockClient(ElastiCacheClient);
const sm = mockClient(SecretsManagerClient);
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string; smOptions: unknown[] }> {
  let stdout = '';
  let stderr = '';
  const clock = instantClock();
  const smOptions: unknown[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    clock,
    createClient: o => new ElastiCacheClient({ region: o.region ?? REGION, credentials: CREDENTIALS }),
    createSecretsManagerClient: o => {
      smOptions.push(o);
      return new SecretsManagerClient({ region: o.region ?? REGION, credentials: CREDENTIALS });
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, smOptions };
}

beforeEach(() => {
  ec.reset();
  sm.reset();
});

test('rotate <secret>: progress on stderr, one result line on stdout', async () => {
  const described = {
    ARN, Name: 'app', RotationEnabled: true, RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:rot',
    Tags: [{ Key: ROTATION_TAGS.kind, Value: 'user' }, { Key: ROTATION_TAGS.userId, Value: 'app-user' }],
  };
  sm.on(DescribeSecretCommand)
    .resolvesOnce({ ...described, VersionIdsToStages: { v0: ['AWSCURRENT'] } })
    .resolvesOnce({ ...described, VersionIdsToStages: { v0: ['AWSCURRENT'] } })
    .resolvesOnce({ ...described, VersionIdsToStages: { v0: ['AWSCURRENT'], v1: ['AWSPENDING'] } })
    .resolves({ ...described, VersionIdsToStages: { v0: ['AWSPREVIOUS'], v1: ['AWSCURRENT'] } });
  sm.on(RotateSecretCommand).resolves({ ARN, VersionId: 'v1' });
  const r = await run(['rotate', 'app', '--region', 'eu-west-2', '--endpoint-url', 'http://127.0.0.1:5000']);
  expect(r).toEqual({
    code: 0,
    stdout: 'Rotated app (user app-user): version v1 is current (5s).\n',
    stderr: 'app (user app-user): rotation started, version v1\napp: version v1 AWSPENDING [0s]\napp: version v1 AWSCURRENT [5s]\n',
    smOptions: [{ region: 'eu-west-2', endpoint: 'http://127.0.0.1:5000' }],
  });
});

test('rotate-auth-token --json: ROTATE, secret updated, SET', async () => {
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true })] });
  ec.on(ModifyReplicationGroupCommand).resolves({});
  sm.on(DescribeSecretCommand).resolves({ ARN, Name: 'token', RotationEnabled: false });
  sm.on(PutSecretValueCommand).resolves({});
  const r = await run(['rotate-auth-token', 'my-cache', '--secret', 'token', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ replicationGroupId: 'my-cache', secretArn: ARN, steps: ['ROTATE', 'secret updated', 'SET'], durationMs: 0 });
  expect(ec.commandCalls(ModifyReplicationGroupCommand).map(c => c.args[0].input.AuthTokenUpdateStrategy)).toEqual(['ROTATE', 'SET']);
});

test('rotate-auth-token --step rotate says how to finish', async () => {
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [replicationGroup({ AuthTokenEnabled: true })] });
  ec.on(ModifyReplicationGroupCommand).resolves({});
  sm.on(DescribeSecretCommand).resolves({ ARN, Name: 'token', RotationEnabled: false });
  sm.on(PutSecretValueCommand).resolves({});
  const r = await run(['rotate-auth-token', 'my-cache', '--secret', 'token', '--step', 'rotate']);
  expect(r.stdout).toBe('AUTH token of my-cache: ROTATE done and the secret holds the new token (0s); the old and the new token both '
    + 'work until \'cdk-elasticache rotate-auth-token my-cache --secret token --step set\'.\n');
});

test('an SDK error is one line, exit 2', async () => {
  sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('User is not authorized to perform: secretsmanager:DescribeSecret'),
    { name: 'AccessDeniedException' }));
  const r = await run(['rotate', 'app']);
  expect(r).toEqual(expect.objectContaining({
    code: 2, stdout: '', stderr: 'AccessDeniedException: User is not authorized to perform: secretsmanager:DescribeSecret\n',
  }));
});
