import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CacheEngine, CacheEngineVersion, MemcachedVersion, RedisOssVersion, ValkeyVersion } from '../engine';
import { NodeType } from '../node-type';
import { ServerlessEngine } from '../serverless-engine';

/**
 * The warnings of the escape hatches (`ValkeyVersion.of()`, `NodeType.of()`...): a value the library
 * does not know still synthesizes, since a new AWS release must never be blocked, but ElastiCache
 * refuses one that does not exist only at deployment. The value types cannot annotate a scope, so the
 * caches call these with theirs. Each warning has a stable id and is added once per construct.
 */

const SIZES_LARGE_TO_16X = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const SIZES_M5_R5 = ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'];
const SIZES_BURSTABLE = ['micro', 'small', 'medium'];

/**
 * The sizes of each family ElastiCache has offered: the orderable node types over every Region
 * (DescribeOrderableNodeTypes / the pricing list) and the User Guide's "Supported node types", with the
 * previous generation (refused at synth) and the retired T2 (warned), so that neither also warns as
 * unknown. A family or size missing here warns `unknownNodeType`; add it when AWS adds it.
 */
const NODE_TYPE_SIZES: Record<string, readonly string[]> = {
  // Current generation
  t4g: SIZES_BURSTABLE, t3: SIZES_BURSTABLE,
  m8g: SIZES_LARGE_TO_16X, m7g: SIZES_LARGE_TO_16X, m6g: SIZES_LARGE_TO_16X, m5: SIZES_M5_R5,
  m4: ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge'],
  r8g: SIZES_LARGE_TO_16X, r7g: SIZES_LARGE_TO_16X, r6g: SIZES_LARGE_TO_16X, r5: SIZES_M5_R5,
  r4: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'],
  r6gd: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  c7gn: SIZES_LARGE_TO_16X, c8gn: SIZES_LARGE_TO_16X,
  // Retired (existing clusters only)
  t2: SIZES_BURSTABLE,
  // Previous generation
  t1: ['micro'], m1: ['small', 'medium', 'large', 'xlarge'], m2: ['xlarge', '2xlarge', '4xlarge'],
  m3: ['medium', 'large', 'xlarge', '2xlarge'], r3: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge'], c1: ['xlarge'],
};

const CHECKED_AT_DEPLOYMENT = 'If it does not exist, the deployment fails (ElastiCache checks it, the synth cannot):';

/** The families that can be created today (neither retired nor previous generation). */
function currentFamilies(): string[] {
  return Object.entries(NODE_TYPE_SIZES)
    .map(([family, sizes]) => NodeType.of(`cache.${family}.${sizes[0]}`))
    .filter(nodeType => !nodeType.isRetired && !nodeType.isPreviousGeneration)
    .map(nodeType => nodeType.family);
}

/** The warnings of a node-based cache's engine version and node type. */
export function warnEngineAndNodeType(scope: IConstruct, engine: CacheEngineVersion, nodeType: NodeType): void {
  warnEngineVersion(scope, engine);
  warnNodeType(scope, nodeType);
}

/**
 * Warns about a node type that cannot be created any more (`nodeTypeRetired`) or that the library
 * does not know (`unknownNodeType`).
 */
export function warnNodeType(scope: IConstruct, nodeType: NodeType): void {
  const annotations = Annotations.of(scope);
  if (nodeType.isRetired) {
    const replacements = ['t3', 't4g'].map(family => `cache.${family}.${nodeType.size}`);
    annotations.addWarningV2('cdk-elasticache:nodeTypeRetired', `${nodeType} is retired: ElastiCache no longer creates `
      + `${nodeType.family.toUpperCase()} clusters (existing ones keep running, so this still synthesizes, but a new cache fails `
      + `at deployment). Use ${replacements.join(' or ')} (NodeType.${constantName(replacements[0])} or `
      + `NodeType.${constantName(replacements[1])}) for a new cache.`);
    return;
  }
  const sizes = NODE_TYPE_SIZES[nodeType.family];
  if (sizes === undefined) {
    annotations.addWarningV2('cdk-elasticache:unknownNodeType', `${nodeType} is not a node type this library knows: the family `
      + `${nodeType.family} is none of the current ones (${currentFamilies().join(', ')}). ${CHECKED_AT_DEPLOYMENT} check the `
      + 'name, or acknowledge this warning if it is newer than this library.');
  } else if (!sizes.includes(nodeType.size)) {
    annotations.addWarningV2('cdk-elasticache:unknownNodeType', `${nodeType} is not a node type this library knows: `
      + `${nodeType.family} comes in ${sizes.join(', ')}. ${CHECKED_AT_DEPLOYMENT} check the size, or acknowledge this `
      + 'warning if it is newer than this library.');
  }
}

/** The version strings of a version class's static constants (so a constant added there is known here). */
function constantVersions(versionClass: object): string[] {
  return Object.values(versionClass)
    .filter((value): value is CacheEngineVersion => value instanceof CacheEngineVersion)
    .map(value => value.version);
}

/** Warns about an engine version that is none of its class's constants (`unknownEngineVersion`). */
export function warnEngineVersion(scope: IConstruct, engine: CacheEngineVersion): void {
  const versionClass = engine instanceof ValkeyVersion ? ValkeyVersion
    : engine instanceof RedisOssVersion ? RedisOssVersion
      : engine instanceof MemcachedVersion ? MemcachedVersion : undefined;
  if (versionClass === undefined) {
    return;
  }
  const known = constantVersions(versionClass);
  if (!known.includes(engine.version)) {
    warnUnknownVersion(scope, `${engine}`, known, `${versionClass.name}.of()`);
  }
}

/** Warns about a serverless major version that is none of `ServerlessEngine`'s constants (`unknownEngineVersion`). */
export function warnServerlessEngine(scope: IConstruct, engine: ServerlessEngine): void {
  const known = Object.values(ServerlessEngine)
    .filter((value): value is ServerlessEngine => value instanceof ServerlessEngine && value.engine.isSameEngine(engine.engine))
    .map(value => value.majorVersion);
  if (!known.includes(engine.majorVersion)) {
    const factory = engine.isMemcached ? 'memcached' : engine.engine.isSameEngine(CacheEngine.VALKEY) ? 'valkey' : 'redisOss';
    warnUnknownVersion(scope, `${engine}`, known, `ServerlessEngine.${factory}()`);
  }
}

function warnUnknownVersion(scope: IConstruct, what: string, known: string[], hatch: string): void {
  Annotations.of(scope).addWarningV2('cdk-elasticache:unknownEngineVersion', `${what} is not a version this library knows `
    + `(known: ${known.join(', ')}). ${CHECKED_AT_DEPLOYMENT} check the version given to ${hatch}, `
    + 'or acknowledge this warning if it is newer than this library.');
}

/** `cache.t3.micro` -> `T3_MICRO`. */
function constantName(name: string): string {
  return name.replace(/^cache\./, '').replace('.', '_').toUpperCase();
}
