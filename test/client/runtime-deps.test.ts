import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

// A Lambda function has neither aws-cdk-lib nor the cache client the library's tests use: loading
// the helper, and using it, must not require any of them (not even transitively). Checked in a fresh
// node process that records every module it loads.
test('cdk-elasticache/client loads and runs without aws-cdk-lib, constructs or any cache client', () => {
  const script = `
    const Module = require('node:module');
    const loaded = new Set();
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      loaded.add(request);
      return load.apply(this, arguments);
    };
    const client = require('./lib/client/index.ts');
    const conn = client.CacheConnection.fromEnvironment({ env: {
      CACHE_ENGINE: 'valkey', CACHE_HOST: 'h', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'iam',
      CACHE_USER: 'app', CACHE_ID: 'my-cache', AWS_REGION: 'eu-west-1' },
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    conn.ioredisOptions().then(o => {
      process.stdout.write(JSON.stringify({ password: o.password.slice(0, 24), loaded: [...loaded] }));
    });
  `;
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  const { password, loaded } = JSON.parse(result.stdout) as { password: string; loaded: string[] };
  expect(password).toBe('my-cache/?Action=connect');
  // It did load its own modules and the SDK (so the hook saw the requires)...
  expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-secrets-manager', '@smithy/signature-v4']));
  // ...and none of these.
  const forbidden = loaded.filter(m => /^(aws-cdk-lib|constructs|iovalkey|ioredis|redis|@redis\/|memjs|pg)(\/|$)/.test(m));
  expect(forbidden).toEqual([]);
});
