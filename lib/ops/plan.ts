/**
 * Day two: what deploying a new version of an app does to its caches, read from the templates alone.
 *
 * `planChanges(before, after)` compares two sets of CloudFormation templates (two cloud assemblies, or
 * the deployed templates and an assembly) and classes every change of an ElastiCache resource, and
 * every cross-stack export a change would take away:
 *
 * - `in-place`: CloudFormation updates the resource;
 * - `replaced`: CloudFormation creates a new resource and deletes the old one (a new, empty cache);
 * - `fails`: a replacement of a resource with a physical name (a replication group id, a cluster name...):
 *   CloudFormation cannot create the new one under the same name, and the update rolls back;
 * - `refused`: CloudFormation would try it in place, but ElastiCache refuses the transition (a downgrade,
 *   TLS turned on without the `preferred` step...), and the update rolls back after minutes;
 * - `export-in-use`: the producer stack stops exporting (or changes) a value that a deployed consumer
 *   stack imports: CloudFormation refuses to delete an export in use, and the update rolls back.
 *
 * Which property replaces what comes from aws-cdk's own diff engine (`@aws-cdk/cloudformation-diff`,
 * the data `cdk diff` reports "requires replacement" from); the transitions ElastiCache refuses are
 * the documented rules of the ModifyReplicationGroup / ModifyCacheCluster / ModifyServerlessCache APIs
 * (the sources are named next to each rule below).
 *
 * Runtime code: no aws-cdk-lib. The diff engine is an optional dependency, loaded on the first call.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as cfnDiff from '@aws-cdk/cloudformation-diff';
import { CACHE_TYPES, label, MAY_REPLACE, replacementSteps, updatesInPlace } from '../private/replacements';
import { MAX_SECONDARIES } from '../private/service-limits';
import { describeValue, NAME_PROPERTIES, refusedTransition } from '../private/transitions';
import { OpsError } from './errors';

/** The class of one change. */
export type PlanClass = 'unchanged' | 'in-place' | 'replaced' | 'fails' | 'refused' | 'export-in-use' | 'created' | 'deleted';

/** The classes a pipeline must not deploy without a look: data lost, or an update that rolls back. */
export const UNSAFE_CLASSES: readonly PlanClass[] = Object.freeze(['replaced', 'fails', 'refused', 'export-in-use', 'deleted']);

/** A CloudFormation template, as far as the plan reads it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
  readonly [key: string]: unknown;
}

/** A resource of a template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly UpdatePolicy?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Templates by stack name. */
export type StackTemplates = Record<string, CfnTemplate>;

/** One classed change. */
export interface PlanFinding {
  /** The stack the resource (or the export) is in. */
  readonly stack: string;
  /** The resource's logical id, or the export's name for `export-in-use`. */
  readonly logicalId: string;
  /** The resource type (`AWS::ElastiCache::ReplicationGroup`), or `Export`. */
  readonly resourceType: string;
  readonly class: PlanClass;
  /** The properties that decide the class (the changed ones, the create-only ones first). */
  readonly properties: string[];
  /** What happens, in one sentence. */
  readonly reason: string;
  /** What works instead (empty for in-place changes). */
  readonly steps: string;
}

/** The plan of a deployment. */
export interface PlanReport {
  /** Every change of an ElastiCache resource and every export in use, stacks in order, unchanged resources left out. */
  readonly findings: PlanFinding[];
  /** Whether no finding is of an unsafe class. */
  readonly safe: boolean;
}

/**
 * The physical-name property of each type the library names: a replacement of a named resource fails. A global
 * datastore is named by its suffix (its `Ref` is the full id, with the Region prefix).
 */
const NAME_PROPERTY: Record<string, string> = { ...NAME_PROPERTIES, 'AWS::ElastiCache::GlobalReplicationGroup': 'GlobalReplicationGroupIdSuffix' };


/** The types the plan reads. */
function isPlanned(type: string): boolean {
  return type.startsWith('AWS::ElastiCache::');
}

let diffModule: typeof cfnDiff | undefined;
function diffEngine(): typeof cfnDiff {
  if (!diffModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      diffModule = require('@aws-cdk/cloudformation-diff') as typeof cfnDiff;
    } catch (e) {
      throw new OpsError(`The plan needs the package @aws-cdk/cloudformation-diff (an optional dependency of cdk-elasticache): `
        + `npm install @aws-cdk/cloudformation-diff (${(e as Error).message.split('\n')[0]}).`);
    }
  }
  return diffModule;
}

