/**
 * No silent cell (issue 22): every row of the matrix that fails or is refused at deployment, for the
 * three caches, is refused at synth instead when the cache has `verifyDeployedState` and its deployed
 * state is the row's `before`. The lookup is answered as the aws-cdk CLI answers it: the first
 * synthesis reports it missing, the answer (the `before` template's properties of the cache) goes
 * into the context, the second synthesis reads it. The rows the check cannot see are listed, each
 * with why, and stay the plan command's (`cdk-elasticache plan`).
 */
import { CacheValidationError } from '../../lib';
import { buildApp, Row, State } from './matrix';
import { ALL_ROWS } from './rows';

const ENV = { account: '123456789012', region: 'us-east-1' };
const VERIFY = { verifyDeployedState: true };
const TYPES: Record<string, string> = {
  ReplicationGroupProps: 'AWS::ElastiCache::ReplicationGroup',
  MemcachedClusterProps: 'AWS::ElastiCache::CacheCluster',
  ServerlessCacheProps: 'AWS::ElastiCache::ServerlessCache',
};

/**
 * What the read handler reports for a property the template leaves out (the service's value for an unset
 * property); a property asked for that is neither set nor here fails the test, as it fails the CLI.
 */
const SERVICE_DEFAULTS: Record<string, unknown> = {
  ClusterMode: 'disabled', AtRestEncryptionEnabled: false, TransitEncryptionEnabled: false, DataTieringEnabled: false, NetworkType: 'ipv4',
  AZMode: 'single-az',
};

/** The deployed properties of the cache of a state (its `Cache` stack, env-bound), by state key. */
const deployed = new Map<string, Record<string, unknown>>();
function deployedCache(state: State, type: string): Record<string, unknown> {
  let found = deployed.get(state.key);
  if (!found) {
    const template = buildApp(state, { env: ENV }).synth().getStackByName('Cache').template;
    const resource = Object.values(template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)
      .find(r => r.Type === type)!;
    found = resource.Properties;
    deployed.set(state.key, found);
  }
  return found;
}

