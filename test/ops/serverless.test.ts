import {
  CreateServerlessCacheSnapshotCommand,
  DescribeServerlessCachesCommand,
  DescribeServerlessCacheSnapshotsCommand,
  ElastiCacheClient,
  ServerlessCache,
  ServerlessCacheNotFoundFault,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { OpsError } from '../../lib/ops/errors';
import {
  createServerlessSnapshot, describeServerlessCache, formatServerlessDescription, waitForServerlessCache,
} from '../../lib/ops/serverless';
import { ACCOUNT, REGION, testClient } from './fixtures';

const ec = mockClient(ElastiCacheClient);
const client = testClient();

function serverless(overrides: Partial<ServerlessCache> = {}): ServerlessCache {
  return {
    ServerlessCacheName: 'orders',
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:serverlesscache:orders`,
    Description: 'Serverless cache Stack/Orders',
    Status: 'available',
    Engine: 'valkey',
    MajorEngineVersion: '8',
    FullEngineVersion: '8.0',
    CreateTime: new Date('2025-02-28T10:00:00Z'),
    CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Minimum: 1000, Maximum: 100000 } },
    Endpoint: { Address: 'orders-abc.serverless.euw1.cache.amazonaws.com', Port: 6379 },
    ReaderEndpoint: { Address: 'orders-abc.serverless.euw1.cache.amazonaws.com', Port: 6380 },
    SecurityGroupIds: ['sg-1'],
    SubnetIds: ['subnet-1', 'subnet-2'],
    UserGroupId: 'stack-orders-usergroup-1234abcd',
    SnapshotRetentionLimit: 15,
    DailySnapshotTime: '04:30',
    ...overrides,
  };
}

const notFound = () => new ServerlessCacheNotFoundFault({ message: 'ServerlessCache orders not found', $metadata: {} });

beforeEach(() => {
  ec.reset();
  jest.useFakeTimers({ now: new Date('2025-03-01T14:00:00Z') });
});
afterEach(() => jest.useRealTimers());

describe('describeServerlessCache', () => {
  test('status, endpoints (6379 and the reader 6380), limits, snapshots newest first', async () => {
    ec.on(DescribeServerlessCachesCommand, { ServerlessCacheName: 'orders' }).resolves({ ServerlessCaches: [serverless()] });
    ec.on(DescribeServerlessCacheSnapshotsCommand, { ServerlessCacheName: 'orders' }).resolves({ ServerlessCacheSnapshots: [
      { ServerlessCacheSnapshotName: 'old', Status: 'available', SnapshotType: 'automated', CreateTime: new Date('2025-02-28T04:30:00Z') },
      { ServerlessCacheSnapshotName: 'new', Status: 'available', SnapshotType: 'manual', CreateTime: new Date('2025-03-01T04:30:00Z'),
        BytesUsedForCache: '1024' },
    ] });
    const d = await describeServerlessCache(client, 'orders');
    expect(d).toEqual(expect.objectContaining({
      kind: 'serverless-cache', id: 'orders', status: 'available', engine: 'valkey', engineDisplayName: 'Valkey',
      majorEngineVersion: '8', fullEngineVersion: '8.0',
      endpoints: [
        { role: 'primary', address: 'orders-abc.serverless.euw1.cache.amazonaws.com', port: 6379 },
        { role: 'reader', address: 'orders-abc.serverless.euw1.cache.amazonaws.com', port: 6380 },
      ],
      dataStorage: { maximum: 10, unit: 'GB' }, ecpuPerSecond: { minimum: 1000, maximum: 100000 },
      snapshotRetentionLimit: 15, dailySnapshotTime: '04:30', userGroupId: 'stack-orders-usergroup-1234abcd',
      createTime: '2025-02-28T10:00:00.000Z',
    }));
    expect(d.snapshots.map(s => s.name)).toEqual(['new', 'old']);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(formatServerlessDescription(d).split('\n')).toEqual([
      'orders: Valkey 8.0 serverless cache, available',
      '  endpoint        orders-abc.serverless.euw1.cache.amazonaws.com:6379',
      '  reader endpoint orders-abc.serverless.euw1.cache.amazonaws.com:6380',
      '  data storage    0 GB to 10 GB',
      '  ECPU per second 1000 to 100000',
      '  snapshots       daily at 04:30 UTC, kept 15 days',
      '  authentication  RBAC user group stack-orders-usergroup-1234abcd',
      '  encryption      TLS, at rest with the AWS owned key',
      '  recent snapshots:',
      '    new available manual 2025-03-01T04:30:00.000Z 1024 bytes',
      '    old available automated 2025-02-28T04:30:00.000Z',
    ]);
  });

  test('a Memcached cache without limits or snapshots', async () => {
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [serverless({
      Engine: 'memcached', MajorEngineVersion: '1.6', FullEngineVersion: '1.6', CacheUsageLimits: undefined, ReaderEndpoint: undefined,
      Endpoint: { Address: 'mem.serverless.euw1.cache.amazonaws.com', Port: 11211 }, UserGroupId: undefined, SnapshotRetentionLimit: 0,
      DailySnapshotTime: undefined, KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k',
    })] });
    ec.on(DescribeServerlessCacheSnapshotsCommand).resolves({ ServerlessCacheSnapshots: [] });
    const text = formatServerlessDescription(await describeServerlessCache(client, 'orders'));
    expect(text).toContain('Memcached 1.6 serverless cache');
    expect(text).not.toContain('reader endpoint');
    for (const line of ['data storage    no limit', 'snapshots       no daily snapshots', 'authentication  none (default user)',
      'at rest with arn:aws:kms:eu-west-1:123456789012:key/k']) {
      expect(text).toContain(line);
    }
  });

  test('an unknown name is one clear error naming the region', async () => {
    ec.on(DescribeServerlessCachesCommand).rejects(notFound());
    await expect(describeServerlessCache(client, 'orders')).rejects.toThrow(new OpsError(`No serverless cache named 'orders' in ${REGION}.`));
  });
});

describe('waitForServerlessCache', () => {
  test('polls every 15 s until available, one progress line per poll', async () => {
    ec.on(DescribeServerlessCachesCommand)
      .resolvesOnce({ ServerlessCaches: [serverless({ Status: 'creating' })] })
      .resolves({ ServerlessCaches: [serverless()] });
    const progress: string[] = [];
    const result = waitForServerlessCache(client, 'orders', { onProgress: l => progress.push(l) });
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual({ id: 'orders', kind: 'serverless-cache', status: 'available', elapsedMs: 15_000 });
    expect(progress).toEqual(['orders: creating [0s]', 'orders: available [15s]']);
  });

  test.each(['create-failed', 'deleting'])('fails at once on %s', async status => {
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [serverless({ Status: status })] });
    await expect(waitForServerlessCache(client, 'orders')).rejects.toThrow(`orders is '${status}' and will not become available.`);
  });

  test('times out with the last status', async () => {
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [serverless({ Status: 'modifying' })] });
    const result = waitForServerlessCache(client, 'orders', { timeoutMs: 60_000 });
    const check = expect(result).rejects.toThrow('Timed out after 1m0s waiting for orders to be available (status: modifying).');
    await jest.advanceTimersByTimeAsync(75_000);
    await check;
  });
});

describe('createServerlessSnapshot', () => {
  test('takes a snapshot with the default name and waits until it is available', async () => {
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [serverless()] });
    ec.on(CreateServerlessCacheSnapshotCommand).resolves({});
    ec.on(DescribeServerlessCacheSnapshotsCommand)
      .resolvesOnce({ ServerlessCacheSnapshots: [{ ServerlessCacheSnapshotName: 'orders-manual-20250301-140000', Status: 'creating' }] })
      .resolves({ ServerlessCacheSnapshots: [{ ServerlessCacheSnapshotName: 'orders-manual-20250301-140000', Status: 'available',
        ARN: 'arn:aws:elasticache:eu-west-1:123456789012:serverlesscachesnapshot:orders-manual-20250301-140000', BytesUsedForCache: '42' }] });
    const result = createServerlessSnapshot(client, 'orders');
    await jest.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual({
      name: 'orders-manual-20250301-140000', source: 'orders', status: 'available', bytes: '42', durationMs: 15_000,
      arn: 'arn:aws:elasticache:eu-west-1:123456789012:serverlesscachesnapshot:orders-manual-20250301-140000',
    });
    expect(ec.commandCalls(CreateServerlessCacheSnapshotCommand)[0].args[0].input)
      .toEqual({ ServerlessCacheName: 'orders', ServerlessCacheSnapshotName: 'orders-manual-20250301-140000' });
  });

  test('refuses a cache that is not available, and an unknown one', async () => {
    ec.on(DescribeServerlessCachesCommand).resolvesOnce({ ServerlessCaches: [serverless({ Status: 'creating' })] }).rejects(notFound());
    await expect(createServerlessSnapshot(client, 'orders', { name: 'x' }))
      .rejects.toThrow("Refusing snapshot of orders: it is 'creating'; ElastiCache snapshots available caches only (cdk-elasticache wait orders).");
    await expect(createServerlessSnapshot(client, 'orders')).rejects.toThrow("No serverless cache named 'orders'");
    expect(ec.commandCalls(CreateServerlessCacheSnapshotCommand)).toHaveLength(0);
  });

  test('fails when the snapshot fails', async () => {
    ec.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [serverless()] });
    ec.on(CreateServerlessCacheSnapshotCommand).resolves({});
    ec.on(DescribeServerlessCacheSnapshotsCommand).resolves({ ServerlessCacheSnapshots: [{ ServerlessCacheSnapshotName: 's', Status: 'failed' }] });
    await expect(createServerlessSnapshot(client, 'orders', { name: 's' })).rejects.toThrow("Snapshot s of orders is 'failed'");
  });
});