/**
 * Classes what deploying `after` over `before` does to the ElastiCache resources and the exports.
 * A stack only in `after` is new (its caches `created`); a stack only in `before` is deleted with its caches.
 */
export function planChanges(before: StackTemplates, after: StackTemplates): PlanReport {
  const findings: PlanFinding[] = [];
  const stacks = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const stack of stacks) {
    findings.push(...planStack(stack, before[stack] ?? {}, after[stack] ?? {}));
  }
  markMovedCaches(findings, before, after);
  datastoreFull(findings, after);
  findings.push(...exportsInUse(before, after));
  return { findings, safe: findings.every(f => !UNSAFE_CLASSES.includes(f.class)) };
}

function planStack(stack: string, before: CfnTemplate, after: CfnTemplate): PlanFinding[] {
  const { fullDiff } = diffEngine();
  const diff = fullDiff(before as never, after as never);
  const findings: PlanFinding[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? '';
    if (!isPlanned(type)) {
      return;
    }
    const oldResource = before.Resources?.[logicalId];
    const newResource = after.Resources?.[logicalId];
    findings.push(classifyResource(stack, logicalId, type, oldResource, newResource, change));
  });
  dependentReplacements(stack, before, after, findings);
  return findings.map(f => memberRefusal(f, before, after) ?? f);
}

/**
 * A cache whose create-only property refers (`Ref`) to a resource CloudFormation replaces (a subnet group
 * renamed, say): the template does not change, but the value does at deployment, and the cache has to be
 * replaced too (which fails for a cache that keeps its name).
 */
function dependentReplacements(stack: string, before: CfnTemplate, after: CfnTemplate, findings: PlanFinding[]): void {
  const replaced = new Set(findings.filter(f => f.class === 'replaced').map(f => f.logicalId));
  for (const [logicalId, resource] of Object.entries(after.Resources ?? {})) {
    const old = before.Resources?.[logicalId];
    if (!CACHE_TYPES.has(resource.Type) || !old || replaced.size === 0) {
      continue;
    }
    const props = (MAY_REPLACE[resource.Type] ?? []).filter(p => refsIn(resource.Properties?.[p]).some(r => replaced.has(r)));
    const index = findings.findIndex(f => f.logicalId === logicalId);
    if (props.length === 0 || (index >= 0 && findings[index].class !== 'in-place')) {
      continue;
    }
    const targets = [...new Set(props.flatMap(p => refsIn(resource.Properties?.[p])).filter(r => replaced.has(r)))];
    const nameProp = NAME_PROPERTY[resource.Type];
    const named = resource.Properties?.[nameProp] !== undefined && JSON.stringify(resource.Properties?.[nameProp])
      === JSON.stringify(old.Properties?.[nameProp]);
    const finding: PlanFinding = {
      stack, logicalId, resourceType: resource.Type, class: named ? 'fails' : 'replaced', properties: props,
      reason: `${props.join(', ')} refers to ${targets.join(', ')}, which CloudFormation replaces: the value changes at deployment, and `
        + `${props.length === 1 ? 'it' : 'they'} cannot change on a live ${label(resource.Type)}${named ? `; the replacement cannot be created `
          + `under the same ${nameProp}, and the update fails` : ': a new, empty cache'}.`,
      steps: `Keep ${targets.join(', ')} as deployed (its name, its construct id), or move the cache with it: a new cache under a new name next `
        + 'to this one, then move the clients.',
    };
    if (index >= 0) {
      findings[index] = finding;
    } else {
      findings.push(finding);
    }
  }
}

/**
 * A secondary of a global datastore replaced (a new replicationGroupId): CloudFormation creates the new group,
 * which joins the datastore, before it deletes the old one. With the datastore's secondaries at their maximum,
 * ElastiCache refuses the new member and the update fails.
 */
function datastoreFull(findings: PlanFinding[], after: StackTemplates): void {
  const secondaries = Object.values(after).flatMap(t => Object.values(t.Resources ?? {}))
    .filter(r => r.Type === 'AWS::ElastiCache::ReplicationGroup' && r.Properties?.GlobalReplicationGroupId !== undefined)
    .map(r => JSON.stringify(r.Properties!.GlobalReplicationGroupId));
  findings.forEach((f, i) => {
    const datastore = after[f.stack]?.Resources?.[f.logicalId]?.Properties?.GlobalReplicationGroupId;
    if (f.class !== 'replaced' || f.resourceType !== 'AWS::ElastiCache::ReplicationGroup' || datastore === undefined
      || secondaries.filter(d => d === JSON.stringify(datastore)).length < MAX_SECONDARIES) {
      return;
    }
    findings[i] = {
      ...f, class: 'fails',
      reason: `${f.reason} The new group joins the global datastore before the old one leaves it, and the datastore has its `
        + `${MAX_SECONDARIES} secondaries already: ElastiCache refuses a third, and the update fails.`,
      steps: 'Remove the secondary (deploy), then add it under the new name (deploy).',
    };
  });
}

