import { IConstruct } from 'constructs';
import { invalid, phrase } from './errors';

/**
 * The props each construct takes, so that a prop it does not have is refused instead of dropped: in
 * TypeScript an unknown prop in an object literal is a compile error, but JavaScript (and a TypeScript
 * object spread into the props) passes it silently, and a typo (`replica`, `nodeTypes`) or a prop of
 * another construct (`replicas` on a Memcached cluster) would leave a setting at its default.
 *
 * Static lists, not read from the sources at run time (synthesis cost); `test/known-props.test.ts`
 * compares each with its props interface in lib/, so a new prop cannot be forgotten here.
 */
export const KNOWN_PROPS = {
  ReplicationGroup: new Set(['atRestEncryption', 'authentication', 'autoMinorVersionUpgrade', 'automaticFailover', 'backupRetention',
    'clusterMode', 'createdWithClusterMode', 'dataTiering', 'description', 'durability', 'engine', 'evictionPolicy', 'ipDiscovery', 'kmsKey', 'logs', 'maintenanceWindow',
    'multiAz', 'networkType', 'nodeQuota', 'nodeType', 'notificationTopic', 'parameterGroup', 'parameters', 'port',
    'preferredAvailabilityZones', 'removalPolicy', 'replicas', 'replicationGroupId', 'restoreFromS3', 'restoreFromSnapshot',
    'securityGroups', 'shardConfiguration', 'shards', 'snapshotWindow', 'subnetGroup', 'transitEncryption', 'transitEncryptionMode',
    'verifyDeployedClusterMode', 'verifyDeployedState', 'vpc', 'vpcSubnets']),
  MemcachedCluster: new Set(['autoMinorVersionUpgrade', 'azMode', 'clusterName', 'engine', 'ipDiscovery', 'maintenanceWindow',
    'networkType', 'nodeType', 'nodes', 'notificationTopic', 'parameterGroup', 'parameters', 'port', 'preferredAvailabilityZones',
    'removalPolicy', 'securityGroups', 'subnetGroup', 'transitEncryption', 'verifyDeployedState', 'vpc', 'vpcSubnets']),
  ServerlessCache: new Set(['authentication', 'backupRetention', 'dailySnapshotTime', 'dataStorageMaximum', 'dataStorageMinimum',
    'description', 'ecpuPerSecondMaximum', 'ecpuPerSecondMinimum', 'engine', 'finalSnapshotName', 'kmsKey', 'networkType',
    'removalPolicy', 'restoreFromSnapshots', 'securityGroups', 'serverlessCacheName', 'verifyDeployedState', 'vpc', 'vpcSubnets']),
  GlobalDatastore: new Set(['description', 'engine', 'globalDatastoreIdSuffix', 'nodeType', 'primary', 'shards']),
  SecondaryReplicationGroup: new Set(['authentication', 'autoMinorVersionUpgrade', 'backupRetention', 'description', 'globalDatastore',
    'kmsKey', 'logs', 'maintenanceWindow', 'multiAz', 'notificationTopic', 'removalPolicy', 'replicas', 'replicationGroupId',
    'securityGroups', 'snapshotWindow', 'subnetGroup', 'vpc', 'vpcSubnets']),
  SubnetGroup: new Set(['description', 'removalPolicy', 'subnetGroupName', 'vpc', 'vpcSubnets']),
  ParameterGroup: new Set(['description', 'engine', 'evictionPolicy', 'parameters', 'removalPolicy']),
  User: new Set(['accessString', 'authentication', 'engine', 'userId', 'userName']),
  UserGroup: new Set(['defaultUserEncryptionKey', 'engine', 'userGroupId', 'users']),
};

/** The construct whose props are checked. */
export type KnownPropsOf = keyof typeof KNOWN_PROPS;

/** What a prop of one cache is called on another, for the suggestion. */
const COUNTERPARTS: Record<string, string[]> = {
  replicas: ['nodes'],
  nodes: ['replicas', 'shards'],
  clusterName: ['replicationGroupId', 'serverlessCacheName'],
  replicationGroupId: ['clusterName', 'serverlessCacheName'],
  serverlessCacheName: ['replicationGroupId', 'clusterName'],
};

/**
 * Refuses a prop `construct` does not have (a key whose value is `undefined` sets nothing and passes),
 * naming the closest known prop.
 */
export function validateKnownProps(scope: IConstruct, construct: KnownPropsOf, props: object | undefined): void {
  if (props === undefined) {
    return;
  }
  const known = KNOWN_PROPS[construct];
  for (const key of Object.keys(props)) {
    const value = (props as Record<string, unknown>)[key];
    if (!known.has(key) && value !== undefined) {
      const closest = suggestion(key, known);
      invalid(scope, key, typeof value === 'object' || typeof value === 'function' ? phrase('a value') : value, `Allowed: only the props of ${construct}Props; ${construct} has `
        + `no ${key}${closest ? ` (did you mean ${closest}?)` : ''}, and would ignore it. Known props: ${[...known].join(', ')}.`);
    }
  }
}

/** The known prop that `key` most likely meant: its counterpart on this construct, or one a few edits away. */
function suggestion(key: string, known: ReadonlySet<string>): string | undefined {
  const counterpart = COUNTERPARTS[key]?.find(name => known.has(name));
  if (counterpart) {
    return counterpart;
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** The Levenshtein distance of two strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
