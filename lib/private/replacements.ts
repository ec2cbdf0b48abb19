/**
 * What CloudFormation replaces when a property of an ElastiCache resource changes, and what works
 * instead. Pure code, no aws-cdk-lib: the day-two plan (`cdk-elasticache plan`, which reads the
 * replacements from aws-cdk's diff engine) and the constructs' deployed-state check (which reads them
 * from `MAY_REPLACE` below) share the exceptions (what the CDK spec says replaces but CloudFormation
 * updates in place) and the steps.
 */
import { CREATE_ONLY_PROPERTIES } from './transitions';

/** A resource of a template, as far as these rules read it. */
export interface ResourceState {
  readonly Properties?: Record<string, unknown>;
  readonly UpdatePolicy?: Record<string, unknown>;
  /** The deployed-state record's user group and users of a cache, by logical id (their create-only properties). */
  readonly Members?: Record<string, Record<string, unknown>>;
}

/** The types that hold data: a replacement is a new, empty cache. */
export const CACHE_TYPES: ReadonlySet<string> = new Set(['AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ServerlessCache']);

/** A type for messages ('replication group'). */
export function label(type: string): string {
  const name = type.replace('AWS::ElastiCache::', '');
  return {
    ReplicationGroup: 'replication group', CacheCluster: 'Memcached cluster', ServerlessCache: 'serverless cache', User: 'user',
    UserGroup: 'user group', SubnetGroup: 'subnet group', ParameterGroup: 'parameter group',
  }[name] ?? name;
}

/**
 * The properties whose change may replace a cache, for the deployed-state check (which has no diff engine at
 * synth): the registry schemas' create-only properties, their conditional create-only ones (an AUTH token added
 * or removed, the shards' configuration, replicas per shard, a Memcached cluster's nodes and zones), and what the
 * CDK spec reports as a replacement besides (a serverless cache's `NetworkType`, set at creation in the User
 * Guide). `updatesInPlace` below tells the changes among them that CloudFormation makes in place. The update-path
 * matrix checks this table against the diff engine, row by row.
 */
export const MAY_REPLACE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'AWS::ElastiCache::ReplicationGroup': [...CREATE_ONLY_PROPERTIES['AWS::ElastiCache::ReplicationGroup'],
    'AuthToken', 'Engine', 'NodeGroupConfiguration', 'NumNodeGroups', 'ReplicasPerNodeGroup'],
  'AWS::ElastiCache::CacheCluster': [...CREATE_ONLY_PROPERTIES['AWS::ElastiCache::CacheCluster'],
    'NumCacheNodes', 'PreferredAvailabilityZones'],
  'AWS::ElastiCache::ServerlessCache': [...CREATE_ONLY_PROPERTIES['AWS::ElastiCache::ServerlessCache'], 'NetworkType'],
});

/**
 * The properties of `before` -> `after` that CloudFormation cannot change in place (by `MAY_REPLACE` and the
 * exceptions): a property left out is unset, so one added or removed is a change.
 */
export function replacedProperties(type: string, before: ResourceState, after: ResourceState): string[] {
  const [a, b] = [before.Properties ?? {}, after.Properties ?? {}];
  return (MAY_REPLACE[type] ?? []).filter(p => JSON.stringify(a[p]) !== JSON.stringify(b[p]) && !updatesInPlace(type, p, before, after));
}

/** What works instead of a replacement of `replacing` (a cache: a new one next to it; AUTH -> RBAC and replicas have their own). */
export function replacementSteps(type: string, replacing: string[], oldProps: Record<string, unknown>, newProps: Record<string, unknown>): string {
  return authToRbacSteps(type, replacing, oldProps, newProps) ?? replicasApartSteps(type, replacing) ?? stepsForReplacement(type, replacing);
}

/**
 * Replacements the diff engine reports that CloudFormation performs in place for this library's
 * templates: shard changes under `UpdatePolicy: UseOnlineResharding` (the CloudFormation User Guide,
 * "UseOnlineResharding policy"), replicas per shard changed alone, and an AUTH token that is changed rather than added (the schema's
 * conditional create-only: only adding one to a group without a token replaces it).
 */
export function updatesInPlace(type: string, prop: string, oldResource: ResourceState, newResource: ResourceState): boolean {
  if (prop === 'Engine' && redisToValkey(type, oldResource.Properties ?? {}, newResource.Properties ?? {})) {
    return true;
  }
  if (type === 'AWS::ElastiCache::CacheCluster') {
    return memcachedNodesInPlace(prop, oldResource.Properties ?? {}, newResource.Properties ?? {});
  }
  if (type !== 'AWS::ElastiCache::ReplicationGroup') {
    return false;
  }
  const resharding = newResource.UpdatePolicy?.UseOnlineResharding === true && oldResource.UpdatePolicy?.UseOnlineResharding === true;
  if (resharding && (prop === 'NumNodeGroups' || prop === 'NodeGroupConfiguration')) {
    return onlyShardCountChanged(oldResource.Properties ?? {}, newResource.Properties ?? {});
  }
  if (prop === 'ReplicasPerNodeGroup') {
    // No longer create-only: CloudFormation changes the replicas of every shard in place when ReplicasPerNodeGroup
    // changes by itself (the CloudFormation team on cloudformation-coverage-roadmap issue 918, 2026-07, resolving it;
    // the registry schema bundled by cfn-lint and the CDK spec of 2026-09 still list it). Together with a change of
    // NodeGroupConfiguration (a shard added or removed, zones) it can still replace the group.
    return JSON.stringify(oldResource.Properties?.NodeGroupConfiguration) === JSON.stringify(newResource.Properties?.NodeGroupConfiguration);
  }
  if (prop === 'AuthToken') {
    return oldResource.Properties?.AuthToken !== undefined && newResource.Properties?.AuthToken !== undefined;
  }
  return false;
}

