import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  CacheDnsRecords, ClusterMode, DnsRecordsOptions, GlobalDatastore, MemcachedCluster, NodeType, ReplicationGroup, ServerlessCache, ServerlessEngine,
} from '../lib';

const ZONE = 'example.internal';

function base() {
  const app = new App();
  const stack = new Stack(app, 'Cache');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
    { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ] });
  const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: ZONE, vpc });
  return { app, stack, vpc, zone };
}

function fn(scope: Stack, vpc: ec2.IVpc, id = 'Fn'): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
    vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
}

type Cache = { addDnsRecords(o: DnsRecordsOptions): CacheDnsRecords; node: { defaultChild?: unknown } };

/** The `{ Fn::GetAtt: [<cache's L1>, attr] }` a record points at. */
function getAtt(stack: Stack, cache: Cache, attr: string) {
  return { 'Fn::GetAtt': [stack.getLogicalId(cache.node.defaultChild as never), attr] };
}

/** Each record of the template, by name: its target and TTL. */
function records(template: Template): Record<string, { target: unknown; ttl: string }> {
  const found = template.findResources('AWS::Route53::RecordSet');
  return Object.fromEntries(Object.values(found).map(r => {
    expect(r.Properties.Type).toBe('CNAME');
    expect(r.Properties.HostedZoneId).toEqual({ Ref: expect.stringMatching(/^Zone/) });
    return [r.Properties.Name, { target: r.Properties.ResourceRecords.length === 1 ? r.Properties.ResourceRecords[0] : r.Properties.ResourceRecords,
      ttl: r.Properties.TTL }];
  }));
}

