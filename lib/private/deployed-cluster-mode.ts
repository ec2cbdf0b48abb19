import { Annotations, ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { Construct } from 'constructs';
import { ClusterMode } from '../cluster-mode';
import { invalid, phrase } from './errors';
import { CLUSTER_MODE_ORDER } from './transitions';

/**
 * `verifyDeployedClusterMode` of a replication group: the deployed group is looked up (Cloud Control
 * API context lookup, cached in cdk.context.json), and a move ElastiCache refuses is rejected:
 * disabled -> enabled without compatible, and any step back.
 */

/** The CloudFormation type the Cloud Control API lookup reads. */
const REPLICATION_GROUP_TYPE = 'AWS::ElastiCache::ReplicationGroup';

/**
 * The query a `ReplicationGroup` with `verifyDeployedClusterMode` makes of the Cloud Control API
 * context provider, and its cache key. The template's cluster mode is part of the key
 * (`additionalCacheKey`), so that each change of `clusterMode` looks the group up afresh instead of
 * reading what was cached when the template asked for another mode.
 */
function deployedClusterModeQuery(replicationGroupId: string, mode: ClusterMode) {
  return {
    provider: cxschema.ContextProvider.CC_API_PROVIDER,
    props: {
      typeName: REPLICATION_GROUP_TYPE,
      exactIdentifier: replicationGroupId,
      propertiesToReturn: ['ClusterMode'],
    },
    additionalCacheKey: `clusterMode-${mode.value}`,
  };
}

export function verifyDeployedClusterMode(scope: Construct, mode: ClusterMode, replicationGroupId: string,
  createdWith: ClusterMode = mode): void {
  const stack = Stack.of(scope);
  const notVerified = (why: string) => Annotations.of(scope).addWarningV2('cdk-elasticache:clusterModeNotVerified',
    `verifyDeployedClusterMode is on, but the deployed cluster mode cannot be looked up: ${why}. The template's `
    + `clusterMode (${mode.value}) is not checked against the deployed group; ElastiCache only moves a group disabled -> `
    + 'compatible -> enabled, one deployment each.');
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    notVerified('the stack is environment-agnostic (give it env: { account, region })');
    return;
  }
  if (Token.isUnresolved(replicationGroupId)) {
    notVerified('replicationGroupId is a token (give a literal id, or leave it unset for the generated one)');
    return;
  }
  const query = deployedClusterModeQuery(replicationGroupId, mode);
  // Not found (a new group) and not yet looked up (the first synthesis) both read as the dummy: no group.
  // The CLI caches not-found as the dummy, so a lookup of a new group is not repeated at every synthesis.
  const found: unknown = ContextProvider.getValue(scope, { ...query, dummyValue: [], mustExist: false }).value;
  const deployed = Array.isArray(found) && found.length > 0 ? (found[0] as Record<string, unknown>)?.ClusterMode : undefined;
  if (deployed === undefined) {
    return;
  }
  const key = ContextProvider.getKey(scope, query).key;
  const deployedMode = String(deployed).toLowerCase();
  const from = CLUSTER_MODE_ORDER.indexOf(deployedMode);
  const to = CLUSTER_MODE_ORDER.indexOf(mode.value);
  if (from < 0) {
    notVerified(`the lookup returned ClusterMode ${JSON.stringify(deployed)}, not one of ${CLUSTER_MODE_ORDER.join(', ')} `
      + `(cached in cdk.context.json under '${key}')`);
    return;
  }
  const refresh = (since: string) => `The deployed mode was looked up when the template first asked for ${mode.value}, and `
    + `is cached in cdk.context.json: if ${since} since that lookup, the cached answer is stale; refresh it with `
    + `cdk context --reset '${key}' and synthesize again.`;
  if (to < from) {
    invalid(scope, 'clusterMode', mode.value, `Allowed: ClusterMode.${deployedMode.toUpperCase()}${deployedMode === 'compatible'
      ? ' or ClusterMode.ENABLED' : ''}: the deployed group ${replicationGroupId} is in cluster mode ${deployedMode}, and `
      + 'ElastiCache cannot take a group back (the move to cluster mode is one way). For a group in cluster mode '
      + `${mode.value}, create a new one (a new replicationGroupId) and move the data. ${refresh('the group has been replaced')}`);
  }
  if (from === 1 && to === 2 && createdWith.sharded) {
    invalid(scope, 'createdWithClusterMode', phrase(`nothing (${mode.value}, as clusterMode)`), `Allowed: ClusterMode.${deployedMode.toUpperCase()}: `
      + `the deployed group ${replicationGroupId} is in cluster mode ${deployedMode}, so it was created without cluster mode enabled, `
      + 'and CloudFormation cannot give a live group the topology properties of one created enabled (ReplicasPerNodeGroup and '
      + 'NodeGroupConfiguration are create-only: the update fails). With createdWithClusterMode set, the group keeps NumCacheClusters '
      + `and moves to cluster mode enabled in place. ${refresh('the group has been replaced')}`);
  }
  if (from === 0 && to === 2) {
    invalid(scope, 'clusterMode', mode.value, `Allowed: ClusterMode.COMPATIBLE first: the deployed group ${replicationGroupId} `
      + 'is in cluster mode disabled, and ElastiCache moves a group to cluster mode enabled only through compatible. '
      + 'Deploy clusterMode: ClusterMode.COMPATIBLE, move every client to a cluster client on the configuration endpoint, '
      + `then deploy ClusterMode.ENABLED. ${refresh('ClusterMode.COMPATIBLE has been deployed')}`);
  }
}
