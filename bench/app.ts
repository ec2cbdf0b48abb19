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
import { App, CfnDeletionPolicy, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
// bench/serverless.ts uses this module's helpers inside its functions only, so the cycle is harmless.
import { buildServerlessBenchApp } from './serverless';
import { library } from './library';

/** How the caches are built. */
export type BenchMode = 'library' | 'l1';
export const BENCH_MODES: readonly BenchMode[] = ['library', 'l1'];

/**
 * Which cache: the production default, the canonical sharded group (3 shards x 2 replicas), or the default
 * serverless cache (`bench/serverless.ts`).
 */
export type BenchShape = 'default' | 'sharded' | 'serverless';
export const BENCH_SHAPES: readonly BenchShape[] = ['default', 'sharded', 'serverless'];

/** Caches per stack: 50 x 8 resources stays under CloudFormation's 500. */
export const CACHES_PER_STACK = 50;

/** The shared network: a VPC over two AZs with public and isolated subnets, no NAT gateway. */
export function networkStack(app: App): ec2.IVpc {
  const stack = new Stack(app, 'Network');
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/**
 * Builds the benchmark app: the network stack and `n` caches in `ceil(n / CACHES_PER_STACK)` stacks.
 * Nothing is synthesized here.
 */
export function buildBenchApp(app: App, mode: BenchMode, n: number, shape: BenchShape = 'default'): App {
  if (shape === 'serverless') {
    return buildServerlessBenchApp(app, mode, n);
  }
  const vpc = networkStack(app);
  let stack: Stack | undefined;
  for (let i = 1; i <= n; i++) {
    if ((i - 1) % CACHES_PER_STACK === 0) {
      stack = new Stack(app, `Caches${Math.ceil(i / CACHES_PER_STACK)}`);
    }
    if (mode === 'library') {
      new library.ReplicationGroup(stack!, `Cache${i}`, shape === 'sharded'
        ? { vpc, clusterMode: library.ClusterMode.ENABLED, shards: 3, replicas: 2 }
        : { vpc });
    } else {
      handWrittenCache(stack!, `Cache${i}`, vpc, shape);
    }
  }
  return app;
}

/** The egress rule the ec2.SecurityGroup L2 writes when all outbound traffic is disallowed. */
export const NO_EGRESS: ec2.CfnSecurityGroup.EgressProperty = {
  cidrIp: '255.255.255.255/32',
  description: 'Disallow all traffic',
  ipProtocol: 'icmp',
  fromPort: 252,
  toPort: 86,
};

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

/** The default application user's access string (least privilege read / write), written out. */
export const APP_USER_ACCESS_STRING = 'on ~* -@all +@connection +@read +@write +@transaction -@dangerous -@scripting -move '
  + '+eval +evalsha +script|load +script|exists +info +cluster|info +cluster|nodes +cluster|shards +cluster|slots';

/** An RBAC user that authenticates with a password generated into a secret (`{ username, password }`). */
export function passwordUser(cache: Construct, id: string, userName: string, accessString: string) {
  const scope = new Construct(cache, id);
  const secret = new secretsmanager.CfnSecret(new Construct(scope, 'Secret'), 'Resource', {
    description: `Password of the ElastiCache Valkey user ${scope.node.path}`,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: userName }),
      generateStringKey: 'password',
      passwordLength: 32,
      excludePunctuation: true,
      includeSpace: false,
    },
  });
  const userId = physicalName(scope, 40);
  const user = new elasticache.CfnUser(scope, 'Resource', {
    engine: 'valkey',
    userId,
    userName,
    accessString,
    authenticationMode: {
      Type: 'password',
      Passwords: [`{{resolve:secretsmanager:${secret.ref}:SecretString:password::}}`],
    },
  });
  return { scope, secret, user, userId };
}

export function deletionPolicy(resource: CfnResource, policy: CfnDeletionPolicy): void {
  resource.cfnOptions.deletionPolicy = policy;
  resource.cfnOptions.updateReplacePolicy = policy;
}

/** A lowercase physical name from the construct path (letters, digits and hyphens). */
export function physicalName(scope: Construct, maxLength: number): string {
  return Names.uniqueResourceName(scope, { separator: '-', maxLength }).toLowerCase();
}
