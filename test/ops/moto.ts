// A moto server (a local AWS API: ElastiCache subset, Secrets Manager, ...) for tests: started on
// 127.0.0.1 with an ephemeral port (moto binds port 0 and prints the one it got), stopped by pid.
// One per test file: start it in beforeAll, stop it in afterAll. test/servers/harness.ts does the
// same for the cache servers; moto differs in that it picks its port itself (no race for it).
//
//   const available = motoAvailable();              // at module load: pick describe or describe.skip
//   let moto: Moto;
//   beforeAll(async () => { moto = await startMoto(); });
//   afterAll(() => moto?.stop());
//   new ElastiCacheClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: MOTO_CREDENTIALS });
import { spawn, spawnSync } from 'node:child_process';

/** Credentials moto accepts (it checks none). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The Python that runs moto: MOTO_PYTHON, else `python3`. */
const PYTHON = process.env.MOTO_PYTHON || 'python3';

/** A running moto server. */
export interface Moto {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The server's process id. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and resolves when it has exited. */
  stop(): Promise<void>;
}

let cachedAvailability: string | undefined;

/**
 * `undefined` when moto can be started here, else the reason (one line). Looks the module up
 * without importing it (fast). With CDK_ELASTICACHE_REQUIRE_SERVERS=1 (CI), a missing moto throws.
 */
export function motoMissing(): string | undefined {
  if (cachedAvailability === undefined) {
    // moto itself, and what its server needs (the `server` extra): flask, flask_cors.
    const script = 'import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ("moto", "flask", "flask_cors")) else 3)';
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    cachedAvailability = r.error ? `${PYTHON} not found (${r.error.message})`
      : r.status === 3 ? `the Python package moto with its server is not installed for ${PYTHON} (pip install 'moto[server]')`
        : r.status !== 0 ? `${PYTHON} failed: ${(r.stderr || '').trim().split('\n').pop()}` : '';
  }
  const missing = cachedAvailability || undefined;
  if (missing && process.env.CDK_ELASTICACHE_REQUIRE_SERVERS === '1') {
    throw new Error(`moto is required (CDK_ELASTICACHE_REQUIRE_SERVERS=1) but ${missing}`);
  }
  return missing;
}

/**
 * Whether moto can run; when it cannot, prints one line saying so (and what to install) for the
 * suite named `suite`. Use it to choose `describe` or `describe.skip`.
 */
export function motoAvailable(suite: string): boolean {
  const missing = motoMissing();
  if (missing) {
    console.log(`${suite}: skipped, ${missing}.`);
  }
  return !missing;
}

/** Starts `python3 -m moto.server` on 127.0.0.1, port 0 (the server prints the port it got). */
export function startMoto(options: { timeoutMs?: number } = {}): Promise<Moto> {
  const child = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  // Even when a test file is aborted before afterAll, the server does not outlive the jest worker:
  // an exit hook, and (for a worker killed with SIGKILL) a watchdog that polls both pids.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const watchdog = child.pid === undefined ? undefined : spawn('sh', ['-c',
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null',
    'moto-watchdog', String(process.pid), String(child.pid)], { stdio: 'ignore', detached: true });
  watchdog?.unref();
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (watchdog?.pid !== undefined && watchdog.exitCode === null) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise<Moto>((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      void stop();
      reject(new Error(`moto server did not start: ${why}; output: ${output.trim().slice(-500)}`));
    };
    const timer = setTimeout(() => fail('no "Running on" line'), options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stderr!.removeAllListeners('data');
        // Keep draining the pipes, or the server blocks once they are full.
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ endpoint: m[1], pid: child.pid!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', e => {
      clearTimeout(timer);
      fail(e.message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`exited with ${signal ?? code}`);
    });
  });
}

