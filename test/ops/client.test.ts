import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  commandClientConfig, createCommandClient, endpointProblem, environmentCredentials, foldSdkWarning, profileProblem, resolveRegion,
} from '../../lib/ops/client';

describe('resolveRegion: as the AWS CLI, --region, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
  test.each<[string | undefined, NodeJS.ProcessEnv, string | undefined]>([
    ['eu-west-3', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'eu-west-3'],
    [undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'eu-west-1'],
    [undefined, { AWS_DEFAULT_REGION: 'eu-west-2' }, 'eu-west-2'],
    [undefined, { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-2' }, 'eu-west-2'],
    [undefined, {}, undefined],
  ])('--region %j, env %j: %j', (flag, env, region) => expect(resolveRegion(flag, env)).toBe(region));

  test('the client gets AWS_DEFAULT_REGION, which the SDK alone ignores', async () => {
    const client = createCommandClient({}, { AWS_DEFAULT_REGION: 'ap-southeast-2' });
    expect(await client.config.region()).toBe('ap-southeast-2');
    client.destroy();
  });
});

describe('profileProblem', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'profiles-'));
    env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') };
    writeFileSync(env.AWS_CONFIG_FILE!, '; comment\n[default]\nregion=eu-west-1\n[profile  spaced ]\n[profile sso] ; trailing comment\n[bare]\n[profile "quoted"]\n');
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[keys]\naws_access_key_id = x\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(['default', 'sso', 'keys', 'spaced', 'quoted'])('%s exists', profile => expect(profileProblem(profile, 'from --profile', env)).toBeUndefined());

  test('a [name] section of the config file is not a profile (the SDK reads [profile name] there)', () => {
    expect(profileProblem('bare', 'from --profile', env)).toBe(`The profile 'bare' (from --profile) does not exist: no [profile bare] in `
      + `${env.AWS_CONFIG_FILE} and no [bare] in ${env.AWS_SHARED_CREDENTIALS_FILE}.`);
  });

  test('missing files: every profile is missing', () => {
    const none = { AWS_CONFIG_FILE: path.join(dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'nope2') };
    expect(profileProblem('default', 'from AWS_PROFILE', none)).toBe(`The profile 'default' (from AWS_PROFILE) does not exist: no [default] in `
      + `${none.AWS_CONFIG_FILE} and no [default] in ${none.AWS_SHARED_CREDENTIALS_FILE}.`);
  });
});

test.each(['http://127.0.0.1:5000', 'https://elasticache.eu-west-1.amazonaws.com', 'http://localhost:4566/'])('endpoint %s is accepted', url => {
  expect(endpointProblem(url)).toBeUndefined();
});

test.each(['localhost:5000', 'ftp://x', '127.0.0.1', ''])('endpoint %j is refused', url => {
  expect(endpointProblem(url)).toBe(`Invalid --endpoint-url: got '${url}'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.`);
});

describe('foldSdkWarning', () => {
  test('the SDK\'s warning that it prefers AWS_PROFILE to the keys is dropped: the command does not (see commandClientConfig)', () => {
    const sdk = `@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:
    Multiple credential sources detected: 
    Both AWS_PROFILE and the pair AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY static credentials are set.
    This SDK will proceed with the AWS_PROFILE value.
`;
    expect(foldSdkWarning([sdk])).toBeUndefined();
  });

  test('any other warning is folded into one line', () => {
    expect(foldSdkWarning(['@aws-sdk/x - y WARNING:\n  Something\n  happened.', new Error('why')])).toBe('warning: Something happened. why');
  });
});

describe('credentials in the AWS CLI\'s order: --profile, then the environment\'s keys, then AWS_PROFILE and the default chain', () => {
  const keys = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret-env' };

  test.each<[string, { profile?: string }, NodeJS.ProcessEnv, string | undefined, string | undefined]>([
    // [case, options, env, the keys the client is given, the profile it is given]
    ['keys only', {}, keys, 'AKIDENV', undefined],
    ['keys beat AWS_PROFILE (the SDK alone would take the profile)', {}, { ...keys, AWS_PROFILE: 'dev' }, 'AKIDENV', undefined],
    ['--profile beats the keys', { profile: 'dev' }, keys, undefined, 'dev'],
    ['AWS_PROFILE alone: the SDK\'s chain reads it', {}, { AWS_PROFILE: 'dev' }, undefined, undefined],
    ['half a key pair is no credentials', {}, { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: ' ' }, undefined, undefined],
  ])('%s', (_label, options, env, accessKeyId, profile) => {
    const config = commandClientConfig(options, env);
    expect((config.credentials as { accessKeyId?: string } | undefined)?.accessKeyId).toBe(accessKeyId);
    expect(config.profile).toBe(profile);
  });

  test('the session token and expiry come along', () => {
    expect(environmentCredentials({ ...keys, AWS_SESSION_TOKEN: 'tok', AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z' })).toEqual({
      accessKeyId: 'AKIDENV', secretAccessKey: 'secret-env', sessionToken: 'tok', expiration: new Date('2030-01-01T00:00:00Z'),
    });
  });

  test('every request is bounded: connection and request timeouts, a request timeout that throws', () => {
    expect(commandClientConfig({}, {}).requestHandler).toEqual({ connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true });
  });
});
