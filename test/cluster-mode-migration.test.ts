import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, ContextProvider, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterMode, ReplicationGroup, ReplicationGroupProps, ValkeyVersion } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

/**
 * verifyDeployedClusterMode: the deployed group's cluster mode, looked up through the Cloud Control
 * API context provider (as the aws-cdk CLI answers cc-api-provider queries), checked against the
 * template's clusterMode at synth time.
 */

const ENV = { account: '123456789012', region: 'eu-west-1' };
const MODES: Record<string, ClusterMode> = {
  disabled: ClusterMode.DISABLED, compatible: ClusterMode.COMPATIBLE, enabled: ClusterMode.ENABLED,
};

/**
 * The cache key of the lookup, computed by aws-cdk-lib from the query this test expects the library to
 * make (not from the library's code): a mismatch leaves the context unread and the lookup reported
 * missing, which the tests assert against.
 */
function keyFor(replicationGroupId: string, templateMode: string): string {
  const stack = new Stack(new App(), 'KeyStack', { env: ENV });
  return ContextProvider.getKey(stack, {
    provider: 'cc-api-provider',
    props: { typeName: 'AWS::ElastiCache::ReplicationGroup', exactIdentifier: replicationGroupId, propertiesToReturn: ['ClusterMode'] },
    additionalCacheKey: `clusterMode-${templateMode}`,
  }).key;
}

/** What the CLI stores for a found group: the properties asked for, and the identifier. */
function found(clusterMode: string, id: string) {
  return [{ ClusterMode: clusterMode, Identifier: id }];
}

function cache(stack: Stack, id: string, props: Partial<ReplicationGroupProps>): ReplicationGroup {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, `${id}Vpc`, {
    vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'],
  });
  return new ReplicationGroup(stack, id, { vpc, engine: ValkeyVersion.VER_8_0, verifyDeployedClusterMode: true, ...props });
}

function warningsOf(stack: Stack, group: ReplicationGroup): string[] {
  return Annotations.fromStack(stack).findWarning(`/${group.node.path}`, Match.anyValue()).map(w => String(w.entry.data));
}

