/**
 * The deployment record of `verifyDeployedState`: what a cache's stack writes to SSM at each deployment
 * (the template's values of the properties that decide whether the next change deploys), and reads
 * back at the next synthesis. Built from the L1 once every construct exists, as the template will have
 * it: tokens as their CloudFormation expressions, a `Ref` to a named resource with its name, the cache's
 * user group and users, never a secret.
 */
import { createHash } from 'crypto';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnUser, CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import { label, MAY_REPLACE, ResourceState } from './replacements';
import { NAME_PROPERTIES, REFUSAL_INPUTS } from './transitions';

/** Where the deployment record of a resource is kept: by stack and logical id, so that a changed name is seen. */
export function recordParameterName(stackName: string, logicalId: string): string {
  return `/cdk-elasticache/deployed-state/${stackName}/${logicalId}`;
}

/** What the record holds when nothing is deployed (a new cache), and before the first lookup is answered. */
export const NO_RECORD = 'none';

/** The record of a cache's template as it is now. */
export function currentRecord(resource: CfnResource): ResourceState {
  const stack = Stack.of(resource);
  const type = resource.cfnResourceType;
  const l1 = resource as unknown as Record<string, unknown>;
  const named = namedResources(stack);
  const record = recordOf(type, {
    Properties: Object.fromEntries(recordedProperties(type).map(p => [p, withNames(cfnCase(stack.resolve(l1[getterName(p)])), named)])),
    UpdatePolicy: { UseOnlineResharding: resource.cfnOptions.updatePolicy?.useOnlineResharding },
  });
  const members = userMembers(stack, [l1.userGroupIds, l1.userGroupId].flat());
  return Object.keys(members).length > 0 ? { ...record, Members: members } : record;
}

/**
 * The user group of the cache and its users, when they are in the cache's stack: their create-only properties
 * (CloudFormation replaces a user whose id or name changes, a user group whose id changes; both have names,
 * so the update fails), by logical id.
 */
function userMembers(stack: Stack, groupIds: unknown[]): Record<string, Record<string, unknown>> {
  const byId = new Map(stack.node.findAll().filter(CfnResource.isCfnResource).filter(c => Stack.of(c) === stack)
    .map(c => [stack.resolve(c.logicalId) as string, c]));
  const refOf = (v: unknown) => (v !== null && typeof v === 'object' ? (v as { Ref?: unknown }).Ref : undefined);
  const members: Record<string, Record<string, unknown>> = {};
  for (const groupId of groupIds.map(g => refOf(stack.resolve(g)))) {
    const group = typeof groupId === 'string' ? byId.get(groupId) as CfnUserGroup | undefined : undefined;
    if (!group || group.cfnResourceType !== CfnUserGroup.CFN_RESOURCE_TYPE_NAME) {
      continue;
    }
    members[groupId as string] = { Type: group.cfnResourceType, UserGroupId: stack.resolve(group.userGroupId) };
    // A user of the group by its Ref, or by its id (the library passes the literal id).
    const users = [...byId].filter(([, c]) => c.cfnResourceType === CfnUser.CFN_RESOURCE_TYPE_NAME) as Array<[string, CfnUser]>;
    for (const entry of (stack.resolve(group.userIds) as unknown[] ?? [])) {
      const found = users.find(([id, user]) => id === refOf(entry) || (typeof entry === 'string' && stack.resolve(user.userId) === entry));
      if (found) {
        const [logicalId, user] = found;
        members[logicalId] = { Type: user.cfnResourceType, UserId: stack.resolve(user.userId), UserName: stack.resolve(user.userName) };
      }
    }
  }
  return members;
}

/** The literal names of the named ElastiCache resources of a stack (subnet groups, user groups...), by logical id. */
function namedResources(stack: Stack): Map<string, unknown> {
  const names = new Map<string, unknown>();
  for (const c of stack.node.findAll()) {
    const nameProp = CfnResource.isCfnResource(c) && Stack.of(c) === stack ? NAME_PROPERTIES[c.cfnResourceType] : undefined;
    const name = nameProp ? stack.resolve((c as unknown as Record<string, unknown>)[getterName(nameProp)]) : undefined;
    if (typeof name === 'string') {
      names.set(stack.resolve((c as CfnResource).logicalId), name);
    }
  }
  return names;
}

