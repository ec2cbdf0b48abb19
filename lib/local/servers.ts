// Starting one cache of the template on 127.0.0.1: its nodes (a primary and replicas, the shards of a
// cluster, Memcached nodes), its users (an ACL file), its parameters (command-line configuration), TLS.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { LocalCacheError } from './errors';
import { CacheSpec, MEMCACHED_FLAGS, randomPassword } from './model';
import {
  binaryVersion, freePort, LISTEN_HOST, portFree, PortTakenError, ProcessGroup, requireBinary, ServerProcess, SessionCertificates,
} from './processes';
import { RespConnection, RespReply } from './resp';

/** The user the session sets up replication and the cluster with (on every Valkey / Redis OSS node). */
export const ADMIN_USER = 'cdk-elasticache-local';

/** One server of a local cache. */
export interface LocalNode {
  /** `primary` or `replica` (Memcached: `node`). */
  readonly role: 'primary' | 'replica' | 'node';
  /** The shard (node group) id; Memcached: the node id (`0001`). */
  readonly shard: string;
  /** The port clients use (TLS when transit encryption is on). */
  readonly port: number;
  /** The plaintext port next to the TLS one, when transit encryption is `preferred`. */
  readonly plaintextPort?: number;
  readonly pid: number;
}

/** What the session shares between caches. */
export interface SessionContext {
  readonly group: ProcessGroup;
  readonly certificates?: SessionCertificates;
  /** `64mb`. */
  readonly maxmemory: string;
  /** Gives the next port (a fixed sequence from --port, or an ephemeral one). */
  readonly port: (what: string) => Promise<number>;
  /** Whether ports come from the OS (a lost race is retried with another port). */
  readonly ephemeral: boolean;
  readonly progress: (line: string) => void;
}

/** A cache that runs. */
export interface StartedCache {
  readonly nodes: LocalNode[];
  readonly binary: string;
  readonly version: string;
  readonly adminPassword?: string;
}

const BINARY: Record<string, string> = { valkey: 'valkey-server', redis: 'redis-server', memcached: 'memcached' };

