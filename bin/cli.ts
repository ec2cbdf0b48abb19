#!/usr/bin/env node
/**
 * cdk-elasticache: operations on deployed ElastiCache caches (a thin wrapper over lib/ops).
 *
 *   cdk-elasticache describe <id> [--json]
 *   cdk-elasticache wait <id> [--timeout 30m]
 *   cdk-elasticache failover-drill <id> [--shard N] [--timeout 20m] [--json]
 *   cdk-elasticache snapshot <id> [--name NAME] [--timeout 60m] [--json]
 *   cdk-elasticache token <id> --user USER_ID [--serverless] [--json]
 *
 * Every command takes --region and --profile; credentials and region otherwise come from the AWS SDK's chains.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { Clock, formatElapsed, SYSTEM_CLOCK } from '../lib/ops/clock';
import { describeCache, formatDescription } from '../lib/ops/describe';
import { formatError } from '../lib/ops/errors';
import { runFailoverDrill } from '../lib/ops/failover';
import { createSnapshot } from '../lib/ops/snapshot';
import { generateIamAuthToken, IAM_AUTH_TOKEN_EXPIRY_SECONDS } from '../lib/ops/token';
import { waitForAvailable } from '../lib/ops/wait';

/** Where the CLI writes, which client it uses, and its clock: replaced in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Builds the ElastiCache client from --region / --profile. */
  readonly createClient?: (options: { region?: string; profile?: string }) => ElastiCacheClient;
  readonly clock?: Clock;
}

export const USAGE = `Usage: cdk-elasticache <command> <id> [options]

Operations on deployed ElastiCache caches (Valkey / Redis OSS replication groups, Memcached clusters).

Commands:
  describe <id>              status, engine, nodes and roles, endpoints, security, failover, backups, pending changes
  wait <id>                  wait until the cache is available (progress on stderr)
  failover-drill <id>        call TestFailover and follow it until a new primary serves (disrupts writes briefly)
  snapshot <id>              take a manual backup and wait until it is available (Valkey / Redis OSS)
  token <id> --user <userId> print an IAM authentication token (valid 15 minutes) for Valkey / Redis OSS clients

Options:
  --region <region>    AWS region (default: AWS_REGION or the profile's region)
  --profile <name>     profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE or the default chain)
  --json               machine-readable output (describe, failover-drill, snapshot, token)
  --timeout <duration> how long to wait: 90s, 15m, 1h (wait: 30m, failover-drill: 20m, snapshot: 60m)
  --shard <N>          failover-drill: the shard (node group) id or number (default: the first)
  --name <name>        snapshot: the snapshot name (default: <id>-manual-<UTC timestamp>)
  --user <userId>      token: the ElastiCache user id (IAM users have user name = user id)
  --serverless         token: <id> is a serverless cache
  -h, --help           this help

Exit codes: 0 success, 1 operation failed or refused, 2 usage error.
`;

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS: Record<string, Options> = {
  'describe': { json: { type: 'boolean' } },
  'wait': { timeout: { type: 'string' } },
  'failover-drill': { shard: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  'snapshot': { name: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  'token': { user: { type: 'string' }, serverless: { type: 'boolean' }, json: { type: 'boolean' } },
};

/** A usage error: exit code 2. */
class UsageError extends Error {}

/** `90s`, `15m`, `1h`, `120` (seconds) -> milliseconds. */
export function parseTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const value = m ? Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(value > 0)) {
    throw new UsageError(`Invalid --timeout: got '${text}'. Allowed: a positive duration such as 90s, 15m or 1h.`);
  }
  return value;
}

function defaultClient(options: { region?: string; profile?: string }): ElastiCacheClient {
  return new ElastiCacheClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
}

/** Runs one command; returns the exit code. Never throws: every failure is one line on stderr. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const err = (text: string) => io.stderr.write(`${text}\n`);
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  let client: ElastiCacheClient | undefined;
  try {
    const options = COMMANDS[command];
    if (!options) {
      throw new UsageError(`Unknown command '${command}'. Commands: ${Object.keys(COMMANDS).join(', ')} (see --help).`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split(/\. |\n/)[0].replace(/\.$/, '')} for '${command}' (see --help).`);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      out(USAGE);
      return 0;
    }
    if (parsed.positionals.length !== 1) {
      throw new UsageError(`'${command}' takes exactly one cache id, got ${parsed.positionals.length} (see --help).`);
    }
    const id = parsed.positionals[0];
    const str = (name: string) => values[name] as string | undefined;
    const clock = io.clock ?? SYSTEM_CLOCK;
    const timeoutMs = str('timeout') !== undefined ? parseTimeout(str('timeout')!) : undefined;
    const onProgress = (line: string) => err(line);
    const wait = { clock, onProgress, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    if (command === 'token' && !str('user')) {
      throw new UsageError("'token' needs --user <userId> (see --help).");
    }
    client = (io.createClient ?? defaultClient)({
      ...(str('region') ? { region: str('region') } : {}),
      ...(str('profile') ? { profile: str('profile') } : {}),
    });

    switch (command) {
      case 'describe': {
        const description = await describeCache(client, id);
        out(values.json ? JSON.stringify(description, null, 2) : formatDescription(description));
        break;
      }
      case 'wait': {
        const result = await waitForAvailable(client, id, wait);
        out(`${id} is available (waited ${formatElapsed(result.elapsedMs)}).`);
        break;
      }
      case 'failover-drill': {
        const r = await runFailoverDrill(client, id, { ...wait, ...(str('shard') ? { shard: str('shard') } : {}) });
        if (values.json) {
          out(JSON.stringify(r, null, 2));
        } else {
          out([
            `Failover drill on ${r.replicationGroupId}, shard ${r.shard}: new primary serving after ${formatElapsed(r.durationMs)}.`,
            `  primary before  ${r.primaryBefore ?? '(not reported)'}`,
            `  primary after   ${r.primaryAfter}`,
            `  started         ${r.startedAt}`,
            `  new primary     ${r.completedAt}`,
            ...(r.events.length > 0 ? ['Events:', ...r.events.map(e => `  ${e.date ?? ''}  ${e.source ?? ''}  ${e.message}`)] : []),
            `The old primary rejoins as a replica; 'cdk-elasticache wait ${id}' waits until the group is available again.`,
          ].join('\n'));
        }
        break;
      }
      case 'snapshot': {
        const r = await createSnapshot(client, id, { ...wait, ...(str('name') ? { name: str('name') } : {}) });
        out(values.json
          ? JSON.stringify(r, null, 2)
          : `Snapshot ${r.name} of ${r.source} is available (${formatElapsed(r.durationMs)}${r.sizes.length > 0 ? `, ${r.sizes.join(' + ')}` : ''}).`);
        break;
      }
      case 'token': {
        const signingDate = new Date(clock.now());
        const token = await generateIamAuthToken({
          cacheName: id,
          userId: str('user')!,
          region: await client.config.region(),
          credentials: client.config.credentials,
          serverless: values.serverless === true,
          signingDate,
        });
        const expiresAt = new Date(signingDate.getTime() + IAM_AUTH_TOKEN_EXPIRY_SECONDS * 1000).toISOString();
        out(values.json ? JSON.stringify({ token, user: str('user'), cache: id, expiresAt }, null, 2) : token);
        break;
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    err(formatError(e));
    return 1;
  } finally {
    client?.destroy();
  }
}

if (require.main === module) {
  // The SDK warns, over nine lines, that its releases from 2027 need Node 22: keep stderr to one line per failure.
  if (!process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
