/**
 * The two apps the synth benchmark compares, built the same way: one shared VPC in its own stack,
 * and N replication groups spread over stacks of at most `CACHES_PER_STACK` caches each
 * (CloudFormation's 500-resources-per-stack limit, which aws-cdk-lib checks at synth).
 *
 * - `library`: `new ReplicationGroup(stack, id, { vpc })`, the production default, or (shape
 *   `sharded`) the canonical sharded group, `{ vpc, clusterMode: ClusterMode.ENABLED, shards: 3,
 *   replicas: 2 }`.
 * - `l1`: the same resources written by hand with L1 constructs (see `handWrittenCache`), property
 *   for property what the library synthesizes.
 */
import { App, CfnDeletionPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { library } from './library';
import { buildServerlessBenchApp } from './serverless';
import {
  APP_USER_ACCESS_STRING, BenchMode, BenchShape, buildCaches, deletionPolicy, NO_EGRESS, passwordUser, physicalName,
} from './shared';

/**
 * Builds the benchmark app: the network stack and `n` caches in `ceil(n / CACHES_PER_STACK)` stacks.
 * Nothing is synthesized here.
 */
export function buildBenchApp(app: App, mode: BenchMode, n: number, shape: BenchShape = 'default'): App {
  if (shape === 'serverless') {
    return buildServerlessBenchApp(app, mode, n);
  }
  return buildCaches(app, n, (stack, id, vpc) => {
    if (mode === 'library') {
      new library.ReplicationGroup(stack, id, shape === 'sharded'
        ? { vpc, clusterMode: library.ClusterMode.ENABLED, shards: 3, replicas: 2 }
        : { vpc });
    } else {
      handWrittenCache(stack, id, vpc, shape);
    }
  });
}

/**
 * The library's production default written by hand with L1 constructs, resource for resource and
 * property for property (`test/bench.test.ts` checks that both apps synthesize the same template):
 *
 * - RBAC: a user group with a disabled `default` user and an application user `app` with full
 *   access, each with a password generated into its own Secrets Manager secret;
 * - a subnet group over the VPC's private subnets and a security group without egress;
 * - a Valkey 8.2 replication group: a primary and a replica, Multi-AZ with automatic failover,
 *   encrypted at rest and in transit (TLS required), 15 days of backups, a final snapshot on delete.
 *
 * The plain `Construct` scopes reproduce the library's construct paths, so that logical ids,
 * generated names and descriptions are the same and the two templates can be compared whole.
 */
export function handWrittenCache(scope: Construct, id: string, vpc: ec2.IVpc, shape: BenchShape = 'default'): void {
  const cache = new Construct(scope, id);

  const defaultUser = passwordUser(cache, 'DefaultUser', 'default', 'off -@all');
  const appUser = passwordUser(cache, 'AppUser', 'app', APP_USER_ACCESS_STRING);
  const userGroupScope = new Construct(cache, 'UserGroup');
  const userGroup = new elasticache.CfnUserGroup(userGroupScope, 'Resource', {
    engine: 'valkey',
    userGroupId: physicalName(userGroupScope, 40),
    userIds: [defaultUser.userId, appUser.userId],
  });
  userGroup.node.addDependency(defaultUser.scope, appUser.scope);

  const subnetGroupScope = new Construct(cache, 'SubnetGroup');
  const subnetGroup = new elasticache.CfnSubnetGroup(subnetGroupScope, 'Resource', {
    cacheSubnetGroupName: physicalName(subnetGroupScope, 255),
    description: `Subnets of the ElastiCache replication group ${cache.node.path}`,
    subnetIds: vpc.selectSubnets().subnetIds,
  });
  const securityGroupScope = new Construct(cache, 'SecurityGroup');
  const securityGroup = new ec2.CfnSecurityGroup(securityGroupScope, 'Resource', {
    groupDescription: `ElastiCache replication group ${cache.node.path}`,
    securityGroupEgress: [NO_EGRESS],
    vpcId: vpc.vpcId,
  });

  const group = new elasticache.CfnReplicationGroup(cache, 'Resource', {
    replicationGroupId: physicalName(cache, 40),
    replicationGroupDescription: `Replication group ${cache.node.path}`,
    engine: 'valkey',
    engineVersion: '8.2',
    cacheNodeType: 'cache.t4g.micro',
    port: 6379,
    ...(shape === 'sharded' ? {
      // Cluster mode enabled: 3 shards of a primary and 2 replicas, every shard listed by id.
      cacheParameterGroupName: 'default.valkey8.cluster.on',
      clusterMode: 'enabled',
      numNodeGroups: 3,
      replicasPerNodeGroup: 2,
      nodeGroupConfiguration: [{ nodeGroupId: '0001' }, { nodeGroupId: '0002' }, { nodeGroupId: '0003' }],
    } : {
      cacheParameterGroupName: 'default.valkey8',
      numCacheClusters: 2,
    }),
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    cacheSubnetGroupName: subnetGroup.ref,
    securityGroupIds: [securityGroup.attrGroupId],
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    transitEncryptionMode: 'required',
    userGroupIds: [userGroup.ref],
    snapshotRetentionLimit: 15,
    autoMinorVersionUpgrade: true,
  });

  for (const resource of [defaultUser.secret, defaultUser.user, appUser.secret, appUser.user, userGroup, subnetGroup, securityGroup]) {
    deletionPolicy(resource, CfnDeletionPolicy.DELETE);
  }
  deletionPolicy(group, CfnDeletionPolicy.SNAPSHOT);
  if (shape === 'sharded') {
    group.cfnOptions.updatePolicy = { useOnlineResharding: true };
  }
}