/**
 * A `Ref` to a named resource of the stack with the name it resolves to: a subnet group whose construct
 * keeps its logical id (pinned) but gets a new name is still a new subnet group for the cache.
 */
function withNames(value: unknown, named: Map<string, unknown>): unknown {
  if (Array.isArray(value)) {
    return value.map(v => withNames(v, named));
  }
  const ref = value !== null && typeof value === 'object' ? (value as { Ref?: unknown }).Ref : undefined;
  return typeof ref === 'string' && named.has(ref) ? { Ref: ref, Name: named.get(ref) } : value;
}

/**
 * A resolved L1 value as the template writes it: the keys of nested property types capitalized
 * (`nodeGroupId` -> `NodeGroupId`), intrinsics (`Ref`, `Fn::GetAtt`) as they are.
 */
function cfnCase(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cfnCase);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => k === 'Ref' || k.startsWith('Fn::')
    ? [k, v] : [k.charAt(0).toUpperCase() + k.slice(1), cfnCase(v)]));
}

/**
 * The properties a record holds: those that may replace the cache, those the refusal rules read, and the
 * user groups (the steps from an AUTH token to RBAC).
 */
function recordedProperties(type: string): string[] {
  const userGroups = type === 'AWS::ElastiCache::ReplicationGroup' ? ['UserGroupIds'] : [];
  return [...new Set([NAME_PROPERTIES[type], ...(MAY_REPLACE[type] ?? []), ...(REFUSAL_INPUTS[type] ?? []), ...userGroups])].sort();
}

/** A record's size limit: an SSM parameter of the advanced tier holds 8 KB. */
const RECORD_LIMIT = 8192;
/** A node group configuration longer than this is recorded as a digest per shard. */
const SHARDS_LIMIT = 2048;

/**
 * The record of a resource: the properties that decide, unset ones left out; never a secret (an AUTH token is
 * recorded as set or not, a dynamic reference as such); a long node group configuration as a digest per shard.
 */
export function recordOf(type: string, resource: ResourceState): ResourceState {
  const properties: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(resource.Properties ?? {})) {
    if (value === undefined || value === null) {
      continue;
    }
    properties[property] = property === 'AuthToken' ? '(set)' : JSON.stringify(value).includes('{{resolve:') ? '(dynamic reference)' : value;
  }
  const resharding = resource.UpdatePolicy?.UseOnlineResharding;
  const record = compactLike({ Properties: properties, ...(resharding !== undefined ? { UpdatePolicy: { UseOnlineResharding: resharding } } : {}) },
    type);
  if (JSON.stringify(record).length > RECORD_LIMIT) {
    throw new Error(`The deployed-state record of a ${label(type)} is over ${RECORD_LIMIT} characters`);
  }
  return record;
}

/** A digest per shard for a long node group configuration (or when `like` has one), so that records stay small and compare. */
export function compactLike(resource: ResourceState, type: string, like?: ResourceState): ResourceState {
  const shards = resource.Properties?.NodeGroupConfiguration;
  const compacted = (r?: ResourceState) => Array.isArray(r?.Properties?.NodeGroupConfiguration)
    && (r!.Properties!.NodeGroupConfiguration as Array<Record<string, unknown>>).some(g => g.Digest !== undefined);
  if (type !== 'AWS::ElastiCache::ReplicationGroup' || !Array.isArray(shards) || compacted(resource)
    || (JSON.stringify(shards).length <= SHARDS_LIMIT && !compacted(like))) {
    return resource;
  }
  const digest = (g: unknown) => createHash('sha256').update(JSON.stringify(g)).digest('hex').slice(0, 12);
  return {
    ...resource,
    Properties: {
      ...resource.Properties,
      NodeGroupConfiguration: (shards as Array<Record<string, unknown>>).map(g => ({ NodeGroupId: g.NodeGroupId, Digest: digest(g) })),
    },
  };
}

/** A looked-up record; undefined when there is none (a new cache, or not yet looked up). */
export function parseRecord(value: string): ResourceState | undefined {
  if (value === NO_RECORD) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value) as ResourceState;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.Properties === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The L1's getter of a CloudFormation property: its name with a lowercase first letter (`AZMode` -> `azMode`). */
export function getterName(property: string): string {
  return property === 'AZMode' ? 'azMode' : property.charAt(0).toLowerCase() + property.slice(1);
}
