import { planChanges, StackTemplates } from '../../lib/ops/plan';
import { compareVersions, refusedTransition } from '../../lib/private/transitions';

/** The plan's rules on hand-written templates (the matrix in test/day-two/ runs them on the library's). */

const group = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::ElastiCache::ReplicationGroup',
  Properties: { ReplicationGroupDescription: 'd', Engine: 'valkey', EngineVersion: '8.2', CacheNodeType: 'cache.t4g.micro', ...props },
});

describe('caches renamed or moved between stacks', () => {
  test('two caches moved to another stack each pair with their own new place, and the new places are not reported as created', () => {
    const before: StackTemplates = { A: { Resources: { Orders: group(), Sessions: group() } }, B: { Resources: {} } };
    const after: StackTemplates = { A: { Resources: {} }, B: { Resources: { Orders: group(), Sessions: group() } } };
    const findings = planChanges(before, after).findings;
    expect(findings.map(f => `${f.stack}/${f.logicalId} ${f.class}`).sort()).toEqual(['A/Orders replaced', 'A/Sessions replaced']);
    expect(findings.find(f => f.logicalId === 'Orders')!.reason).toMatch(/A\/Orders becomes B\/Orders/);
    expect(findings.find(f => f.logicalId === 'Sessions')!.reason).toMatch(/A\/Sessions becomes B\/Sessions/);
  });

  test('a pinned name moved with the construct fails: the new one cannot take the name while the old one exists', () => {
    const before: StackTemplates = { A: { Resources: { Orders: group({ ReplicationGroupId: 'orders' }) } } };
    const after: StackTemplates = { A: { Resources: { Renamed: group({ ReplicationGroupId: 'orders' }) } } };
    expect(planChanges(before, after).findings.map(f => `${f.logicalId} ${f.class}`)).toEqual(['Orders fails']);
  });

  test('a cache deleted in one stack and an unrelated one created in another are a deletion and a creation', () => {
    const before: StackTemplates = { A: { Resources: { Orders: group() } }, B: { Resources: {} } };
    const after: StackTemplates = { A: { Resources: {} }, B: { Resources: { Reports: group() } } };
    const report = planChanges(before, after);
    expect(report.findings.map(f => `${f.stack}/${f.logicalId} ${f.class}`).sort()).toEqual(['A/Orders deleted', 'B/Reports created']);
    expect(report.safe).toBe(false);
  });
});

describe('exports in use', () => {
  test('name the stacks that import them', () => {
    const exporting = { Outputs: { Out: { Value: { Ref: 'X' }, Export: { Name: 'Cache:Host' } } }, Resources: {} };
    const importing = { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Env: { 'Fn::ImportValue': 'Cache:Host' } } } } };
    const findings = planChanges({ Cache: exporting, Api: importing }, { Cache: { Resources: {} }, Api: importing }).findings;
    expect(findings).toEqual([expect.objectContaining({ class: 'export-in-use', logicalId: 'Cache:Host', reason: expect.stringMatching(/\(Api\)/) })]);
  });
});

