import { createHash } from 'crypto';
import { Annotations, Aspects, CfnResource, ContextProvider, IAspect, Lazy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { invalid, phrase } from './errors';
import { compactLike, currentRecord, getterName, NO_RECORD, parseRecord, recordParameterName } from './deployment-record';
import { label, replacedProperties, replacementSteps, ResourceState } from './replacements';
import { CREATE_ONLY_PROPERTIES, DEPLOYED_STATE_PROPERTIES, describeValue, NAME_PROPERTIES, refusedTransition } from './transitions';

/**
 * `verifyDeployedState` of the caches. Two context lookups (cached in cdk.context.json, as every CDK
 * lookup), and a change CloudFormation cannot make in place or one ElastiCache refuses (a downgrade,
 * TLS on without the `preferred` step, cluster mode backwards...) is a synth-time error naming the
 * prop, the deployed and the new value and the steps that work, instead of an update that rolls back
 * after minutes:
 *
 * - the deployment record: an SSM parameter the cache's stack writes at each deployment (after the
 *   cache), holding the template's values of the properties that decide (`recordOf`), tokens as their
 *   CloudFormation expressions. Read back with the SSM lookup, it is compared with the template as the
 *   plan command compares two templates: it sees what the resource's read handler never returns (the
 *   write-only `EngineVersion`, `KmsKeyId`, `PreferredCacheClusterAZs`, `AuthToken`, `SnapshotName`...)
 *   and tokens (a subnet group, a key, imported subnets), and a changed name;
 * - the deployed resource (Cloud Control API lookup): what its read handler returns (engine, port,
 *   encryption, cluster mode...), also for a cache deployed before the record existed, and after a
 *   change made outside the app.
 */

/** What a cache tells the check. */
export interface DeployedStateCheck {
  /** The L1. */
  readonly resource: CfnResource;
  /** The resource's identifier as the Cloud Control API takes it (the replication group id, the cluster name...). */
  readonly identifier: string;
  /** The construct prop that sets each CloudFormation property the check may name. */
  readonly properties: Record<string, string>;
  /** The construct's kind and its identifier prop, for messages ('replication group', 'replicationGroupId'). */
  readonly what: string;
  readonly identifierProp: string;
}

/** The warning when nothing can be looked up. */
const NOT_VERIFIED = 'cdk-elasticache:deployedStateNotVerified';

export function verifyDeployedState(scope: Construct, check: DeployedStateCheck): void {
  const stack = Stack.of(scope);
  const notVerified = (why: string) => Annotations.of(scope).addWarningV2(NOT_VERIFIED, `verifyDeployedState is on, but the deployed `
    + `${check.what} cannot be looked up: ${why}. The template is not checked against it.`);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    notVerified('the stack is environment-agnostic (give it env: { account, region })');
    return;
  }
  if (Token.isUnresolved(check.identifier) || Token.isUnresolved(stack.stackName)) {
    notVerified(`${Token.isUnresolved(check.identifier) ? check.identifierProp : 'the stack name'} is a token (give a literal one, or `
      + 'leave it unset for the generated one)');
    return;
  }
  const entry: CheckedCache = { scope, check };
  const record = new ssm.StringParameter(scope, 'DeployedState', {
    // The final logical id (one pinned with overrideLogicalId() after the construct was built included).
    parameterName: Lazy.string({ produce: () => recordParameterName(stack.stackName, stack.resolve(check.resource.logicalId)) }),
    simpleName: false,
    // What the check compared, computed once all constructs exist (the stage's aspect).
    stringValue: Lazy.string({ produce: () => JSON.stringify(entry.record ?? currentRecord(check.resource)) }),
    description: `What verifyDeployedState of cdk-elasticache compares the next synthesis of ${check.resource.node.path} with`,
    tier: ssm.ParameterTier.INTELLIGENT_TIERING,
  });
  // Written once the cache is: a failed update rolls both back, a successful one records what is deployed.
  record.node.addDependency(check.resource);
  registerCache(stack, entry);
}

/**
 * The check of one cache, once every construct exists (overrides and later changes to the L1 included):
 * its record and the deployed cache looked up, and compared with the template.
 */
