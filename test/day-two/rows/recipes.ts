/**
 * The recipes of issue 22 (point 4) as sequences of deployments, each step classed. `expected` is what the
 * engine reports today; `goal` is what the step must give once the constructs are fixed (issue 22: every
 * step in place, no export in use removed). When a fix lands, set `expected` to the goal.
 */
import { Authentication, ClusterMode, RedisOssVersion, TransitEncryptionMode } from '../../../lib';
import { Recipe, withReferences } from '../matrix';
import { rg } from '../states';
import { COMPATIBLE, ENABLED_2_SHARDS, ENABLED_3_SHARDS, MIGRATED, MIGRATED_2_SHARDS } from './cluster-mode';
import { RG_BASE } from './replication-group';

export const RECIPES: Recipe[] = [
  {
    name: 'cluster mode disabled -> compatible -> enabled (consumer in another stack)',
    from: RG_BASE,
    steps: [
      { to: COMPATIBLE, expected: 'in-place', goal: 'in-place' }, // the endpoints' exports are kept alive through compatible
      // The group keeps the properties it was created with (createdWithClusterMode): only ClusterMode changes.
      { to: MIGRATED, expected: 'in-place', goal: 'in-place' },
      // Then shards, online: NumNodeGroups joins NumCacheClusters.
      { to: MIGRATED_2_SHARDS, expected: 'in-place', goal: 'in-place' },
    ],
  },
  {
    name: 'transit encryption off -> preferred -> required',
    from: rg('no-tls', () => ({ transitEncryption: false })),
    steps: [
      { to: rg('tls-preferred', () => ({ transitEncryptionMode: TransitEncryptionMode.PREFERRED })), expected: 'in-place', goal: 'in-place' },
      { to: RG_BASE, expected: 'in-place', goal: 'in-place' },
    ],
  },
  {
    name: 'Redis OSS 7.1 -> Valkey 8.2',
    from: rg('redis-7.1', () => ({ engine: RedisOssVersion.VER_7_1 })),
    // In place by the CloudFormation Template Reference and the registry schemas (the CDK spec still says replacement).
    steps: [{ to: RG_BASE, expected: 'in-place', goal: 'in-place' }],
  },
  {
    name: 'AUTH token -> RBAC (generated user group)',
    from: rg('auth-token', () => ({ authentication: Authentication.generatedAuthToken() })),
    // Not possible in place with CloudFormation today: it replaces a group that moves from AuthToken to UserGroupIds
    // (cloudformation-coverage-roadmap issue 2356, open), although ElastiCache does it in place. plan prints the steps that work.
    steps: [{ to: RG_BASE, expected: 'fails', goal: 'in-place' }],
  },
  {
    name: 'adding replicas and shards',
    from: ENABLED_2_SHARDS,
    steps: [
      { to: ENABLED_3_SHARDS, expected: 'in-place', goal: 'in-place' },
      // ReplicasPerNodeGroup alone, in its own deployment (cloudformation-coverage-roadmap issue 918)
      { to: rg('enabled-3-shards-2-replicas', () => ({ clusterMode: ClusterMode.ENABLED, shards: 3, replicas: 2 })), expected: 'in-place', goal: 'in-place' },
    ],
  },
  {
    // With strong references (aws-cdk-lib's default) the last step removes exports the deployed consumer stack imports
    // (the CONSUMER_ROWS row): move to weak references first, as aws-cdk-lib documents it, strong -> both -> weak.
    name: 'moving a consumer to another stack (through weak cross-stack references)',
    from: RG_BASE,
    steps: [
      // both: the producer keeps its exports and adds outputs; the consumer reads the outputs (Fn::GetStackOutput)
      { to: withReferences(RG_BASE, 'both'), expected: 'in-place', goal: 'in-place' },
      // weak: the exports go; nothing imports them any more
      { to: withReferences(RG_BASE, 'weak'), expected: 'unchanged', goal: 'unchanged' },
      { to: withReferences(rg('consumer-2', () => ({}), { consumerStack: 'Consumer2' }), 'weak'), expected: 'unchanged', goal: 'unchanged' },
      { to: withReferences(rg('consumer-in-cache-stack', () => ({}), { consumerStack: 'Cache' }), 'weak'), expected: 'unchanged', goal: 'unchanged' },
    ],
  },
];