describe('a record per endpoint the cache has', () => {
  const kinds: Array<[string, (s: Stack, vpc: ec2.IVpc) => Cache, Record<string, string>]> = [
    ['replication group, cluster mode disabled', (s, vpc) => new ReplicationGroup(s, 'Orders', { vpc }),
      { 'orders.example.internal.': 'PrimaryEndPoint.Address', 'orders-reader.example.internal.': 'ReaderEndPoint.Address' }],
    ['replication group, cluster mode enabled', (s, vpc) => new ReplicationGroup(s, 'Orders', { vpc, clusterMode: ClusterMode.ENABLED }),
      { 'orders.example.internal.': 'ConfigurationEndPoint.Address' }],
    ['replication group, cluster mode compatible', (s, vpc) => new ReplicationGroup(s, 'Orders', { vpc, clusterMode: ClusterMode.COMPATIBLE }),
      {
        'orders.example.internal.': 'ConfigurationEndPoint.Address',
        'orders-reader.example.internal.': 'ReaderEndPoint.Address',
        'orders-primary.example.internal.': 'PrimaryEndPoint.Address',
      }],
    ['Memcached cluster', (s, vpc) => new MemcachedCluster(s, 'Orders', { vpc }),
      { 'orders.example.internal.': 'ConfigurationEndpoint.Address' }],
    ['serverless Valkey cache', (s, vpc) => new ServerlessCache(s, 'Orders', { vpc }),
      { 'orders.example.internal.': 'Endpoint.Address', 'orders-reader.example.internal.': 'ReaderEndpoint.Address' }],
    ['serverless Memcached cache', (s, vpc) => new ServerlessCache(s, 'Orders', { vpc, engine: ServerlessEngine.MEMCACHED_1_6 }),
      { 'orders.example.internal.': 'Endpoint.Address' }],
  ];

  test.each(kinds)('%s', (_, make, expected) => {
    const { stack, vpc, zone } = base();
    const cache = make(stack, vpc);
    const result = cache.addDnsRecords({ zone, recordName: 'orders' });
    const template = Template.fromStack(stack);
    expect(records(template)).toEqual(Object.fromEntries(Object.entries(expected)
      .map(([name, attr]) => [name, { target: getAtt(stack, cache, attr), ttl: '60' }])));
    // What it returns: the full names (no final dot), in the order host, reader, primary, and the records.
    const names = Object.keys(expected).map(n => n.replace(/\.$/, ''));
    expect([result.hostName, result.readerHostName, result.primaryHostName].filter(n => n !== undefined)).toEqual(names);
    expect(result.records.map(r => stack.resolve(r.domainName))).toEqual(
      Object.keys(template.findResources('AWS::Route53::RecordSet')).map(id => ({ Ref: id })));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('dns'))).toEqual([]);
  });

  test('an imported replication group (any class on ReplicationGroupBase) gets them from its attributes', () => {
    const { stack, zone } = base();
    const imported = ReplicationGroup.fromReplicationGroupAttributes(stack, 'Imported', {
      replicationGroupId: 'orders', primaryEndpointAddress: 'master.orders.abc123.euw1.cache.amazonaws.com',
      readerEndpointAddress: 'replica.orders.abc123.euw1.cache.amazonaws.com', port: 6379,
    });
    imported.addDnsRecords({ zone, recordName: 'orders.example.internal', ttl: Duration.minutes(5) });
    expect(records(Template.fromStack(stack))).toEqual({
      'orders.example.internal.': { target: 'master.orders.abc123.euw1.cache.amazonaws.com', ttl: '300' },
      'orders-reader.example.internal.': { target: 'replica.orders.abc123.euw1.cache.amazonaws.com', ttl: '300' },
    });
  });

  test('the same names in two private zones of the same name (two VPCs): a record in each', () => {
    const { stack, vpc, zone } = base();
    const other = new route53.PrivateHostedZone(stack, 'OtherZone', { zoneName: ZONE, vpc: new ec2.Vpc(stack, 'OtherVpc', { maxAzs: 1, natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }) });
    const cache = new MemcachedCluster(stack, 'Orders', { vpc });
    cache.addDnsRecords({ zone, recordName: 'orders' });
    cache.addDnsRecords({ zone: other, recordName: 'orders' });
    const found = Template.fromStack(stack).findResources('AWS::Route53::RecordSet');
    expect(Object.values(found).map(r => [r.Properties.Name, stack.resolve(r.Properties.HostedZoneId)])).toEqual([
      [`orders.${ZONE}.`, { Ref: stack.getLogicalId(zone.node.defaultChild as never) }],
      [`orders.${ZONE}.`, { Ref: stack.getLogicalId(other.node.defaultChild as never) }],
    ]);
    // The first keeps the id of its name: a second zone does not move it.
    expect(Object.keys(found)[0]).toMatch(/^CacheDnsRecordsordersexampleinternal[0-9A-F]{8}$/);
  });

  test('a global datastore\'s secondary (a class on ReplicationGroupBase) gets them in its own Region, and its consumer the names', () => {
    const app = new App();
    const primaryStack = new Stack(app, 'Primary', { env: { account: '111111111111', region: 'eu-west-1' } });
    const primaryVpc = new ec2.Vpc(primaryStack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const primary = new ReplicationGroup(primaryStack, 'Cache', { vpc: primaryVpc, nodeType: NodeType.R7G_LARGE });
    const datastore = new GlobalDatastore(primaryStack, 'Global', { primary });
    const stack = new Stack(app, 'Secondary', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: ZONE, vpc });
    const secondary = datastore.addSecondary(stack, 'Secondary', { vpc, replicas: 1 });
    secondary.addDnsRecords({ zone, recordName: 'orders' });
    expect(secondary.connectFrom(fn(stack, vpc)).environment).toMatchObject({ CACHE_HOST: 'orders.example.internal',
      CACHE_READER_HOST: 'orders-reader.example.internal', CACHE_DNS_ALIAS: 'true' });
    expect(records(Template.fromStack(stack))).toEqual({
      'orders.example.internal.': { target: getAtt(stack, secondary, 'PrimaryEndPoint.Address'), ttl: '60' },
      'orders-reader.example.internal.': { target: getAtt(stack, secondary, 'ReaderEndPoint.Address'), ttl: '60' },
    });
  });

  test('names given in full, with the final dot, and the reader and primary names of the options', () => {
    const { stack, vpc, zone } = base();
    const cache = new ReplicationGroup(stack, 'Orders', { vpc, clusterMode: ClusterMode.COMPATIBLE });
    const result = cache.addDnsRecords({ zone, recordName: 'Orders.Prod.example.internal.', readerRecordName: 'read.prod',
      primaryRecordName: 'write.prod', ttl: Duration.seconds(0) });
    expect(result).toMatchObject({ hostName: 'orders.prod.example.internal', readerHostName: 'read.prod.example.internal',
      primaryHostName: 'write.prod.example.internal' });
    expect(Object.values(records(Template.fromStack(stack))).map(r => r.ttl)).toEqual(['0', '0', '0']);
  });
});

