// `cdk-elasticache local`: starts the caches of a cloud assembly, prints (and writes) their variables,
// runs until SIGINT / SIGTERM, then stops every server it started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalCacheError } from './errors';
import { DEFAULT_MAXMEMORY, LocalCache, LocalCaches, startLocalCaches } from './index';

/** Where the command writes, and how it learns it must stop (replaced in tests). */
export interface LocalCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Resolves when the session must stop. @default - SIGINT or SIGTERM */
  readonly interrupted?: Promise<string>;
}

/** The options of `local`, as parsed. */
export interface LocalCommandOptions {
  readonly app?: string;
  readonly stack?: string;
  readonly cache?: string;
  readonly envFile?: string;
  readonly json?: boolean;
  readonly maxmemory?: string;
  readonly port?: string;
}

export const LOCAL_HELP = {
  synopsis: 'local [--app DIR] [--stack NAME] [--cache ID] [--write-env FILE] [--maxmemory SIZE] [--port N] [--json]',
  summary: 'start the caches of a cloud assembly on 127.0.0.1 as the templates define them, until Ctrl-C',
  details: `Reads a cloud assembly (what cdk synth writes, cdk.out) and starts, for each cache, real servers on 127.0.0.1
(valkey-server, redis-server, memcached from the PATH) that match the template: the engine, a primary and
its replicas or the shards of a cluster with their slots (a serverless cache: one cluster shard), the parameter
group's values, TLS with a CA made for the session (TLS only when the mode is required, a plaintext port too
when it is preferred), and the users of the user group with their access strings and passwords generated
locally. Then prints, for each cache and each consumer the templates wire to it (Lambda functions, ECS
containers, anything with CACHE_* variables), the CACHE_* variables resolved to the local servers: an
application reading them through cdk-elasticache/client connects unchanged (the secret is a file of the
session, CACHE_SECRET_ARN=file://...; the CA is CACHE_TLS_CA_FILE). Runs until interrupted (Ctrl-C, SIGTERM),
then stops every server it started and removes its files. Progress goes to stderr.

  --app <dir>            the cloud assembly (default: cdk.out)
  --stack <name>         only the caches of this stack
  --cache <id>           only this cache: its construct path (CacheStack/Cache), logical id or physical name
  --write-env <file>     write the consumers' variables (or, without consumers, the caches') to this file
  --env-file <file>      the same; but Node.js itself reads --env-file from the whole command line (and stops
                         when the file does not exist yet): prefer --write-env
  --maxmemory <size>     the memory of each node: 64mb (default), 256mb, 1gb
  --port <n>             take the ports from n upwards instead of ephemeral ports (a taken port is an error)
  --json                 print the caches and consumers as JSON (once every server answers)

Exit codes: 0 stopped after an interrupt, 2 error (nothing is left running).`,
};

/** The variables for an env file: each consumer's in turn (a consumer that contradicts an earlier one is left out, with a warning). */
export function envFileVariables(session: LocalCaches, warn: (line: string) => void): Record<string, string> {
  const sources = session.consumers.length > 0
    ? session.consumers.map(c => ({ id: c.id, environment: c.environment }))
    : session.caches.map(c => ({ id: c.id, environment: c.environment }));
  const merged: Record<string, string> = {};
  const from: Record<string, string> = {};
  for (const source of sources) {
    const conflict = Object.entries(source.environment).find(([k, v]) => merged[k] !== undefined && merged[k] !== v);
    if (conflict) {
      warn(`${source.id}: left out of the env file, its ${conflict[0]} differs from ${from[conflict[0]]}'s (choose with --stack or --cache).`);
      continue;
    }
    for (const [k, v] of Object.entries(source.environment)) {
      merged[k] = v;
      from[k] = source.id;
    }
  }
  return merged;
}

function envLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${/^[A-Za-z0-9_./:@,+-]*$/.test(v) ? v : JSON.stringify(v)}`);
}

function describeCache(c: LocalCache): string[] {
  const lines = [`${c.id} (${c.physicalId}): ${c.binary} ${c.version}${c.templateEngineVersion ? ` for ${c.engine} ${c.templateEngineVersion}` : ''}, `
    + `TLS ${c.transitEncryption}${c.cluster ? ', cluster protocol' : ''}`];
  for (const n of c.nodes) {
    const shard = c.shards.find(s => s.id === n.shard);
    lines.push(`  ${n.role.padEnd(7)} ${n.shard}  ${c.host}:${n.port}${n.plaintextPort ? ` (plaintext ${n.plaintextPort})` : ''}`
      + `${n.role === 'primary' && shard?.slots && c.cluster ? `  slots ${shard.slots}` : ''}  pid ${n.pid}`);
  }
  for (const u of c.users ?? []) {
    lines.push(`  user ${u.name}: ${u.accessString}${u.authentication !== 'password' ? ` (${u.authentication})` : ''}`);
  }
  const params = Object.entries(c.parameters);
  if (params.length > 0) {
    lines.push(`  parameters: ${params.map(([k, v]) => `${k}=${v === '' ? "''" : v}`).join(', ')}`);
  }
  for (const note of c.notes) {
    lines.push(`  not reproduced: ${note}`);
  }
  lines.push('  connectFrom() would set:', ...envLines(c.environment).map(l => `    ${l}`));
  return lines;
}

/** The text the command prints once the caches answer. */
export function formatSession(session: LocalCaches): string {
  const lines = session.caches.flatMap(c => [...describeCache(c), '']);
  if (session.consumers.length > 0) {
    lines.push('Consumers:');
    for (const consumer of session.consumers) {
      lines.push(`  ${consumer.id} (${consumer.type}):`, ...envLines(consumer.environment).map(l => `    ${l}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

