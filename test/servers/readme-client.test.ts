/**
 * The runtime snippets of the guide, run as they are written: README.md's handler and the first
 * example of docs/connecting.md's runtime section, each in a fresh node process with only the
 * variables `connectFrom()` sets for one cache, against a real valkey-server, the secret served by a
 * local Secrets Manager stand-in. The README's handler is also the one `npm run bench:client` measures.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readmeBlocks } from '../../scripts/readme-blocks';
import { connect } from './clients';
import { RunningServer, serverSuite, startValkey } from './harness';

const ROOT = path.join(__dirname, '..', '..');
const PASSWORD = 'readme-password-0123456789';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:readme-AbCdEf';
/** A secret with an old password. */
const STALE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:stale-AbCdEf';
const STALE_PASSWORD = 'stale-password-0123456789';

/** The ```ts block of `page` that imports cdk-elasticache/client and has `marker`. */
function snippet(page: string, marker: string): string {
  const blocks = readmeBlocks(fs.readFileSync(path.join(ROOT, page), 'utf8'))
    .filter(b => b.code.includes("from 'cdk-elasticache/client'") && b.code.includes(marker));
  expect(blocks).toHaveLength(1);
  return blocks[0].code;
}

/** Writes the snippet as a module importing the library's source, and calls its handler twice in a fresh node process. */
function runHandler(name: string, code: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const dir = path.join(ROOT, '.scratch', 'runtime-snippets');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, code.replace("'cdk-elasticache/client'", JSON.stringify(path.join(ROOT, 'lib', 'client'))));
  const script = `
    const { handler } = require(${JSON.stringify(file)});
    (async () => {
      const answers = [await handler(), await handler()];
      process.stdout.write(JSON.stringify(answers));
      process.exit(0);
    })().catch(e => { process.stdout.write(JSON.stringify({ name: e.name, reason: e.reason, message: e.message })); process.exit(1); });
  `;
  const childEnv: Record<string, string> = { PATH: process.env.PATH!, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
  return new Promise(resolve => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: childEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { err += d; });
    child.on('close', exit => resolve({ code: exit, out, err }));
  });
}

serverSuite('the guide\'s runtime snippets on a real Valkey server', ['valkey-server'], () => {
  let server: RunningServer;
  let secrets: http.Server;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startValkey();
    const admin = await connect('iovalkey', server);
    await admin.call('ACL', 'SETUSER', 'app', 'on', `>${PASSWORD}`, '~*', '+@all');
    await admin.call('SET', 'greeting', 'hello');
    await admin.quit();
    secrets = http.createServer((req, res) => {
      let request = '';
      req.on('data', d => { request += d; });
      req.on('end', () => {
        const arn = (JSON.parse(request) as { SecretId: string }).SecretId;
        const password = arn === STALE_ARN ? STALE_PASSWORD : PASSWORD;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ ARN: arn, Name: 'readme', VersionId: 'v1', SecretString: JSON.stringify({ username: 'app', password }) }));
      });
    });
    await new Promise<void>(r => secrets.listen(0, '127.0.0.1', () => r()));
    // What connectFrom() sets for a replication group with the default RBAC user, and what Lambda sets.
    env = {
      CACHE_ENGINE: 'valkey', CACHE_ID: 'readme', CACHE_HOST: server.host, CACHE_PORT: String(server.port),
      CACHE_READER_HOST: server.host, CACHE_TLS: 'false', CACHE_AUTH: 'rbac-password', CACHE_SECRET_ARN: SECRET_ARN, CACHE_USER: 'app',
      AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    };
  }, 20_000);

  afterAll(() => new Promise<void>(r => (secrets ? secrets.close(() => r()) : r())));

  test('README.md: the handler answers, twice, in a one-cache app; a stale password is one CacheClientError naming the user', async () => {
    const code = snippet('README.md', 'sharedClient');
    expect(code).toMatch(/\.on\('error'/);
    const [ok, refused] = await Promise.all([
      runHandler('readme', code, env),
      runHandler('readme-refused', code, { ...env, CACHE_SECRET_ARN: STALE_ARN }),
    ]);
    expect(ok).toEqual({ code: 0, out: JSON.stringify(['hello', 'hello']), err: '' });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toEqual({ name: 'CacheClientError', reason: 'credentials-refused',
      message: expect.stringContaining(`refused the credentials of user 'app' (password from the secret ${STALE_ARN} (CACHE_SECRET_ARN)): WRONGPASS`) });
    expect(refused.out + refused.err).not.toContain(STALE_PASSWORD);
  });

  test('README.md\'s handler is the one the client benchmark measures', () => {
    const bench = fs.readFileSync(path.join(ROOT, 'bench', 'client', 'password-helper.ts'), 'utf8');
    const body = (code: string) => code.split('\n').filter(l => !/^\/\/ |^import /.test(l)).join('\n').trim();
    expect(body(bench)).toBe(body(snippet('README.md', 'sharedClient')));
  });

  test('docs/connecting.md: the runtime example answers in a one-cache app, through iovalkey and node-redis\'s reader', async () => {
    const result = await runHandler('connecting', snippet('docs/connecting.md', 'connectNodeRedis(createClient, { reader: true })'), env);
    expect(result).toEqual({ code: 0, out: JSON.stringify(['hello', 'hello']), err: '' });
  });
});