describe('connectFrom() with DNS names', () => {
  function wired(options: { before?: boolean; useDnsNames?: boolean } = {}) {
    const { stack, vpc, zone } = base();
    const cache = new ReplicationGroup(stack, 'Orders', { vpc });
    const consumer = fn(stack, vpc);
    const { before = true } = options;
    if (before) {
      cache.addDnsRecords({ zone, recordName: 'orders' });
    }
    const binding = cache.connectFrom(consumer, { useDnsNames: options.useDnsNames });
    if (!before) {
      cache.addDnsRecords({ zone, recordName: 'orders' });
    }
    return { stack, cache, binding };
  }

  test('hands out the names once the cache has records', () => {
    const { binding } = wired();
    expect(binding.environment).toMatchObject({ CACHE_HOST: 'orders.example.internal', CACHE_READER_HOST: 'orders-reader.example.internal',
      CACHE_DNS_ALIAS: 'true' });
  });

  test('useDnsNames: false hands out the endpoints', () => {
    const { stack, cache, binding } = wired({ useDnsNames: false });
    expect(stack.resolve(binding.environment.CACHE_HOST)).toEqual(getAtt(stack, cache, 'PrimaryEndPoint.Address'));
    expect(stack.resolve(binding.environment.CACHE_READER_HOST)).toEqual(getAtt(stack, cache, 'ReaderEndPoint.Address'));
    expect(binding.environment.CACHE_DNS_ALIAS).toBeUndefined();
  });

  test('records added after connectFrom() warn: that consumer got the endpoints', () => {
    const { stack, cache, binding } = wired({ before: false });
    expect(stack.resolve(binding.environment.CACHE_HOST)).toEqual(getAtt(stack, cache, 'PrimaryEndPoint.Address'));
    Annotations.fromStack(stack).hasWarning('/Cache/Orders', Match.stringLikeRegexp('after connectFrom\\(\\).*\\[ack: cdk-elasticache:dnsRecordsAfterConnectFrom\\]'));
  });

  test('useDnsNames: true without records is an error', () => {
    expect(() => wired({ before: false, useDnsNames: true })).toThrow(
      "Cache/Orders: Invalid connectFrom useDnsNames: got true. Allowed: true after cache.addDnsRecords({ zone, recordName })");
  });

  test('a cluster-mode-compatible group hands out the configuration name, and no reader (as with endpoints)', () => {
    const { stack, vpc, zone } = base();
    const cache = new ReplicationGroup(stack, 'Orders', { vpc, clusterMode: ClusterMode.COMPATIBLE });
    cache.addDnsRecords({ zone, recordName: 'orders' });
    const env = cache.connectFrom(fn(stack, vpc)).environment;
    expect(env.CACHE_HOST).toBe('orders.example.internal');
    expect(env.CACHE_CLUSTER).toBe('true');
    expect(env.CACHE_READER_HOST).toBeUndefined();
  });

  test('a serverless cache keeps its ports; Memcached gets its configuration name', () => {
    const { stack, vpc, zone } = base();
    const serverless = new ServerlessCache(stack, 'Sessions', { vpc });
    serverless.addDnsRecords({ zone, recordName: 'sessions' });
    expect(serverless.connectFrom(fn(stack, vpc)).environment).toMatchObject({ CACHE_HOST: 'sessions.example.internal',
      CACHE_PORT: '6379', CACHE_READER_HOST: 'sessions-reader.example.internal', CACHE_READER_PORT: '6380' });
    const memcached = new MemcachedCluster(stack, 'Pages', { vpc });
    memcached.addDnsRecords({ zone, recordName: 'pages' });
    expect(memcached.connectFrom(fn(stack, vpc, 'Fn2'), { name: 'pages' }).environment).toMatchObject({ CACHE_PAGES_HOST: 'pages.example.internal' });
  });
});

