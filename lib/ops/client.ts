// How the `cdk-elasticache` command builds its AWS clients: region, credentials, profile and endpoint
// resolved as the AWS CLI does, every call bounded in time and named in its errors, and the SDK's log
// output folded into single lines. @internal
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ElastiCacheClient, ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';
import { operationOf } from './errors';

/** What the command line says about the client. */
export interface ClientOptions {
  /**
   * `--region`.
   * @default - the SDK's region chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region)
   */
  readonly region?: string;
  /**
   * `--profile`.
   * @default - the keys in the environment, then `AWS_PROFILE`, then the SDK's chain (the AWS CLI's order)
   */
  readonly profile?: string;
  /**
   * `--endpoint-url`.
   * @default - `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the service's own endpoint
   */
  readonly endpoint?: string;
  /**
   * Receives each warning the SDK logs, folded into one line.
   * @default - warnings are dropped
   */
  readonly onWarning?: (line: string) => void;
  /**
   * The command's deadline (`--timeout`): every call still running then fails with a `NoAnswerError`.
   * @default - no deadline: each call is bounded by the connection and request timeouts only
   */
  readonly deadline?: CommandDeadline;
}

/** How long a connection to an AWS API may take to open (one attempt; the SDK retries up to 3 attempts). */
export const CONNECTION_TIMEOUT_MS = 5_000;
/** How long one HTTP request may take from start to answer (one attempt). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The end of the command's time (`--timeout`): `signal` is aborted then. */
export interface CommandDeadline {
  /** Aborted when the time is up. */
  readonly signal: AbortSignal;
  /** The command's `--timeout`, in milliseconds, for the messages. */
  readonly timeoutMs: number;
}

/** A deadline `timeoutMs` from now; `clear()` stops its timer (call it when the command ends). */
export function startDeadline(timeoutMs: number): CommandDeadline & { clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return { signal: controller.signal, timeoutMs, clear: () => clearTimeout(timer) };
}

/** A call the command's deadline cut short: no answer came in time. */
export class NoAnswerError extends Error {
  constructor(
    /** The API operation (`DescribeReplicationGroups`). */
    public readonly operation: string | undefined,
    /** The command's `--timeout`, in milliseconds. */
    public readonly timeoutMs: number,
    /** `http://127.0.0.1:5000`, when the request was sent; `undefined` when it was still waiting for its credentials or region. */
    public readonly target: string | undefined,
  ) {
    super(target ? `no answer from ${target} within the --timeout of ${formatMs(timeoutMs)}`
      : `not sent within the --timeout of ${formatMs(timeoutMs)}: the credentials or the region were still being resolved`);
    this.name = 'NoAnswerError';
    Object.setPrototypeOf(this, NoAnswerError.prototype);
  }
}

