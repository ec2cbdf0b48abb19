import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  CacheValidationError, MemcachedCluster, ParameterGroup, ReplicationGroup, ServerlessCache, SubnetGroup, User, UserGroup, ValkeyVersion,
} from '../lib';
import { KNOWN_PROPS, KnownPropsOf } from '../lib/private/known-props';
import { allMembers, libInterfaces } from '../scripts/guide-names';

// A prop the construct does not have is refused at synth: in JavaScript (or a TypeScript object spread
// into the props) it would otherwise be dropped silently.

describe('the known props', () => {
  const interfaces = libInterfaces(path.join(__dirname, '..', 'lib'));

  test.each(Object.keys(KNOWN_PROPS) as KnownPropsOf[])('the list of %s is its props interface', construct => {
    expect([...KNOWN_PROPS[construct]].sort()).toEqual(allMembers(interfaces, `${construct}Props`).sort());
  });
});

describe('unknown props', () => {
  function setup() {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    return { stack, vpc };
  }
  // As a JavaScript user passes them: props the TypeScript type would refuse.
  const loose = (props: object) => props as never;

  test.each<[string, (s: Stack, vpc: ec2.IVpc) => unknown, string]>([
    ['replicas on a Memcached cluster', (s, vpc) => new MemcachedCluster(s, 'Cache', loose({ vpc, replicas: 2 })),
      'Stack/Cache: Invalid replicas: got 2. Allowed: only the props of MemcachedClusterProps; MemcachedCluster has no replicas '
      + '(did you mean nodes?), and would ignore it. Known props: autoMinorVersionUpgrade, azMode, clusterName,'],
    ['nodes on a replication group', (s, vpc) => new ReplicationGroup(s, 'Cache', loose({ vpc, nodes: 3 })),
      'Stack/Cache: Invalid nodes: got 3. Allowed: only the props of ReplicationGroupProps; ReplicationGroup has no nodes '
      + '(did you mean replicas?), and would ignore it.'],
    ['a typo on a replication group', (s, vpc) => new ReplicationGroup(s, 'Cache', loose({ vpc, nodeTypes: 'cache.r7g.large' })),
      "Invalid nodeTypes: got 'cache.r7g.large'. Allowed: only the props of ReplicationGroupProps; ReplicationGroup has no nodeTypes "
      + '(did you mean nodeType?)'],
    ['a prop of the L1 on a serverless cache', (s, vpc) => new ServerlessCache(s, 'Cache', loose({ vpc, majorEngineVersion: '8' })),
      "Invalid majorEngineVersion: got '8'. Allowed: only the props of ServerlessCacheProps; ServerlessCache has no majorEngineVersion,"],
    ['an object value', (s, vpc) => new SubnetGroup(s, 'Subnets', loose({ vpc, subnets: vpc.isolatedSubnets })),
      'Stack/Subnets: Invalid subnets: got a value. Allowed: only the props of SubnetGroupProps; SubnetGroup has no subnets'],
    ['a parameter group prop', s => new ParameterGroup(s, 'Params', loose({ engine: ValkeyVersion.VER_8_2, family: 'valkey8' })),
      'Stack/Params: Invalid family: got \'valkey8\'. Allowed: only the props of ParameterGroupProps'],
    ['a user prop', s => new User(s, 'User', loose({ passwords: [] })),
      'Stack/User: Invalid passwords: got a value. Allowed: only the props of UserProps'],
    ['a user group prop', s => new UserGroup(s, 'Group', loose({ userIds: ['a'] })),
      'Stack/Group: Invalid userIds: got a value. Allowed: only the props of UserGroupProps; UserGroup has no userIds (did you mean users?)'],
  ])('refuses %s', (_, make, message) => {
    const { stack, vpc } = setup();
    let error: unknown;
    try {
      make(stack, vpc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheValidationError);
    expect((error as Error).message).toContain(message);
  });

  test('a key whose value is undefined sets nothing and passes', () => {
    const { stack, vpc } = setup();
    expect(() => new MemcachedCluster(stack, 'Cache', loose({ vpc, replicas: undefined }))).not.toThrow();
  });
});