describe('the zone', () => {
  const zones: Array<[string, (s: Stack, vpc: ec2.IVpc) => route53.IHostedZone, boolean]> = [
    ['a PublicHostedZone', s => new route53.PublicHostedZone(s, 'Public', { zoneName: ZONE }), true],
    ['a HostedZone without VPCs (public)', s => new route53.HostedZone(s, 'Plain', { zoneName: ZONE }), true],
    ['a HostedZone with VPCs (private)', (s, vpc) => new route53.HostedZone(s, 'Plain', { zoneName: ZONE, vpcs: [vpc] }), false],
    ['a PrivateHostedZone', (s, vpc) => new route53.PrivateHostedZone(s, 'Private', { zoneName: ZONE, vpc }), false],
    ['an imported zone (privacy unknown: taken as it is)',
      s => route53.HostedZone.fromHostedZoneAttributes(s, 'Imported', { hostedZoneId: 'Z0123456789', zoneName: ZONE }), false],
  ];
  test.each(zones)('%s: public warns (stable id)', (_, make, warns) => {
    const { stack, vpc } = base();
    new ReplicationGroup(stack, 'Orders', { vpc }).addDnsRecords({ zone: make(stack, vpc), recordName: 'orders' });
    const warnings = Annotations.fromStack(stack).findWarning('/Cache/Orders', Match.stringLikeRegexp('cdk-elasticache:dnsPublicZone'));
    expect(warnings.map(w => w.entry.data)).toEqual(warns ? [expect.stringContaining(`the zone ${ZONE} at Cache/`)] : []);
  });
});

describe('validation', () => {
  const ALLOWED = `Allowed: a name in the zone '${ZONE}', relative to it ('orders', 'orders.prod') or in full ('orders.${ZONE}')`;
  const rows: Array<[string, (c: { stack: Stack; vpc: ec2.IVpc; zone: route53.IHostedZone }) => void, string]> = [
    ['a full name outside the zone', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders.example.com.' }), `Invalid recordName: got 'orders.example.com.'. ${ALLOWED}`],
    ['a name ending in another zone of the same top-level label', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders.staging.internal' }), 'The name is outside the zone.'],
    ['the apex', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: `${ZONE}.` }), 'DNS allows no CNAME at the apex'],
    ['an underscore', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders_1' }), `Invalid recordName: got 'orders_1'. ${ALLOWED}`],
    ['a label starting with a hyphen', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: '-orders' }), "Invalid recordName: got '-orders'."],
    ['a wildcard', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: '*' }), "Invalid recordName: got '*'."],
    ['a name over 253 characters', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: Array(5).fill('a'.repeat(50)).join('.') }), 'At most 253 characters in full'],
    ['a label over 63 characters', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'a'.repeat(64) }), 'labels of letters, digits and hyphens'],
    ['a reader name on a cache without a reader endpoint', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc, clusterMode: ClusterMode.ENABLED })
      .addDnsRecords({ zone, recordName: 'orders', readerRecordName: 'reader' }),
    "Invalid readerRecordName: got 'reader'. Allowed: none on a replication group with cluster mode enabled, which has no reader endpoint."],
    ['a primary name on a cluster-mode-disabled group', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders', primaryRecordName: 'write' }),
    "Invalid primaryRecordName: got 'write'. Allowed: none on a replication group with cluster mode disabled"],
    ['the reader named as the host', ({ stack, vpc, zone }) => new ReplicationGroup(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders', readerRecordName: `orders.${ZONE}` }),
    `Invalid readerRecordName: got 'orders.${ZONE}'. Allowed: a name other than recordName's`],
    ['a name another cache of the stack has', ({ stack, vpc, zone }) => {
      new ReplicationGroup(stack, 'Orders', { vpc }).addDnsRecords({ zone, recordName: 'orders' });
      new MemcachedCluster(stack, 'Pages', { vpc }).addDnsRecords({ zone, recordName: 'orders-reader' });
    }, `Cache/Pages: Invalid recordName: got 'orders-reader.${ZONE}'. Allowed: a name no other addDnsRecords() of the stack uses in that zone: `
      + 'Cache/Orders has'],
    ['a TTL that is not whole seconds', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders', ttl: Duration.millis(1500) }),
    'Invalid ttl: got 1 second 500 millis. Allowed: whole seconds from 0 to 2147483647'],
    ['a TTL above Route 53\'s', ({ stack, vpc, zone }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone, recordName: 'orders', ttl: Duration.days(30000) }), 'Invalid ttl: got 30000 days.'],
    ['a zone without a name', ({ stack, vpc }) => new MemcachedCluster(stack, 'Orders', { vpc })
      .addDnsRecords({ zone: route53.HostedZone.fromHostedZoneId(stack, 'ById', 'Z0123'), recordName: 'orders' }),
    'Invalid zone: got the zone at Cache/ById, whose name is unknown. Allowed: a zone with a name'],
  ];
  test.each(rows)('%s', (_, build, message) => {
    const ctx = base();
    expect(() => build(ctx)).toThrow(message);
  });
});

