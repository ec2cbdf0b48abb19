import { Annotations, App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations as Assert, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import {
  Authentication, CacheValidationError, ClusterMode,
  MemcachedCluster, MemcachedClusterProps, MemcachedVersion, ReplicationGroup, ReplicationGroupProps,
  TransitEncryptionMode, ValkeyVersion,
} from '../lib';

/**
 * verifyDeployedState: the deployed cache, looked up through the Cloud Control API context provider as
 * the aws-cdk CLI does it (the first synthesis reports the lookup as missing; the CLI answers it into
 * the context; the second synthesis reads the answer), checked against the template at synth time.
 */

const ENV = { account: '123456789012', region: 'eu-west-1' };

type Build = (stack: Stack, vpc: ec2.IVpc) => void;

/**
 * Synthesizes twice, as the CLI does: the lookups the first synthesis reports are answered with the
 * properties of `deployed` they ask for. A property asked for that `deployed` lacks fails, as the CLI
 * fails on it ("Cannot read field").
 */
function synthWithDeployed(build: Build, deployed: Record<string, unknown> | undefined): App {
  const first = new App();
  buildApp(first, build);
  const missing = first.synth().manifest.missing ?? [];
  const context: Record<string, unknown> = {};
  for (const m of missing) {
    if (m.provider === 'cc-api-provider') {
      const props = m.props as { exactIdentifier: string; propertiesToReturn: string[] };
      context[m.key] = deployed ? [{ ...answer(deployed, props.propertiesToReturn), Identifier: props.exactIdentifier }] : [];
    }
  }
  expect(Object.keys(context)).toHaveLength(1);
  const second = new App({ context });
  buildApp(second, build);
  second.synth();
  return second;
}

function answer(deployed: Record<string, unknown>, asked: string[]): Record<string, unknown> {
  return Object.fromEntries(asked.map(p => {
    if (deployed[p] === undefined) {
      throw new Error(`Cannot read field ${p}. ${p} is not found.`);
    }
    return [p, deployed[p]];
  }));
}

function buildApp(app: App, build: Build): void {
  const stack = new Stack(app, 'Cache', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
  build(stack, vpc);
}

const group = (props: Partial<ReplicationGroupProps>): Build => (stack, vpc) => {
  new ReplicationGroup(stack, 'Cache', { vpc, replicationGroupId: 'orders', verifyDeployedState: true, ...props });
};

/** What the read handler reports of a deployed default group (the properties the check reads). */
const DEPLOYED = { Port: 6379, Engine: 'valkey', ClusterMode: 'disabled', AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true,
  DataTieringEnabled: false, NetworkType: 'ipv4' };

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CacheValidationError);
    return (e as Error).message;
  }
  throw new Error('no CacheValidationError');
}

describe('a replication group against the deployed one', () => {
  test('a create-only change is refused at synth, with the deployed value and the way that works', () => {
    const message = error(() => synthWithDeployed(group({ port: 6380 }), DEPLOYED));
    expect(message).toMatch(/^Cache\/Cache: Invalid port: got 6380 \(deployed: 6379\)\. Allowed: 6379, as deployed: /);
    expect(message).toMatch(/Port cannot change on the live replication group orders/);
    expect(message).toMatch(/create a new replication group under a new replicationGroupId/);
    expect(message).toMatch(/cdk context --reset 'cc-api-provider:/);
  });

  test('a transition ElastiCache refuses is refused at synth: TLS on without preferred, cluster mode past compatible', () => {
    expect(error(() => synthWithDeployed(group({}), { ...DEPLOYED, TransitEncryptionEnabled: false })))
      .toMatch(/Invalid transitEncryption: got true \(deployed: false\)\. .*mode preferred first/);
    expect(error(() => synthWithDeployed(group({ clusterMode: ClusterMode.ENABLED }), DEPLOYED)))
      .toMatch(/Invalid clusterMode: got 'enabled' \(deployed: 'disabled'\)\. .*only through compatible/);
  });

  test('it reads only what the read handler returns: the engine version of a group is write-only, so a downgrade is the plan\'s', () => {
    expect(() => synthWithDeployed(group({ engine: ValkeyVersion.VER_8_0 }), DEPLOYED)).not.toThrow();
  });

  test('what deploys passes: the same values, an allowed change, TLS on through preferred, a group not deployed yet', () => {
    expect(() => synthWithDeployed(group({}), DEPLOYED)).not.toThrow();
    expect(() => synthWithDeployed(group({ replicas: 2 }), DEPLOYED)).not.toThrow();
    expect(() => synthWithDeployed(group({ transitEncryptionMode: TransitEncryptionMode.PREFERRED }),
      { ...DEPLOYED, TransitEncryptionEnabled: false })).not.toThrow();
    expect(() => synthWithDeployed(group({ port: 6380 }), undefined)).not.toThrow();
  });

  test('values the lookup returns as strings compare as the template\'s numbers and booleans', () => {
    expect(() => synthWithDeployed(group({}), { ...DEPLOYED, Port: '6379', AtRestEncryptionEnabled: 'true' })).not.toThrow();
  });

  test('an environment-agnostic stack warns and looks nothing up', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new ReplicationGroup(stack, 'Cache', { vpc, verifyDeployedState: true });
    Assert.fromStack(stack).hasWarning('/Agnostic/Cache', Match.stringLikeRegexp('verifyDeployedState is on, but the deployed replication group cannot be looked up'));
  });
});