describe('transitions ElastiCache refuses', () => {
  test.each([
    ['a downgrade', { EngineVersion: '8.2' }, { EngineVersion: '8.0' }, /does not downgrade/],
    ['Valkey -> Redis OSS', { Engine: 'valkey' }, { Engine: 'redis', EngineVersion: '7.1' }, /never back/],
    ['TLS on with mode required', { TransitEncryptionEnabled: false }, { TransitEncryptionEnabled: true }, /preferred first/],
    ['TLS on before Redis OSS 7.0', { Engine: 'redis', EngineVersion: '6.2', TransitEncryptionEnabled: false },
      { Engine: 'redis', EngineVersion: '6.2', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' }, /7\.0\+/],
    ['cluster mode backwards', { ClusterMode: 'enabled' }, { ClusterMode: 'compatible' }, /one way only/],
    ['cluster mode skipping compatible', {}, { ClusterMode: 'enabled' }, /only through compatible/],
  ])('%s', (_name, before, after, reason) => {
    expect(refusedTransition('AWS::ElastiCache::ReplicationGroup', { Engine: 'valkey', ...before }, { Engine: 'valkey', ...after })?.reason)
      .toMatch(reason);
  });

  test.each([
    ['an upgrade', { EngineVersion: '7.2' }, { EngineVersion: '8.0' }],
    ['Redis OSS -> Valkey', { Engine: 'redis', EngineVersion: '7.1' }, { Engine: 'valkey', EngineVersion: '8.2' }],
    ['TLS on with mode preferred', { TransitEncryptionEnabled: false }, { TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' }],
    ['cluster mode disabled -> compatible', {}, { ClusterMode: 'compatible' }],
  ])('%s is not refused', (_name, before, after) => {
    expect(refusedTransition('AWS::ElastiCache::ReplicationGroup', { Engine: 'valkey', ...before }, { Engine: 'valkey', ...after }))
      .toBeUndefined();
  });

  test('Memcached: TLS set at creation only; AZ mode cross -> single', () => {
    expect(refusedTransition('AWS::ElastiCache::CacheCluster', { Engine: 'memcached' }, { Engine: 'memcached', TransitEncryptionEnabled: true }))
      .toBeDefined();
    expect(refusedTransition('AWS::ElastiCache::CacheCluster', { Engine: 'memcached', AZMode: 'cross-az' },
      { Engine: 'memcached', AZMode: 'single-az' })?.properties).toEqual(['AZMode']);
  });
});

test('versions compare by number', () => {
  expect(compareVersions('7.10', '7.2')).toBeGreaterThan(0);
  expect(compareVersions('1.6', '1.6.22')).toBeLessThan(0);
  expect(compareVersions('8.0', '8.0')).toBe(0);
});

describe('Memcached nodes', () => {
  const cluster = (props: Record<string, unknown>) => ({
    Type: 'AWS::ElastiCache::CacheCluster',
    Properties: { Engine: 'memcached', EngineVersion: '1.6.22', CacheNodeType: 'cache.t4g.micro', ClusterName: 'sessions', ...props },
  });
  const plan = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    planChanges({ S: { Resources: { C: cluster(a) } } }, { S: { Resources: { C: cluster(b) } } }).findings.map(f => f.class);

  test('are added and removed in place; a zone appended for the new node is in place; a reordered list is not', () => {
    expect(plan({ NumCacheNodes: 2 }, { NumCacheNodes: 3 })).toEqual(['in-place']);
    expect(plan({ NumCacheNodes: 3 }, { NumCacheNodes: 2 })).toEqual(['in-place']);
    expect(plan({ NumCacheNodes: 2, PreferredAvailabilityZones: ['a', 'b'] }, { NumCacheNodes: 3, PreferredAvailabilityZones: ['a', 'b', 'c'] }))
      .toEqual(['in-place']);
    expect(plan({ NumCacheNodes: 2, PreferredAvailabilityZones: ['a', 'b'] }, { NumCacheNodes: 2, PreferredAvailabilityZones: ['b', 'a'] }))
      .toEqual(['fails']);
  });
});

describe('Redis OSS -> Valkey', () => {
  const user = (engine: string) => ({ Type: 'AWS::ElastiCache::User', Properties: { UserId: 'app', UserName: 'app', Engine: engine, AccessString: 'on ~* +@all' } });
  const userGroup = (engine: string) => ({ Type: 'AWS::ElastiCache::UserGroup', Properties: { UserGroupId: 'users', Engine: engine, UserIds: ['app'] } });
  const plan = (a: { Type: string; Properties: Record<string, unknown> }, b: { Type: string; Properties: Record<string, unknown> }) =>
    planChanges({ S: { Resources: { R: a } } }, { S: { Resources: { R: b } } }).findings.map(f => f.class);

  test('the group, its users and its user group move in place (the Template Reference and the registry schemas, not the CDK spec)', () => {
    expect(plan(group({ Engine: 'redis', EngineVersion: '7.1' }), group({ Engine: 'valkey', EngineVersion: '8.2' }))).toEqual(['in-place']);
    expect(plan(user('redis'), user('valkey'))).toEqual(['in-place']);
    expect(plan(userGroup('redis'), userGroup('valkey'))).toEqual(['in-place']);
  });

  test('only that way: Valkey -> Redis OSS is refused for the group, and a user or user group is left to the CDK spec', () => {
    expect(plan(group({ Engine: 'valkey', EngineVersion: '8.2' }), group({ Engine: 'redis', EngineVersion: '7.1' }))).toEqual(['refused']);
    expect(plan(user('valkey'), user('redis'))).toEqual(['fails']);
    expect(plan(userGroup('valkey'), userGroup('redis'))).toEqual(['fails']);
  });
});

test('AUTH token -> user groups: fails, with the steps that work and the CloudFormation issue behind it', () => {
  const before = group({ AuthToken: '{{resolve:secretsmanager:token}}', TransitEncryptionEnabled: true, ReplicationGroupId: 'orders' });
  const after = group({ UserGroupIds: ['users'], TransitEncryptionEnabled: true, ReplicationGroupId: 'orders' });
  const [finding] = planChanges({ S: { Resources: { G: before } } }, { S: { Resources: { G: after } } }).findings;
  expect(finding.class).toBe('fails');
  expect(finding.steps).toContain('cloudformation-coverage-roadmap issue 2356');
  expect(finding.steps).toContain('Keep the AUTH token');
  // Another create-only change keeps the general steps.
  const [port] = planChanges({ S: { Resources: { G: group({ Port: 6379, ReplicationGroupId: 'orders' }) } } },
    { S: { Resources: { G: group({ Port: 6380, ReplicationGroupId: 'orders' }) } } }).findings;
  expect(port.steps).not.toContain('2356');
});

test('a member of a global datastore scaled directly is refused; the same group outside a datastore scales in place', () => {
  const datastore = { Type: 'AWS::ElastiCache::GlobalReplicationGroup', Properties: { Members: [{ ReplicationGroupId: { Ref: 'G' }, Role: 'PRIMARY' }] } };
  const plan = (withDatastore: boolean) => planChanges(
    { S: { Resources: { G: group({ ReplicationGroupId: 'orders' }), ...(withDatastore ? { D: datastore } : {}) } } },
    { S: { Resources: { G: group({ ReplicationGroupId: 'orders', CacheNodeType: 'cache.r7g.xlarge' }), ...(withDatastore ? { D: datastore } : {}) } } },
  ).findings;
  const [member] = plan(true);
  expect(member.class).toBe('refused');
  expect(member.properties).toEqual(['CacheNodeType']);
  expect(member.steps).toContain('GlobalDatastore nodeType');
  expect(plan(false).map(f => f.class)).toEqual(['in-place']);
});
