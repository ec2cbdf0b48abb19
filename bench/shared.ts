/**
 * What the benchmark's apps share (bench/app.ts: replication groups; bench/serverless.ts: serverless
 * caches): the modes and shapes, the network stack, the stacks of caches, and the L1 building blocks
 * the hand-written apps use to reproduce the library's defaults.
 */
import { App, CfnDeletionPolicy, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

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
 * The network stack, then `n` caches, each made by `addCache` in stack `Caches<k>` (`CACHES_PER_STACK`
 * per stack) with the id `Cache<i>`. Nothing is synthesized here.
 */
export function buildCaches(app: App, n: number, addCache: (stack: Stack, id: string, vpc: ec2.IVpc) => void): App {
  const vpc = networkStack(app);
  let stack: Stack | undefined;
  for (let i = 1; i <= n; i++) {
    if ((i - 1) % CACHES_PER_STACK === 0) {
      stack = new Stack(app, `Caches${Math.ceil(i / CACHES_PER_STACK)}`);
    }
    addCache(stack!, `Cache${i}`, vpc);
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
