/**
 * The export-in-use rows again, in an app whose cross-stack references are weak (aws-cdk-lib's
 * `@aws-cdk/core:defaultCrossStackReferences: 'weak'`): a consumer reads the producer's outputs with
 * `Fn::GetStackOutput`, no stack exports anything, so no change waits on an export in use. Each row's
 * class under weak references is written out here, so that a change of aws-cdk-lib or of the
 * library that brings an export back fails its row.
 */
import { Row, withReferences } from '../matrix';
import { CONSUMER_ROWS } from './consumer';
import { MEMCACHED_ROWS } from './memcached';
import { REPLICATION_GROUP_ROWS } from './replication-group';
import { SERVERLESS_ROWS } from './serverless';
import { USER_ROWS } from './users';

/** The class of each export-in-use row with weak references, by `subject.prop: change`. */
const WEAK: Record<string, Row['expected']> = {
  'ReplicationGroupProps.authentication: AUTH token from one secret -> another (rotation by hand)': 'in-place',
  'ReplicationGroupProps.vpc: another VPC (no consumer)': 'in-place',
  'ReplicationGroupProps.vpcSubnets: all isolated subnets -> one subnet group': 'in-place',
  'ReplicationGroupProps.securityGroups: generated -> one of the app': 'in-place',
  'MemcachedClusterProps.vpc: another VPC (no consumer)': 'in-place',
  'MemcachedClusterProps.vpcSubnets: all isolated subnets -> one subnet group': 'in-place',
  'MemcachedClusterProps.securityGroups: generated -> one of the app': 'in-place',
  'ServerlessCacheProps.securityGroups: generated -> one of the app': 'in-place',
  // The generated users and user group leave the template: deleted, as they should be.
  'ServerlessCacheProps.authentication: generated user group -> a user group of the app': 'deleted',
  'UserProps.authentication: generated password -> passwords given': 'in-place',
  // IAM renames the user (its id is its name): a new user, the old one deleted.
  'UserProps.authentication: generated password -> IAM': 'replaced',
  'ConnectFromOptions.user: app -> reporting': 'unchanged',
  'ConnectFromOptions.secret: the user\'s secret -> the same secret imported by name in the consumer stack': 'unchanged',
  'ConnectFromOptions.consumer stack: Consumer -> the cache stack': 'unchanged',
  // A renamed construct is a new cache whatever the references: see the identity rows.
  'identity.construct id: Cache -> OrdersCache': 'replaced',
};

const name = (r: Row) => `${r.subject}.${r.prop}: ${r.change}`;

export const REFERENCE_ROWS: Row[] = [...REPLICATION_GROUP_ROWS, ...MEMCACHED_ROWS, ...SERVERLESS_ROWS, ...USER_ROWS, ...CONSUMER_ROWS]
  .filter(r => r.expected === 'export-in-use')
  .map(r => {
    const expected = WEAK[name(r)];
    if (expected === undefined) {
      throw new Error(`${name(r)} is export-in-use: give its class with weak references in rows/references.ts`);
    }
    return {
      ...r, change: `${r.change}, weak references`, before: withReferences(r.before, 'weak'), after: withReferences(r.after, 'weak'), expected,
      note: expected === 'replaced' ? (r.subject === 'UserProps'
        ? 'a new user (an IAM user\'s id is its name), the old one deleted: add the IAM user next to it, then remove the old one'
        : 'a new, empty cache: the identity rows say how to keep it')
        : 'the consumer reads the outputs with Fn::GetStackOutput: nothing is exported, nothing waits on an export',
    };
  });

/** The rows of WEAK that are no longer export-in-use rows (a fix landed): remove them from WEAK. */
export function staleWeakEntries(): string[] {
  const names = new Set(REFERENCE_ROWS.map(r => name(r).replace(/, weak references$/, '')));
  return Object.keys(WEAK).filter(k => !names.has(k));
}