describe('a Memcached cluster against the deployed one', () => {
  const cluster = (props: Partial<MemcachedClusterProps>): Build => (stack, vpc) => {
    new MemcachedCluster(stack, 'Cache', { vpc, clusterName: 'sessions', verifyDeployedState: true, ...props });
  };
  const deployed = { Port: 11211, Engine: 'memcached', EngineVersion: '1.6.22', TransitEncryptionEnabled: true, AZMode: 'cross-az',
    NetworkType: 'ipv4' };

  test('a downgrade is refused at synth (a cluster\'s engine version is read)', () => {
    expect(error(() => synthWithDeployed(cluster({ engine: MemcachedVersion.VER_1_6_12 }), deployed)))
      .toMatch(/Invalid engine: got '1\.6\.12' \(deployed: '1\.6\.22'\)\. .*does not downgrade/);
  });

  test('encryption in transit is set at creation only', () => {
    expect(error(() => synthWithDeployed(cluster({ transitEncryption: false }), deployed)))
      .toMatch(/Invalid transitEncryption: got false \(deployed: true\)\. .*set at creation only/);
  });

  test('the same cluster passes', () => {
    expect(() => synthWithDeployed(cluster({}), deployed)).not.toThrow();
  });
});

test('each template state is looked up afresh: TLS preferred, deployed, then required meets the group as it is then', () => {
  const preferred = group({ transitEncryptionMode: TransitEncryptionMode.PREFERRED });
  const required = group({});
  const keyOf = (build: Build) => {
    const app = new App();
    buildApp(app, build);
    return (app.synth().manifest.missing ?? []).map(m => m.key);
  };
  expect(keyOf(preferred)).not.toEqual(keyOf(required));
  // Deployed with TLS off, then preferred (passes); after that deployment the lookup for required reads TLS on.
  expect(() => synthWithDeployed(preferred, { ...DEPLOYED, TransitEncryptionEnabled: false })).not.toThrow();
  expect(() => synthWithDeployed(required, DEPLOYED)).not.toThrow();
});

/**
 * The deployment record: what the stack's last deployment wrote to SSM, read back through the SSM context
 * provider as the CLI does (a parameter not found answers the lookup's dummy value).
 */