function verifyCache(entry: CheckedCache): void {
  const { scope, check } = entry;
  const stack = Stack.of(scope);
  const type = check.resource.cfnResourceType;
  const current = entry.record = currentRecord(check.resource);
  // Each template state is looked up afresh, once: a change always meets the deployed cache as it is then.
  const stateKey = `state-${createHash('sha256').update(JSON.stringify(current)).digest('hex').slice(0, 16)}`;
  const recordName = recordParameterName(stack.stackName, stack.resolve(check.resource.logicalId));
  const record = lookupParameter(scope, recordName, stateKey);
  const liveQuery = {
    provider: cxschema.ContextProvider.CC_API_PROVIDER,
    props: { typeName: type, exactIdentifier: check.identifier, propertiesToReturn: Object.keys(DEPLOYED_STATE_PROPERTIES[type] ?? {}) },
    additionalCacheKey: stateKey,
  };
  // Not found (a new resource) and not yet looked up (the first synthesis) both read as the dummy: nothing deployed.
  const found: unknown = ContextProvider.getValue(scope, { ...liveQuery, dummyValue: [], mustExist: false }).value;
  const live = Array.isArray(found) && found.length > 0 ? found[0] as Record<string, unknown> : undefined;
  const cached = (keys: string[]) => `(The deployed state was looked up for this template and is cached in cdk.context.json: after a `
    + `deployment outside this app, refresh it with ${keys.map(k => `cdk context --reset '${k}'`).join(' and ')}.)`;
  if (live) {
    checkLive(scope, check, live, cached([ContextProvider.getKey(scope, liveQuery).key]));
  }
  const deployed = parseRecord(record.value);
  if (deployed) {
    checkRecord(scope, check, deployed, current, cached([record.key]));
  }
}

/**
 * An SSM parameter through the CDK's SSM context lookup (`StringParameter.valueFromLookup`'s query), with the
 * context key its answer is cached under: `NO_RECORD` when it does not exist, or is not looked up yet.
 */
function lookupParameter(scope: Construct, parameterName: string, additionalCacheKey: string): { value: string; key: string } {
  const value = ssm.StringParameter.valueFromLookup(scope, parameterName, NO_RECORD, { additionalCacheKey });
  const key = ContextProvider.getKey(scope, {
    provider: cxschema.ContextProvider.SSM_PARAMETER_PROVIDER, props: { parameterName }, additionalCacheKey,
  }).key;
  return { value, key };
}

/** The deployed resource as its read handler returns it, against the template's literal values. */
function checkLive(scope: Construct, check: DeployedStateCheck, deployed: Record<string, unknown>, cached: string): void {
  const stack = Stack.of(scope);
  const type = check.resource.cfnResourceType;
  const read = DEPLOYED_STATE_PROPERTIES[type] ?? {};
  // The template's values: those the lookup reads, and those the refusal rules also need (EngineVersion, the TLS mode...).
  const wanted = { ...Object.fromEntries(Object.keys(check.properties).map(p => [p, undefined])), ...read };
  const template = literalProperties(stack, check.resource, wanted);
  const compared = Object.fromEntries(Object.entries(template).filter(([p]) => p in read));
  // What the lookup does not read (EngineVersion of a group, the TLS mode...) is taken as unchanged.
  const refusal = refusedTransition(type, { ...template, ...pick(deployed, Object.keys(read)) }, template);
  if (refusal) {
    const property = refusal.properties[0];
    invalid(scope, check.properties[property] ?? property, phrase(`${describeValue(template[property])} (deployed: ${describeValue(deployed[property])})`),
      `Allowed: what ElastiCache can move the deployed ${check.what} ${check.identifier} to. ${refusal.reason} ${refusal.steps} ${cached}`);
  }
  for (const property of CREATE_ONLY_PROPERTIES[type] ?? []) {
    if (!(property in compared) || deployed[property] === undefined || same(compared[property], deployed[property])) {
      continue;
    }
    invalid(scope, check.properties[property] ?? property, phrase(`${describeValue(template[property])} (deployed: `
      + `${describeValue(deployed[property])})`), `Allowed: ${describeValue(deployed[property])}, as deployed: ${property} cannot change on the `
      + `live ${check.what} ${check.identifier} (CloudFormation would replace it, and cannot create the replacement under the same `
      + `${check.identifierProp}). To change it, create a new ${check.what} under a new ${check.identifierProp} (restored from a backup), `
      + `move the clients, then remove this one. ${cached}`);
  }
}

/**
 * The deployment record against the template, as the plan compares two templates: the transitions ElastiCache
 * refuses, then the properties CloudFormation cannot change in place.
 */
