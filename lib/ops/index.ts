// cdk-elasticache/ops: runtime operations on deployed caches, over @aws-sdk/client-elasticache.
// Its own entry point: the constructs never import it.
export type { Clock, WaitOptions } from './clock';
export { SYSTEM_CLOCK, formatElapsed } from './clock';
export { OpsError, formatError, formatServiceError } from './errors';
export type { FoundCache } from './find';
export { findCache } from './find';
export type { CacheIdKind } from './ids';
export { cacheIdProblem, MAX_CACHE_CLUSTER_ID_LENGTH, MAX_REPLICATION_GROUP_ID_LENGTH } from './ids';
export * from './describe';
export * from './wait';
export * from './failover';
export * from './global';
export * from './snapshot';
export * from './token';
export * from './list';
export * from './events';
export * from './service-updates';
export * from './rotate';
export type {
  ServerlessCacheDescription, ServerlessSnapshotSummary, ServerlessWaitResult, ServerlessSnapshotOptions, ServerlessSnapshotResult,
} from './serverless';
export { describeServerlessCache, formatServerlessDescription, waitForServerlessCache, createServerlessSnapshot } from './serverless';
export type { AssemblyStack, CfnResourceJson, CfnTemplate, PlanClass, PlanFinding, PlanReport, StackTemplates } from './plan';
export { planChanges, readAssemblyStacks, readAssemblyTemplates, UNSAFE_CLASSES } from './plan';
export * from './plan-command';
