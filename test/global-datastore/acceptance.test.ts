import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, AZ_CONTEXT, buildGlobalDatastoreApp, PRIMARY_REGION, SECONDARY_REGIONS } from './app';

// Issue 25's acceptance: a Valkey datastore, primary in eu-west-1, secondaries in us-east-1 and
// ap-southeast-1, a consumer in each Region wired by connectFrom(). cfn-lint over the same five
// templates: scripts/cfn-lint-global-datastore.sh (a few seconds: kept out of the jest suite).

/** What ElastiCache infers from the primary and refuses on a secondary (User Guide, "Using global datastores (CLI)"). */
const INFERRED = ['PrimaryClusterId', 'AutomaticFailoverEnabled', 'NumNodeGroups', 'CacheParameterGroupName', 'CacheNodeType',
  'Engine', 'EngineVersion', 'CacheSecurityGroupNames', 'TransitEncryptionEnabled', 'TransitEncryptionMode', 'AtRestEncryptionEnabled',
  'SnapshotArns', 'SnapshotName', 'ClusterMode', 'Durability', 'DataTieringEnabled', 'NodeGroupConfiguration'];

describe('a three-Region Valkey datastore with a consumer in each Region', () => {
  const built = buildGlobalDatastoreApp(new App({ context: AZ_CONTEXT }));
  const assembly = built.app.synth();
  const stacks = assembly.stacks;

  test('synthesizes as five stacks (a cycle would fail the synthesis), each in its Region', () => {
    expect(stacks.map(s => `${s.stackName}@${s.environment.region}`).sort()).toEqual([
      'CacheApSoutheast1@ap-southeast-1', 'CachePrimary@eu-west-1', 'CacheUsEast1@us-east-1',
      'ConsumerApSoutheast1@ap-southeast-1', 'ConsumerUsEast1@us-east-1',
    ]);
    expect(new Set(stacks.map(s => s.environment.account))).toEqual(new Set([ACCOUNT]));
  });

  test('no strong cross-Region reference: no export writer or reader, and imports only within a Region', () => {
    for (const stack of stacks) {
      const text = JSON.stringify(stack.template);
      expect(text).not.toMatch(/ExportWriter|ExportReader|Custom::CrossRegion/);
      // Every Fn::ImportValue names an export of a stack of the same Region.
      for (const match of text.matchAll(/"Fn::ImportValue":"([A-Za-z0-9]+):/g)) {
        expect(assembly.getStackByName(match[1]).environment.region).toBe(stack.environment.region);
      }
    }
  });

  test.each(SECONDARY_REGIONS)('the secondary in %s joins by the datastore\'s attribute, read weakly from the primary\'s stack', region => {
    const stack = stacks.find(s => s.environment.region === region && s.stackName.startsWith('Cache'))!;
    const groups = Template.fromJSON(stack.template).findResources('AWS::ElastiCache::ReplicationGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const props = Object.values(groups)[0].Properties;
    const ref = props.GlobalReplicationGroupId['Fn::GetStackOutput'];
    expect(ref).toMatchObject({ StackName: 'CachePrimary', Region: PRIMARY_REGION });
    // The output it reads is the datastore's GlobalReplicationGroupId attribute, not an id built from a prefix.
    const primaryTemplate = assembly.getStackByName('CachePrimary').template;
    const datastoreId = Object.keys(Template.fromJSON(primaryTemplate).findResources('AWS::ElastiCache::GlobalReplicationGroup'))[0];
    expect(primaryTemplate.Outputs[ref.OutputName]).toEqual({ Value: { 'Fn::GetAtt': [datastoreId, 'GlobalReplicationGroupId'] } });
    expect(primaryTemplate.Outputs[ref.OutputName].Export).toBeUndefined();
    // The secondary's stack is deployed after the primary's (cdk deploy --all orders them).
    expect(stack.dependencies.map(d => d.id)).toContain('CachePrimary');
  });

  test.each(SECONDARY_REGIONS)('the secondary in %s holds none of the properties ElastiCache infers from the primary', region => {
    const stack = stacks.find(s => s.environment.region === region && s.stackName.startsWith('Cache'))!;
    const props = Object.values(Template.fromJSON(stack.template).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(Object.keys(props).filter(k => INFERRED.includes(k))).toEqual([]);
    // What it does set: its replicas and network, its own user group (users are regional).
    expect(props).toMatchObject({ NumCacheClusters: 2, MultiAZEnabled: true, Port: 6379, UserGroupIds: [expect.anything()] });
  });

  test('the datastore has one member, the primary, and sets nothing the primary already has', () => {
    const template = Template.fromJSON(assembly.getStackByName('CachePrimary').template);
    const datastores = Object.values(template.findResources('AWS::ElastiCache::GlobalReplicationGroup'));
    expect(datastores).toHaveLength(1);
    const primaryId = Object.keys(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    expect(datastores[0].Properties.Members).toEqual([{ ReplicationGroupId: { Ref: primaryId }, ReplicationGroupRegion: PRIMARY_REGION,
      Role: 'PRIMARY' }]);
    expect(Object.keys(datastores[0].Properties).sort()).toEqual(['GlobalReplicationGroupDescription', 'GlobalReplicationGroupIdSuffix',
      'Members']);
  });

  test.each([PRIMARY_REGION, ...SECONDARY_REGIONS])('the consumer in %s reaches its own Region\'s endpoints', region => {
    const consumer = built.consumers[region];
    const stack = stacks.find(s => s.stackName === consumer.stack.stackName)!;
    const fn = Object.values(Template.fromJSON(stack.template).findResources('AWS::Lambda::Function'))
      .find(r => r.Properties.Environment?.Variables?.CACHE_HOST)!;
    const host = JSON.stringify(fn.Properties.Environment.Variables.CACHE_HOST);
    const cacheStack = region === PRIMARY_REGION ? 'CachePrimary' : stacks.find(s => s.environment.region === region
      && s.stackName.startsWith('Cache'))!.stackName;
    const cacheTemplate = Template.fromJSON(assembly.getStackByName(cacheStack).template);
    const groupId = Object.keys(cacheTemplate.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    // In the cache's own stack a GetAtt, in a consumer stack of the same Region an import of that stack's export.
    expect(host).toMatch(region === PRIMARY_REGION ? new RegExp(`"Fn::GetAtt":\\["${groupId}","PrimaryEndPoint.Address"\\]`)
      : new RegExp(`"Fn::ImportValue":"${cacheStack}:ExportsOutputFnGetAtt${groupId}PrimaryEndPointAddress`));
    // The ingress rule for the consumer, on port 6379 of the Region's own cache security group.
    const ingress = Object.values(Template.fromJSON(stack.template).findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(r => r.Properties.FromPort === 6379).map(r => JSON.stringify(r.Properties.GroupId));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatch(region === PRIMARY_REGION ? /"Fn::GetAtt":\["CacheSecurityGroup[0-9A-F]{8}","GroupId"\]/
      : new RegExp(`"Fn::ImportValue":"${cacheStack}:ExportsOutputFnGetAttSecondarySecurityGroup`));
  });
});
