// `describe` of a sharded group created, against moto (a local ElastiCache API on 127.0.0.1), with
// exactly the topology the library synthesizes for cluster mode enabled.
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterMode, NodeType, ReplicationGroup } from '../../lib';
import { describeCache, formatDescription } from '../../lib/ops';
import { Moto, MOTO_CREDENTIALS, motoAvailable, startMoto } from './moto';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The topology properties of the library's sharded group, as CloudFormation receives them. */
function synthesizedTopology(): Record<string, unknown> {
  const stack = new Stack(new App(), 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'I', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.ENABLED, nodeType: NodeType.R7G_LARGE, shards: 2, replicas: 1 });
  const props = Object.values(Template.fromStack(stack).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
  return {
    Engine: props.Engine,
    CacheNodeType: props.CacheNodeType,
    ClusterMode: props.ClusterMode,
    CacheParameterGroupName: props.CacheParameterGroupName,
    NumNodeGroups: props.NumNodeGroups,
    ReplicasPerNodeGroup: props.ReplicasPerNodeGroup,
    NodeGroupConfiguration: props.NodeGroupConfiguration,
    AutomaticFailoverEnabled: props.AutomaticFailoverEnabled,
  };
}

(motoAvailable('describe against moto') ? describe : describe.skip)('describe a sharded group against moto', () => {
  let moto: Moto;
  let client: ElastiCacheClient;
  beforeAll(async () => {
    moto = await startMoto();
    client = new ElastiCacheClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  }, 30_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  test('the synthesized topology is accepted; describe shows the cluster mode, the configuration endpoint and each shard with its slots', async () => {
    const topology = synthesizedTopology();
    expect(topology).toMatchObject({ ClusterMode: 'enabled', NumNodeGroups: 2, NodeGroupConfiguration: [{ NodeGroupId: '0001' }, { NodeGroupId: '0002' }] });
    await client.send(new CreateReplicationGroupCommand({ ReplicationGroupId: 'shop', ReplicationGroupDescription: 'sharded', ...topology }));

    const d = await describeCache(client, 'shop');
    expect(d.clusterMode).toBe('enabled');
    expect(d.endpoints).toEqual([expect.objectContaining({ role: 'configuration', address: expect.stringMatching(/^clustercfg\.shop\./), port: 6379 })]);
    // The slots are what the API reports (moto's split is its own); the ids and node counts are the template's.
    expect(d.shards).toEqual([
      { id: '0001', slots: expect.stringMatching(/^\d+-\d+$/), status: 'available', nodes: 2 },
      { id: '0002', slots: expect.stringMatching(/^\d+-\d+$/), status: 'available', nodes: 2 },
    ]);
    expect(d.nodes.map(n => [n.cacheClusterId, n.shard])).toEqual([
      ['shop-0001-001', '0001'], ['shop-0001-002', '0001'], ['shop-0002-001', '0002'], ['shop-0002-002', '0002'],
    ]);
    const text = formatDescription(d);
    expect(text).toMatch(/^Cluster mode\s+enabled$/m);
    expect(text).toMatch(/\nShards\n {2}SHARD\s+SLOTS\s+NODES\s+STATUS\n {2}0001\s+\d+-\d+\s+2\s+available\n {2}0002\s+\d+-\d+\s+2\s+available\n/);
  }, 30_000);
});
