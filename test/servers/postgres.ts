// A throwaway PostgreSQL server for the real-server tests: Debian's postgresql 15, a new data
// directory in a temporary directory, listening on 127.0.0.1 and an ephemeral port, run as the
// unprivileged user `nobody` (PostgreSQL refuses to run as root; spawned with its uid, so that the
// pid we stop is the postmaster's), stopped by pid.
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './harness';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** `nobody` / `nogroup` on Debian. */
const UID = 65534;
const GID = 65534;

/** A running PostgreSQL server; connect as `user` (trust authentication) to `database`. */
export interface Postgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The variables `pg` reads (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`). */
  readonly env: Record<string, string>;
  /** Stops the server (by pid) and removes its directory. */
  stop(): Promise<void>;
}

/** Whether PostgreSQL can be started here (the binaries exist and we can switch to `nobody`: we are root). */
export function postgresAvailable(): boolean {
  return fs.existsSync(path.join(BIN, 'initdb')) && fs.existsSync(path.join(BIN, 'postgres'))
    && spawnSync(path.join(BIN, 'postgres'), ['--version'], { stdio: 'ignore', uid: UID, gid: GID }).status === 0;
}

/** Initializes a data directory and starts the server; resolves when it accepts connections. */
export async function startPostgres(timeoutMs = 30_000): Promise<Postgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-pg-'));
  fs.chownSync(dir, UID, GID);
  const data = path.join(dir, 'data');
  await promisify(execFile)(path.join(BIN, 'initdb'), ['-D', data, '-U', 'postgres',
    '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], { cwd: dir, uid: UID, gid: GID });
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    child = spawn(path.join(BIN, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { cwd: dir, uid: UID, gid: GID, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = await waitForReady(child, timeoutMs);
    if (started === 'ready') {
      const server = child;
      const stop = async () => {
        await stopProcess(server);
        fs.rmSync(dir, { recursive: true, force: true });
      };
      return {
        host: '127.0.0.1', port, user: 'postgres', database: 'postgres', stop,
        env: { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres' },
      };
    }
    await stopProcess(child);
    if (!/could not bind|Address already in use/.test(started)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start: ${started}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error('PostgreSQL did not start: no free port after 3 attempts');
}

/** Resolves 'ready' once the log says so, or the log so far when the process exits or time runs out. */
function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise(resolve => {
    let log = '';
    const done = (result: string) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(result);
    };
    const timer = setTimeout(() => done(`timeout after ${timeoutMs} ms: ${log}`), timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) {
        done('ready');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', code => done(`exited with ${code}: ${log}`));
  });
}

/** SIGINT to the postmaster (a fast shutdown: SIGTERM would wait for clients), SIGKILL after 5 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}