/** The logical ids a value refers to with `Ref`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(refsIn);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? [ref] : Object.values(value).flatMap(refsIn);
}

/** What a global datastore's members may not change themselves: the datastore scales and upgrades them all. */
const THROUGH_THE_DATASTORE = ['CacheNodeType', 'Engine', 'EngineVersion', 'NumNodeGroups', 'NodeGroupConfiguration', 'CacheParameterGroupName'];

/**
 * A replication group that is a member of a global datastore in the same template (a `Members` entry that names it)
 * and changes what only the datastore changes: ElastiCache rejects the modification ("is part of a global cluster ...
 * Request rejected"; the User Guide, "Modifying a global datastore": scaling and engine upgrades go through the
 * datastore, ModifyGlobalReplicationGroup, IncreaseNodeGroupsInGlobalReplicationGroup).
 */
function memberRefusal(finding: PlanFinding, before: CfnTemplate, after: CfnTemplate): PlanFinding | undefined {
  if (finding.resourceType !== 'AWS::ElastiCache::ReplicationGroup' || finding.class !== 'in-place') {
    return undefined;
  }
  const changed = finding.properties.filter(p => THROUGH_THE_DATASTORE.includes(p));
  if (changed.length === 0 || !isDatastoreMember(finding.logicalId, before) || !isDatastoreMember(finding.logicalId, after)) {
    return undefined;
  }
  return {
    ...finding, class: 'refused', properties: changed,
    reason: `${changed.join(', ')} of a member of a global datastore: ElastiCache rejects a member modified directly; the datastore `
      + 'scales and upgrades every member at once.',
    steps: 'Keep the member\'s props as deployed and change the datastore instead (GlobalDatastore nodeType, engine, shards).',
  };
}

function isDatastoreMember(logicalId: string, template: CfnTemplate): boolean {
  const group = template.Resources?.[logicalId];
  const id = group?.Properties?.ReplicationGroupId;
  return Object.values(template.Resources ?? {}).some(r => r.Type === 'AWS::ElastiCache::GlobalReplicationGroup'
    && ((r.Properties?.Members as Array<{ ReplicationGroupId?: unknown }> | undefined) ?? []).some(m => {
      const ref = m.ReplicationGroupId;
      return (ref !== null && typeof ref === 'object' && (ref as { Ref?: unknown }).Ref === logicalId)
        || (id !== undefined && JSON.stringify(ref) === JSON.stringify(id));
    }));
}

