/**
 * The shared real-server harness: starts Valkey, Redis OSS and Memcached (from the Debian packages)
 * for the tests in test/servers/, and stops them again, even when a test fails.
 *
 * Every server:
 * - listens on 127.0.0.1 only, on a free ephemeral port picked here (`--port 0` means "no TCP
 *   listener" to valkey-server and redis-server, so the harness asks the OS for a free port and
 *   retries with another one when the server lost the race for it);
 * - keeps nothing: no RDB / AOF (`--save '' --appendonly no`), its files in a fresh temp dir;
 * - optionally speaks TLS only, with a self-signed certificate (for 127.0.0.1) made with openssl in
 *   that temp dir: `server.tls.ca` is the PEM a client trusts;
 * - takes extra configuration (`config: ['--maxmemory', '2mb']` for Valkey / Redis OSS,
 *   `config: ['-I', '2m']` for Memcached);
 * - is waited for until it answers (PING / `version`), with its log in the error when it does not;
 * - is stopped by pid with `stop()`, which also removes the temp dir.
 *
 * Safety nets, so that no server outlives a failed test: `serverSuite()` stops what a suite started
 * in an `afterAll`; a `process.on('exit')` hook kills what is left; and each server has a tiny shell
 * watchdog that kills it when the test process disappears without running its hooks (SIGKILL, jest
 * killing a hung worker).
 *
 * Missing binaries: `serverSuite(name, ['valkey-server'], fn)` runs `fn` as a `describe` when every
 * binary is on the PATH. Otherwise the suite is skipped with one printed line naming the Debian
 * packages to install, unless `CDK_ELASTICACHE_REQUIRE_SERVERS=1` (set by .ci/run): then the
 * suite fails.
 *
 * Other server kinds (PostgreSQL, ...) build on the generic pieces: `freePort()`, `makeTempDir()`,
 * `selfSignedCertificate()`, `startProcess()` (with `runAs` for servers that refuse root), `probe()`,
 * `serversAvailable()` / `serverSuite()`, `stopAll()`, and `DEBIAN_PACKAGES` for the skip line.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

/** The Debian package that ships each binary (what the skip line tells the reader to install). */
export const DEBIAN_PACKAGES: Record<string, string> = {
  'valkey-server': 'valkey-server (from bookworm-backports: apt-get install -t bookworm-backports valkey-server)',
  'redis-server': 'redis-server',
  'memcached': 'memcached',
  'openssl': 'openssl',
};

/** Set to `1` to make a missing server binary a failure instead of a skipped suite (.ci/run does). */
export const REQUIRE_SERVERS_ENV = 'CDK_ELASTICACHE_REQUIRE_SERVERS';

/** The host every server listens on. */
export const HOST = '127.0.0.1';