/** Synthesizes the row's `after` over its deployed `before`, as the CLI does; the synth-time error, if any. */
function synthAfterOverBefore(row: Row): Error | undefined {
  const type = TYPES[row.subject];
  const before = deployedCache(row.before, type);
  const missing = buildApp(row.after, { env: ENV, cacheProps: VERIFY }).synth().manifest.missing ?? [];
  const context: Record<string, unknown> = {};
  for (const m of missing.filter(x => x.provider === 'cc-api-provider')) {
    const props = m.props as { exactIdentifier: string; propertiesToReturn: string[] };
    const answer = Object.fromEntries(props.propertiesToReturn.map(p => {
      const value = before[p] ?? SERVICE_DEFAULTS[p];
      if (value === undefined) {
        throw new Error(`Cannot read field ${p}. ${p} is not found.`);
      }
      return [p, value];
    }));
    context[m.key] = [{ ...answer, Identifier: props.exactIdentifier }];
  }
  try {
    buildApp(row.after, { env: ENV, cacheProps: VERIFY, context }).synth();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

/**
 * The unsafe rows the check cannot see, with why. Each is the plan command's. A fix that lets the
 * check see one fails this list: then remove the row from it.
 */
const NOT_SEEN: Record<string, string> = {
  'ReplicationGroupProps.replicationGroupId: generated -> orders-cache (fails)':
    'a new name is looked up as a new cache: the check cannot see the deployed one (the plan pairs them)',
  'ReplicationGroupProps.engine: Valkey 8.2 -> 8.0 (downgrade) (refused)':
    'EngineVersion is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.engine: Redis OSS 5.0.6 -> 7.1 (default auth: AUTH token -> RBAC) (fails)':
    'AuthToken is write-only in the registry schema: the read returns nothing to compare (the default authentication flips)',
  'ReplicationGroupProps.preferredAvailabilityZones: none -> a, b (fails)':
    'PreferredCacheClusterAZs is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.preferredAvailabilityZones: a, b -> b, a (reordered) (fails)':
    'PreferredCacheClusterAZs is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.kmsKey: added (fails)':
    'KmsKeyId is write-only in the registry schema: the read returns nothing to compare (and the key ARN is a token at synth)',
  'ReplicationGroupProps.kmsKey: removed (fails)':
    'KmsKeyId is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.authentication: AUTH token -> generated user group (fails)':
    'AuthToken is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.authentication: AUTH token -> a user group of the app (fails)':
    'AuthToken is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.restoreFromSnapshot: none -> a backup (fails)':
    'SnapshotName is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.restoreFromS3: none -> an .rdb file (fails)':
    'SnapshotArns is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.subnetGroup: generated -> another SubnetGroup (fails)':
    'CacheSubnetGroupName is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.preferredAvailabilityZones: none -> a, b, compatible (fails)':
    'PreferredCacheClusterAZs is write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.replicas: 1 -> 2 with shards 2 -> 3 in the same deployment, enabled (fails)':
    'ReplicasPerNodeGroup and NodeGroupConfiguration are write-only in the registry schema: the read returns nothing to compare',
  'ReplicationGroupProps.shardConfiguration: placed by ElastiCache -> primary AZs given, enabled (fails)':
    'NodeGroupConfiguration is write-only in the registry schema: the read returns nothing to compare',
  'MemcachedClusterProps.clusterName: generated -> sessions (fails)':
    'a new name is looked up as a new cache: the check cannot see the deployed one (the plan pairs them)',
  'MemcachedClusterProps.nodes: 3 -> 2 with preferred AZs (fails)':
    'NumCacheNodes / PreferredAvailabilityZones: conditional in the registry schema, not read',
  'MemcachedClusterProps.preferredAvailabilityZones: a, b, c -> c, b, a (reordered) (fails)':
    'PreferredAvailabilityZones: conditional create-only in the registry schema, not read',
  'MemcachedClusterProps.subnetGroup: generated -> another SubnetGroup (fails)':
    'CacheSubnetGroupName is a token at synth (the subnet group\'s Ref)',
  'ServerlessCacheProps.serverlessCacheName: generated -> sessions (fails)':
    'a new name is looked up as a new cache: the check cannot see the deployed one (the plan pairs them)',
  'ServerlessCacheProps.vpc: another VPC (no consumer) (fails)':
    'SubnetIds are tokens at synth (imported from the network stack)',
  'ServerlessCacheProps.vpcSubnets: all isolated subnets -> one subnet group (fails)':
    'SubnetIds are tokens at synth (imported from the network stack)',
  'ServerlessCacheProps.networkType: ipv4 -> dual stack (fails)':
    'NetworkType of a serverless cache is not create-only in the registry schema (the User Guide says set at creation) and not read',
  'ServerlessCacheProps.kmsKey: added (fails)':
    'KmsKeyId is a token at synth (the key ARN), and absent from the read of a cache without a key',
  'ServerlessCacheProps.kmsKey: removed (fails)':
    'KmsKeyId is absent from the read of a cache without a key: the check does not ask for it',
  'ServerlessCacheProps.restoreFromSnapshots: none -> a snapshot (fails)':
    'SnapshotArnsToRestore is write-only in the registry schema: the read returns nothing to compare',
};

const unsafe = ALL_ROWS.filter(r => TYPES[r.subject] && (r.expected === 'fails' || r.expected === 'refused'));

describe('verifyDeployedState refuses at synth what would fail or be refused at deployment', () => {
  test('there are such rows', () => {
    expect(unsafe.length).toBeGreaterThan(20);
  });

  const seen: string[] = [];
  const notSeen: string[] = [];
  test.each(unsafe.map(r => [`${r.subject}.${r.prop}: ${r.change} (${r.expected})`, r] as const))('%s', (name, row) => {
    const error = synthAfterOverBefore(row);
    if (error === undefined) {
      notSeen.push(name);
      expect(NOT_SEEN[name]).toBeDefined();
      return;
    }
    expect(error).toBeInstanceOf(CacheValidationError);
    expect(error.message).toMatch(/\(deployed: /);
    seen.push(name);
  });

  test('the rows not seen are the listed ones', () => {
    expect(notSeen.sort()).toEqual(Object.keys(NOT_SEEN).sort());
    // 16 of the 42 unsafe rows are refused at synth with the check on; the other 26 are the plan command's.
    expect([seen.length, notSeen.length]).toEqual([16, 26]);
  });
});