function checkRecord(scope: Construct, check: DeployedStateCheck, deployed: ResourceState, current: ResourceState, cached: string): void {
  const type = check.resource.cfnResourceType;
  const [before, after] = [deployed.Properties ?? {}, current.Properties ?? {}];
  const nameProp = NAME_PROPERTIES[type];
  const deployedName = describeValue(before[nameProp]);
  const values = (property: string) => phrase(`${shown(property, after[property])} (deployed: ${shown(property, before[property])})`);
  const refusal = refusedTransition(type, before, after);
  if (refusal) {
    const property = refusal.properties[0];
    invalid(scope, check.properties[property] ?? property, values(property),
      `Allowed: what ElastiCache can move the deployed ${check.what} ${deployedName} to. ${refusal.reason} ${refusal.steps} ${cached}`);
  }
  checkMembers(scope, check, deployed, current, cached);
  const replacing = replacedProperties(type, compactLike(deployed, type, current), compactLike(current, type, deployed));
  if (replacing.length === 0) {
    return;
  }
  const property = replacing[0];
  const what = property === nameProp
    ? `a new ${check.identifierProp} is a new, empty ${check.what}: CloudFormation creates it and deletes the deployed ${deployedName}. `
      + `Keep the deployed name (${check.identifierProp}: ${deployedName}); for another cache next to it, add another construct.`
    : `${replacing.join(', ')} cannot change on the live ${check.what} ${deployedName}: CloudFormation would replace it, and cannot `
      + `create the replacement under the same ${check.identifierProp}. ${replacementSteps(type, replacing, before, after)}`;
  invalid(scope, check.properties[property] ?? property, values(property), `Allowed: ${shown(property, before[property])}, as deployed: ${what} ${cached}`);
}

/** The props of the user and user group constructs that set each recorded property. */
const MEMBER_PROPS: Record<string, string> = { UserGroupId: 'userGroupId', UserId: 'userId', UserName: 'userName' };

/** The users and the user group of the cache, deployed and now: a create-only change of one still there is refused. */
function checkMembers(scope: Construct, check: DeployedStateCheck, deployed: ResourceState, current: ResourceState, cached: string): void {
  const [before, after] = [deployed.Members ?? {}, current.Members ?? {}];
  for (const [logicalId, now] of Object.entries(after)) {
    const was = before[logicalId];
    const changed = was ? Object.keys(MEMBER_PROPS).filter(p => JSON.stringify(was[p]) !== JSON.stringify(now[p])) : [];
    if (changed.length === 0) {
      continue;
    }
    const type = String(now.Type);
    const property = changed[0];
    const member = Stack.of(scope).node.findAll().find(c => CfnResource.isCfnResource(c) && Stack.of(c) === Stack.of(scope)
      && Stack.of(c).resolve(c.logicalId) === logicalId);
    invalid(member?.node.scope ?? scope, MEMBER_PROPS[property], phrase(`${describeValue(now[property] ?? null)} (deployed: `
      + `${describeValue(was[property] ?? null)})`), `Allowed: ${describeValue(was[property] ?? null)}, as deployed: ${changed.join(', ')} `
      + `cannot change on the live ${label(type)} ${describeValue(was[NAME_PROPERTIES[type]])} of the ${check.what} ${check.identifier}: `
      + `CloudFormation would replace it, and cannot create the replacement under the same ${MEMBER_PROPS[NAME_PROPERTIES[type]]}. `
        + `${replacementSteps(type, changed, was, now)} ${cached}`);
  }
}

/** A recorded value for a message. */
function shown(property: string, value: unknown): string {
  if (property === 'AuthToken') {
    return value === undefined ? 'no AUTH token' : 'an AUTH token';
  }
  return value === undefined || value === null ? 'not set' : describeValue(value);
}

/**
 * The template's values of the properties the lookup reads, by their CloudFormation names: the
 * service's default where the template leaves one out, tokens left out (not comparable at synth).
 */
function literalProperties(stack: Stack, resource: CfnResource, read: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const l1 = resource as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [property, serviceDefault] of Object.entries(read)) {
    const value = stack.resolve(l1[getterName(property)]) ?? serviceDefault;
    if (value !== undefined && !JSON.stringify(value).match(/"(Ref|Fn::[A-Za-z]+)"/)) {
      out[property] = value;
    }
  }
  return out;
}

/** Values as the Cloud Control API and the template write them: numbers and booleans may come back as strings. */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (Array.isArray(v) ? v.map(norm) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function pick(values: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter(k => values[k] !== undefined).map(k => [k, values[k]]));
}

/**
 * A cache's identity at synth: each stack with a checked cache also writes the list of its checked caches
 * (`/cdk-elasticache/deployed-caches/STACK`: logical id, type, name). At synthesis, the list of every
 * environment-bound stack of the app is read back (SSM lookup), and a cache it lists that the stack no
 * longer has is a warning: CloudFormation deletes it, and a renamed construct or a cache moved to another
 * stack is a new, empty cache. Its record cannot say so: a renamed construct has a new logical id, and so
 * a new record.
 */
const CACHE_LEAVES_STACK = 'cdk-elasticache:cacheLeavesStack';

/** A checked cache: its construct, what it tells the check, and its record once computed. */
interface CheckedCache {
  readonly scope: Construct;
  readonly check: DeployedStateCheck;
  record?: ResourceState;
}