/** `1500` -> `1.5s`, `90000` -> `90s`. */
function formatMs(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

const TARGET = Symbol('cdk-elasticache target');

/** The part of an AWS SDK v3 client `instrumentCalls` needs (every client has it). */
interface HasMiddleware {
  readonly middlewareStack: { add(middleware: unknown, options: unknown): void };
}

type Next = (args: { request?: unknown }) => Promise<unknown>;

/**
 * Adds to an AWS SDK client: the operation's name on every error of a call (`$operation`, read by
 * `formatError`), and, with a deadline, a call still running when it passes fails at once with a
 * `NoAnswerError`, its request aborted (socket closed, timers cleared).
 */
export function instrumentCalls<C extends HasMiddleware>(client: C, deadline?: CommandDeadline): C {
  client.middlewareStack.add((next: Next, context: { commandName?: string; [TARGET]?: string }) => async (args: unknown) => {
    const operation = context.commandName?.replace(/Command$/, '');
    try {
      if (!deadline) {
        return await next(args as { request?: unknown });
      }
      if (deadline.signal.aborted) {
        throw new NoAnswerError(operation, deadline.timeoutMs, undefined);
      }
      return await new Promise((resolve, reject) => {
        const onAbort = () => reject(new NoAnswerError(operation, deadline.timeoutMs, context[TARGET]));
        deadline.signal.addEventListener('abort', onAbort, { once: true });
        next(args as { request?: unknown }).then(resolve, reject).finally(() => deadline.signal.removeEventListener('abort', onAbort));
      });
    } catch (e) {
      if (!(e instanceof Error) || !operation || operationOf(e) === operation) {
        throw e;
      }
      // The SDK shares some errors between calls (a region or credentials provider's): each call names itself on a copy.
      const named: Error = operationOf(e) === undefined ? e
        : Object.assign(Object.create(Object.getPrototypeOf(e)) as Error, e, { name: e.name, message: e.message, stack: e.stack });
      Object.defineProperty(named, '$operation', { value: operation, enumerable: false, configurable: true });
      throw named;
    }
  }, { step: 'initialize', name: 'cdkElastiCacheOperation', priority: 'high' });
  // The request itself is aborted at the deadline too (its socket closed, its timers cleared): the SDK
  // passes an abort signal to the request handler only from `send()`'s options, so the client's own
  // handler gets the deadline's signal when the call has none.
  const handler = (client as { config?: { requestHandler?: { handle?: (request: unknown, options?: { abortSignal?: unknown }) => unknown } } })
    .config?.requestHandler;
  if (deadline && typeof handler?.handle === 'function') {
    const handle = handler.handle.bind(handler);
    handler.handle = (request, options = {}) => handle(request, { ...options, abortSignal: options.abortSignal ?? deadline.signal });
  }
  // Where the request goes, noted when it is sent (after the credentials are resolved and it is signed), for
  // the message of a call without an answer.
  client.middlewareStack.add((next: Next, context: { [TARGET]?: string }) => async (args: { request?: unknown }) => {
    const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
    if (request?.hostname) {
      context[TARGET] = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
    }
    return next(args);
  }, { step: 'deserialize', name: 'cdkElastiCacheTarget', priority: 'low' });
  return client;
}

/**
 * Static credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`,
 * `AWS_CREDENTIAL_EXPIRATION`), or `undefined` when they are not both set. The AWS CLI uses them
 * before the profile `AWS_PROFILE` names (only `--profile` beats them); the AWS SDK for JavaScript
 * prefers the profile, so the command passes them itself.
 */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env):
{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined {
  const accessKeyId = envValue(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = envValue(env, 'AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId || !secretAccessKey) {
    return undefined;
  }
  const sessionToken = envValue(env, 'AWS_SESSION_TOKEN');
  const expiration = envValue(env, 'AWS_CREDENTIAL_EXPIRATION');
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** `undefined` for unset and empty variables, as the AWS CLI treats them. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * The region the AWS CLI would use before it reads the profile: `--region`, then `AWS_REGION`, then
 * `AWS_DEFAULT_REGION` (which the AWS SDK for JavaScript does not read itself). `undefined` leaves the
 * SDK's chain to the profile's `region`.
 */
export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? envValue(env, 'AWS_REGION') ?? envValue(env, 'AWS_DEFAULT_REGION');
}

function expandHome(file: string): string {
  return file.startsWith('~/') ? join(homedir(), file.slice(2)) : file;
}

/** The shared config and credentials files, as the SDK finds them. */
export function sharedFiles(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  return {
    config: expandHome(envValue(env, 'AWS_CONFIG_FILE') ?? join(homedir(), '.aws', 'config')),
    credentials: expandHome(envValue(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? join(homedir(), '.aws', 'credentials')),
  };
}

/** Section names of an ini file (`[default]`, `[profile x]`, `[x]`); none when it cannot be read. */
function sections(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split(/\r?\n/)
    .map(line => line.split(/(^|\s)[;#]/)[0].trim())
    .filter(line => line.startsWith('[') && line.endsWith(']'))
    .map(line => line.slice(1, -1).trim());
}

/**
 * Why `profile` cannot be used, or `undefined` when the config file has `[profile <name>]` (or
 * `[default]`) or the credentials file has `[<name>]`: the sections the AWS SDK reads profiles from.
 * Checked before any call, because the SDK's own message for a missing profile only appears after
 * the region chain and reads like a credentials problem.
 */
export function profileProblem(profile: string, source: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const files = sharedFiles(env);
  // `[profile name]`, `[profile "name"]`; `[default]` needs no prefix.
  const named = (s: string) => /^profile\s+(.*)$/.exec(s)?.[1].trim().replace(/^(["'])(.*)\1$/, '$2');
  const inConfig = sections(files.config).some(s => (profile === 'default' && s === 'default') || named(s) === profile);
  const inCredentials = sections(files.credentials).includes(profile);
  if (inConfig || inCredentials) {
    return undefined;
  }
  const header = profile === 'default' ? '[default]' : `[profile ${profile}]`;
  return `The profile '${profile}' (${source}) does not exist: no ${header} in ${files.config} and no [${profile}] in ${files.credentials}.`;
}

/** Why `url` cannot be an endpoint, or `undefined`. `source` names where it came from (`--endpoint-url`, `AWS_ENDPOINT_URL`). */
export function endpointProblem(url: string, source = '--endpoint-url'): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) {
    return undefined;
  }
  return `Invalid ${source}: got '${url}'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.`;
}

/**
 * One line for a warning the SDK logs over several lines, or `undefined` for none: the SDK's warning
 * that it prefers a profile to the environment's keys does not apply to the command, which resolves
 * that as the AWS CLI does (`environmentCredentials`).
 */
export function foldSdkWarning(parts: unknown[]): string | undefined {
  const text = parts.map(p => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  if (/Multiple credential sources detected/.test(text)) {
    return undefined;
  }
  // `@aws-sdk/<package> - <function> WARNING: <text>` -> `warning: <text>`
  return `warning: ${text.replace(/^\s*@aws-sdk\/\S+ - \S+ WARNING:/, '').replace(/\s+/g, ' ').trim()}`;
}

/**
 * The SDK's logger for the command. The SDK writes the warnings of its credential chain to the
 * client's `logger` (to `console.warn`, over many lines, when it has none); its info and error
 * entries repeat what the command reports itself.
 */
export function commandLogger(onWarning: (line: string) => void): NonNullable<ElastiCacheClientConfig['logger']> {
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => {
      const line = foldSdkWarning(parts);
      if (line !== undefined) {
        onWarning(line);
      }
    },
    error: () => undefined,
  };
}

/**
 * A client configuration of the command: `--region` / AWS_REGION / AWS_DEFAULT_REGION, `--profile`
 * (else the environment's keys, else the SDK's chain with AWS_PROFILE), `--endpoint-url`, connection
 * and request timeouts, folded warnings.
 */
export function commandClientConfig(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): ElastiCacheClientConfig {
  const region = resolveRegion(options.region, env);
  const credentials = options.profile ? undefined : environmentCredentials(env);
  return {
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(credentials ? { credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    logger: commandLogger(options.onWarning ?? (() => undefined)),
  };
}

/** The command's client: `commandClientConfig`, its calls named in their errors and bounded by the deadline. */
export function createCommandClient(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): ElastiCacheClient {
  return instrumentCalls(new ElastiCacheClient(commandClientConfig(options, env)), options.deadline);
}
