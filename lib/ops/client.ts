// How the `cdk-elasticache` command builds its ElastiCache client: region, profile and endpoint
// resolved as the AWS CLI does, and the SDK's log output folded into single lines. @internal
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ElastiCacheClient, ElastiCacheClientConfig } from '@aws-sdk/client-elasticache';

/** What the command line says about the client. */
export interface ClientOptions {
  /** `--region`. */
  readonly region?: string;
  /** `--profile`. */
  readonly profile?: string;
  /** `--endpoint-url`. */
  readonly endpoint?: string;
  /** Receives each warning the SDK logs, folded into one line. */
  readonly onWarning?: (line: string) => void;
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

/** Why `url` cannot be an endpoint, or `undefined`. */
export function endpointProblem(url: string): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) {
    return undefined;
  }
  return `Invalid --endpoint-url: got '${url}'. Allowed: an http:// or https:// URL, such as http://127.0.0.1:5000.`;
}

/** One line for a warning the SDK logs over several lines. */
export function foldSdkWarning(parts: unknown[]): string {
  const text = parts.map(p => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  if (/Multiple credential sources detected/.test(text)) {
    return 'warning: AWS_PROFILE and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are both set; the AWS SDK uses the profile '
      + '(unset one of them to be sure which credentials are used)';
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
    warn: (...parts: unknown[]) => onWarning(foldSdkWarning(parts)),
    error: () => undefined,
  };
}

/** A client configuration of the command: `--region` / AWS_REGION / AWS_DEFAULT_REGION, `--profile`, `--endpoint-url`, folded warnings. */
export function commandClientConfig(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): ElastiCacheClientConfig {
  const region = resolveRegion(options.region, env);
  return {
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    logger: commandLogger(options.onWarning ?? (() => undefined)),
  };
}

/** The command's client: `--region` / AWS_REGION / AWS_DEFAULT_REGION, `--profile`, `--endpoint-url`, folded warnings. */
export function createCommandClient(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): ElastiCacheClient {
  return new ElastiCacheClient(commandClientConfig(options, env));
}
