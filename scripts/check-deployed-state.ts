/**
 * verifyDeployedState through the real aws-cdk CLI (not in jest: each `cdk synth` with lookups takes
 * about 6 s). The jest suites answer the lookups as the CLI does; this checks that the CLI does answer
 * them so: its SSM context provider reads the deployment record from an SSM API (moto), its Cloud
 * Control provider reads the deployed group from a local endpoint that answers GetResource as the
 * service does, and `cdk synth` then refuses a downgrade, passes the same template, and warns for a
 * renamed construct.
 *
 *   npx tsx scripts/check-deployed-state.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMoto } from '../test/ops/moto';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const CDK = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const REGION = 'us-east-1';

/** The app: one env-bound stack with a checked group; VARIANT picks the change. */
const APP = `
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ReplicationGroup, ValkeyVersion } from ${JSON.stringify(path.join(ROOT, 'lib'))};

const variant = process.env.VARIANT;
const app = new App();
const stack = new Stack(app, 'Cache', { env: { account: '123456789012', region: '${REGION}' } });
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-1', availabilityZones: ['${REGION}a', '${REGION}b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
});
new ReplicationGroup(stack, variant === 'renamed' ? 'Orders' : 'Cache', {
  vpc, replicationGroupId: variant === 'renamed' ? 'orders-2' : 'orders', verifyDeployedState: true,
  engine: variant === 'downgrade' ? ValkeyVersion.VER_8_0 : ValkeyVersion.VER_8_2,
});
app.synth();
`;

/** What the Cloud Control API returns for the deployed group (the properties the check asks for). */
const DEPLOYED = { Engine: 'valkey', Port: 6379, ClusterMode: 'disabled', AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true,
  DataTieringEnabled: false, NetworkType: 'ipv4' };

/** A Cloud Control endpoint: GetResource of the group 'orders', ResourceNotFoundException for anything else. */
function startCloudControl(): Promise<{ endpoint: string; calls: string[]; close(): void }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => body += d);
    req.on('end', () => {
      const input = JSON.parse(body || '{}') as { TypeName?: string; Identifier?: string };
      calls.push(`${req.headers['x-amz-target']} ${input.Identifier}`);
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (req.headers['x-amz-target'] === 'CloudApiService.GetResource' && input.Identifier === 'orders') {
        res.end(JSON.stringify({ TypeName: input.TypeName, ResourceDescription: { Identifier: 'orders', Properties: JSON.stringify(DEPLOYED) } }));
        return;
      }
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `Resource of type '${input.TypeName}' with identifier `
        + `'${input.Identifier}' was not found.` }));
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ endpoint: `http://127.0.0.1:${port}`, calls, close: () => server.close() });
  }));
}

/** Writes a parameter to the SSM API of moto (it checks no signature, only reads the service from the credential scope). */
async function putParameter(endpoint: string, name: string, value: string): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.PutParameter',
      'authorization': `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/ssm/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Name: name, Value: value, Type: 'String', Overwrite: true }),
  });
  if (!res.ok) {
    throw new Error(`PutParameter ${name}: ${res.status} ${await res.text()}`);
  }
}

/** `cdk synth` of a variant in a directory of its own (its own cdk.context.json); exit code and output. */
function cdkSynth(dir: string, variant: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; context: string }> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.ts'), APP);
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CDK, 'synth', '--app', `"${process.execPath}" --import "${TSX}" app.ts`, '--no-notices', '--quiet',
      '-o', path.join(dir, 'cdk.out')], { cwd: dir, env: { ...env, VARIANT: variant } });
    let output = '';
    child.stdout.on('data', d => output += d);
    child.stderr.on('data', d => output += d);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', code => {
      clearTimeout(timer);
      const contextFile = path.join(dir, 'cdk.context.json');
      resolve({ code, output, context: fs.existsSync(contextFile) ? fs.readFileSync(contextFile, 'utf8') : '' });
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deployed-state-'));
  const moto = await startMoto();
  const cloudControl = await startCloudControl();
  const failures: string[] = [];
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: REGION, AWS_ENDPOINT_URL: moto.endpoint, AWS_ENDPOINT_URL_CLOUDCONTROL: cloudControl.endpoint,
      CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // The deployment of the group as it is: what its stack writes to SSM, written there.
    const before = path.join(work, 'before');
    fs.mkdirSync(before);
    fs.writeFileSync(path.join(before, 'app.ts'), APP);
    const synth = spawnSync(process.execPath, ['--import', TSX, 'app.ts'], { cwd: before, env: { ...env, CDK_OUTDIR: path.join(before, 'out') },
      encoding: 'utf8' });
    if (synth.status !== 0) {
      throw new Error(`synth of the deployed app failed: ${synth.stderr}`);
    }
    const template = JSON.parse(fs.readFileSync(path.join(before, 'out', 'Cache.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Name: string; Value: string } }>;
    };
    const params = Object.values(template.Resources).filter(r => r.Type === 'AWS::SSM::Parameter');
    for (const p of params) {
      await putParameter(moto.endpoint, p.Properties.Name, p.Properties.Value);
    }
    console.log(`== deployed: ${params.map(p => p.Properties.Name).join(', ')}`);

    const [same, downgrade, renamed] = await Promise.all(['same', 'downgrade', 'renamed'].map(v => cdkSynth(path.join(work, v), v, env)));
    const check = (ok: boolean, what: string, output: string) => {
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
      if (!ok) {
        failures.push(`${what}\n${output.slice(-3000)}`);
      }
    };
    check(same.code === 0 && params.every(p => same.context.includes(`parameterName=${p.Properties.Name}`))
      && same.context.includes('cc-api-provider') && !same.context.includes('"none"'),
    'the same template synthesizes; the record, the list and the deployed group were looked up and cached', same.output + same.context);
    check(downgrade.code !== 0 && downgrade.output.includes('Invalid engine: got \'8.0\' (deployed: \'8.2\')'),
      'a downgrade (which only the record shows: a group\'s engine version is write-only) is refused', downgrade.output);
    check(renamed.code === 0 && /The replication group 'orders' \(logical id \w+\), deployed by this stack, is not in its template any more/
      .test(renamed.output) && renamed.output.includes('cacheLeavesStack'),
    'a renamed construct synthesizes with the warning that the deployed group leaves the stack', renamed.output);
    check(cloudControl.calls.some(c => c === 'CloudApiService.GetResource orders'), 'the Cloud Control lookup reached the endpoint',
      cloudControl.calls.join('\n'));
  } finally {
    cloudControl.close();
    await moto.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`== verifyDeployedState through the CLI: ${failures.length === 0 ? 'ok' : `${failures.length} failed`} `
    + `(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (failures.length > 0) {
    console.error(failures.join('\n\n'));
    process.exit(1);
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
