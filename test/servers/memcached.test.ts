/**
 * What the README says about Memcached, on a real Memcached 1.6 server: no authentication, the item
 * size limit and `max_item_size` (read from a synthesized MemcachedCluster's parameter group), TTLs,
 * LRU eviction, and TLS (the default of MemcachedCluster) with a client that speaks it: memjs has no
 * TLS, so that check uses node's tls with the text protocol.
 */
import * as tls from 'node:tls';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as memjs from 'memjs';
import { MemcachedCluster } from '../../lib';
import { HOST, probe, RunningServer, serverSuite, startMemcached } from './harness';

/** The template of a MemcachedCluster with the README's `max_item_size`, and of a default one. */
function synthesize(): { maxItemSize: string; transitEncryption: unknown } {
  const stack = new Stack(new App(), 'Stack');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
  new MemcachedCluster(stack, 'Plain', { vpc });
  new MemcachedCluster(stack, 'Big', { vpc, parameters: { max_item_size: '10485760' } });
  const template = Template.fromStack(stack);
  const groups = Object.values(template.findResources('AWS::ElastiCache::ParameterGroup'));
  const clusters = template.findResources('AWS::ElastiCache::CacheCluster');
  const defaultCluster = Object.entries(clusters).find(([id]) => id.startsWith('Plain'))![1];
  return {
    maxItemSize: groups.map(g => g.Properties.Properties?.max_item_size).find(v => v !== undefined),
    transitEncryption: defaultCluster.Properties.TransitEncryptionEnabled,
  };
}

function client(server: RunningServer): memjs.Client {
  return memjs.Client.create(`${server.host}:${server.port}`, { retries: 0, timeout: 5, logger: { log: () => undefined } });
}

function stats(c: memjs.Client): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => c.stats((err, _server, s) => (err ? reject(err) : resolve(s!))));
}

/** One text-protocol exchange over TLS: sends `request`, resolves with the reply once it ends with `until`. */
function tlsExchange(server: RunningServer, request: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: HOST, port: server.port, ca: server.tls!.ca }, () => socket.write(request));
    let reply = '';
    socket.setTimeout(3_000, () => socket.destroy(new Error(`timeout, got ${JSON.stringify(reply)}`)));
    socket.on('data', (d) => {
      reply += d.toString();
      if (until.test(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}

const KB = 1024;
const MB = 1024 * KB;

serverSuite('Memcached on a real server', ['memcached', 'openssl'], () => {
  const synthesized = synthesize();
  let small: RunningServer;
  let big: RunningServer;
  let secure: RunningServer;
  let smallClient: memjs.Client;
  let bigClient: memjs.Client;
  let ttlSetAt: number;

  beforeAll(async () => {
    [small, big, secure] = await Promise.all([
      // 8 MB of memory, the default item size limit (1 MB).
      startMemcached({ config: ['-m', '8'] }),
      // The parameter group's max_item_size, as ElastiCache passes it to the engine (-I).
      startMemcached({ config: ['-I', synthesized.maxItemSize] }),
      startMemcached({ tls: true }),
    ]);
    smallClient = client(small);
    bigClient = client(big);
    // Set first, checked last: memcached's clock ticks in seconds.
    ttlSetAt = Date.now();
    await smallClient.set('ttl:short', 'soon gone', { expires: 1 });
  }, 20_000);

  afterAll(() => {
    smallClient?.quit();
    bigClient?.quit();
  });

  test('no authentication: any client that reaches the port reads and writes', async () => {
    expect(await smallClient.set('open:key', 'anyone')).toBe(true);
    const other = client(small);
    expect((await other.get('open:key')).value?.toString()).toBe('anyone');
    other.quit();
  });

  test('items up to 1 MB by default; max_item_size from the parameter group raises the limit', async () => {
    expect(synthesized.maxItemSize).toBe('10485760');
    expect(await smallClient.set('item:900k', 'x'.repeat(900 * KB))).toBe(true);
    await expect(smallClient.set('item:1100k', 'x'.repeat(1100 * KB))).rejects.toThrow(/too large/i);
    expect(await bigClient.set('item:5m', 'x'.repeat(5 * MB))).toBe(true);
    expect((await bigClient.get('item:5m')).value?.length).toBe(5 * MB);
    await expect(bigClient.set('item:11m', 'x'.repeat(11 * MB))).rejects.toThrow(/too large/i);
  });

  test('a full cache evicts the least recently used items', async () => {
    const before = Number((await stats(smallClient)).evictions);
    const value = 'v'.repeat(10 * KB);
    // 24 MB into 8 MB, reading one item all along so that it stays recently used. Memcached 1.6's LRU is
    // segmented: a read marks the item active, and its background maintainer thread moves active items
    // out of the way of eviction. Writes come in small batches with a pause, so that on a busy machine
    // (four jest workers on two cores) the maintainer gets to run between them, as it does on a cache
    // node; in one CI run out of several, batches of 100 without a pause evicted the item it had not moved yet.
    for (let i = 0; i < 2400; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => smallClient.set(`lru:${i + j}`, value)));
      await smallClient.get('lru:0');
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(Number((await stats(smallClient)).evictions) - before).toBeGreaterThan(1000);
    expect((await smallClient.get('lru:1')).value).toBeNull();
    expect((await smallClient.get('lru:2399')).value?.toString()).toBe(value);
    expect((await smallClient.get('lru:0')).value?.toString()).toBe(value);
  });

  test('TLS (on by default in MemcachedCluster): a TLS client talks to it, a plaintext one gets nothing', async () => {
    expect(synthesized.transitEncryption).toBe(true);
    expect(await tlsExchange(secure, 'version\r\n', /\r\n$/)).toMatch(/^VERSION 1\.6\.\d+\r\n$/);
    expect(await tlsExchange(secure, 'set tls:key 0 60 5\r\nhello\r\nget tls:key\r\n', /END\r\n$/))
      .toBe('STORED\r\nVALUE tls:key 0 5\r\nhello\r\nEND\r\n');
    await expect(probe(secure.port, 'version\r\n', undefined, 300)).rejects.toThrow();
  });

  test('an item with a TTL expires', async () => {
    // Set in beforeAll with a 1 second TTL; memcached counts whole seconds, so it is gone within 2.
    await new Promise(r => setTimeout(r, Math.max(0, ttlSetAt + 2_100 - Date.now())));
    expect((await smallClient.get('ttl:short')).value).toBeNull();
    expect(await smallClient.set('ttl:long', 'stays', { expires: 3600 })).toBe(true);
    expect((await smallClient.get('ttl:long')).value?.toString()).toBe('stays');
  });
});
