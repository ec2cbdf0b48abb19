import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CacheEngineVersion } from './engine';
import { NodeType } from './node-type';
import { CacheValidationError } from './validation-error';
import { invalid, phrase } from './private/errors';
import { isToken } from './private/validation';

/**
 * Auto scaling of a cluster-mode-enabled replication group (Application Auto Scaling): its shards
 * (`ReplicationGroup.autoScaleShards()`) or its replicas per shard (`autoScaleReplicas()`), with
 * target tracking on the metrics ElastiCache predefines and scheduled actions.
 *
 * Sources: the ElastiCache user guide, "Auto Scaling Valkey and Redis OSS clusters"
 * (AutoScaling.html: cluster mode enabled, Valkey 7.2+ / Redis OSS 6.0+, the node families and
 * sizes), its pages on shard and replica policies (the predefined metrics, target tracking and
 * scheduled scaling only) and the Application Auto Scaling page for ElastiCache (the service-linked
 * role `AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG`, the `replication-group/<id>`
 * resource id and the `elasticache:replication-group:NodeGroups` / `:Replicas` dimensions).
 */

/** The node families the ElastiCache auto scaling page lists. */
const SCALABLE_FAMILIES = new Set(['r7g', 'r6g', 'r6gd', 'r5', 'm7g', 'm6g', 'm5', 'c7gn']);
/** The sizes it lists. */
const SCALABLE_SIZES = new Set(['large', 'xlarge', '2xlarge']);
/** Families that cannot scale: burstable and older generations. */
const UNSCALABLE_FAMILY = /^(t\d|m[1-4]|r[34]|c1)/;
/** The bounds of a scalable target of each dimension. */
const MAX_SHARDS = 250;
const MAX_REPLICAS = 5;

/** The SLR Application Auto Scaling uses for ElastiCache (it ignores any other role). */
const SERVICE_LINKED_ROLE = 'aws-service-role/elasticache.application-autoscaling.amazonaws.com/'
  + 'AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG';

/** The bounds of an auto-scaled dimension. */
export interface ClusterScalingProps {
  /** The fewest shards (1 to 250), or replicas per shard (1 to 5), auto scaling keeps. */
  readonly minCapacity: number;
  /** The most shards (up to 250), or replicas per shard (up to 5), auto scaling adds. */
  readonly maxCapacity: number;
}

/** A target-tracking policy on a utilization metric. */
export interface CacheUtilizationScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * The utilization (percent) auto scaling keeps the metric at: it adds capacity above it and
   * removes some once the metric is below 75% of it. The console takes 35 to 70.
   */
  readonly targetUtilizationPercent: number;
}

/**
 * What a scalable dimension is checked against.
 * @internal
 */
export interface ClusterScalingContext {
  readonly sharded: boolean;
  readonly engine: CacheEngineVersion;
  readonly nodeType: NodeType;
  readonly dataTiering: boolean;
  /** The current (rendered) count of the dimension. */
  readonly current: number;
  /** The group's node count at a given capacity of the dimension, checked against the quota. */
  readonly nodesAt: (capacity: number) => number;
  readonly nodeQuota: number;
  /** The group's `Ref`, so that CloudFormation orders the target after the group. */
  readonly replicationGroupId: string;
}

/**
 * Auto scaling of one dimension of a replication group: a scalable target (Application Auto
 * Scaling, namespace `elasticache`, the ElastiCache service-linked role) and its policies.
 */
export abstract class ClusterScaling extends Construct {
  /** The scalable target, for what this class does not wrap. */
  public readonly scalableTarget: appscaling.ScalableTarget;
  private readonly policies = new Set<string>();
  private readonly bounds: ClusterScalingProps;
  private readonly dimensionName: string;