describe('the lookup: requested at the first synthesis, answered from context afterwards', () => {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const generated = cache(stack, 'Generated', { clusterMode: ClusterMode.ENABLED });
  const named = cache(stack, 'Named', { replicationGroupId: 'Orders' });
  // The same group without the check, at the same construct path.
  const plain = new Stack(new App(), 'Stack', { env: ENV });
  cache(plain, 'Named', { replicationGroupId: 'orders', verifyDeployedClusterMode: undefined });
  const assembly = app.synth();
  const missing = assembly.manifest.missing ?? [];

  test('the query of the Cloud Control API provider, for the id the template renders, not-found tolerated', () => {
    const renderedId = Template.fromStack(stack).findResources('AWS::ElastiCache::ReplicationGroup',
      { Properties: { ClusterMode: 'enabled' } });
    const id = Object.values(renderedId)[0].Properties.ReplicationGroupId;
    expect(id).toMatch(/^stack-generated-/);
    expect(missing.map(m => m.key).sort()).toEqual([keyFor(id, 'enabled'), keyFor('orders', 'disabled')].sort());
    const query = missing.find(m => m.key === keyFor('orders', 'disabled'))!;
    expect(query.provider).toBe('cc-api-provider');
    expect(query.props).toMatchObject({
      account: ENV.account,
      region: ENV.region,
      typeName: 'AWS::ElastiCache::ReplicationGroup',
      exactIdentifier: 'orders', // lowercased, as the template renders it
      propertiesToReturn: ['ClusterMode'],
      additionalCacheKey: 'clusterMode-disabled',
      // The CLI then answers a group that does not exist with the dummy value instead of failing.
      ignoreErrorOnMissingContext: true,
      dummyValue: [],
    });
  });

  test('the first synthesis (no answer yet) passes, and the check adds nothing to the template', () => {
    expect(generated.node.path).toBe('Stack/Generated');
    expect(Template.fromStack(stack).findResources('AWS::ElastiCache::ReplicationGroup', { Properties: { ReplicationGroupId: 'orders' } }))
      .toEqual(Template.fromStack(plain).findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(warningsOf(stack, named)).toEqual([]);
  });

  test('off by default: no lookup', () => {
    const offApp = new App();
    cache(new Stack(offApp, 'Stack', { env: ENV }), 'Cache', { clusterMode: ClusterMode.ENABLED, verifyDeployedClusterMode: undefined });
    expect(offApp.synth().manifest.missing).toBeUndefined();
  });
});

describe('each deployed mode x template mode, the lookup answered in context as the CLI stores it', () => {
  const cases: Array<[string, string, RegExp | undefined]> = [
    // deployed, template, the error (undefined: passes)
    ['none', 'disabled', undefined],
    ['none', 'compatible', undefined],
    ['none', 'enabled', undefined],
    ['disabled', 'disabled', undefined],
    ['disabled', 'compatible', undefined],
    ['disabled', 'enabled', /Invalid clusterMode: got 'enabled'\. Allowed: ClusterMode\.COMPATIBLE first: the deployed group g-disabled-enabled is in cluster mode disabled.*Deploy clusterMode: ClusterMode\.COMPATIBLE, move every client to a cluster client on the configuration endpoint, then deploy ClusterMode\.ENABLED/],
    ['compatible', 'disabled', /Invalid clusterMode: got 'disabled'\. Allowed: ClusterMode\.COMPATIBLE or ClusterMode\.ENABLED: the deployed group g-compatible-disabled is in cluster mode compatible, and ElastiCache cannot take a group back/],
    ['compatible', 'compatible', undefined],
    ['compatible', 'enabled', /Invalid createdWithClusterMode: got nothing \(enabled, as clusterMode\)\. Allowed: ClusterMode\.COMPATIBLE: the deployed group g-compatible-enabled is in cluster mode compatible, so it was created without cluster mode enabled.*With createdWithClusterMode set, the group keeps NumCacheClusters and moves to cluster mode enabled in place/],
    ['compatible', 'enabled/created-compatible', undefined],
    ['compatible', 'enabled/created-disabled', undefined],
    ['enabled', 'disabled', /Invalid clusterMode: got 'disabled'\. Allowed: ClusterMode\.ENABLED: the deployed group g-enabled-disabled is in cluster mode enabled, and ElastiCache cannot take a group back/],
    ['enabled', 'compatible', /Invalid clusterMode: got 'compatible'\. Allowed: ClusterMode\.ENABLED: the deployed group g-enabled-compatible/],
    ['enabled', 'enabled', undefined],
  ];
  test.each(cases)('deployed %s, template %s', (deployed, template, error) => {
    const [mode, created] = template.split('/created-');
    const id = `g-${deployed}-${mode}${created ? `-${created}` : ''}`;
    const key = keyFor(id, mode);
    const props = { replicationGroupId: id, clusterMode: MODES[mode], createdWithClusterMode: created ? MODES[created] : undefined };
    // 'none': the CLI found no group and stored the query's dummy value.
    const app = new App({ context: { [key]: deployed === 'none' ? [] : found(deployed, id) } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    let attempt = 0;
    const create = () => cache(stack, `Cache${attempt++}`, props);
    if (error) {
      expect(create).toThrow(CacheValidationError);
      const message = (() => { try { create(); } catch (e) { return (e as Error).message; } return ''; })();
      expect(message).toMatch(error);
      // Where the stale answer is cached, and how to refresh it.
      expect(message).toContain(`is cached in cdk.context.json: if ${deployed === 'disabled' && mode === 'enabled' ? 'ClusterMode.COMPATIBLE has been deployed'
        : 'the group has been replaced'} since that lookup, the cached answer is stale; refresh it with cdk context --reset '${key}' `
        + 'and synthesize again.');
      return;
    }
    const group = create();
    // The answer was read (the key matched): no lookup is reported missing, nothing warned; the same
    // group in an app without the answer asks for it, under that key.
    expect(app.synth().manifest.missing).toBeUndefined();
    const unanswered = new App();
    cache(new Stack(unanswered, 'Stack', { env: ENV }), 'Cache', props);
    expect((unanswered.synth().manifest.missing ?? []).map(m => m.key)).toEqual([key]);
    expect(warningsOf(stack, group)).toEqual([]);
  });
});

describe('the key names the template mode: a change of clusterMode is looked up afresh', () => {
  test('an answer cached for the disabled template is not read for the enabled one', () => {
    const app = new App({ context: { [keyFor('orders', 'disabled')]: found('disabled', 'orders') } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    expect(() => cache(stack, 'Cache', { replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED })).not.toThrow();
    expect((app.synth().manifest.missing ?? []).map(m => m.key)).toEqual([keyFor('orders', 'enabled')]);
  });

  test('the deployed value is read whatever its case', () => {
    const app = new App({ context: { [keyFor('orders', 'enabled')]: found('Disabled', 'orders') } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    expect(() => cache(stack, 'Cache', { replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED }))
      .toThrow(/Allowed: ClusterMode\.COMPATIBLE first/);
  });
});

describe('where the check cannot run, it warns instead', () => {
  test('an environment-agnostic stack: a warning, no lookup, the synthesis passes', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const group = cache(stack, 'Cache', { clusterMode: ClusterMode.ENABLED });
    const [warning, ...others] = warningsOf(stack, group);
    expect(others).toEqual([]);
    expect(warning).toMatch(/^verifyDeployedClusterMode is on, but the deployed cluster mode cannot be looked up: /);
    expect(warning).toContain('the stack is environment-agnostic (give it env: { account, region }). The template\'s clusterMode (enabled) '
      + 'is not checked against the deployed group');
    expect(warning).toMatch(/\[ack: cdk-elasticache:clusterModeNotVerified\]$/);
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  test('a token replicationGroupId: a warning, no lookup', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const group = cache(stack, 'Cache', { replicationGroupId: new CfnParameter(stack, 'Id').valueAsString });
    expect(warningsOf(stack, group)).toEqual([
      expect.stringMatching(/cannot be looked up: replicationGroupId is a token .*\[ack: cdk-elasticache:clusterModeNotVerified\]$/)]);
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  test('a deployed value the library does not know: a warning naming it and the key', () => {
    const key = keyFor('orders', 'enabled');
    const app = new App({ context: { [key]: found('sharded', 'orders') } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    const group = cache(stack, 'Cache', { replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED });
    expect(warningsOf(stack, group)).toEqual([expect.stringContaining('the lookup returned ClusterMode "sharded", not one of disabled, '
      + `compatible, enabled (cached in cdk.context.json under '${key}')`)]);
  });
});

test('a lookup the CLI could not make (no credentials): the synthesis fails, nothing is checked', () => {
  // What the CLI puts in the context for a failed lookup (not saved to cdk.context.json).
  const app = new App({ context: { [keyFor('orders', 'enabled')]: { $providerError: 'Need to perform AWS calls but no credentials' } } });
  const stack = new Stack(app, 'Stack', { env: ENV });
  expect(() => cache(stack, 'Cache', { replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED })).not.toThrow();
  expect(Annotations.fromStack(stack).findError('/Stack/Cache', Match.stringLikeRegexp('no credentials'))).toHaveLength(1);
});

describe('the real cdk CLI reads the lookup from cdk.context.json', () => {
  const root = path.resolve(__dirname, '..');
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-mode-migration-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  test('cdk synth --no-lookups: the stored answer (disabled) is found by its key and fails the move to enabled', () => {
    const key = keyFor('orders', 'enabled');
    fs.writeFileSync(path.join(dir, 'app.ts'), [
      `import { App, Stack } from 'aws-cdk-lib';`,
      `import * as ec2 from 'aws-cdk-lib/aws-ec2';`,
      `import { ClusterMode, ReplicationGroup } from ${JSON.stringify(path.join(root, 'lib'))};`,
      'const app = new App();',
      `const stack = new Stack(app, 'Cache', { env: ${JSON.stringify(ENV)} });`,
      `const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'] });`,
      `new ReplicationGroup(stack, 'Orders', { vpc, replicationGroupId: 'orders', clusterMode: ClusterMode.ENABLED, verifyDeployedClusterMode: true });`,
      'app.synth();',
    ].join('\n'));
    const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: `${JSON.stringify(process.execPath)} ${JSON.stringify(tsx)} app.ts` }));
    // As the CLI writes it after a lookup: the key the library reported, the provider's answer.
    fs.writeFileSync(path.join(dir, 'cdk.context.json'), JSON.stringify({ [key]: found('disabled', 'orders') }, null, 2));
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'),
      'synth', '--no-lookups', '--no-notices', '--quiet', '--output', path.join(dir, 'cdk.out')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        NODE_PATH: path.join(root, 'node_modules'),
        CDK_VALIDATION: 'false', // as in the rest of the suite (test/setup-env.ts): about 7 s of template validation
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        // No AWS call is needed; were one made, it would fail at once.
        AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).not.toMatch(/Context lookups have been disabled|Missing context keys/);
    expect(output).toContain('Cache/Orders: Invalid clusterMode: got \'enabled\'. Allowed: ClusterMode.COMPATIBLE first: the deployed group orders is in cluster mode disabled');
    expect(output).toContain(`cdk context --reset '${key}'`);
    expect(result.status).not.toBe(0);
  });
});
