import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleClient } from '../../scripts/bundle-client';

const ROOT = path.join(__dirname, '..', '..');

/** Runs `script` in a fresh node process in `cwd` and returns what it printed as JSON. */
function run(script: string, cwd: string, args: string[] = []): unknown {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(AWS_|CACHE_|NODE_PATH$|NODE_OPTIONS$)/.test(key)) delete env[key];
  }
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const result = spawnSync(process.execPath, [...args, '-e', script], { cwd, encoding: 'utf8', env, timeout: 20_000 });
  if (result.status !== 0 || result.stderr !== '') {
    throw new Error(`node exited ${result.status}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// A Lambda function has neither aws-cdk-lib nor the cache clients the library's tests use, and a
// cache with a password needs no signer, nor a cache with IAM the Secrets Manager client: loading the
// helper loads nothing outside the package, and using it loads only what the cache's authentication
// needs. Checked in a fresh node process that records every module it loads.
test('cdk-elasticache/client loads nothing outside the package, and each authentication only what it needs', () => {
  const script = `
    const Module = require('node:module');
    const loaded = [];
    const load = Module._load;
    Module._load = function (request) {
      if (!request.startsWith('.') && !request.startsWith('node:') && !Module.isBuiltin(request) && !loaded.includes(request)) loaded.push(request);
      return load.apply(this, arguments);
    };
    const client = require('./lib/client/index.ts');
    const packages = () => loaded.filter(m => !m.startsWith('/') && !/lexer-|^tsx/.test(m));
    const env = { CACHE_ENGINE: 'valkey', CACHE_HOST: 'h', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_ID: 'my-cache' };
    const report = { onLoad: packages() };
    const iam = client.CacheConnection.fromEnvironment({ env: { ...env, CACHE_AUTH: 'iam', CACHE_USER: 'app', AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' } });
    iam.ioredisOptions().then(async o => {
      report.iamToken = o.password.slice(0, 24);
      report.afterIam = packages();
      const rbac = client.CacheConnection.fromEnvironment({ env: { ...env, CACHE_AUTH: 'rbac-password', CACHE_USER: 'app',
        CACHE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf', AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_MAX_ATTEMPTS: '1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9' } });
      report.rbac = await rbac.settings().catch(e => e.reason + ': ' + e.message.slice(0, 30));
      report.afterRbac = packages();
      process.stdout.write(JSON.stringify(report));
    });
  `;
  const report = run(script, ROOT, ['--require', 'tsx/cjs']) as Record<string, unknown>;
  expect(report).toEqual({
    onLoad: [],
    iamToken: 'my-cache/?Action=connect',
    afterIam: [],
    rbac: 'secret: Cannot read the secret arn:aws',
    afterRbac: expect.arrayContaining(['@aws-sdk/client-secrets-manager']),
  });
  // The Secrets Manager client brings the SDK's own signer; the helper itself, none.
  const forbidden = (report.afterRbac as string[])
    .filter(m => /^(aws-cdk-lib|constructs|iovalkey|ioredis|redis|@redis\/|memjs|pg|@aws-sdk\/client-elasticache)(\/|$)/.test(m));
  expect(forbidden).toEqual([]);
});

// What `npm install --omit=optional --legacy-peer-deps cdk-elasticache` gives a runtime: the package
// and none of its optional or peer dependencies. The client as the package ships it
// (scripts/bundle-client.ts) in a node_modules of its own, with the package's `exports`, in a
// directory with no other node_modules above it.
test('a runtime-only install loads the client; a password needs @aws-sdk/client-secrets-manager, and says so', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-runtime-only-'));
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const target = path.join(dir, 'node_modules', 'cdk-elasticache');
    bundleClient(path.join(target, pkg.exports['./client'].default));
    fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, exports: pkg.exports }));
    const script = `
      const client = require('cdk-elasticache/client');
      const env = { CACHE_ENGINE: 'valkey', CACHE_HOST: 'h', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_ID: 'my-cache', AWS_REGION: 'eu-west-1' };
      const connect = extra => client.CacheConnection.fromEnvironment({ env: { ...env, ...extra } }).ioredisOptions()
        .then(o => 'ok ' + (o.password || '').slice(0, 24), e => e.reason + ': ' + e.message);
      Promise.all([
        connect({ CACHE_AUTH: 'none' }),
        connect({ CACHE_AUTH: 'iam', CACHE_USER: 'app', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }),
        connect({ CACHE_AUTH: 'iam', CACHE_USER: 'app' }),
        connect({ CACHE_AUTH: 'rbac-password', CACHE_USER: 'app', CACHE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' }),
      ]).then(r => process.stdout.write(JSON.stringify(r)));
    `;
    expect(run(script, dir)).toEqual([
      'ok ',
      'ok my-cache/?Action=connect',
      expect.stringMatching(new RegExp("^signing: Cannot sign an IAM token: no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, "
        + "and the AWS SDK's credential chain is not installed: npm install @aws-sdk/credential-provider-node")),
      expect.stringMatching(new RegExp("^secret: Reading the cache's secret needs the package @aws-sdk/client-secrets-manager: "
        + 'npm install @aws-sdk/client-secrets-manager')),
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