  /**
   * Only `ShardScaling` and `ReplicaScaling` extend this class (`ReplicationGroup.autoScaleShards()` /
   * `autoScaleReplicas()` create them).
   * @param scalingContext what the dimension is checked against: an internal `ClusterScalingContext`,
   * typed `unknown` because jsii lets no internal type into a (protected) constructor of the API
   */
  protected constructor(scope: Construct, id: string, dimension: string, dimensionName: string, max: number,
    props: ClusterScalingProps, scalingContext: unknown) {
    super(scope, id);
    const context = scalingContext as ClusterScalingContext;
    this.dimensionName = dimensionName;
    this.bounds = props;
    const method = dimensionName === 'shards' ? 'autoScaleShards' : 'autoScaleReplicas';
    validateEligibility(scope, method, context);
    validateBounds(scope, method, props, max);
    const maxNodes = context.nodesAt(props.maxCapacity);
    if (!isToken(props.maxCapacity) && maxNodes > context.nodeQuota) {
      invalid(scope, `${method} maxCapacity`, props.maxCapacity, `Allowed: a capacity whose group stays within the node quota, `
        + `${context.nodeQuota} nodes (nodeQuota); ${props.maxCapacity} ${dimensionName} make ${maxNodes}. Raise the quota in `
        + 'Service Quotas (up to 500) and nodeQuota with it, or lower maxCapacity.');
    }
    const annotations = Annotations.of(scope);
    annotations.addWarningV2(`cdk-elasticache:autoScaling${dimensionName === 'shards' ? 'Shards' : 'Replicas'}Reset`,
      `${dimensionName} is auto scaled: the template keeps the count it was created with. Changing ${dimensionName} in the `
      + 'template later sets the live count back to the new value (CloudFormation does not see what auto scaling chose); '
      + 'change minCapacity / maxCapacity instead.');
    if (!isToken(props.minCapacity) && !isToken(props.maxCapacity)
      && (context.current < props.minCapacity || context.current > props.maxCapacity)) {
      annotations.addWarningV2('cdk-elasticache:autoScalingMovesCapacity', `The group is created with ${context.current} `
        + `${dimensionName}, outside the auto scaling bounds ${props.minCapacity}-${props.maxCapacity}: Application Auto `
        + 'Scaling moves it into them as soon as the target exists, a second change right after the deployment.');
    }

    const role = iam.Role.fromRoleArn(this, 'ServiceLinkedRole', Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: SERVICE_LINKED_ROLE,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }), { mutable: false });
    this.scalableTarget = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ELASTICACHE,
      resourceId: `replication-group/${context.replicationGroupId}`,
      scalableDimension: dimension,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      role,
    });
  }

  /**
   * Scales on a schedule: sets the bounds at the times of `action.schedule` (for example more shards
   * before a known peak).
   */
  public scaleOnSchedule(id: string, action: appscaling.ScalingSchedule): void {
    if (action.minCapacity === undefined && action.maxCapacity === undefined) {
      invalid(this, 'scaleOnSchedule action', phrase('no capacity'), 'Allowed: minCapacity, maxCapacity or both.');
    }
    const max = this.dimensionName === 'shards' ? MAX_SHARDS : MAX_REPLICAS;
    for (const key of ['minCapacity', 'maxCapacity'] as const) {
      const value = action[key];
      if (value !== undefined && !isToken(value) && (!Number.isInteger(value) || value < 1 || value > max)) {
        invalid(this, `scaleOnSchedule ${key}`, value, `Allowed: an integer from 1 to ${max} (${this.dimensionName}).`);
      }
    }
    this.scalableTarget.scaleOnSchedule(id, action);
  }

  /** A target-tracking policy on a predefined metric, once per metric. */
  protected track(id: string, metric: appscaling.PredefinedMetric, props: CacheUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    if (this.policies.has(metric)) {
      throw new CacheValidationError(`Cannot add a second ${metric} policy to the ${this.dimensionName} auto scaling: `
        + 'Application Auto Scaling takes one policy per metric. Allowed: one call per metric; change its target instead.', this);
    }
    const target = props.targetUtilizationPercent;
    if (!isToken(target)) {
      if (!Number.isFinite(target) || target <= 0 || target > 100) {
        invalid(this, 'targetUtilizationPercent', target, 'Allowed: a percentage above 0 and at most 100 (35 to 70 in the console).');
      }
      if (target < 35 || target > 70) {
        Annotations.of(this).addWarningV2('cdk-elasticache:autoScalingTargetOutsideConsoleRange', `targetUtilizationPercent `
          + `${target} is outside 35-70, the range the ElastiCache console accepts for its auto scaling targets.`);
      }
    }
    this.policies.add(metric);
    return this.scalableTarget.scaleToTrackMetric(id, {
      ...props,
      targetValue: target,
      predefinedMetric: metric,
    });
  }

  /** The bounds given. */
  public get minCapacity(): number {
    return this.bounds.minCapacity;
  }

  /** The bounds given. */
  public get maxCapacity(): number {
    return this.bounds.maxCapacity;
  }
}

/** Auto scaling of the shards of a cluster-mode-enabled group (`elasticache:replication-group:NodeGroups`). */
export class ShardScaling extends ClusterScaling {
  /** @internal */
  public static _create(scope: Construct, props: ClusterScalingProps, context: ClusterScalingContext): ShardScaling {
    return new ShardScaling(scope, props, context);
  }

  private readonly dataTiering: boolean;
  private readonly nodeType: NodeType;

  private constructor(scope: Construct, props: ClusterScalingProps, context: ClusterScalingContext) {
    super(scope, 'ShardScaling', 'elasticache:replication-group:NodeGroups', 'shards', MAX_SHARDS, props, context);
    this.dataTiering = context.dataTiering;
    this.nodeType = context.nodeType;
  }