function classifyResource(stack: string, logicalId: string, type: string, oldResource: CfnResourceJson | undefined,
  newResource: CfnResourceJson | undefined, change: cfnDiff.ResourceDifference): PlanFinding {
  const base = { stack, logicalId, resourceType: type };
  if (!oldResource) {
    return { ...base, class: 'created', properties: [], reason: `A new ${label(type)} is created.`, steps: '' };
  }
  if (!newResource) {
    return {
      ...base, class: 'deleted', properties: [],
      reason: `The ${label(type)} leaves the template: CloudFormation deletes it${CACHE_TYPES.has(type)
        ? ` (${oldResource.DeletionPolicy === 'Snapshot' ? 'after a final snapshot' : `deletion policy ${oldResource.DeletionPolicy ?? 'Delete'}`})` : ''}.`,
      steps: 'If the construct was renamed or moved, keep its construct id and stack (or pin its logical id with overrideLogicalId()); '
        + 'if the removal is meant, deploy it.',
    };
  }
  const changed = Object.keys(change.propertyUpdates);
  const oldProps = oldResource.Properties ?? {};
  const newProps = newResource.Properties ?? {};

  const refusal = refusedTransition(type, oldProps, newProps);
  if (refusal) {
    return { ...base, class: 'refused', properties: refusal.properties, reason: refusal.reason, steps: refusal.steps };
  }

  const replacing = changed.filter(p => {
    const impact = change.propertyUpdates[p].changeImpact;
    return impact === 'WILL_REPLACE' || impact === 'MAY_REPLACE';
  }).filter(p => !updatesInPlace(type, p, oldResource, newResource));
  if (replacing.length > 0) {
    const nameProp = NAME_PROPERTY[type];
    // A replacement under the same name fails (the name is taken until the old one is deleted); under a new name,
    // CloudFormation creates the new resource first and deletes the old one: a new, empty cache.
    const named = nameProp !== undefined && newProps[nameProp] !== undefined && nameProp in oldProps
      && JSON.stringify(oldProps[nameProp]) === JSON.stringify(newProps[nameProp]);
    const props = [...replacing, ...changed.filter(p => !replacing.includes(p))];
    if (named) {
      return {
        ...base, class: 'fails', properties: props,
        reason: `${replacing.join(', ')} cannot change on a live ${label(type)}: CloudFormation must replace it, and cannot `
          + `create the replacement under the same ${nameProp} (${describeValue(newProps[nameProp])}): the update fails and rolls back.`,
        steps: replacementSteps(type, replacing, oldProps, newProps),
      };
    }
    return {
      ...base, class: 'replaced', properties: props,
      reason: `${replacing.join(', ')} cannot change on a live ${label(type)}: CloudFormation creates a new one${CACHE_TYPES.has(type)
        ? ', empty,' : ''} and deletes the old one.`,
      steps: replacementSteps(type, replacing, oldProps, newProps),
    };
  }
  if (changed.length === 0 && !change.isDifferent) {
    return { ...base, class: 'unchanged', properties: [], reason: 'No change.', steps: '' };
  }
  return { ...base, class: 'in-place', properties: changed, reason: `CloudFormation updates ${changed.join(', ') || 'the resource'} in place.`, steps: '' };
}

/**
 * Caches deleted in one place and created in another (a renamed construct, a cache moved to another
 * stack): a new, empty cache. A deleted cache is paired with one created cache of its type, one to one:
 * the one with the same physical name, else the same logical id in another stack (a moved construct),
 * else the only one created in the same stack when only one was deleted there (a renamed construct).
 * The paired `created` finding is dropped; an unpaired deletion stays `deleted`.
 */
function markMovedCaches(findings: PlanFinding[], before: StackTemplates, after: StackTemplates): void {
  const nameOf = (templates: StackTemplates, f: PlanFinding) => {
    const value = templates[f.stack]?.Resources?.[f.logicalId]?.Properties?.[NAME_PROPERTY[f.resourceType]];
    return value === undefined ? undefined : JSON.stringify(value);
  };
  const deleted = findings.filter(f => f.class === 'deleted' && CACHE_TYPES.has(f.resourceType));
  const created = findings.filter(f => f.class === 'created' && CACHE_TYPES.has(f.resourceType));
  const paired = new Set<PlanFinding>();
  for (const gone of deleted) {
    const open = created.filter(c => !paired.has(c) && c.resourceType === gone.resourceType);
    const oldName = nameOf(before, gone);
    const sameStack = (f: PlanFinding) => f.stack === gone.stack && f.resourceType === gone.resourceType;
    const target = open.find(c => oldName !== undefined && nameOf(after, c) === oldName)
      ?? open.find(c => c.logicalId === gone.logicalId && c.stack !== gone.stack)
      ?? (deleted.filter(sameStack).length === 1 && open.filter(sameStack).length === 1 ? open.find(sameStack) : undefined);
    if (!target) {
      continue;
    }
    paired.add(target);
    const sameName = oldName !== undefined && nameOf(after, target) === oldName;
    findings[findings.indexOf(gone)] = {
      ...gone,
      class: sameName ? 'fails' : 'replaced',
      reason: `The ${label(gone.resourceType)} ${gone.stack}/${gone.logicalId} becomes ${target.stack}/${target.logicalId} (a renamed `
        + `construct or another stack): CloudFormation ${sameName ? `cannot create the new one under the same ${NAME_PROPERTY[gone.resourceType]} `
          + 'while the old one exists, and the update fails' : 'creates a new, empty cache and deletes the old one'}.`,
      steps: 'Keep the construct id and the stack; to rename the construct, pin the logical id (overrideLogicalId()) to the deployed one; '
        + 'to move it between stacks, use cdk refactor, or import the deployed cache in the new stack (fromReplicationGroupAttributes()).',
    };
  }
  for (const target of paired) {
    findings.splice(findings.indexOf(target), 1);
  }
}