describe('the deployment record', () => {
  /** The template of a build, and the record it deploys (the parameter's value, by name). */
  function deploy(build: Build): { template: Template; records: Map<string, string> } {
    const app = new App();
    buildApp(app, build);
    const template = Template.fromJSON(app.synth().getStackByName('Cache').template);
    const params = template.findResources('AWS::SSM::Parameter');
    return { template, records: new Map(Object.values(params).map(p => [p.Properties.Name, p.Properties.Value])) };
  }

  /** Synthesizes `build` over the deployment of `deployed` (no Cloud Control answer: only the record speaks); its warnings. */
  function synthOver(build: Build, deployed: Build | undefined): string[] {
    const records = deployed ? deploy(deployed).records : new Map<string, string>();
    const first = new App();
    buildApp(first, build);
    const context: Record<string, unknown> = {};
    for (const m of first.synth().manifest.missing ?? []) {
      const props = m.props as unknown as { parameterName?: string; dummyValue: unknown };
      context[m.key] = m.provider === 'ssm' ? records.get(props.parameterName!) ?? props.dummyValue : [];
    }
    const second = new App({ context });
    buildApp(second, build);
    return second.synth().getStackByName('Cache').messages.map(m => String(m.entry.data));
  }

  test('the stack writes it after the cache: the properties that decide, by stack and logical id, no secret', () => {
    const { template, records } = deploy(group({ authentication: Authentication.generatedAuthToken() }));
    const [logicalId] = Object.keys(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    template.hasResource('AWS::SSM::Parameter', {
      Properties: { Name: `/cdk-elasticache/deployed-state/Cache/${logicalId}`, Type: 'String', Tier: 'Intelligent-Tiering' },
      DependsOn: Match.arrayWith([logicalId]),
    });
    const record = JSON.parse(records.get(`/cdk-elasticache/deployed-state/Cache/${logicalId}`)!);
    expect(record.Properties).toMatchObject({ ReplicationGroupId: 'orders', Port: 6379, Engine: 'valkey', AuthToken: '(set)',
      CacheSubnetGroupName: { Ref: expect.stringMatching(/^CacheSubnetGroup/) } });
    expect(record.Properties.EngineVersion).toMatch(/^\d+\.\d+$/);
    expect(JSON.stringify(record)).not.toMatch(/resolve:secretsmanager|SecretString/);
  });

  test('an environment-agnostic stack gets no record: its template does not change', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new ReplicationGroup(stack, 'Cache', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 }), verifyDeployedState: true });
    Template.fromStack(stack).resourceCountIs('AWS::SSM::Parameter', 0);
  });

  test('it sees what the read handler never returns: a downgrade, an AUTH token given up, a changed name', () => {
    expect(() => synthOver(group({ engine: ValkeyVersion.VER_8_0 }), group({ engine: ValkeyVersion.VER_8_2 }))).toThrow(
      /Invalid engine: got '8\.0' \(deployed: '8\.2'\)\. .*does not downgrade/);
    expect(() => synthOver(group({}), group({ authentication: Authentication.generatedAuthToken() }))).toThrow(
      /Invalid authentication: got no AUTH token \(deployed: an AUTH token\)\. /);
    const renamed: Build = (stack, vpc) => {
      new ReplicationGroup(stack, 'Cache', { vpc, replicationGroupId: 'orders-2', verifyDeployedState: true });
    };
    expect(() => synthOver(renamed, group({})))
      .toThrow(/Invalid replicationGroupId: got 'orders-2' \(deployed: 'orders'\)\. .*Keep the deployed name/);
  });

  test('nothing deployed (the lookup answers its dummy value) and the same template pass', () => {
    expect(() => synthOver(group({ port: 6380 }), undefined)).not.toThrow();
    expect(() => synthOver(group({ port: 6380 }), group({ port: 6380 }))).not.toThrow();
  });

  test('a renamed construct warns on its stack, unless its logical id is pinned; a removal meant is acknowledged', () => {
    const { template, records } = deploy(group({}));
    const [logicalId] = Object.keys(template.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(JSON.parse(records.get('/cdk-elasticache/deployed-caches/Cache')!)).toEqual([[logicalId, 'AWS::ElastiCache::ReplicationGroup', 'orders']]);
    const renamed = (pin: boolean): Build => (stack, vpc) => {
      const cache = new ReplicationGroup(stack, 'Orders', { vpc, replicationGroupId: 'orders-2', verifyDeployedState: true });
      if (pin) {
        (cache.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
      }
    };
    const leaves = (warnings: string[]) => warnings.filter(w => w.includes('cdk-elasticache:cacheLeavesStack'));
    expect(leaves(synthOver(renamed(false), group({})))).toEqual([expect.stringMatching(
      new RegExp(`^The replication group 'orders' \\(logical id ${logicalId}\\), deployed by this stack, .* while Cache/Orders\\w+ \\('orders-2'\\) is new`))]);
    // The group pinned, not its subnet group: the group's CacheSubnetGroupName is create-only.
    expect(() => synthOver(renamed(true), group({}))).toThrow(/Invalid subnetGroup: got .*Orders.* \(deployed: .*Cache.*\)/);
    // Both pinned, the subnet group's name too (as docs/day-two.md shows): only the group's new name is left, refused.
    const subnets = deploy(group({})).template.findResources('AWS::ElastiCache::SubnetGroup');
    const [subnetsId] = Object.keys(subnets);
    const pinned = (id: string): Build => (stack, vpc) => {
      renamed(true)(stack, vpc);
      const l1 = stack.node.findChild('Orders').node.findChild('SubnetGroup').node.defaultChild as CfnSubnetGroup;
      l1.overrideLogicalId(subnetsId);
      l1.cacheSubnetGroupName = subnets[subnetsId].Properties.CacheSubnetGroupName;
      (stack.node.findChild('Orders').node.defaultChild as CfnReplicationGroup).replicationGroupId = id;
    };
    expect(() => synthOver(pinned('orders-2'), group({}))).toThrow(/Invalid replicationGroupId: got 'orders-2' \(deployed: 'orders'\)/);
    expect(leaves(synthOver(pinned('orders'), group({})))).toEqual([]);
    // The logical id pinned but the subnet group's name not: a new subnet group, which the record sees through the Ref.
    const newName: Build = (stack, vpc) => {
      pinned('orders')(stack, vpc);
      (stack.node.findChild('Orders').node.findChild('SubnetGroup').node.defaultChild as CfnSubnetGroup).cacheSubnetGroupName = 'other';
    };
    expect(() => synthOver(newName, group({}))).toThrow(/Invalid subnetGroup: got \{"Ref":"\w+","Name":"other"\}/);
    const removed: Build = (stack, vpc) => {
      new ReplicationGroup(stack, 'Other', { vpc, replicationGroupId: 'other', verifyDeployedState: true });
      Annotations.of(stack).acknowledgeWarning('cdk-elasticache:cacheLeavesStack', 'orders is retired');
    };
    expect(leaves(synthOver(removed, group({})))).toEqual([]);
  });

  describe('a long shard configuration is recorded as a digest per shard, and still compares', () => {
    const zones = ['eu-west-1a', 'eu-west-1b'];
    /** `n` shards over two zones; `swapFirst`: the first shard's primary and replica swap zones. */
    const shards = (n: number, swapFirst = false): Build => (stack, vpc) => {
      new ReplicationGroup(stack, 'Cache', {
        vpc, replicationGroupId: 'orders', verifyDeployedState: true, clusterMode: ClusterMode.ENABLED, replicas: 1, nodeQuota: 500,
        shardConfiguration: Array.from({ length: n }, (_, i) => ({
          primaryAvailabilityZone: zones[(i + (i === 0 && swapFirst ? 1 : 0)) % 2],
          replicaAvailabilityZones: [zones[(i + (i === 0 && swapFirst ? 0 : 1)) % 2]],
        })),
      });
    };

    test('the record stays small', () => {
      const [record] = deploy(shards(90)).records.values();
      expect(record.length).toBeLessThan(8192);
      expect(JSON.parse(record).Properties.NodeGroupConfiguration[0])
        .toEqual({ NodeGroupId: '0001', Digest: expect.stringMatching(/^[0-9a-f]{12}$/) });
      // A short one is kept as it is, for the messages.
      const [short] = deploy(shards(2)).records.values();
      expect(JSON.parse(short).Properties.NodeGroupConfiguration[0]).toMatchObject({ NodeGroupId: '0001', PrimaryAvailabilityZone: 'eu-west-1a' });
    });

    test('shards added and removed pass (online resharding), also across the size limit; a shard moved to another zone is refused', () => {
      expect(() => synthOver(shards(91), shards(90))).not.toThrow();
      expect(() => synthOver(shards(89), shards(90))).not.toThrow();
      expect(() => synthOver(shards(40), shards(3))).not.toThrow();
      expect(() => synthOver(shards(3), shards(40))).not.toThrow();
      expect(() => synthOver(shards(90, true), shards(90))).toThrow(/Invalid shardConfiguration: .*NodeGroupConfiguration/);
      expect(() => synthOver(shards(3, true), shards(3))).toThrow(/Invalid shardConfiguration: .*NodeGroupConfiguration/);
    });
  });
});