  /** Adds and removes shards to keep the primaries' average engine CPU (`ElastiCachePrimaryEngineCPUUtilization`) at the target. */
  public scaleOnEngineCpuUtilization(props: CacheUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    return this.track('EngineCpuUtilization', appscaling.PredefinedMetric.ELASTICACHE_PRIMARY_ENGINE_CPU_UTILIZATION, props);
  }

  /**
   * Adds and removes shards to keep the memory used, counted for eviction
   * (`ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage`), at the target. Not on r6gd
   * (data tiering): use `scaleOnCapacityUtilization()` there.
   */
  public scaleOnMemoryUtilization(props: CacheUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    if (this.dataTiering) {
      invalid(this, 'scaleOnMemoryUtilization', this.nodeType.name, 'Allowed: scaleOnCapacityUtilization() on data tiering (r6gd) '
        + 'nodes; ElastiCache does not scale them on memory alone.');
    }
    return this.track('MemoryUtilization', appscaling.PredefinedMetric.ELASTICACHE_DATABASE_MEMORY_USAGE_COUNTED_FOR_EVICT_PERCENTAGE, props);
  }

  /**
   * Adds and removes shards to keep the capacity used, counted for eviction (memory and SSD on data
   * tiering, memory otherwise: `ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage`), at the target.
   */
  public scaleOnCapacityUtilization(props: CacheUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    return this.track('CapacityUtilization', appscaling.PredefinedMetric.ELASTICACHE_DATABASE_CAPACITY_USAGE_COUNTED_FOR_EVICT_PERCENTAGE, props);
  }
}

/** Auto scaling of the replicas of every shard of a cluster-mode-enabled group (`elasticache:replication-group:Replicas`). */
export class ReplicaScaling extends ClusterScaling {
  /** @internal */
  public static _create(scope: Construct, props: ClusterScalingProps, context: ClusterScalingContext): ReplicaScaling {
    return new ReplicaScaling(scope, props, context);
  }

  private constructor(scope: Construct, props: ClusterScalingProps, context: ClusterScalingContext) {
    super(scope, 'ReplicaScaling', 'elasticache:replication-group:Replicas', 'replicas', MAX_REPLICAS, props, context);
  }

  /** Adds and removes replicas (on every shard alike) to keep the replicas' average engine CPU at the target. */
  public scaleOnEngineCpuUtilization(props: CacheUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    return this.track('EngineCpuUtilization', appscaling.PredefinedMetric.ELASTICACHE_REPLICA_ENGINE_CPU_UTILIZATION, props);
  }
}

/** Cluster mode enabled, a version and a node type auto scaling supports. */
function validateEligibility(scope: Construct, method: string, context: ClusterScalingContext): void {
  if (!context.sharded) {
    throw new CacheValidationError(`Cannot ${method}(): the group is not cluster-mode enabled. Allowed: clusterMode: `
      + 'ClusterMode.ENABLED; ElastiCache auto scales only cluster-mode-enabled groups.', scope);
  }
  const engine = context.engine;
  if (!engine.features.rbac) {
    invalid(scope, 'engine', `${engine}`, `Allowed: Valkey 7.2+ or Redis OSS 6.0+ for ${method}().`);
  }
  const type = context.nodeType;
  if (UNSCALABLE_FAMILY.test(type.family) || (SCALABLE_FAMILIES.has(type.family) && !SCALABLE_SIZES.has(type.size))) {
    invalid(scope, 'nodeType', type.name, `Allowed for ${method}(): the families r7g, r6g, r6gd, r5, m7g, m6g, m5 and c7gn in `
      + 'the sizes large, xlarge and 2xlarge (no burstable T nodes), as the ElastiCache auto scaling guide lists them.');
  }
  if (!SCALABLE_FAMILIES.has(type.family)) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:autoScalingNodeTypeUnlisted', `${type.name} is not in the node `
      + 'families the ElastiCache auto scaling guide lists (r7g, r6g, r6gd, r5, m7g, m6g, m5, c7gn): check that '
      + 'ElastiCache auto scales it before relying on it.');
  }
}

/** Whole numbers, 1 <= min <= max <= the dimension's maximum. */
function validateBounds(scope: Construct, method: string, props: ClusterScalingProps, max: number): void {
  for (const key of ['minCapacity', 'maxCapacity'] as const) {
    const value = props[key];
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1 || value > max)) {
      invalid(scope, `${method} ${key}`, value, `Allowed: an integer from 1 to ${max}.`);
    }
  }
  if (!Token.isUnresolved(props.minCapacity) && !Token.isUnresolved(props.maxCapacity) && props.minCapacity > props.maxCapacity) {
    invalid(scope, `${method} minCapacity`, props.minCapacity, `Allowed: at most maxCapacity (${props.maxCapacity}).`);
  }
}