/** Exports that a deployed consumer imports and that `after` removes or changes: CloudFormation refuses the producer's update. */
function exportsInUse(before: StackTemplates, after: StackTemplates): PlanFinding[] {
  const importers = new Map<string, string[]>();
  for (const [stack, template] of Object.entries(before)) {
    const names = new Set<string>();
    collectImports(template.Resources, names);
    collectImports(template.Outputs, names);
    names.forEach(name => importers.set(name, [...importers.get(name) ?? [], stack]));
  }
  const findings: PlanFinding[] = [];
  for (const [stack, template] of Object.entries(before)) {
    for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
      const name = output.Export?.Name;
      if (typeof name !== 'string' || !importers.has(name)) {
        continue;
      }
      const next = findExport(after[stack], name);
      if (next && JSON.stringify(next.Value) === JSON.stringify(output.Value)) {
        continue;
      }
      findings.push({
        stack, logicalId: name, resourceType: 'Export', class: 'export-in-use', properties: [outputId],
        reason: `${stack} ${next ? 'changes the value of' : 'no longer exports'} ${name}, which a deployed stack imports `
          + `(${importers.get(name)!.join(', ')}): CloudFormation `
          + 'refuses to change or delete an export in use, and the update rolls back.',
        steps: 'Deploy the consumers first so that they stop importing it (or keep it exported for one deployment with '
          + 'stack.exportValue()), then the change.',
      });
    }
  }
  return findings;
}

function findExport(template: CfnTemplate | undefined, name: string): { Value?: unknown } | undefined {
  return Object.values(template?.Outputs ?? {}).find(o => o.Export?.Name === name);
}

function collectImports(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach(n => collectImports(n, into));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Fn::ImportValue' && typeof value === 'string') {
        into.add(value);
      } else {
        collectImports(value, into);
      }
    }
  }
}


/** A stack of a cloud assembly: its name, template and environment. */
export interface AssemblyStack {
  /** The stack name (what CloudFormation knows it by). */
  readonly name: string;
  readonly template: CfnTemplate;
  /** The account the stack is pinned to, or `undefined` for an environment-agnostic stack. */
  readonly account?: string;
  /** The region the stack is pinned to, or `undefined` for an environment-agnostic stack. */
  readonly region?: string;
}

/**
 * The templates of a cloud assembly (the output of `cdk synth`, `cdk.out`), by stack name, from its
 * `manifest.json`; nested assemblies (stages) included.
 */
export function readAssemblyTemplates(dir: string): StackTemplates {
  return Object.fromEntries(readAssemblyStacks(dir).map(s => [s.name, s.template]));
}

/** The stacks of a cloud assembly, with their environments (`readAssemblyTemplates` without them). */
export function readAssemblyStacks(dir: string): AssemblyStack[] {
  if (!fs.existsSync(dir)) {
    throw new OpsError(`No cloud assembly at ${dir}: the directory does not exist (run cdk synth, which writes cdk.out).`);
  }
  const stacks = readStacks(dir);
  if (stacks.length === 0) {
    throw new OpsError(`Not a cloud assembly with stacks: ${path.join(dir, 'manifest.json')} lists no CloudFormation stack.`);
  }
  return stacks;
}

/** The stacks of an assembly and of its nested assemblies (a stage may hold none). */
function readStacks(dir: string): AssemblyStack[] {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new OpsError(`Not a cloud assembly: ${dir} has no manifest.json (give the directory cdk synth writes, cdk.out).`);
  }
  type Artifact = { type?: string; environment?: string; properties?: Record<string, unknown>; displayName?: string };
  const manifest = readJson(manifestPath, 'Not a cloud assembly') as { artifacts?: Record<string, Artifact> };
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = String(artifact.properties?.templateFile ?? `${id}.template.json`);
      const name = String(artifact.properties?.stackName ?? id);
      // aws://<account>/<region>, with unknown-account / unknown-region for an environment-agnostic stack.
      const [, account, region] = /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment ?? '') ?? [];
      stacks.push({
        name,
        template: readJson(path.join(dir, file), `The template of the stack ${name} cannot be read`) as CfnTemplate,
        ...(account && account !== 'unknown-account' ? { account } : {}),
        ...(region && region !== 'unknown-region' ? { region } : {}),
      });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readStacks(path.join(dir, String(artifact.properties?.directoryName ?? id))));
    }
  }
  return stacks;
}

/** A JSON file's content; an OpsError starting with `what` when it cannot be read or parsed. */
function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OpsError(`${what}: ${file} ${code === 'ENOENT' ? 'does not exist' : `is not JSON (${(e as Error).message})`}.`);
  }
}