describe('across stacks and over time', () => {
  /** Network (VPC, private zone) / Cache (the caches of `build`) / Consumer (a function wired by connectFrom()). */
  function app(build: (cacheStack: Stack, vpc: ec2.IVpc, zone: route53.IHostedZone) => ReplicationGroup) {
    const a = new App();
    const network = new Stack(a, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
    const zone = new route53.PrivateHostedZone(network, 'Zone', { zoneName: ZONE, vpc });
    const cacheStack = new Stack(a, 'Cache');
    const cache = build(cacheStack, vpc, zone);
    const consumerStack = new Stack(a, 'Consumer');
    const binding = cache.connectFrom(fn(consumerStack, vpc));
    // Synthesizing the whole app throws on a dependency cycle.
    const assembly = a.synth();
    const templates = Object.fromEntries(assembly.stacks.map(s => [s.stackName, s.template]));
    return { templates, binding, consumerStack, cacheStack };
  }
  const blue = (s: Stack, vpc: ec2.IVpc, zone: route53.IHostedZone) => {
    const cache = new ReplicationGroup(s, 'Blue', { vpc });
    cache.addDnsRecords({ zone, recordName: 'orders' });
    return cache;
  };
  const green = (s: Stack, vpc: ec2.IVpc, zone: route53.IHostedZone, keepExports = false) => {
    const old = new ReplicationGroup(s, 'Blue', { vpc });
    if (keepExports) {
      // What docs/dns-names.md tells to add for the deployment of the switch.
      for (const value of [old.authSecret!.secretArn, old.connections.securityGroups[0].securityGroupId, old.replicationGroupId]) {
        Stack.of(old).exportValue(value);
      }
    }
    const cache = new ReplicationGroup(s, 'Green', { vpc, nodeType: NodeType.R7G_LARGE });
    cache.addDnsRecords({ zone, recordName: 'orders' });
    return cache;
  };
  /** The export names a template imports, and those it exports. */
  const imports = (t: unknown) => [...new Set([...JSON.stringify(t).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map(m => m[1]))];
  const exportsOf = (t: { Outputs?: Record<string, { Export?: { Name: string } }> }) =>
    Object.values(t.Outputs ?? {}).flatMap(o => (o.Export ? [o.Export.Name] : []));

  test('a consumer in another stack gets the names as literals: no endpoint import, no cycle', () => {
    const { templates, binding, consumerStack, cacheStack } = app(blue);
    expect(binding.environment.CACHE_HOST).toBe('orders.example.internal');
    expect(consumerStack.dependencies.map(s => s.stackName).sort()).toEqual(['Cache', 'Network']);
    expect(cacheStack.dependencies.map(s => s.stackName)).toEqual(['Network']);
    const consumerImports = JSON.stringify(templates.Consumer).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
    expect(consumerImports.filter(i => /EndPoint/.test(i))).toEqual([]);
    // The cache's stack keeps exporting the endpoints: a consumer stack deployed before the names imports them until it is updated.
    const exported = Object.values(templates.Cache.Outputs as Record<string, { Value: unknown; Export?: unknown }>)
      .filter(o => o.Export !== undefined).map(o => JSON.stringify(o.Value));
    expect(exported).toEqual(expect.arrayContaining([/PrimaryEndPoint\.Address/, /ReaderEndPoint\.Address/]
      .map(re => expect.stringMatching(re))));
    // The records are in the cache's stack and take the zone from the network stack.
    expect(JSON.stringify(templates.Cache)).toMatch(/"HostedZoneId":\{"Fn::ImportValue":"Network:/);
  });

  test('blue/green: moving addDnsRecords() to the new cache changes each record\'s value in place; the consumer keeps the names', () => {
    const before = app(blue);
    const after = app(green);
    // The consumer is rewired to the new cache (its secret, its security group), but its hosts stay the names: clients
    // that run on meanwhile (or that are not redeployed at all) follow the records.
    for (const key of ['CACHE_HOST', 'CACHE_READER_HOST']) {
      expect(after.binding.environment[key]).toBe(before.binding.environment[key]);
    }
    // Same logical ids (the records belong to the stack, by name), only new values: CloudFormation updates a record's
    // ResourceRecords in place, whereas a record under a new logical id would be created before the old one is deleted,
    // which Route 53 refuses (a record of that name exists). aws-cdk's diff engine says WILL_UPDATE too (not run here:
    // loading its resource database takes a second).
    const recordsOf = (t: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }) =>
      Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Route53::RecordSet');
    const old = Object.fromEntries(recordsOf(before.templates.Cache));
    const now = recordsOf(after.templates.Cache);
    expect(now.map(([id]) => id)).toEqual([
      expect.stringMatching(/^CacheDnsRecordsordersexampleinternal[0-9A-F]{8}$/),
      expect.stringMatching(/^CacheDnsRecordsordersreaderexampleinternal[0-9A-F]{8}$/),
    ]);
    expect(now.map(([id]) => id)).toEqual(Object.keys(old));
    for (const [id, record] of now) {
      const changed = Object.keys(record.Properties).filter(k => JSON.stringify(record.Properties[k]) !== JSON.stringify(old[id].Properties[k]));
      expect(changed).toEqual(['ResourceRecords']);
    }
    const target = (i: number) => (now[i][1].Properties.ResourceRecords as Array<Record<string, unknown>>)[0]['Fn::GetAtt'];
    expect(target(0)).toEqual([expect.stringMatching(/^Green/), 'PrimaryEndPoint.Address']);
    expect(target(1)).toEqual([expect.stringMatching(/^Green/), 'ReaderEndPoint.Address']);

    // The consumer in another stack moved to Green: the Cache stack, deployed first, drops Blue's exports that the deployed
    // Consumer stack imports (CloudFormation refuses: export in use), unless they are kept one deployment, as the docs say.
    const missing = (cacheTemplate: never) => imports(before.templates.Consumer).filter(name => name.startsWith('Cache:')
      && !exportsOf(cacheTemplate).includes(name));
    expect(missing(after.templates.Cache as never)).toEqual([
      expect.stringMatching(/Blue/), expect.stringMatching(/Blue/), expect.stringMatching(/Blue/)]);
    expect(missing(app((st, vpc, zone) => green(st, vpc, zone, true)).templates.Cache as never)).toEqual([]);
  });
});
