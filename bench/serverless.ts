/**
 * The serverless variant of the synth benchmark (`npm run bench -- --cache serverless`): one shared VPC in its own
 * stack and N serverless caches, built with the library (`new ServerlessCache(stack, id, { vpc })`, the default)
 * or written by hand with L1 constructs (`handWrittenServerlessCache`), property for property what the default
 * synthesizes (`test/serverless-bench.test.ts` checks that both apps synthesize the same templates).
 */
import { App, CfnDeletionPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { library } from './library';
import {
  APP_USER_ACCESS_STRING, BenchMode, buildCaches, deletionPolicy, NO_EGRESS, passwordUser, physicalName,
} from './shared';

/** Builds the serverless benchmark app: the network stack and `n` serverless caches, `CACHES_PER_STACK` per stack. */
export function buildServerlessBenchApp(app: App, mode: BenchMode, n: number): App {
  return buildCaches(app, n, (stack, id, vpc) => {
    if (mode === 'library') {
      new library.ServerlessCache(stack, id, { vpc });
    } else {
      handWrittenServerlessCache(stack, id, vpc);
    }
  });
}

/**
 * The library's default serverless cache written by hand: RBAC (a user group with a disabled `default` user and an
 * application user, passwords generated into secrets), a security group without egress, and a Valkey 8 serverless
 * cache in the private subnets with 15 days of daily snapshots and a final snapshot on delete.
 */
export function handWrittenServerlessCache(scope: Construct, id: string, vpc: ec2.IVpc): void {
  const cache = new Construct(scope, id);

  const securityGroupScope = new Construct(cache, 'SecurityGroup');
  const securityGroup = new ec2.CfnSecurityGroup(securityGroupScope, 'Resource', {
    groupDescription: `ElastiCache serverless cache ${cache.node.path}`,
    securityGroupEgress: [NO_EGRESS],
    vpcId: vpc.vpcId,
  });
  const defaultUser = passwordUser(cache, 'DefaultUser', 'default', 'off -@all');
  const appUser = passwordUser(cache, 'AppUser', 'app', APP_USER_ACCESS_STRING);
  const userGroupScope = new Construct(cache, 'UserGroup');
  const userGroup = new elasticache.CfnUserGroup(userGroupScope, 'Resource', {
    engine: 'valkey',
    userGroupId: physicalName(userGroupScope, 40),
    userIds: [defaultUser.userId, appUser.userId],
  });
  userGroup.node.addDependency(defaultUser.scope, appUser.scope);

  const name = physicalName(cache, 40);
  const serverless = new elasticache.CfnServerlessCache(cache, 'Resource', {
    serverlessCacheName: name,
    description: `Serverless cache ${cache.node.path}`,
    engine: 'valkey',
    majorEngineVersion: '8',
    subnetIds: vpc.selectSubnets().subnetIds,
    securityGroupIds: [securityGroup.attrGroupId],
    userGroupId: userGroup.ref,
    snapshotRetentionLimit: 15,
    finalSnapshotName: `${name}-final`,
  });
  for (const resource of [securityGroup, defaultUser.secret, defaultUser.user, appUser.secret, appUser.user, userGroup, serverless]) {
    deletionPolicy(resource, CfnDeletionPolicy.DELETE);
  }
}
