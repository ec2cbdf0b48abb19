// A Valkey / Redis OSS server for the examples' tests, on 127.0.0.1 and an ephemeral port, without
// persistence, stopped by pid. (Temporary: to be replaced by the shared test/servers/harness.ts.)
import { spawn, spawnSync } from 'node:child_process';
import { freePort, stopProcess } from '../servers/postgres';

export interface CacheServer {
  readonly port: number;
  stop(): Promise<void>;
}

export function serverAvailable(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startCacheServer(binary: 'valkey-server' | 'redis-server', args: string[] = []): Promise<CacheServer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await new Promise<string>(resolve => {
      let log = '';
      const timer = setTimeout(() => resolve(`timeout: ${log}`), 10_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          child.stderr!.resume();
          resolve('ready');
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
      child.once('exit', code => {
        clearTimeout(timer);
        resolve(`exited with ${code}: ${log}`);
      });
    });
    if (result === 'ready') {
      return { port, stop: () => stopProcess(child) };
    }
    await stopProcess(child);
    if (!/Address already in use/.test(result)) {
      throw new Error(`${binary} did not start: ${result}`);
    }
  }
  throw new Error(`${binary} did not start: no free port after 3 attempts`);
}
