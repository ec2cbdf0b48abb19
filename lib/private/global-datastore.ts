import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { CacheEngine, CacheEngineVersion } from '../engine';
import { NodeType } from '../node-type';
import { invalid, phrase } from './errors';
import { MAX_SECONDARIES } from './service-limits';
import { compareVersions } from './transitions';

/**
 * The rules of a global datastore (`GlobalDatastore`, `SecondaryReplicationGroup`), one function per
 * rule, each a `CacheValidationError` naming the prop. Sources, by key (the test table repeats them):
 *
 * - [GS] ElastiCache User Guide, "Prerequisites and limitations" of global datastores
 *   (Redis-Global-Datastores-Getting-Started): engines and node families, up to two other Regions,
 *   Beijing and Ningxia only with each other, same node type, engine version and shard count on every
 *   member, replica counts that may differ, scaling by modifying the global datastore.
 * - [CLI] "Using global datastores (CLI)": the parameters ElastiCache infers from the primary and that a
 *   secondary must not pass (PrimaryClusterId, AutomaticFailoverEnabled, NumNodeGroups,
 *   CacheParameterGroupName, CacheNodeType, Engine, EngineVersion, CacheSecurityGroupNames, transit and
 *   at-rest encryption, SnapshotArns, SnapshotName).
 * - [AS] "Auto Scaling ElastiCache clusters", prerequisites: not for clusters in a global datastore.
 * - [DUR] "Durability" limitations: a durable group cannot be part of a global datastore.
 * - [KMS] AWS KMS: keys are regional (a key is used in its own Region only).
 * - [TFP] terraform-provider-aws issue 27875: "Cluster [x] is part of a global cluster [...]. Request
 *   rejected." for a member modified directly.
 */

/** The node families [GS] lists. */
const GLOBAL_FAMILIES = new Set(['m5', 'm6g', 'm7g', 'r5', 'r6g', 'r6gd', 'r7g', 'c7gn']);
/** Families [GS] excludes by name (T, M4, R4) and the older generations. */
const REFUSED_FAMILY = /^(t\d|m[1-4]|r[34]|c1)/;
/** Sizes below large. */
const SMALL_SIZES = new Set(['micro', 'small', 'medium']);
/** The China Regions: replication only between these two [GS]. */
const CHINA_REGIONS = new Set(['cn-north-1', 'cn-northwest-1']);

/** The replication groups that are members of a global datastore (the primary), by construct. */
const MEMBERS = new WeakMap<IConstruct, string>();

/** Marks a replication group as the primary of a global datastore (its path, for messages). */
export function markGlobalDatastoreMember(group: IConstruct, datastorePath: string): void {
  MEMBERS.set(group, datastorePath);
}

/** The path of the global datastore the group is a member of, if any. */
export function globalDatastoreOf(group: IConstruct): string | undefined {
  return MEMBERS.get(group);
}

/** [GS] The node type of every member: M5, M6g, M7g, R5, R6g, R6gd, R7g, C7gn, large and up. */
export function validateGlobalNodeType(scope: IConstruct, prop: string, nodeType: NodeType): void {
  if (REFUSED_FAMILY.test(nodeType.family)) {
    invalid(scope, prop, nodeType.name, 'Allowed: a node family global datastores support (m5, m6g, m7g, r5, r6g, r6gd, r7g, '
      + 'c7gn), size large and up; not T (burstable), M4 or R4.');
  }
  if (SMALL_SIZES.has(nodeType.size)) {
    invalid(scope, prop, nodeType.name, `Allowed: size large and up (cache.${nodeType.family}.large...); global datastores `
      + 'do not take micro, small or medium nodes.');
  }
  if (!GLOBAL_FAMILIES.has(nodeType.family)) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:globalDatastoreNodeTypeUnconfirmed', `${prop} ${nodeType.name}: the `
      + `${nodeType.family} family is not among those the global datastore prerequisites list (m5, m6g, m7g, r5, r6g, r6gd, `
      + 'r7g, c7gn). ElastiCache refuses the global datastore at deployment if it does not support the family; acknowledge '
      + 'this warning once you know it does.');
  }
}

/** [GS] Valkey, or Redis OSS 5.0.6 and later. */
export function validateGlobalEngine(scope: IConstruct, prop: string, engine: CacheEngineVersion): void {
  if (engine.engine.isSameEngine(CacheEngine.REDIS_OSS) && compareVersions(engine.version, '5.0.6') < 0) {
    invalid(scope, prop, `${engine}`, 'Allowed: Valkey, or Redis OSS 5.0.6 and later (global datastores need 5.0.6+).');
  }
}

/**
 * [GS] An engine change goes to the global datastore, which upgrades every member: the same engine or
 * Redis OSS to Valkey, never back, never an older version than the primary's.
 */