/** The major version number of `8.2` or `8.0.1`. */
function major(version: string | undefined): number | undefined {
  const m = version === undefined ? undefined : /^(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** Checks the binary (one line naming the package when missing); warns when the local major version is older than the template's. */
export function checkEngine(spec: CacheSpec, warn: (line: string) => void): { binary: string; version: string } {
  const binary = BINARY[spec.engine];
  requireBinary(binary, `${spec.id} (engine ${spec.engine})`);
  const version = binaryVersion(binary);
  const local = major(version);
  const wanted = major(spec.engineVersion);
  if (local !== undefined && wanted !== undefined && local < wanted) {
    warn(`${spec.id}: the template asks for ${spec.engine} ${spec.engineVersion}, ${binary} here is ${version} (an older major version): `
      + 'commands and parameters of the newer version are missing locally.');
  }
  return { binary, version };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The ACL file of a Valkey / Redis OSS cache: the session's admin user, then the template's users (or the default user). */
export function aclFile(spec: CacheSpec, adminPassword: string): string {
  const lines = [`user ${ADMIN_USER} on #${sha256(adminPassword)} ~* &* +@all`];
  if (spec.users) {
    if (!spec.users.some(u => u.name === 'default')) {
      lines.push('user default reset off');
    }
    for (const user of spec.users) {
      const secrets = user.authentication === 'password' ? user.passwords.map(p => `#${sha256(p)}`) : ['nopass'];
      lines.push(`user ${user.name} reset ${user.accessString} ${secrets.join(' ')}`.trim());
    }
  } else if (spec.authToken !== undefined) {
    lines.push(`user default on #${sha256(spec.authToken)} ~* &* +@all`);
  } else {
    lines.push('user default on nopass ~* &* +@all');
  }
  return `${lines.join('\n')}\n`;
}

/** Starts the nodes of one cache; throws a `LocalCacheError` (the caller stops the session). */
export async function startCache(spec: CacheSpec, index: number, ctx: SessionContext,
  engine: { binary: string; version: string }): Promise<StartedCache> {
  if (spec.engine === 'memcached') {
    return startMemcached(spec, index, ctx, engine);
  }
  const adminPassword = randomPassword();
  const cacheDir = path.join(ctx.group.dir, `cache-${index}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const aclPath = path.join(cacheDir, 'users.acl');
  fs.writeFileSync(aclPath, aclFile(spec, adminPassword), { mode: 0o600 });
  const cert = spec.transit === 'off' ? undefined : ctx.certificates!;

  const startNode = async (name: string, extra: (port: number) => Promise<string[]> | string[]): Promise<{ process: ServerProcess; node: Omit<LocalNode, 'role' | 'shard'> }> => {
    const what = `${spec.id} node ${name}`;
    return withFreePort(ctx, what, async (port, attempt) => {
      const plaintextPort = spec.transit === 'preferred' ? await ctx.port(what) : undefined;
      const dir = path.join(cacheDir, `${name}-${attempt}`);
      fs.mkdirSync(dir);
      const listen = cert
        ? ['--port', String(plaintextPort ?? 0), '--tls-port', String(port), '--tls-cert-file', cert.certFile, '--tls-key-file', cert.keyFile,
          '--tls-ca-cert-file', cert.caFile, '--tls-auth-clients', 'no', '--tls-replication', 'yes', ...(spec.cluster ? ['--tls-cluster', 'yes'] : [])]
        : ['--port', String(port)];
      const args = [
        '--bind', LISTEN_HOST, ...listen,
        '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '',
        '--aclfile', aclPath, '--masteruser', ADMIN_USER, '--masterauth', adminPassword,
        '--repl-diskless-sync-delay', '0', '--maxmemory', ctx.maxmemory,
        // Stopping does not wait for replicas to catch up (a primary waits up to 10 s by default).
        '--shutdown-on-sigterm', 'nosave now', '--shutdown-on-sigint', 'nosave now',
        ...await extra(port),
        ...Object.entries(spec.parameters).flatMap(([k, v]) => [`--${k}`, v]),
      ];
      const target = { host: LISTEN_HOST, port, ca: cert?.ca, username: ADMIN_USER, password: adminPassword };
      const ready = async () => {
        const c = await RespConnection.open(target, 1_000);
        try {
          return (await c.call('PING')) === 'PONG';
        } finally {
          c.close();
        }
      };
      try {
        const process = await ctx.group.start(engine.binary, args, port, dir, ready, what);
        return { process, node: { port, pid: process.pid, ...(plaintextPort !== undefined ? { plaintextPort } : {}) } };
      } catch (e) {
        throw e instanceof LocalCacheError ? new LocalCacheError(explainStartFailure(e.message, spec, aclPath)) : e;
      }
    });
  };

  const nodes: LocalNode[] = [];
  if (!spec.cluster) {
    const shard = spec.shards[0];
    const primary = await startNode(`${shard.id}-001`, () => []);
    nodes.push({ role: 'primary', shard: shard.id, ...primary.node });
    const replicas = await Promise.all(Array.from({ length: shard.replicas }, (_, r) =>
      startNode(`${shard.id}-${String(r + 2).padStart(3, '0')}`, () => ['--replicaof', LISTEN_HOST, String(primary.node.port)])));
    nodes.push(...replicas.map(r => ({ role: 'replica' as const, shard: shard.id, ...r.node })));
    if (replicas.length > 0) {
      await waitForReplication(spec, nodes, { ca: cert?.ca, password: adminPassword });
    }
  } else {
    const clusterArgs = async () => ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(await freePort()),
      '--cluster-node-timeout', '2000', '--cluster-announce-hostname', 'localhost', '--cluster-preferred-endpoint-type', 'hostname'];
    const planned = spec.shards.flatMap(shard => Array.from({ length: 1 + shard.replicas }, (_, r) => ({ shard, r })));
    const started = await Promise.all(planned.map(p => startNode(`${p.shard.id}-${String(p.r + 1).padStart(3, '0')}`, clusterArgs)));
    planned.forEach((p, i) => nodes.push({ role: p.r === 0 ? 'primary' : 'replica', shard: p.shard.id, ...started[i].node }));
    await formCluster(spec, nodes, { ca: cert?.ca, password: adminPassword });
  }
  return { nodes, binary: engine.binary, version: engine.version, adminPassword };
}

/** The server's refusal in the words of the template: which parameter, which user. */
function explainStartFailure(message: string, spec: CacheSpec, aclPath: string): string {
  const directive = />>> '([^ ']+) ?"?([^"']*)"?'\s*(.*)$/.exec(message);
  if (directive && directive[1] in spec.parameters) {
    return `${spec.id}: the parameter ${directive[1]}=${directive[2]} of its parameter group is refused by the local server: ${directive[3] || 'unknown parameter'}.`;
  }
  const acl = new RegExp(`${aclPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): (.*?)(?: WARNING:.*)?$`).exec(message);
  if (acl) {
    const line = fs.readFileSync(aclPath, 'utf8').split('\n')[Number(acl[1]) - 1] ?? '';
    const user = line.split(' ')[1];
    return `${spec.id}: the access string of the user ${user} is refused by the local server: ${acl[2]}`;
  }
  return message;
}

interface Admin {
  readonly ca?: string;
  readonly password: string;
}

async function connectAdmin(port: number, admin: Admin): Promise<RespConnection> {
  return RespConnection.open({ host: LISTEN_HOST, port, ca: admin.ca, username: ADMIN_USER, password: admin.password });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new LocalCacheError(`${what} did not happen within ${timeoutMs / 1000} s.`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
}

function infoField(info: RespReply, field: string): string | undefined {
  return typeof info === 'string' ? new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() : undefined;
}

async function waitForReplication(spec: CacheSpec, nodes: LocalNode[], admin: Admin): Promise<void> {
  const connections = await Promise.all(nodes.map(n => connectAdmin(n.port, admin)));
  try {
    await waitUntil(`${spec.id}: the replicas' first synchronization`, async () => {
      const infos = await Promise.all(connections.map(c => c.call('INFO', 'replication')));
      return infos.every((info, i) => nodes[i].role === 'primary'
        ? Number(infoField(info, 'connected_slaves')) === nodes.length - 1
        : infoField(info, 'master_link_status') === 'up');
    });
  } finally {
    connections.forEach(c => c.close());
  }
}

function slotArgs(slots: string): string[] {
  return slots.split(',').flatMap(range => {
    const [start, end] = range.trim().split('-');
    return [start, end ?? start];
  });
}

/** Slots, meetings, replicas: the cluster the template describes, and a wait until every node agrees on it. */
async function formCluster(spec: CacheSpec, nodes: LocalNode[], admin: Admin): Promise<void> {
  const connections = await Promise.all(nodes.map(n => connectAdmin(n.port, admin)));
  try {
    const ids = await Promise.all(connections.map(c => c.ok('CLUSTER', 'MYID'))) as string[];
    const busPorts = await Promise.all(connections.map(async c => Number(((await c.ok('CONFIG', 'GET', 'cluster-port')) as string[])[1])));
    // Slots and distinct config epochs first (a node takes SET-CONFIG-EPOCH only while it knows no other node).
    let epoch = 0;
    await Promise.all(nodes.map(async (node, i) => {
      if (node.role === 'primary') {
        const shard = spec.shards.find(s => s.id === node.shard)!;
        await connections[i].ok('CLUSTER', 'ADDSLOTSRANGE', ...slotArgs(shard.slots!));
        await connections[i].ok('CLUSTER', 'SET-CONFIG-EPOCH', String(++epoch));
      }
    }));
    // Every node meets every other one directly: no wait for gossip to spread the news.
    await Promise.all(nodes.flatMap((_, i) => nodes.slice(i + 1).map((n, j) =>
      connections[i].ok('CLUSTER', 'MEET', LISTEN_HOST, String(n.port), String(busPorts[i + 1 + j])))));
    const known = async (c: RespConnection) => {
      const text = await c.ok('CLUSTER', 'NODES') as string;
      const lines = text.split('\n').filter(l => l.trim());
      return lines.length === nodes.length && !/handshake|noaddr/.test(text);
    };
    await waitUntil(`${spec.id}: the cluster nodes' handshake`, async () => (await Promise.all(connections.map(known))).every(Boolean));
    // Replicas follow the primary of their shard.
    await Promise.all(nodes.map((node, i) => {
      if (node.role !== 'replica') {
        return undefined;
      }
      const primary = nodes.findIndex(n => n.role === 'primary' && n.shard === node.shard);
      return connections[i].ok('CLUSTER', 'REPLICATE', ids[primary]);
    }));
    const replicaCount = nodes.filter(n => n.role === 'replica').length;
    const agreed = async (c: RespConnection, i: number) => {
      const [info, nodesText] = await Promise.all([c.ok('CLUSTER', 'INFO'), c.ok('CLUSTER', 'NODES')]) as string[];
      const replicasSeen = nodesText.split('\n').filter(l => / (slave|replica)[ ,]/.test(l) || /,(slave|replica) /.test(l)).length;
      if (!/cluster_state:ok/.test(info) || replicasSeen !== replicaCount) {
        return false;
      }
      // Shards as the node groups them (by shard id, which gossip carries apart from the replica links): a replica
      // not yet known in its primary's shard is a shard of its own, without slots.
      const shards = await c.ok('CLUSTER', 'SHARDS') as unknown[];
      if (!Array.isArray(shards) || shards.length !== spec.shards.length) {
        return false;
      }
      if (nodes[i].role === 'replica') {
        return infoField(await c.call('INFO', 'replication'), 'master_link_status') === 'up';
      }
      return true;
    };
    await waitUntil(`${spec.id}: the cluster's slots and replicas`, async () => (await Promise.all(connections.map(agreed))).every(Boolean));
    // No failover: on a busy laptop (or CI machine) a node that answers late would otherwise be taken for failed after the
    // short node timeout (kept short: a primary's rejoin delay is the node timeout), and a replica promoted in its place.
    await Promise.all(nodes.map((node, i) => node.role === 'replica'
      ? connections[i].ok('CONFIG', 'SET', 'cluster-replica-no-failover', 'yes') : undefined));
  } finally {
    connections.forEach(c => c.close());
  }
}

function megabytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(size.trim());
  if (!m) {
    return 64;
  }
  const unit = (m[2] ?? 'b').toLowerCase();
  const bytes = Number(m[1]) * ({ b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 } as Record<string, number>)[unit];
  return Math.max(1, Math.round(bytes / 1024 ** 2));
}