/**
 * Redis OSS -> Valkey, in place for the group, its users and its user group, although the CDK spec (2026-09) still
 * says that `Engine` replaces all three. Sources: the CloudFormation Template Reference (User and UserGroup, `Engine`:
 * "Allowed values: redis | valkey", "Update requires: No interruption"), the registry schemas (`Engine` is not
 * create-only for any of the three), and the ElastiCache User Guide ("How to upgrade from Redis OSS to Valkey": in
 * place, endpoints kept, ModifyReplicationGroup with the new engine, version and a Valkey parameter group).
 */
function redisToValkey(type: string, oldProps: Record<string, unknown>, newProps: Record<string, unknown>): boolean {
  return ['AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::User', 'AWS::ElastiCache::UserGroup'].includes(type)
    && oldProps.Engine === 'redis' && newProps.Engine === 'valkey';
}

/**
 * A Memcached cluster adds and removes nodes in place (ModifyCacheCluster `NumCacheNodes`; the registry
 * schema does not list `NumCacheNodes` as create-only, the CDK spec says "may replace" because of other
 * engines), and places the added ones in the Availability Zones appended to `PreferredAvailabilityZones`
 * (`NewAvailabilityZones`): a list that only grows at its end is in place; a reordered or shortened one
 * is the schema's conditional create-only case.
 */
function memcachedNodesInPlace(prop: string, oldProps: Record<string, unknown>, newProps: Record<string, unknown>): boolean {
  if (newProps.Engine !== 'memcached') {
    return false;
  }
  if (prop === 'NumCacheNodes') {
    return true;
  }
  if (prop === 'PreferredAvailabilityZones') {
    const [a, b] = [oldProps.PreferredAvailabilityZones, newProps.PreferredAvailabilityZones];
    return Array.isArray(a) && Array.isArray(b) && b.length > a.length && a.every((zone, i) => JSON.stringify(zone) === JSON.stringify(b[i]));
  }
  return false;
}

/** Whether the node group configuration only gained or lost shards (the shards both have keep their settings). */
function onlyShardCountChanged(oldProps: Record<string, unknown>, newProps: Record<string, unknown>): boolean {
  const byId = (props: Record<string, unknown>) => new Map(((props.NodeGroupConfiguration as Array<Record<string, unknown>> | undefined) ?? [])
    .map(g => [String(g.NodeGroupId), JSON.stringify(g)]));
  const a = byId(oldProps);
  const b = byId(newProps);
  return [...a].every(([id, json]) => !b.has(id) || b.get(id) === json);
}

/**
 * An AUTH token given up for user groups: ElastiCache does it in place (ModifyReplicationGroup with
 * AuthTokenUpdateStrategy DELETE and UserGroupIdsToAdd, the User Guide's "Migrating from AUTH to RBAC"), but
 * CloudFormation replaces the group (cloudformation-coverage-roadmap issue 2356, open), so on a named group the
 * update fails.
 */
function authToRbacSteps(type: string, replacing: string[], oldProps: Record<string, unknown>,
  newProps: Record<string, unknown>): string | undefined {
  if (type !== 'AWS::ElastiCache::ReplicationGroup' || !replacing.includes('AuthToken') || oldProps.AuthToken === undefined
    || newProps.AuthToken !== undefined || newProps.UserGroupIds === undefined) {
    return undefined;
  }
  return 'CloudFormation cannot move a group from an AUTH token to user groups in place (cloudformation-coverage-roadmap issue 2356), '
    + 'although ElastiCache can (ModifyReplicationGroup, AuthTokenUpdateStrategy DELETE). Keep the AUTH token (Authentication.authToken() '
    + 'or generatedAuthToken()), or create a new group with the user group next to this one (restoreFromSnapshot a backup of it), '
    + 'move the clients, then remove the old one.';
}

/** Replicas per shard changed together with the shards' configuration: in place when deployed apart. */
function replicasApartSteps(type: string, replacing: string[]): string | undefined {
  if (type !== 'AWS::ElastiCache::ReplicationGroup' || replacing.length !== 1 || replacing[0] !== 'ReplicasPerNodeGroup') {
    return undefined;
  }
  return 'Change replicas in a deployment of its own: CloudFormation changes ReplicasPerNodeGroup in place only when '
    + 'NodeGroupConfiguration (the shards, their zones) stays as it is. Deploy the shard change first, then the replicas.';
}

function stepsForReplacement(type: string, props: string[]): string {
  if (CACHE_TYPES.has(type)) {
    // A Memcached cluster has no backups to restore from.
    const restore = type === 'AWS::ElastiCache::CacheCluster' ? '' : ` (restored from a backup: ${type === 'AWS::ElastiCache::ServerlessCache'
      ? 'restoreFromSnapshots' : 'restoreFromSnapshot'})`;
    return `Keep ${props.join(', ')} as deployed. To change ${props.length === 1 ? 'it' : 'them'}, create a new cache under a new name next to `
      + `this one${restore}, move the clients, then remove the old one.`;
  }
  return `Keep ${props.join(', ')} as deployed, or give the resource a new name so that CloudFormation can create the new one first.`;
}
