import { IResource, Resource, Stack } from 'aws-cdk-lib';
import { CfnGlobalReplicationGroup, CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { ClusterMode } from './cluster-mode';
import { CacheEngineVersion } from './engine';
import { NodeType } from './node-type';
import { ReplicationGroup } from './replication-group';
import { SecondaryReplicationGroup, SecondaryReplicationGroupOptions } from './secondary-replication-group';
import { invalid, phrase } from './private/errors';
import {
  globalDatastoreOf, markGlobalDatastoreMember, secondariesOf, validateDatastoreEngine, validateDatastoreShards,
  validateGlobalEngine, validateGlobalNodeType, validateNoAutoScaling, validateNotDurable,
} from './private/global-datastore';
import { ImportedGlobalDatastore } from './private/imported-global-datastore';
import { validateKnownProps } from './private/known-props';
import { generateName, lowercase } from './private/names';
import { validateIdentifier, validateLength } from './private/validation';

/** The longest suffix this library gives a global datastore (as a replication group id). */
const MAX_SUFFIX_LENGTH = 40;

/**
 * A global datastore: what its secondaries need to know of it (the full id, the primary's Region, and
 * what every member shares).
 */
export interface IGlobalDatastore extends IResource {
  /**
   * The full id of the datastore (Region prefix and suffix).
   * @attribute
   */
  readonly globalDatastoreId: string;
  /** The primary's Region. */
  readonly primaryRegion: string;
  /** The node type of every member. */
  readonly nodeType: NodeType;
  /** The engine version of every member. */
  readonly engine: CacheEngineVersion;
  /** The cluster mode of every member. */
  readonly clusterMode: ClusterMode;
  /** The number of shards of every member. */
  readonly shards: number;
  /** The ids of the shards ('0001'...). */
  readonly shardIds: string[];
  /** The port of every member. */
  readonly port: number;
  /** Whether the members encrypt in transit. */
  readonly transitEncryption: boolean;
  /** Whether the members encrypt at rest. */
  readonly atRestEncryption: boolean;
  /** Whether the primary encrypts at rest with a customer managed key. */
  readonly customerManagedKey: boolean;

  /**
   * Adds a secondary in the Region of `scope`'s stack (see `GlobalDatastore.addSecondary()`).
   *
   * @param scope a construct in the secondary's stack (environment-bound, in its Region)
   * @param id the secondary's construct id
   */
  addSecondary(scope: Construct, id: string, props?: SecondaryReplicationGroupOptions): SecondaryReplicationGroup;
}

/**
 * Attributes of an existing global datastore (created in another app, or by hand), for secondaries of
 * this app to join it.
 */
export interface GlobalDatastoreAttributes {
  /**
   * The full id of the datastore, its Region prefix and suffix (`ldgnf-sessions`), as the console or
   * `aws elasticache describe-global-replication-groups` shows it. Never build it from a prefix table.
   */
  readonly globalDatastoreId: string;
  /** The primary's Region (a literal: the secondaries' Regions are checked against it). */
  readonly primaryRegion: string;
  /** The engine version of the members. */
  readonly engine: CacheEngineVersion;
  /** The node type of the members. */
  readonly nodeType: NodeType;
  /**
   * The cluster mode of the members.
   * @default ClusterMode.DISABLED
   */
  readonly clusterMode?: ClusterMode;
  /**
   * The number of shards (cluster mode enabled).
   * @default 1
   */
  readonly shards?: number;
  /**
   * The port of the members.
   * @default - the engine's default port, 6379
   */
  readonly port?: number;
  /**
   * Whether the members encrypt in transit.
   * @default true
   */
  readonly transitEncryption?: boolean;
  /**
   * Whether the members encrypt at rest.
   * @default true
   */
  readonly atRestEncryption?: boolean;
  /**
   * Whether the primary encrypts at rest with a customer managed key.
   * @default false
   */
  readonly customerManagedKey?: boolean;
}

/** Properties of a `GlobalDatastore`. */
export interface GlobalDatastoreProps {
  /**
   * The primary: a Valkey or Redis OSS 5.0.6+ replication group of this stack (cluster mode disabled or
   * enabled) on a node type global datastores support (m5, m6g, m7g, r5, r6g, r6gd, r7g, c7gn, large and
   * up), without auto scaling or durability. Its data is what the secondaries replicate. Keep its
   * `nodeType`, `engine` and `shards` at the values it was created with: ElastiCache refuses a member
   * modified directly; scale and upgrade with this datastore's props.
   */
  readonly primary: ReplicationGroup;
  /**
   * The suffix of the datastore's id: ElastiCache prefixes it with a code of the primary's Region (the
   * full id is `globalDatastoreId`, never to be built from the suffix). Letters, digits and hyphens,
   * starting with a letter; lowercased.
   * @default - generated from the construct path, lowercase, within 40 characters
   */
  readonly globalDatastoreIdSuffix?: string;
  /**
   * A description, at most 255 characters.
   * @default - 'Global datastore' followed by the construct path
   */
  readonly description?: string;
  /**
   * The node type of every member. A change scales every member (secondaries first when scaling up,
   * the primary first when scaling down): the only way to scale a member, which ElastiCache refuses to
   * modify directly.
   * @default - the primary's node type
   */
  readonly nodeType?: NodeType;
  /**
   * The engine version of every member. A newer version upgrades every member (secondaries first);
   * Redis OSS may move to Valkey. No downgrade, no way back to Redis OSS.
   * @default - the primary's engine
   */
  readonly engine?: CacheEngineVersion;
  /**
   * The number of shards of every member (cluster mode enabled only): a change reshards every member.
   * @default - the primary's shards
   */
  readonly shards?: number;
}

/**
 * A global datastore (`AWS::ElastiCache::GlobalReplicationGroup`): a Valkey / Redis OSS replication
 * group, the primary, that ElastiCache replicates to read-only secondaries in up to two other Regions.
 * There is no automatic failover between Regions: promote a secondary by hand (`cdk-elasticache
 * failover-global`).
 *
 * Create it in the primary's stack; add each secondary with `addSecondary(scope, id, props)` in a
 * stack of its Region. CloudFormation creates the datastore with the primary as its only member; each
 * secondary joins it by the datastore's full id, which reaches the secondary's stack as a weak
 * cross-Region reference (`Fn::GetStackOutput`), so that no export locks the primary's stack.
 *
 * @resource AWS::ElastiCache::GlobalReplicationGroup
 */
export class GlobalDatastore extends Resource implements IGlobalDatastore {
  /**
   * Imports a global datastore by its full id, so that secondaries of this app can join it
   * (`addSecondary()`); what the members share is given, not read. At most two secondaries of this app,
   * in Regions other than `primaryRegion` (secondaries of other apps are not seen).
   */
  public static fromGlobalDatastoreAttributes(scope: Construct, id: string, attrs: GlobalDatastoreAttributes): IGlobalDatastore {
    return new ImportedGlobalDatastore(scope, id, attrs);
  }

  /**
   * The full id of the datastore, the Region prefix and the suffix (CloudFormation's
   * `GlobalReplicationGroupId`): what secondaries join and what `failover-global` takes.
   * @attribute
   */
  public readonly globalDatastoreId: string;
  /**
   * The ARN of the datastore.
   * @attribute
   */
  public readonly globalDatastoreArn: string;
  /** The primary replication group. */
  public readonly primary: ReplicationGroup;
  /** The primary's Region, or a token for an environment-agnostic stack. */
  public readonly primaryRegion: string;
  /** The node type of every member. */
  public readonly nodeType: NodeType;
  /** The engine version of every member. */
  public readonly engine: CacheEngineVersion;
  /** The cluster mode of every member (the primary's). */
  public readonly clusterMode: ClusterMode;
  /** The number of shards of every member. */
  public readonly shards: number;
  /** The ids of the shards ('0001'...). */
  public readonly shardIds: string[];
  /** The port of every member (the primary's). */
  public readonly port: number;
  /** Whether the members encrypt in transit (the primary's setting). */
  public readonly transitEncryption: boolean;
  /** Whether the members encrypt at rest (the primary's setting). */
  public readonly atRestEncryption: boolean;
  /** Whether the primary encrypts at rest with a customer managed key. */
  public readonly customerManagedKey: boolean;

  constructor(scope: Construct, id: string, props: GlobalDatastoreProps) {
    super(scope, id);
    validateKnownProps(this, 'GlobalDatastore', props);
    const primary = props.primary;
    if (!(primary instanceof ReplicationGroup)) {
      invalid(this, 'primary', phrase('a replication group not created by ReplicationGroup'), 'Allowed: a ReplicationGroup of '
        + 'this app (an imported group cannot be checked).');
    }
    if (Stack.of(primary) !== Stack.of(this)) {
      invalid(this, 'primary', primary.node.path, `Allowed: a replication group of this datastore's stack, ${Stack.of(this).node.path}: `
        + 'the datastore is created after its primary, in the primary\'s Region.');
    }
    const already = globalDatastoreOf(primary);
    if (already) {
      invalid(this, 'primary', primary.node.path, `Allowed: a replication group of no other global datastore (it is the primary of ${already}).`);
    }
    const cfnPrimary = primary.node.defaultChild as CfnReplicationGroup;

    // The primary [GS]: engine, node type, no auto scaling, no durability.
    validateGlobalEngine(this, 'primary engine', primary.engine);
    validateGlobalNodeType(this, 'primary nodeType', primary.nodeType);
    validateNoAutoScaling(this, primary);
    validateNotDurable(this, cfnPrimary.durability);

    // The datastore's own size and version: how members scale and upgrade.
    const engine = props.engine ?? primary.engine;
    validateDatastoreEngine(this, engine, primary.engine);
    validateGlobalEngine(this, 'engine', engine);
    const nodeType = props.nodeType ?? primary.nodeType;
    validateGlobalNodeType(this, 'nodeType', nodeType);
    const shards = props.shards ?? primary.shards;
    validateDatastoreShards(this, shards, primary.clusterMode.clusterEnabled);

    validateIdentifier(this, 'globalDatastoreIdSuffix', props.globalDatastoreIdSuffix, MAX_SUFFIX_LENGTH);
    validateLength(this, 'description', props.description, 1, 255);

    const region = Stack.of(primary).region;
    const upgraded = engine.engine.name !== primary.engine.engine.name || engine.version !== primary.engine.version;
    const majorUpgrade = engine.parameterGroupFamily !== primary.engine.parameterGroupFamily;
    const resource = new CfnGlobalReplicationGroup(this, 'Resource', {
      globalReplicationGroupIdSuffix: lowercase(props.globalDatastoreIdSuffix) ?? generateName(this, MAX_SUFFIX_LENGTH),
      globalReplicationGroupDescription: props.description ?? `Global datastore ${this.node.path}`.slice(0, 255),
      // CloudFormation creates a datastore with one member, the primary; secondaries join by the id.
      members: [{ replicationGroupId: primary.replicationGroupId, replicationGroupRegion: region, role: 'PRIMARY' }],
      // Set only when they differ from the primary's: a scale or an upgrade of every member.
      cacheNodeType: nodeType.name !== primary.nodeType.name ? nodeType.name : undefined,
      engine: engine.engine.name !== primary.engine.engine.name ? engine.engine.name : undefined,
      engineVersion: upgraded ? engine.version : undefined,
      cacheParameterGroupName: majorUpgrade
        ? `default.${engine.parameterGroupFamily}${primary.clusterMode.clusterEnabled ? '.cluster.on' : ''}` : undefined,
      globalNodeGroupCount: shards !== primary.shards ? shards : undefined,
    });
    markGlobalDatastoreMember(primary, this.node.path);

    this.primary = primary;
    this.primaryRegion = region;
    this.nodeType = nodeType;
    this.engine = engine;
    this.clusterMode = primary.clusterMode;
    this.shards = shards;
    this.shardIds = shards === primary.shards ? primary.shardIds
      : Array.from({ length: shards }, (_, i) => String(i + 1).padStart(4, '0'));
    this.port = cfnPrimary.port ?? primary.engine.defaultPort;
    this.transitEncryption = primary.transitEncryption;
    this.atRestEncryption = cfnPrimary.atRestEncryptionEnabled === true;
    this.customerManagedKey = cfnPrimary.kmsKeyId !== undefined;
    this.globalDatastoreId = resource.attrGlobalReplicationGroupId;
    this.globalDatastoreArn = resource.attrArn;
  }

  /** The secondaries added so far, in order. */
  public get secondaries(): SecondaryReplicationGroup[] {
    return secondariesOf(this) as SecondaryReplicationGroup[];
  }

  /**
   * Adds a secondary: a read-only replication group in the Region of `scope`'s stack (another Region
   * than the primary's and the other secondary's; at most two), that joins this datastore.
   *
   * @param scope a construct in the secondary's stack (environment-bound, in its Region)
   * @param id the secondary's construct id
   */
  public addSecondary(scope: Construct, id: string, props: SecondaryReplicationGroupOptions = {}): SecondaryReplicationGroup {
    return new SecondaryReplicationGroup(scope, id, { ...props, globalDatastore: this });
  }
}