/** The checked caches of each stack. */
const CHECKED = new WeakMap<Stack, CheckedCache[]>();
/** The stages whose stacks are checked (one aspect each). */
const CHECKED_STAGES = new WeakSet<Stage>();

/** The list's parameter name of a stack. */
export function cacheListParameterName(stackName: string): string {
  return `/cdk-elasticache/deployed-caches/${stackName}`;
}

function registerCache(stack: Stack, entry: CheckedCache): void {
  let listed = CHECKED.get(stack);
  if (!listed) {
    listed = [];
    CHECKED.set(stack, listed);
    const caches = listed;
    new ssm.StringParameter(stack, 'CdkElastiCacheDeployedCaches', {
      parameterName: cacheListParameterName(stack.stackName),
      stringValue: Lazy.string({ produce: () => JSON.stringify(caches.map(c => listEntry(stack, c.check))) }),
      description: 'The caches verifyDeployedState of cdk-elasticache checks in this stack, read back by the next synthesis',
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
  }
  listed.push(entry);
  const stage = Stage.of(stack);
  if (stage && !CHECKED_STAGES.has(stage)) {
    CHECKED_STAGES.add(stage);
    Aspects.of(stage).add(new CacheIdentityCheck(stage));
  }
}

/** A cache in the list: [logical id, type, name], as the template has them (an overridden logical id included). */
function listEntry(stack: Stack, check: DeployedStateCheck): [string, string, string] {
  return [stack.resolve(check.resource.logicalId), check.resource.cfnResourceType, check.identifier];
}

/**
 * At the stage's visit, when every construct exists: checks each cache, then reads back the list of every
 * environment-bound stack of the stage and warns on the stack a cache left.
 */
class CacheIdentityCheck implements IAspect {
  constructor(private readonly stage: Stage) {}

  public visit(node: IConstruct): void {
    if (node !== this.stage) {
      return;
    }
    const stacks = this.stage.node.findAll().filter(Stack.isStack).filter(s => Stage.of(s) === this.stage
      && !Token.isUnresolved(s.account) && !Token.isUnresolved(s.region) && !Token.isUnresolved(s.stackName));
    stacks.forEach(s => (CHECKED.get(s) ?? []).forEach(verifyCache));
    // [stack, logical id, type, name] of every checked cache of the stage, now.
    const current = stacks.flatMap(s => (CHECKED.get(s) ?? []).map(c => [s.stackName, ...listEntry(s, c.check)]));
    // Looked up afresh whenever the checked caches of the app change (one renamed, moved, added or removed).
    const additionalCacheKey = `caches-${createHash('sha256').update(JSON.stringify(current)).digest('hex').slice(0, 16)}`;
    const deployed = new Map(stacks.map(s => {
      const { value, key } = lookupParameter(s, cacheListParameterName(s.stackName), additionalCacheKey);
      return [s, { key, caches: parseList(value) }];
    }));
    const wasDeployed = (stackName: string, id: string) => [...deployed].some(([s, d]) => s.stackName === stackName
      && d.caches.some(([deployedId]) => deployedId === id));
    for (const [stack, { key, caches }] of deployed) {
      for (const [logicalId, type, physicalName] of caches) {
        if (current.some(([s, id, t]) => s === stack.stackName && id === logicalId && t === type)) {
          continue;
        }
        const created = current.filter(([s, id, t]) => t === type && !wasDeployed(s, id));
        Annotations.of(stack).addWarningV2(CACHE_LEAVES_STACK, `The ${label(type)} '${physicalName}' (logical id ${logicalId}), deployed `
          + 'by this stack, is not in its template any more: CloudFormation deletes it (its removal policy decides whether a final '
          + `snapshot is taken)${created.length > 0 ? `, while ${created.map(([s, id, , n]) => `${s}/${id} ('${n}')`).join(', ')} `
            + `${created.length === 1 ? 'is' : 'are'} new: a renamed construct, or a cache moved to another stack, is a new, empty cache` : ''}. `
          + `To keep the deployed cache, keep its construct id and stack, or pin its logical id (overrideLogicalId('${logicalId}')) `
          + `and its name ('${physicalName}'); to move it to another stack, use cdk refactor. If the removal is meant, acknowledge this `
          + `warning. (Looked up for this app's caches and cached in cdk.context.json under '${key}'.)`);
      }
    }
  }
}

function parseList(value: string): Array<[string, string, string]> {
  if (value === NO_RECORD) {
    return [];
  }
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.filter((e): e is [string, string, string] => Array.isArray(e) && e.length === 3) : [];
  } catch {
    return [];
  }
}