/** Memcached answers `version` with `VERSION x.y.z`. */
function memcachedReady(port: number, ca?: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket: net.Socket = ca ? tls.connect({ host: LISTEN_HOST, port, ca, servername: 'localhost' }) : net.connect({ host: LISTEN_HOST, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 1_000);
    socket.once(ca ? 'secureConnect' : 'connect', () => socket.write('version\r\n'));
    socket.once('data', d => {
      clearTimeout(timer);
      socket.destroy();
      resolve(/^VERSION /.test(d.toString()));
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * Starts a node on a port of the session: with ephemeral ports, a port another process took between its choice and
 * the start is replaced by a new one (up to 5 attempts); a port given with --port that is taken is one line.
 */
async function withFreePort<T>(ctx: SessionContext, what: string, start: (port: number, attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await ctx.port(what);
    try {
      return await start(port, attempt);
    } catch (e) {
      if (!(e instanceof PortTakenError)) {
        throw e;
      }
      if (ctx.ephemeral && attempt < 5) {
        continue;
      }
      throw new LocalCacheError(`${what}: port ${e.port} on ${LISTEN_HOST} is already taken`
        + (ctx.ephemeral ? '' : ': choose another --port, or leave it out for ephemeral ports') + '.');
    }
  }
}

async function startMemcached(spec: CacheSpec, index: number, ctx: SessionContext,
  engine: { binary: string; version: string }): Promise<StartedCache> {
  const cacheDir = path.join(ctx.group.dir, `cache-${index}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const cert = spec.transit === 'off' ? undefined : ctx.certificates!;
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : []; // memcached refuses root without naming a user
  const flags = Object.entries(spec.parameters).flatMap(([k, v]) => [MEMCACHED_FLAGS[k], v]);
  const nodes = await Promise.all(Array.from({ length: spec.memcachedNodes }, async (_, i): Promise<LocalNode> => {
    const name = String(i + 1).padStart(4, '0');
    const what = `${spec.id} node ${name}`;
    return withFreePort(ctx, what, async port => {
      const args = ['-l', LISTEN_HOST, '-p', String(port), '-U', '0', ...user, '-m', String(megabytes(ctx.maxmemory)),
        ...(cert ? ['-Z', '-o', `ssl_chain_cert=${cert.certFile},ssl_key=${cert.keyFile}`] : []), ...flags];
      const p = await ctx.group.start(engine.binary, args, port, cacheDir, () => memcachedReady(port, cert?.ca), what);
      return { role: 'node', shard: name, port, pid: p.pid };
    });
  }));
  return { nodes, binary: engine.binary, version: engine.version };
}

/** A port allocator: a sequence from `base`, each checked free, or the OS's ephemeral ports. */
export function portAllocator(base?: number): (what: string) => Promise<number> {
  if (base === undefined) {
    return () => freePort();
  }
  let next = base;
  return async (what: string) => {
    const port = next++;
    if (port > 65535) {
      throw new LocalCacheError(`${what}: no port left above --port ${base}.`);
    }
    if (!(await portFree(port))) {
      throw new LocalCacheError(`${what}: port ${port} on ${LISTEN_HOST} is already taken: choose another --port, or leave it out for `
        + 'ephemeral ports.');
    }
    return port;
  };
}
