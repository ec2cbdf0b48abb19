// The server processes of a session: binaries from the PATH, free ports, a session CA made with
// openssl, spawning with a readiness check, and stopping every process by its pid.
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LocalCacheError } from './errors';

const execFileAsync = promisify(execFile);

/** The host the servers listen on. */
export const LISTEN_HOST = '127.0.0.1';

/** The Debian package of each binary (what the error tells the reader to install). */
export const DEBIAN_PACKAGES: Record<string, string> = {
  'valkey-server': 'valkey-server (Debian bookworm: apt-get install -t bookworm-backports valkey-server)',
  'redis-server': 'redis-server (apt-get install redis-server)',
  'memcached': 'memcached (apt-get install memcached)',
  'openssl': 'openssl (apt-get install openssl)',
};

/** Whether `binary` is an executable on the PATH. */
export function onPath(binary: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some(dir => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Throws the one line that names the package to install when `binary` is not on the PATH. */
export function requireBinary(binary: string, forWhat: string): void {
  if (!onPath(binary)) {
    throw new LocalCacheError(`${binary} is not on the PATH (needed for ${forWhat}): install ${DEBIAN_PACKAGES[binary] ?? binary}.`);
  }
}

const versions = new Map<string, string>();

/** The version of a server binary (`8.0.1`), from `--version` / `-V`. */
export function binaryVersion(binary: string): string {
  let version = versions.get(binary);
  if (version === undefined) {
    const out = execFileSync(binary, [binary === 'memcached' ? '-V' : '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    version = (/v=(\d+\.\d+\.\d+)/.exec(out) ?? /(\d+\.\d+\.\d+)/.exec(out))?.[1] ?? 'unknown';
    versions.set(binary, version);
  }
  return version;
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LISTEN_HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a port is free on the listen host now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, LISTEN_HOST, () => srv.close(() => resolve(true)));
  });
}

/** The session's TLS material: a CA and one server certificate for localhost and 127.0.0.1, signed by it. */
export interface SessionCertificates {
  readonly caFile: string;
  readonly ca: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Makes a CA and a server certificate (EC P-256, valid 7 days) in `dir` with openssl. */
export async function makeCertificates(dir: string): Promise<SessionCertificates> {
  requireBinary('openssl', 'the session\'s TLS certificates');
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await execFileAsync('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '7',
    '-subj', '/CN=cdk-elasticache local CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await execFileAsync('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  fs.writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  await execFileAsync('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-out', file('server.crt'), '-days', '7', '-extfile', file('server.ext')]);
  fs.chmodSync(file('server.key'), 0o644); // memcached may drop privileges before reading it
  return { caFile: file('ca.pem'), ca: fs.readFileSync(file('ca.pem'), 'utf8'), certFile: file('server.crt'), keyFile: file('server.key') };
}

/** A started server process. */
export interface ServerProcess {
  readonly binary: string;
  readonly pid: number;
  readonly port: number;
  log(): string;
  exited(): boolean;
}

/** Thrown when a server could not bind its port. */
export class PortTakenError extends Error {
  constructor(public readonly port: number) {
    super(`port ${port} taken`);
  }
}

/** The processes of one session, stopped together by pid. */
export class ProcessGroup {
  public readonly dir: string;
  private readonly children: ChildProcess[] = [];
  private watchdog?: ChildProcess;
  private stopped = false;
  private readonly onExit = () => this.killNow();

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-local-'));
    fs.chmodSync(this.dir, 0o700);
    process.on('exit', this.onExit);
  }

  /** The pids of the servers still running. */
  public pids(): number[] {
    return this.children.filter(c => c.exitCode === null && c.signalCode === null).map(c => c.pid!);
  }

  /**
   * Spawns a server and waits until `ready()` resolves true. Rejects with `PortTakenError` when the
   * port was taken, or with a `LocalCacheError` quoting the server's last lines when it exits first.
   */
  public async start(binary: string, args: string[], port: number, cwd: string, ready: () => Promise<boolean>, what: string,
    timeoutMs = 15_000): Promise<ServerProcess> {
    // Detached: a Ctrl-C in the terminal reaches the command, which stops the servers itself.
    const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.children.push(child);
    let log = '';
    child.stdout!.on('data', d => { log += d; });
    child.stderr!.on('data', d => { log += d; });
    const spawnError = new Promise<Error>(resolve => child.once('error', resolve));
    if (child.pid === undefined) {
      throw new LocalCacheError(`${what}: ${binary} did not start: ${(await spawnError).message}`);
    }
    this.armWatchdog();
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    const server: ServerProcess = { binary, pid: child.pid, port, log: () => log, exited };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited()) {
        if (/address already in use/i.test(log)) {
          throw new PortTakenError(port);
        }
        throw new LocalCacheError(`${what}: ${binary} exited at start (${child.exitCode ?? child.signalCode}): ${lastLines(log)}`);
      }
      if (await ready().catch(() => false)) {
        return server;
      }
      if (Date.now() > deadline) {
        throw new LocalCacheError(`${what}: ${binary} did not answer on port ${port} within ${timeoutMs / 1000} s: ${lastLines(log)}`);
      }
      await new Promise(r => setTimeout(r, 20));
    }
  }

  /** Stops every server (SIGTERM, SIGKILL after 3 s) and removes the session's files. Idempotent. */
  public async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    await Promise.all(this.children.map(child => new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        resolve();
        return;
      }
      const timer = setTimeout(() => kill(child.pid!, 'SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      kill(child.pid, 'SIGTERM');
    })));
    if (this.watchdog?.pid !== undefined) {
      kill(this.watchdog.pid, 'SIGKILL');
    }
    process.off('exit', this.onExit);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private killNow(): void {
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        kill(child.pid, 'SIGKILL');
      }
    }
    if (this.watchdog?.pid !== undefined) {
      kill(this.watchdog.pid, 'SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * One small shell per session that kills the servers and removes the files when this process
   * disappears without stopping them (SIGKILL): restarted with the current pid list on each start.
   */
  private armWatchdog(): void {
    if (this.watchdog?.pid !== undefined) {
      kill(this.watchdog.pid, 'SIGKILL');
    }
    const pids = this.children.map(c => c.pid).filter(p => p !== undefined).join(' ');
    this.watchdog = spawn('sh', ['-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 $2 2>/dev/null; rm -rf "$3"',
      'cdk-elasticache-local-watchdog', String(process.pid), pids, this.dir], { stdio: 'ignore', detached: true });
    this.watchdog.unref();
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function lastLines(log: string): string {
  const lines = log.split('\n').map(l => l.trim()).filter(Boolean);
  // Valkey / Redis OSS print the refused directive between '>>>' and the reason.
  const directive = lines.findIndex(l => l.startsWith('>>>'));
  if (directive >= 0) {
    return lines.slice(directive, directive + 2).join(' ');
  }
  return lines.slice(-2).join(' ').replace(/^\d+:[CMSX] [^*#]*[*#] /, '') || '(no output)';
}
