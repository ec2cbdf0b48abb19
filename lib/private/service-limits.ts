/**
 * The numbers ElastiCache sets (API limits and default quotas), in one place: when AWS changes one,
 * this is the file to change. Each rule that uses a number names it in its error message.
 */

/** The longest replication group id ElastiCache takes. */
export const MAX_REPLICATION_GROUP_ID_LENGTH = 40;
/** The longest cache cluster (Memcached) name ElastiCache takes. */
export const MAX_CLUSTER_NAME_LENGTH = 50;
/** The longest serverless cache name this library accepts (as the alpha module and the console: 40). */
export const MAX_SERVERLESS_CACHE_NAME_LENGTH = 40;

/** Read replicas of a cluster-mode-disabled replication group, or of each shard: 0 to 5. */
export const MAX_REPLICAS = 5;
/** Shards of a cluster-mode-enabled group: 1 to 500. */
export const MAX_SHARDS = 500;
/** The default quota of nodes per cluster-mode-enabled group, and the most it can be raised to. */
export const DEFAULT_NODE_QUOTA = 90;
export const MAX_NODE_QUOTA = 500;
/** The keyspace of a Valkey / Redis OSS cluster: hash slots 0 to 16383. */
export const LAST_SLOT = 16383;
/** The most nodes a Memcached cluster may have (the ElastiCache API limit; more needs a quota increase). */
export const MAX_MEMCACHED_NODES = 40;

/** Automatic backups (daily snapshots) are kept 0 to 35 days. */
export const MAX_RETENTION_DAYS = 35;

/** Data storage of a serverless cache, whole GB (ElastiCache serverless quotas). */
export const MIN_STORAGE_GB = 1;
export const MAX_STORAGE_GB = 5000;
/** ECPUs per second of a serverless cache. */
export const MIN_ECPU = 1000;
export const MAX_ECPU = 15_000_000;

/** The secondary Regions of a global datastore: at most two (the User Guide, "Global datastores"). */
export const MAX_SECONDARIES = 2;