function interruptedBySignal(): { promise: Promise<string>; dispose: () => void } {
  let dispose = () => undefined as void;
  const promise = new Promise<string>(resolve => {
    const on = (signal: string) => () => resolve(signal);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    dispose = () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    };
  });
  return { promise, dispose };
}

/** The options of `local` for node:util parseArgs. */
export const LOCAL_OPTIONS = {
  'app': { type: 'string' }, 'stack': { type: 'string' }, 'cache': { type: 'string' }, 'write-env': { type: 'string' }, 'env-file': { type: 'string' },
  'maxmemory': { type: 'string' }, 'port': { type: 'string' }, 'json': { type: 'boolean' },
} as const;

/**
 * Runs `local` from the parsed command line; resolves with the exit code once interrupted (0) or on an
 * error (2, one line on stderr).
 */
export function runLocal(values: Record<string, unknown>, positionals: string[], io: LocalCommandIo): Promise<number> {
  const aws = ['region', 'profile', 'endpoint-url'].find(o => values[o] !== undefined);
  if (positionals.length > 0 || aws || values.timeout !== undefined) {
    io.stderr.write(`${positionals.length > 0 ? `'local' takes no cache id, got '${positionals.join(' ')}': select caches with --stack and --cache`
      : aws ? `'local' reads no --${aws}: it starts servers on this machine from the assembly`
        : '\'local\' takes no --timeout: it runs until interrupted (Ctrl-C, SIGTERM)'} (see --help).\n`);
    return Promise.resolve(2);
  }
  const str = (name: string) => values[name] as string | undefined;
  return runLocalCommand({
    app: str('app'), stack: str('stack'), cache: str('cache'), envFile: str('write-env') ?? str('env-file'), json: values.json === true,
    maxmemory: str('maxmemory'), port: str('port'),
  }, io);
}

/** Runs `local`; resolves with the exit code once interrupted (0) or on an error (2, one line on stderr). */
export async function runLocalCommand(options: LocalCommandOptions, io: LocalCommandIo): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  const signals = io.interrupted ? undefined : interruptedBySignal();
  const interrupted = io.interrupted ?? signals!.promise;
  let stopRequested: string | undefined;
  void interrupted.then(s => {
    stopRequested = s;
  });
  let session: LocalCaches | undefined;
  try {
    if (options.maxmemory !== undefined && !/^\d+(\.\d+)?(b|k|kb|m|mb|g|gb)?$/i.test(options.maxmemory.trim())) {
      throw new LocalCacheError(`Invalid --maxmemory: got '${options.maxmemory}'. Allowed: a size such as 64mb, 512mb or 1gb.`);
    }
    const port = options.port === undefined ? undefined : Number(options.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1024 && port <= 65535)) {
      throw new LocalCacheError(`Invalid --port: got '${options.port}'. Allowed: an integer from 1024 to 65535 (the first port to take).`);
    }
    const started = Date.now();
    session = await startLocalCaches({
      assembly: path.resolve(options.app ?? 'cdk.out'),
      ...(options.stack !== undefined ? { stack: options.stack } : {}),
      ...(options.cache !== undefined ? { cache: options.cache } : {}),
      maxmemory: options.maxmemory?.trim() ?? DEFAULT_MAXMEMORY,
      ...(port !== undefined ? { port } : {}),
      onProgress: err,
    });
    if (options.envFile !== undefined) {
      const env = envFileVariables(session, err);
      fs.writeFileSync(options.envFile, ['# Written by cdk-elasticache local: valid while it runs (its servers, CA and secret files go when it stops).',
        ...envLines(env), ''].join('\n'), { mode: 0o600 });
      err(`Wrote ${Object.keys(env).length} variables to ${options.envFile}.`);
    }
    if (stopRequested === undefined) {
      io.stdout.write(options.json ? `${JSON.stringify({
        assembly: session.assembly, caFile: session.caFile, caches: session.caches, consumers: session.consumers,
      }, null, 2)}\n` : formatSession(session));
      err(`${session.caches.length} cache${session.caches.length === 1 ? '' : 's'} running (${session.pids().length} servers, `
        + `started in ${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops them.`);
    }
    const signal = await interrupted;
    const count = session.pids().length;
    await session.stop();
    err(`${signal}: stopped ${count} server${count === 1 ? '' : 's'} and removed the session's files.`);
    return 0;
  } catch (e) {
    await session?.stop();
    err(e instanceof LocalCacheError ? e.message : `Error: ${(e as Error).message ?? String(e)}`.replace(/\s*\n\s*/g, ' '));
    return 2;
  } finally {
    signals?.dispose();
  }
}
