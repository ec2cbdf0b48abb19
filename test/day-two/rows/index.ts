/** Every row of the matrix, and the props interfaces it covers. */
import type { Row, Subject } from '../matrix';
import { CLUSTER_MODE_ROWS } from './cluster-mode';
import { CONSUMER_ROWS } from './consumer';
import { MEMCACHED_ROWS } from './memcached';
import { REFERENCE_ROWS } from './references';
import { REPLICATION_GROUP_ROWS } from './replication-group';
import { SERVERLESS_ROWS } from './serverless';
import { USER_ROWS } from './users';
export { GLOBAL_DATASTORE_ROWS } from './global-datastore';

export const ALL_ROWS: readonly Row[] = [
  ...REPLICATION_GROUP_ROWS, ...CLUSTER_MODE_ROWS, ...MEMCACHED_ROWS, ...SERVERLESS_ROWS, ...USER_ROWS, ...CONSUMER_ROWS, ...REFERENCE_ROWS,
];

/** The props interfaces every public prop of which must have a row. */
export const COVERED_INTERFACES: readonly Subject[] = [
  'ReplicationGroupProps', 'MemcachedClusterProps', 'ServerlessCacheProps', 'UserProps', 'UserGroupProps', 'ConnectFromOptions',
];

/** What a row may change that is no prop of its interface: the consumer's stack, a construct id, a stack. */
export const NOT_PROPS: Readonly<Record<string, readonly string[]>> = { ConnectFromOptions: ['consumer stack'], identity: ['construct id', 'stack'] };