/** PEM material of the self-signed certificate a TLS server presents. */
export interface Certificate {
  /** The certificate (self-signed, so also the CA a client trusts). */
  readonly cert: string;
  /** Its private key. */
  readonly key: string;
  /** What a client passes as `ca` (the same certificate). */
  readonly ca: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerOptions {
  /** Serve TLS only (no plaintext port), with a self-signed certificate for 127.0.0.1. @default false */
  readonly tls?: boolean;
  /** Extra command-line configuration, appended last (so it wins), e.g. `['--maxmemory', '2mb']`. */
  readonly config?: string[];
  /** How long to wait for the server to answer. @default 15 s */
  readonly startTimeoutMs?: number;
}

/** A server started by the harness. */
export interface RunningServer {
  /** The binary, e.g. `valkey-server`. */
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The server's temp dir (removed by `stop()`). */
  readonly dir: string;
  /** Present when started with `tls: true`. */
  readonly tls?: Certificate;
  /** What the server wrote to stdout / stderr so far. */
  log(): string;
  /** Kills the server (SIGTERM, then SIGKILL after 3 s) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Availability: skip with one line, or fail when CDK_ELASTICACHE_REQUIRE_SERVERS=1.

const pathCache = new Map<string, boolean>();

/** Whether `binary` is an executable on the PATH. */
export function onPath(binary: string): boolean {
  const cached = pathCache.get(binary);
  if (cached !== undefined) return cached;
  const found = (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  pathCache.set(binary, found);
  return found;
}

/** The binaries of `binaries` that are not on the PATH. */
export function missingServers(binaries: readonly string[]): string[] {
  return binaries.filter((b) => !onPath(b));
}

/**
 * Whether every binary is on the PATH. When one is missing: throws if
 * `CDK_ELASTICACHE_REQUIRE_SERVERS=1`, otherwise prints one line naming the packages to install
 * and returns false.
 */
export function serversAvailable(binaries: readonly string[], suite = 'server tests'): boolean {
  const missing = missingServers(binaries);
  if (missing.length === 0) return true;
  const packages = missing.map((b) => DEBIAN_PACKAGES[b] ?? b).join(', ');
  const line = `${missing.join(', ')} not on the PATH; install ${packages}`;
  if (process.env[REQUIRE_SERVERS_ENV] === '1') {
    throw new Error(`${suite}: ${line} (${REQUIRE_SERVERS_ENV}=1 makes a missing server a failure)`);
  }
  // One raw line (console.* in jest adds a stack location under every message).
  process.stderr.write(`${suite}: skipped, ${line}\n`);
  return false;
}

/**
 * A `describe` that runs when every binary is on the PATH (see `serversAvailable`), and stops
 * every server it started in an `afterAll`, whatever the tests did.
 */
export function serverSuite(name: string, binaries: readonly string[], fn: () => void): void {
  let available: boolean;
  try {
    available = serversAvailable(binaries, name);
  } catch (e) {
    describe(name, () => {
      test('server binaries are installed', () => {
        throw e;
      });
    });
    return;
  }
  if (!available) {
    describe.skip(name, () => {
      test.skip('server binaries missing', () => undefined);
    });
    return;
  }
  describe(name, () => {
    fn();
    // Declared after the suite's own hooks, so that it runs after them (they may still close clients).
    afterAll(stopAll, 20_000);
  });
}

// ---------------------------------------------------------------------------------------------
// Generic pieces.

/** A port that was free a moment ago (the OS picks it; the caller retries if it loses a race). */
/** Whether a process with this pid is running (signal 0: a check, nothing is sent). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The configuration of a cluster-enabled Valkey node: `cluster-enabled yes`, its node file, and a
 * cluster bus port of its own. The bus port defaults to the client port + 10000, which does not
 * exist for a client port above 55535 (the ephemeral ports reach 60999): Valkey then refuses to start.
 */
export async function clusterNodeConfig(): Promise<string[]> {
  return ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(await freePort())];
}

/** A fresh temp dir, e.g. for a server's files; removed by the server's `stop()`. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-elasticache-${prefix}-`));
}

/** A self-signed certificate for 127.0.0.1 (EC P-256, valid 2 days) written into `dir`. */
export function selfSignedCertificate(dir: string): Certificate {
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${HOST}`,
    '-addext', `subjectAltName=IP:${HOST}`, '-addext', 'basicConstraints=critical,CA:TRUE',
  ], { stdio: 'pipe' });
  const cert = fs.readFileSync(certFile, 'utf8');
  return { cert, ca: cert, key: fs.readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

interface Tracked {
  readonly child: ChildProcess;
  readonly watchdog?: ChildProcess;
  readonly dir: string;
  stopped: boolean;
}

const running = new Set<Tracked>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of running) killNow(t);
  });
}

function killNow(t: Tracked): void {
  t.stopped = true;
  running.delete(t);
  for (const pid of [t.child.pid, t.watchdog?.pid]) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(t.dir, { recursive: true, force: true });
}

/** Stops every server the harness started in this process (what `serverSuite` runs in `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((t) => stopTracked(t)));
}

async function stopTracked(t: Tracked): Promise<void> {
  if (t.stopped) return;
  t.stopped = true;
  const child = t.child;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3_000);
    await exited;
    clearTimeout(timer);
  }
  if (t.watchdog?.pid !== undefined) {
    try {
      process.kill(t.watchdog.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.delete(t);
  fs.rmSync(t.dir, { recursive: true, force: true });
}

export interface ProcessSpec {
  readonly binary: string;
  readonly args: string[];
  readonly port: number;
  /** The server's temp dir (removed on stop). */
  readonly dir: string;
  readonly tls?: Certificate;
  /** Resolves true once the server answers on `port`; called repeatedly until it does. */
  readonly ready: () => Promise<boolean>;
  readonly startTimeoutMs?: number;
  /**
   * Run the binary as another user (PostgreSQL refuses root), e.g. `nobody`: spawned with that
   * user's uid / gid (so the pid is the server's own, not a wrapper's), `dir` handed over to it.
   * Only when the tests run as root; ignored otherwise.
   */
  readonly runAs?: string;
  /** Environment additions. */
  readonly env?: Record<string, string>;
}

/** The uid and gid of a local user (`id -u` / `id -g`). */
export function userIds(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

/** Thrown when the port was taken before the server bound it (startProcess's callers retry). */
export class PortInUseError extends Error {}

/**
 * Spawns a server process and waits until `ready()` says it answers. The process is tracked (exit
 * hook, watchdog, `stopAll`). Rejects with the server's log when it exits or does not answer in time.
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningServer> {
  installExitHook();
  const identity = spec.runAs && process.getuid?.() === 0 ? userIds(spec.runAs) : undefined;
  if (identity) {
    chownTree(spec.dir, identity.uid, identity.gid);
  }
  const child = spawn(spec.binary, spec.args, {
    cwd: spec.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
    ...identity,
  });
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  if (child.pid === undefined) await spawnError;

  // Kills the server (and removes its dir) when this test process goes away without its hooks.
  const watchdog = spawn('sh', ['-c',
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null; rm -rf "$3"',
    'watchdog', String(process.pid), String(child.pid), spec.dir], { stdio: 'ignore', detached: true });
  watchdog.unref();

  const tracked: Tracked = { child, watchdog, dir: spec.dir, stopped: false };
  running.add(tracked);
  const server: RunningServer = {
    binary: spec.binary,
    host: HOST,
    port: spec.port,
    pid: child.pid!,
    dir: spec.dir,
    tls: spec.tls,
    log: () => log,
    stop: () => stopTracked(tracked),
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop();
      if (/address already in use/i.test(log)) throw new PortInUseError(log);
      throw new Error(`${spec.binary} exited (${child.exitCode ?? child.signalCode}) before answering:\n${log}`);
    }
    if (await spec.ready().catch(() => false)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${spec.binary} did not answer on ${HOST}:${spec.port} in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Sends `request` on a fresh (TLS) connection and resolves with the first bytes received, or rejects
 * (connection refused, timeout). Used for readiness checks.
 */
export function probe(port: number, request: string, cert?: Certificate, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = cert
      ? tls.connect({ host: HOST, port, ca: cert.ca })
      : net.connect({ host: HOST, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('probe timeout'));
    }, timeoutMs);
    socket.once(cert ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.once('data', (d) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(d.toString());
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    });
  });
}

