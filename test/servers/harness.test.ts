import * as fs from 'node:fs';
import {
  freePort, makeTempDir, missingServers, probe, processAlive, REQUIRE_SERVERS_ENV, RunningServer, serversAvailable, serverSuite, startProcess,
  userIds, startMemcached, startRedis, startValkey,
} from './harness';

describe('serversAvailable', () => {
  const saved = process.env[REQUIRE_SERVERS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[REQUIRE_SERVERS_ENV];
    else process.env[REQUIRE_SERVERS_ENV] = saved;
  });

  test('a missing binary skips with one line naming the package, or fails when servers are required', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      delete process.env[REQUIRE_SERVERS_ENV];
      expect(missingServers(['sh', 'no-such-server-xyz'])).toEqual(['no-such-server-xyz']);
      expect(serversAvailable(['sh', 'no-such-server-xyz'], 'demo')).toBe(false);
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0][0])).toMatch(/^demo: skipped, no-such-server-xyz not on the PATH; install no-such-server-xyz\n$/);
      expect(serversAvailable(['sh'])).toBe(true);

      process.env[REQUIRE_SERVERS_ENV] = '1';
      expect(() => serversAvailable(['no-such-server-xyz'], 'demo')).toThrow(new Error('demo: no-such-server-xyz not on the PATH; '
        + 'install no-such-server-xyz (CDK_ELASTICACHE_REQUIRE_SERVERS=1 makes a missing server a failure)'));
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      write.mockRestore();
    }
  });
});

serverSuite('harness', ['valkey-server', 'redis-server', 'memcached', 'openssl'], () => {
  let servers: RunningServer[];
  beforeAll(async () => {
    servers = await Promise.all([
      startValkey(),
      startRedis({ tls: true, config: ['--maxmemory', '3mb'] }),
      startMemcached({ tls: true }),
    ]);
  }, 20_000);

  test('servers answer on 127.0.0.1 ephemeral ports, TLS with the self-signed certificate, extra config applied', async () => {
    const [valkey, redis, memcached] = servers;
    expect(new Set(servers.map((s) => s.port)).size).toBe(3);
    expect(await probe(valkey.port, 'PING\r\n')).toBe('+PONG\r\n');
    expect(await probe(redis.port, 'CONFIG GET maxmemory\r\n', redis.tls)).toContain('3145728');
    // TLS only: a plaintext client gets no answer.
    await expect(probe(redis.port, 'PING\r\n', undefined, 300)).rejects.toThrow();
    expect(await probe(memcached.port, 'version\r\n', memcached.tls)).toMatch(/^VERSION 1\.6/);
    expect(await probe(valkey.port, 'CONFIG GET save\r\n')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
  });

  test('stop() kills the server by pid and removes its temp dir', async () => {
    const valkey = servers[0];
    expect(processAlive(valkey.pid)).toBe(true);
    expect(fs.existsSync(valkey.dir)).toBe(true);
    await valkey.stop();
    expect(processAlive(valkey.pid)).toBe(false);
    expect(fs.existsSync(valkey.dir)).toBe(false);
    await valkey.stop();
  });
});

serverSuite('harness: a server run as another user', ['valkey-server'], () => {
  test('runAs spawns the binary itself with the user\'s uid (the pid is the server\'s), in a dir it owns', async () => {
    if (process.getuid?.() !== 0) return; // runAs only applies when the tests run as root
    const dir = makeTempDir('runas');
    const port = await freePort();
    const server = await startProcess({
      binary: 'valkey-server', args: ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--dir', dir], port, dir, runAs: 'nobody',
      ready: async () => /^\+PONG/.test(await probe(port, 'PING\r\n')),
    });
    try {
      const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
      expect(status).toMatch(/^Name:\s+valkey-server$/m);
      expect(status).toMatch(new RegExp(`^Uid:\\s+${userIds('nobody').uid}\\s`, 'm'));
      expect(fs.statSync(dir).uid).toBe(userIds('nobody').uid);
    } finally {
      await server.stop();
    }
    expect(fs.existsSync(dir)).toBe(false);
  });
});
