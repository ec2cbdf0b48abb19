import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createCommandClient, endpointProblem, foldSdkWarning, profileProblem, resolveRegion } from '../../lib/ops/client';

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
  test('the SDK\'s nine-line credential warning is one line', () => {
    const sdk = `@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:
    Multiple credential sources detected: 
    Both AWS_PROFILE and the pair AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY static credentials are set.
    This SDK will proceed with the AWS_PROFILE value.
`;
    expect(foldSdkWarning([sdk])).toBe('warning: AWS_PROFILE and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are both set; '
      + 'the AWS SDK uses the profile (unset one of them to be sure which credentials are used)');
  });

  test('any other warning is folded into one line', () => {
    expect(foldSdkWarning(['@aws-sdk/x - y WARNING:\n  Something\n  happened.', new Error('why')])).toBe('warning: Something happened. why');
  });
});