export function validateDatastoreEngine(scope: IConstruct, engine: CacheEngineVersion, primaryEngine: CacheEngineVersion): void {
  if (engine.engine.isSameEngine(primaryEngine.engine)) {
    if (compareVersions(engine.version, primaryEngine.version) < 0) {
      invalid(scope, 'engine', `${engine}`, `Allowed: ${primaryEngine} (the primary's engine) or a newer version: an engine `
        + 'upgrade goes to the global datastore, which applies it to every member; there are no downgrades. If you '
        + 'upgraded the primary\'s own engine prop, set it back: a member is not modified directly.');
    }
    return;
  }
  if (!engine.engine.isSameEngine(CacheEngine.VALKEY)) {
    invalid(scope, 'engine', `${engine}`, `Allowed: a version of ${primaryEngine.engine.displayName} (the primary's engine), or `
      + 'Valkey to upgrade Redis OSS: there is no way back from Valkey to Redis OSS.');
  }
}

/** [GS] The shard count is the datastore's: 1 with cluster mode disabled, 1 to 500 with it enabled. */
export function validateDatastoreShards(scope: IConstruct, shards: number, clusterEnabled: boolean): void {
  if (Token.isUnresolved(shards)) {
    return;
  }
  if (!clusterEnabled && shards !== 1) {
    invalid(scope, 'shards', shards, 'Allowed: 1 (or nothing): the primary has cluster mode disabled, one shard; a global '
      + 'datastore changes its shard count only with cluster mode enabled.');
  }
  if (!Number.isInteger(shards) || shards < 1 || shards > 500) {
    invalid(scope, 'shards', shards, 'Allowed: an integer from 1 to 500.');
  }
}

/** [AS] No auto scaling on a member: the primary must have no scalable target. */
export function validateNoAutoScaling(scope: IConstruct, primary: IConstruct): void {
  const scaled = primary.node.findAll().some(c => c instanceof appscaling.ScalableTarget);
  if (scaled) {
    invalid(scope, 'primary', phrase(`${primary.node.path}, a replication group with auto scaling`), 'Allowed: a replication '
      + 'group without autoScaleShards() or autoScaleReplicas(): ElastiCache does not auto scale members of a global datastore; '
      + 'scale the datastore (nodeType, shards) instead.');
  }
}

/** [DUR] A durable group cannot join a global datastore. */
export function validateNotDurable(scope: IConstruct, durability: string | undefined): void {
  if (durability !== undefined && !Token.isUnresolved(durability) && durability !== 'disabled' && durability !== 'default') {
    invalid(scope, 'primary durability', durability, 'Allowed: no durability (or Durability.DISABLED): a group with durability '
      + '(Valkey 9.0+) cannot be a member of a global datastore.');
  }
}

/** A Region known at synth time (the stack is environment-bound), or an error naming the prop. */
export function literalRegion(scope: IConstruct, prop: string, stack: Stack): string {
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    invalid(scope, prop, phrase(`the Region of stack ${stack.node.path}, unknown at synth time`), 'Allowed: an environment-bound '
      + 'stack (env: { account, region }): the rules of a global datastore compare the Regions of its members.');
  }
  return region;
}

/** The secondaries of each datastore of the app (created or imported), in order. */
const SECONDARIES = new WeakMap<IConstruct, IConstruct[]>();

/** The secondaries registered on a datastore. */
export function secondariesOf(datastore: IConstruct): IConstruct[] {
  return [...(SECONDARIES.get(datastore) ?? [])];
}

/**
 * Registers a secondary being created on its datastore: checks its Region against the primary's and
 * the other secondaries' (`validateSecondaryRegion`) and returns it.
 */
export function registerSecondary(datastore: IConstruct, primaryRegion: string, secondary: IConstruct): string {
  const region = literalRegion(secondary, 'region', Stack.of(secondary));
  if (Token.isUnresolved(primaryRegion)) {
    invalid(datastore, 'primary region', phrase(`the Region of the primary, unknown at synth time`), 'Allowed: an '
      + 'environment-bound stack (env: { account, region }) for the primary, or a literal primaryRegion for an imported datastore: '
      + 'the rules of a global datastore compare the Regions of its members.');
  }
  const list = SECONDARIES.get(datastore) ?? [];
  validateSecondaryRegion(secondary, region, primaryRegion, list.map(s => Stack.of(s).region));
  SECONDARIES.set(datastore, [...list, secondary]);
  return region;
}

/**
 * An imported datastore's full id: the Region prefix, a hyphen and the suffix (`ldgnf-sessions`), as
 * `describe-global-replication-groups` shows it. Only its shape is checked: the prefixes are
 * ElastiCache's, one per Region, and not an API.
 */
export function validateGlobalDatastoreId(scope: IConstruct, id: string): void {
  if (!Token.isUnresolved(id) && !/^[a-z]+-[a-z0-9][a-z0-9-]*$/.test(id)) {
    invalid(scope, 'globalDatastoreId', id, 'Allowed: the full id of the global datastore, its Region prefix, a hyphen and '
      + 'the suffix, lowercase (\'ldgnf-sessions\'), as the console or describe-global-replication-groups shows it; never built '
      + 'from a prefix table.');
  }
}

/**
 * [GS] A secondary's Region: not the primary's nor another secondary's, at most two secondaries, and in
 * China only Beijing and Ningxia with each other. Other partitions: the same partition as the primary
 * (INFERENCE: replication runs between Regions of one partition, as in China).
 */
