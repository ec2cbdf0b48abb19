/**
 * The recipes of issue 22 (point 4) as sequences of deployments, each step classed. `expected` is what the
 * engine reports today; `goal` is what the step must give once the constructs are fixed (issue 22: every
 * step in place, no export in use removed). When a fix lands, set `expected` to the goal.
 */
import { Authentication, ClusterMode, RedisOssVersion, TransitEncryptionMode } from '../../../lib';
import { Recipe } from '../matrix';
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
    // issue 22: to be in place, or refused at synth with the steps that work (the API's AuthTokenUpdateStrategy)
    steps: [{ to: RG_BASE, expected: 'fails', goal: 'in-place' }],
  },
  {
    name: 'adding replicas and shards',
    from: ENABLED_2_SHARDS,
    steps: [
      { to: ENABLED_3_SHARDS, expected: 'in-place', goal: 'in-place' },
      // issue 22: to be in place (ReplicasPerNodeGroup is create-only in the spec; a maintainer says it no longer is)
      { to: rg('enabled-3-shards-2-replicas', () => ({ clusterMode: ClusterMode.ENABLED, shards: 3, replicas: 2 })), expected: 'fails', goal: 'in-place' },
    ],
  },
  {
    name: 'moving a consumer to another stack',
    from: RG_BASE,
    steps: [
      { to: rg('consumer-2', () => ({}), { consumerStack: 'Consumer2' }), expected: 'unchanged', goal: 'unchanged' },
      // issue 22: to be in place (the cache stack keeps exporting what the old consumer stack imports until it is gone)
      { to: rg('consumer-in-cache-stack', () => ({}), { consumerStack: 'Cache' }), expected: 'export-in-use', goal: 'in-place' },
    ],
  },
];
