// CACHE_DNS_ALIAS=true: CACHE_HOST is a DNS name of addDnsRecords() (a CNAME to the endpoint). ElastiCache's
// TLS certificates name its endpoints, not the user's names, so with TLS the helper checks the certificate
// against the endpoint the name points to. The unit tests give the CNAME chain; the real-server test
// connects iovalkey, with the helper's options, to a TLS Valkey through a name its certificate does not have.
import * as tls from 'node:tls';
import Valkey from 'iovalkey';
import { CacheClientError, CacheConnection, readCacheEnvironment } from '../../lib/client';
import { RunningServer, serverSuite, startValkey } from '../servers/harness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ALIAS = 'orders.example.internal';
const PRIMARY = 'master.orders.abc123.euw1.cache.amazonaws.com';

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CACHE_ENGINE: 'valkey', CACHE_ID: 'orders', CACHE_HOST: ALIAS, CACHE_PORT: '6379', CACHE_READER_HOST: 'orders-reader.example.internal',
    CACHE_TLS: 'true', CACHE_AUTH: 'none', CACHE_DNS_ALIAS: 'true', ...overrides,
  };
}

/** A resolver over a fixed table of CNAMEs; a name without one fails as node:dns does (ENODATA), and the queries are recorded. */
function cnames(table: Record<string, string>) {
  const asked: string[] = [];
  const resolveCname = async (name: string) => {
    asked.push(name);
    if (table[name] === undefined) {
      throw Object.assign(new Error(`queryCname ENODATA ${name}`), { code: 'ENODATA' });
    }
    return [table[name]];
  };
  return { asked, resolveCname };
}

describe('CACHE_DNS_ALIAS', () => {
  test('is read as a boolean; anything else is an error naming it', () => {
    expect(readCacheEnvironment(undefined, env()).dnsAlias).toBe(true);
    expect(readCacheEnvironment(undefined, env({ CACHE_DNS_ALIAS: undefined })).dnsAlias).toBeUndefined();
    expect(() => readCacheEnvironment(undefined, env({ CACHE_DNS_ALIAS: 'yes' })))
      .toThrow(new CacheClientError("Invalid CACHE_DNS_ALIAS: got 'yes'. Allowed: 'true', 'false'."));
  });

  test('with TLS: the certificate is checked against the endpoint the name points to, resolved at each call', async () => {
    const dns = cnames({ [ALIAS]: `${PRIMARY}.`, 'orders-reader.example.internal': 'replica.orders.abc123.euw1.cache.amazonaws.com' });
    const connection = CacheConnection.fromEnvironment({ env: env(), resolveCname: dns.resolveCname });
    // The client connects to the name (so that a reconnection follows the record), and checks the endpoint's certificate.
    expect(await connection.ioredisOptions()).toEqual({ host: ALIAS, port: 6379, tls: { servername: PRIMARY } });
    expect(await connection.nodeRedisOptions({ reader: true })).toEqual({ socket: { host: 'orders-reader.example.internal', port: 6379,
      tls: true, servername: 'replica.orders.abc123.euw1.cache.amazonaws.com' } });
    // The chain stops at the first ElastiCache name: the primary endpoint is itself a CNAME to the primary node.
    expect(dns.asked).toEqual([ALIAS, 'orders-reader.example.internal']);
  });

  test('a chain of names is followed to the endpoint; a cluster client starts from the endpoint itself', async () => {
    const configuration = 'clustercfg.orders.abc123.euw1.cache.amazonaws.com';
    const dns = cnames({ [ALIAS]: 'orders.prod.example.internal', 'orders.prod.example.internal': configuration });
    const connection = CacheConnection.fromEnvironment({ env: env({ CACHE_CLUSTER: 'true', CACHE_READER_HOST: undefined }),
      resolveCname: dns.resolveCname });
    const { nodes } = await connection.ioredisClusterOptions();
    expect(nodes).toEqual([{ host: configuration, port: 6379 }]);
    expect((await connection.nodeRedisClusterOptions()).rootNodes).toEqual([{ socket: { host: configuration, port: 6379 } }]);
  });

  test('without TLS, or without the flag, nothing is resolved: the certificate (if any) is checked against the host', async () => {
    const dns = cnames({ [ALIAS]: PRIMARY });
    expect(await CacheConnection.fromEnvironment({ env: env({ CACHE_TLS: 'false' }), resolveCname: dns.resolveCname }).ioredisOptions())
      .toEqual({ host: ALIAS, port: 6379 });
    expect(await CacheConnection.fromEnvironment({ env: env({ CACHE_HOST: PRIMARY, CACHE_DNS_ALIAS: undefined }), resolveCname: dns.resolveCname })
      .ioredisOptions()).toEqual({ host: PRIMARY, port: 6379, tls: { servername: PRIMARY } });
    expect(dns.asked).toEqual([]);
  });

  test('a name that is no CNAME is a one-line error saying why it was resolved', async () => {
    const connection = CacheConnection.fromEnvironment({ env: env(), resolveCname: cnames({}).resolveCname });
    await expect(connection.settings()).rejects.toThrow(new CacheClientError(`Cannot resolve ${ALIAS} (CACHE_DNS_ALIAS=true) to the endpoint `
      + `it names, whose name the server's TLS certificate has: queryCname ENODATA ${ALIAS}`));
  });
});

serverSuite('CACHE_DNS_ALIAS on a real TLS Valkey', ['valkey-server', 'openssl'], () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startValkey({ tls: true });
  }, 20_000);

  /** The helper's iovalkey options for the server through `localhost` (the "DNS name": it resolves to 127.0.0.1). */
  async function options(variables: Record<string, string | undefined>) {
    const connection = CacheConnection.fromEnvironment({
      env: env({ CACHE_HOST: 'localhost', CACHE_PORT: String(server.port), ...variables }),
      // The "endpoint" the name points to: 127.0.0.1, the only name the harness's certificate has.
      resolveCname: cnames({ localhost: server.host }).resolveCname,
    });
    return connection.ioredisOptions();
  }

  test('with the flag, iovalkey checks the certificate against the endpoint and connects', async () => {
    const o = await options({});
    expect(o.tls).toEqual({ servername: server.host });
    const client = new Valkey({ ...o, tls: { ...o.tls, ca: server.tls!.ca }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    // An IP address as the TLS server name (this test's endpoint: the harness's certificate names 127.0.0.1 only) makes
    // Node print its deprecation DEP0123 once; an ElastiCache endpoint is a name.
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  test('without it, the TLS handshake fails: the certificate does not name the DNS name', async () => {
    const o = await options({ CACHE_DNS_ALIAS: undefined });
    expect(o.tls).toEqual({ servername: 'localhost' });
    // The handshake the client would make with these options (iovalkey keeps a timer after a failed handshake).
    const error = await new Promise<Error>((resolve, reject) => {
      const socket = tls.connect({ host: o.host, port: o.port, servername: o.tls!.servername, ca: server.tls!.ca });
      socket.once('secureConnect', () => { socket.destroy(); reject(new Error('the handshake succeeded')); });
      socket.once('error', e => { socket.destroy(); resolve(e); });
    });
    expect((error as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(error.message).toMatch(/Hostname\/IP does not match certificate's altnames: Host: localhost/);
  });
});
