import { Annotations, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterMode } from '../cluster-mode';
import { Durability } from '../durability';
import { CacheEngineVersion } from '../engine';
import { NodeType } from '../node-type';
import { invalid } from './errors';

/**
 * Durability of a replication group: every rule of `durability`, checked against what the group
 * resolved (topology, encryption, data tiering). Sources: the ElastiCache User Guide pages
 * "Durability in ElastiCache", "Configuring durability" and "Limitations" (durability), and the
 * `Durability` property of `AWS::ElastiCache::ReplicationGroup`.
 *
 * Not here, because nothing in the library can break them: serverless caches have no durability
 * (`ServerlessCacheProps` has no such prop), and the library has no global datastore yet (a durable
 * group cannot join one: "Limitations"; the rule belongs to that construct when it comes).
 */

/**
 * The node families the English "Limitations" page lists. They stay here, not on `NodeType`, while
 * the list is unsettled (below).
 */
const DURABLE_FAMILIES = ['r7g', 'r6g', 'm7g', 'm6g', 'c7gn'];
/**
 * Families that some translations of the "Limitations" page add (R8g, M8g, C8gn) and the English page
 * does not list: accepted with warning `durabilityNodeTypeUnconfirmed`, so that a group AWS takes is
 * not blocked, and the doubt is visible.
 */
const UNCONFIRMED_FAMILIES = ['r8g', 'm8g', 'c8gn'];

/** What a durable group must have, as the group resolved it. */
export interface DurabilityContext {
  readonly engine: CacheEngineVersion;
  readonly nodeType: NodeType;
  readonly clusterMode: ClusterMode;
  /** Replicas per shard. */
  readonly replicas: number;
  readonly multiAz: boolean;
  readonly transitEncryption: boolean;
  readonly atRestEncryption: boolean;
  readonly dataTiering: boolean;
}

/** Validates `durability` and returns the value of the L1's `Durability` (undefined when not given). */
export function resolveDurability(scope: Construct, durability: Durability | undefined, ctx: DurabilityContext): string | undefined {
  if (durability === undefined) {
    return undefined;
  }
  const value = durability.value;
  // Valkey 9.0 or later ("Limitations"). Any value, `disabled` too: older engines have no such setting.
  if (!ctx.engine.features.durability) {
    invalid(scope, 'durability', value, `Allowed: no durability on ${ctx.engine}; durability needs Valkey 9.0 or later `
      + '(engine: ValkeyVersion.VER_9_0).');
  }
  // A token is judged by ElastiCache; `disabled` and `default` (disabled on 9.0, "Configuring durability") need nothing.
  if (Token.isUnresolved(value) || !durability.durable) {
    return value;
  }
  // Cluster mode enabled: "not supported for Cluster Mode Disabled (CMD) clusters" ("Limitations").
  if (!ctx.clusterMode.sharded) {
    invalid(scope, 'durability', value, `Allowed: Durability.DISABLED (or none) with ClusterMode.${ctx.clusterMode.value.toUpperCase()}; `
      + 'durability needs clusterMode: ClusterMode.ENABLED.');
  }
  // Multi-AZ with at least one replica per shard ("Limitations"); automatic failover is always on with cluster mode enabled.
  if (ctx.replicas < 1) {
    invalid(scope, 'durability', value, 'Allowed: Durability.DISABLED (or none) with replicas: 0; durability needs Multi-AZ '
      + 'with at least one replica per shard (replicas: 1 or more).');
  }
  if (!ctx.multiAz) {
    invalid(scope, 'durability', value, 'Allowed: Durability.DISABLED (or none) with multiAz: false; durability needs Multi-AZ '
      + 'with at least one replica per shard (leave multiAz unset, or true).');
  }
  // Encryption in transit at creation ("Limitations"; "Configuring durability").
  if (!ctx.transitEncryption) {
    invalid(scope, 'durability', value, 'Allowed: Durability.DISABLED (or none) with transitEncryption: false; durability needs '
      + 'encryption in transit (TLS).');
  }
  // Encryption at rest: durability "requires and automatically enables" it ("Limitations"). Refused rather than
  // rendered on, so that the template says what the group is: AtRestEncryptionEnabled is create-only, and a
  // template that says false of an encrypted group would replace it on the day someone sets it to true.
  if (!ctx.atRestEncryption) {
    invalid(scope, 'durability', value, 'Allowed: Durability.DISABLED (or none) with atRestEncryption: false; durability needs '
      + 'encryption at rest and turns it on (leave atRestEncryption unset, or true).');
  }
  // No data tiering ("Limitations").
  if (ctx.dataTiering) {
    invalid(scope, 'durability', value, `Allowed: Durability.DISABLED (or none) with data tiering (${ctx.nodeType}); durability `
      + `is not supported with data tiering: choose a node type of ${familyList()}.`);
  }
  // Supported node families ("Limitations").
  const family = ctx.nodeType.family;
  if (UNCONFIRMED_FAMILIES.includes(family)) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:durabilityNodeTypeUnconfirmed', `Durability on ${ctx.nodeType}: the `
      + `ElastiCache guide lists durability for ${familyList()}; ${family} is only in some of its pages. `
      + 'If the group fails to create, choose one of the listed families.');
  } else if (!DURABLE_FAMILIES.includes(family)) {
    invalid(scope, 'durability', value, `Allowed: Durability.DISABLED (or none) on ${ctx.nodeType}; durability needs a node type of `
      + `${familyList()} (such as NodeType.R7G_LARGE).`);
  }
  return value;
}

/** 'the r7g, r6g, m7g, m6g or c7gn families'. */
function familyList(): string {
  return `the ${DURABLE_FAMILIES.slice(0, -1).join(', ')} or ${DURABLE_FAMILIES[DURABLE_FAMILIES.length - 1]} families`;
}