export function validateSecondaryRegion(scope: IConstruct, region: string, primaryRegion: string, others: string[]): void {
  if (others.length >= MAX_SECONDARIES) {
    invalid(scope, 'secondary', phrase(`a third secondary (in ${region}; the datastore has ${others.join(' and ')})`),
      `Allowed: at most ${MAX_SECONDARIES} secondary Regions per global datastore.`);
  }
  if (region === primaryRegion) {
    invalid(scope, 'region', region, 'Allowed: a Region other than the primary\'s: a secondary is a copy in another Region.');
  }
  if (others.includes(region)) {
    invalid(scope, 'region', region, `Allowed: a Region without a secondary yet (the datastore has ${others.join(' and ')}): `
      + 'one secondary per Region.');
  }
  const china = (r: string): boolean => CHINA_REGIONS.has(r);
  if (china(region) !== china(primaryRegion)) {
    invalid(scope, 'region', region, `Allowed: ${china(primaryRegion) ? 'the other China Region (cn-north-1 and cn-northwest-1 '
      + 'replicate only with each other)' : 'a Region outside China: China (Beijing) and China (Ningxia) replicate only with each '
      + 'other'}; the primary is in ${primaryRegion}.`);
  }
  if (partitionOf(region) !== partitionOf(primaryRegion)) {
    invalid(scope, 'region', region, `Allowed: a Region of the primary's partition (${partitionOf(primaryRegion)}, the primary `
      + `is in ${primaryRegion}).`);
  }
}

/** The partition of a Region name. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  return 'aws';
}

/**
 * [KMS] A secondary's key is a key of its own Region; a primary encrypted with a customer managed key
 * and a secondary without one warns (whether ElastiCache then uses its own key there is unconfirmed).
 */
export function validateSecondaryKey(scope: IConstruct, key: kms.IKey | undefined, region: string, primary: {
  readonly atRestEncryption: boolean; readonly customerManagedKey: boolean;
}): void {
  if (key === undefined) {
    if (primary.customerManagedKey) {
      Annotations.of(scope).addWarningV2('cdk-elasticache:globalDatastoreKmsKey', 'The primary encrypts at rest with a customer '
        + 'managed key and this secondary has no kmsKey: KMS keys are regional, so the primary\'s key cannot serve this Region. '
        + 'Give the secondary a key of its own Region (kmsKey), or acknowledge this warning to keep the AWS owned key here.');
    }
    return;
  }
  if (!primary.atRestEncryption) {
    invalid(scope, 'kmsKey', phrase('a key'), 'Allowed: nothing: the primary has no encryption at rest, and a secondary takes '
      + 'its encryption from the primary (turn atRestEncryption on when the primary is created).');
  }
  const keyRegion = key.env.region;
  if (!Token.isUnresolved(keyRegion) && keyRegion !== region) {
    invalid(scope, 'kmsKey', phrase(`a key of ${keyRegion}`), `Allowed: a key of the secondary's Region, ${region}: KMS keys `
      + 'are regional.');
  }
}

/**
 * [CLI] What a secondary takes from the primary, with where to change it instead: each is refused on a
 * secondary (ElastiCache answers "Cannot use the given parameters when creating new replication group in
 * an existing global replication group").
 */
export const INFERRED_FROM_PRIMARY: Readonly<Record<string, string>> = Object.freeze({
  nodeType: 'the node type (scale with GlobalDatastore nodeType)',
  engine: 'the engine and its version (upgrade with GlobalDatastore engine)',
  clusterMode: 'the cluster mode',
  shards: 'the shard count (change it with GlobalDatastore shards)',
  shardConfiguration: 'the shards',
  automaticFailover: 'automatic failover',
  parameterGroup: 'the parameter group (a parameter change on one member applies to all)',
  parameters: 'the parameter group (a parameter change on one member applies to all)',
  evictionPolicy: 'the parameter group (a parameter change on one member applies to all)',
  atRestEncryption: 'encryption at rest',
  transitEncryption: 'encryption in transit',
  transitEncryptionMode: 'encryption in transit',
  restoreFromSnapshot: 'its data (SnapshotName: data comes from the primary)',
  restoreFromS3: 'its data (SnapshotArns: data comes from the primary)',
  durability: 'durability (none: a durable group cannot join a global datastore)',
  dataTiering: 'data tiering (with the node type)',
});

/** [CLI] Refuses a prop a secondary takes from the primary. */
export function rejectInferredProps(scope: IConstruct, props: object): void {
  for (const [key, what] of Object.entries(INFERRED_FROM_PRIMARY)) {
    const value = (props as Record<string, unknown>)[key];
    if (value !== undefined) {
      invalid(scope, key, typeof value === 'object' ? phrase(`${value}` !== '[object Object]' ? `${value}` : 'a value') : value,
        `Allowed: nothing: a secondary of a global datastore takes ${what} from the primary, and ElastiCache refuses it on a `
        + 'secondary.');
    }
  }
}