async function withPortRetry(start: (port: number) => Promise<RunningServer>): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      if (!(e instanceof PortInUseError) || attempt >= 5) throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Valkey / Redis OSS / Memcached.

function startRespServer(binary: 'valkey-server' | 'redis-server', opts: ServerOptions): Promise<RunningServer> {
  return withPortRetry(async (port) => {
    const dir = makeTempDir(binary);
    const cert = opts.tls ? selfSignedCertificate(dir) : undefined;
    const listen = cert
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', cert.certFile, '--tls-key-file', cert.keyFile,
        '--tls-ca-cert-file', cert.certFile, '--tls-auth-clients', 'no']
      : ['--port', String(port)];
    const args = [
      '--bind', HOST, ...listen,
      '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '',
      ...(opts.config ?? []),
    ];
    // Any RESP reply (+PONG, or -NOAUTH once a test disabled `default`) means it is up.
    const ready = async () => /^[+-]/.test(await probe(port, 'PING\r\n', cert));
    return startProcess({ binary, args, port, dir, tls: cert, ready, startTimeoutMs: opts.startTimeoutMs });
  });
}

/** Starts `valkey-server` (Valkey 8.0 from bookworm-backports on the CI machine). */
export function startValkey(opts: ServerOptions = {}): Promise<RunningServer> {
  return startRespServer('valkey-server', opts);
}

/** Starts `redis-server` (Redis OSS 7.0 from Debian bookworm). */
export function startRedis(opts: ServerOptions = {}): Promise<RunningServer> {
  return startRespServer('redis-server', opts);
}

/** Starts `memcached` (1.6 from Debian, built with TLS: `-Z`). Memory is 64 MB unless `config` says `-m`. */
export function startMemcached(opts: ServerOptions = {}): Promise<RunningServer> {
  return withPortRetry(async (port) => {
    const dir = makeTempDir('memcached');
    const cert = opts.tls ? selfSignedCertificate(dir) : undefined;
    const tlsArgs = cert ? ['-Z', '-o', `ssl_chain_cert=${cert.certFile},ssl_key=${cert.keyFile}`] : [];
    // -u: memcached refuses to run as root without naming a user.
    const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
    const args = ['-l', HOST, '-p', String(port), '-U', '0', ...user, '-m', '64', ...tlsArgs, ...(opts.config ?? [])];
    const ready = async () => /^VERSION /.test(await probe(port, 'version\r\n', cert));
    return startProcess({ binary: 'memcached', args, port, dir, tls: cert, ready, startTimeoutMs: opts.startTimeoutMs });
  });
}
