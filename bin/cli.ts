#!/usr/bin/env node
/**
 * cdk-elasticache: operations on deployed ElastiCache caches (a thin wrapper over lib/ops).
 *
 *   cdk-elasticache list [--json]
 *   cdk-elasticache describe <id> [--serverless] [--json]
 *   cdk-elasticache describe --global <global id> [--json]
 *   cdk-elasticache events <id> [--since 1h] [--json]
 *   cdk-elasticache wait <id> [--serverless] [--deleted] [--timeout 30m] [--json]
 *   cdk-elasticache failover-drill <id> [--shard N] [--timeout 20m] [--json]
 *   cdk-elasticache failover-global <global id> --to <region> [--timeout 30m] [--no-wait] [--json]
 *   cdk-elasticache snapshot <id> [--serverless] [--name NAME] [--timeout 60m] [--json]
 *   cdk-elasticache token <id> --user USER_ID [--serverless] [--json]
 *   cdk-elasticache rotate <secret or id> [--timeout 20m] [--json]
 *   cdk-elasticache rotate-auth-token <id> --secret SECRET [--step both|rotate|set] [--timeout 30m] [--json]
 *   cdk-elasticache plan --before DIR --after DIR | --deployed --after DIR [--stack NAME]... [--json]
 *   cdk-elasticache local [--app DIR] [--stack NAME] [--cache ID] [--write-env FILE] [--json]
 *
 * Every command takes --region, --profile, --endpoint-url, --output and --timeout, before or after the command;
 * region and credentials otherwise come from the AWS CLI's environment variables and the AWS SDK's chains, in
 * the AWS CLI's order. Ids are checked locally before any call; every call is bounded by --timeout.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Clock, formatElapsed, SYSTEM_CLOCK } from '../lib/ops/clock';
import { describeCache, formatDescription } from '../lib/ops/describe';
import { CommandDeadline, createCommandClient, endpointProblem, profileProblem, startDeadline } from '../lib/ops/client';
import { formatError, formatServiceError, OpsError } from '../lib/ops/errors';
import { cacheEvents, formatCacheEvents, MAX_EVENT_AGE_MS } from '../lib/ops/events';
import { regionOf } from '../lib/ops/find';
import { formatCacheList, listCaches } from '../lib/ops/list';
import { runFailoverDrill } from '../lib/ops/failover';
import {
  createCloudWatchCommandClient, describeGlobalDatastore, failoverGlobalDatastore, formatGlobalDescription, formatGlobalFailover,
  globalIdProblem, regionProblem,
} from '../lib/ops/global';
import { createCloudFormationCommandClient, formatPlan, planAssemblies, planDeployed, PlanResult } from '../lib/ops/plan-command';
import {
  createServerlessSnapshot, describeServerlessCache, formatServerlessDescription, waitForServerlessCache, withServerlessFallback,
} from '../lib/ops/serverless';
import { CacheIdKind, cacheIdProblem } from '../lib/ops/ids';
import { createSecretsManagerCommandClient, rotateAuthToken, rotateNow, secretIdProblem } from '../lib/ops/rotate';
import { createSnapshot } from '../lib/ops/snapshot';
import { generateIamAuthToken, IAM_AUTH_TOKEN_EXPIRY_SECONDS } from '../lib/ops/token';
import { LOCAL_HELP, LOCAL_OPTIONS, runLocal } from '../lib/local/command';
import { waitForAvailable, waitForDeleted } from '../lib/ops/wait';

/** Where the CLI writes, which client it uses, and its clock: replaced in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Builds the ElastiCache client from --region / --profile / --endpoint-url. */
  readonly createClient?: (options: { region?: string; profile?: string; endpoint?: string }) => ElastiCacheClient;
  /** Builds the Secrets Manager client (rotate, rotate-auth-token) from the same options. */
  readonly createSecretsManagerClient?: (options: { region?: string; profile?: string; endpoint?: string }) => SecretsManagerClient;
  readonly clock?: Clock;
  /** The environment (AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_CONFIG_FILE, ...). */
  readonly env?: NodeJS.ProcessEnv;
}

const COMMON_HELP = `Options of every command (before or after the command):
  --region <region>      AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region)
  --profile <name>       profile from ~/.aws/config and ~/.aws/credentials; beats AWS_ACCESS_KEY_ID /
                         AWS_SECRET_ACCESS_KEY (default: those keys, then AWS_PROFILE, then the default chain)
  --endpoint-url <url>   the ElastiCache API endpoint, e.g. a local one (default: AWS_ENDPOINT_URL_ELASTICACHE,
                         AWS_ENDPOINT_URL, or the region's endpoint)
  --output <format>      json (the same as --json) or table (the default, for people)
  --timeout <duration>   the longest the whole command may take, every AWS call and wait included: 90s, 15m,
                         1h (default 2m; the commands that wait have their own, see <command> --help); each
                         connection attempt also gives up after 5s and each request after 30s
  -h, --help             help`;

const ID_HELP = '<id> is a replication group id (1-40 letters, digits and hyphens, starting with a letter, no \'--\', no trailing \'-\')';

/** Each command: its synopsis, what it does, and its own options. */
const COMMAND_HELP: Record<string, { synopsis: string; summary: string; details: string }> = {
  'list': {
    synopsis: 'list [--json]',
    summary: 'every replication group, cache cluster and serverless cache of the region, with status, engine and version',
    details: `Lists every replication group (Valkey / Redis OSS), cache cluster that is not a member of one
(Memcached, lone Redis OSS nodes) and serverless cache of the region: id, kind, status, engine, version,
node type and nodes. A listing ElastiCache refuses (an IAM policy without elasticache:DescribeServerlessCaches,
...) is one line on stderr naming the operation, and exit code 2; the caches of the other listings are still
printed, and it never says there are no caches of a kind it could not list.

  --json                 the list as JSON: { caches: [...], problems: [...] }`,
  },
  'describe': {
    synopsis: 'describe <id> [--serverless | --global] [--json]',
    summary: 'status, engine, nodes and roles, endpoints, security, failover, backups, pending changes; or a global datastore',
    details: `Describes a replication group (Valkey / Redis OSS) or cache cluster (Memcached): status, engine and
version, node type, every node with its role, AZ and status, endpoints, encryption and auth, Multi-AZ
and failover, backups and windows, pending changes, and the service updates not applied yet
(DescribeUpdateActions: name, severity, status, recommended apply-by date). A serverless cache: status,
engine and version, the endpoint and reader endpoint, usage limits, snapshot settings, authentication and
its recent snapshots.

${ID_HELP}
or a cache cluster id (the same rules, 1-50 characters), or a serverless cache name (looked up when the id
names neither).

  --serverless           <id> is a serverless cache (skips the replication group and cache cluster lookups)
  --global               <id> is a global datastore's full id (ldgnf-orders): its status, engine, node type and
                         encryption, and each member's Region, replication group, role and status, with the
                         replication lag of each secondary (CloudWatch GlobalDatastoreReplicationLag in the
                         secondary's Region, the latest of the last 10 minutes, highest node). Run it with the
                         --region of a member. A lag CloudWatch refuses: a line on stderr, exit code 1
  --json                 the description as JSON`,
  },
  'events': {
    synopsis: 'events <id> [--since 1h] [--json]',
    summary: 'the events of the cache and its nodes (failovers, restarts, modifications), oldest first',
    details: `Prints the ElastiCache events of a replication group and of its member cache clusters, of a cache
cluster or of a serverless cache over a recent period, oldest first: date, source, message.

${ID_HELP},
a cache cluster id (the same rules, 1-50 characters) or a serverless cache name.

  --since <duration>     how far back: 30m, 6h, 2d (default 1h; at most 14d, what ElastiCache keeps)
  --json                 the events as JSON`,
  },
  'wait': {
    synopsis: 'wait <id> [--serverless] [--deleted] [--timeout 30m] [--json]',
    summary: 'wait until the cache is available, or with --deleted until it is gone (progress on stderr)',
    details: `Polls the replication group, cache cluster or serverless cache every 15 seconds until it is available,
one line of progress per poll on stderr. Stops at once on a status it never leaves (create-failed, deleting, ...).
With --deleted, waits until ElastiCache no longer knows the id instead (it deletes nothing itself);
an id that is already unknown returns at once and says so.

${ID_HELP}
or a cache cluster id (the same rules, 1-50 characters), or a serverless cache name (looked up when the id
names neither).

  --serverless           <id> is a serverless cache
  --deleted              wait until the cache is deleted
  --timeout <duration>   how long to wait: 90s, 15m, 1h (default 30m; 60m with --deleted); a call that
                         does not answer by then ends the command too
  --json                 the result as JSON`,
  },
  'failover-drill': {
    synopsis: 'failover-drill <id> [--shard N] [--timeout 20m] [--json]',
    summary: 'call TestFailover and follow it until a new primary serves (disrupts writes briefly)',
    details: `Checks that the replication group can fail over (available, automatic failover enabled, a replica in
the shard), calls TestFailover, and follows the events and node roles until another node is primary.
Refuses, before changing anything, Memcached, single cache clusters and groups that cannot fail over.
Writes pause for a few seconds during a failover: run it when you mean it.

${ID_HELP}.

  --shard <N>            the shard (node group) whose primary fails over: its id (0002, or an id of 1-4 letters
                         and digits given at creation) or its number (2); required when the group has several
                         shards (cluster mode enabled), otherwise its only shard
  --timeout <duration>   how long the drill may take until the new primary: 90s, 15m, 1h (default 20m)
  --json                 the result as JSON`,
  },
  'failover-global': {
    synopsis: 'failover-global <global id> --to <region> [--timeout 30m] [--no-wait] [--json]',
    summary: 'promote the member of a Region to primary of a global datastore and wait until it is (progress on stderr)',
    details: `Finds the member of the global datastore in the Region --to names (DescribeGlobalReplicationGroups),
calls FailoverGlobalReplicationGroup with that Region and that replication group, then polls every 10 seconds
until it is the primary and the datastore is available, one line of progress per poll on stderr. Refuses,
before changing anything, a Region without a member, the primary's own Region, and a datastore that is not
available. Writes go to one Region only: move the writers to the new primary Region.

<global id> is the full id, with the Region prefix ElastiCache adds (ldgnf-orders); run the command with the
--region of a member.

  --to <region>          the Region whose member becomes the primary (eu-west-1, us-east-1...)
  --timeout <duration>   how long to wait: 90s, 15m, 1h (default 30m)
  --no-wait              return once ElastiCache has accepted the failover
  --json                 the result as JSON`,
  },
  'snapshot': {
    synopsis: 'snapshot <id> [--serverless] [--name NAME] [--timeout 60m] [--json]',
    summary: 'take a manual backup and wait until it is available (Valkey / Redis OSS, serverless caches)',
    details: `Takes a manual backup of a replication group (or a single Redis OSS cache cluster), or a snapshot of a
serverless cache (Valkey, Redis OSS or Memcached), and waits until it is available. Refuses node-based
Memcached, which has no backups, and a serverless cache that is not available.

${ID_HELP}
or a cache cluster id (the same rules, 1-50 characters), or a serverless cache name (looked up when the id
names neither).

  --serverless           <id> is a serverless cache

  --name <name>          the snapshot name (default: <id>-manual-<UTC timestamp>)
  --timeout <duration>   how long to wait for the snapshot: 90s, 15m, 1h (default 60m)
  --json                 the result as JSON`,
  },
  'token': {
    synopsis: 'token <id> --user <userId> [--serverless] [--json]',
    summary: 'print an IAM authentication token (valid 15 minutes) for Valkey / Redis OSS clients',
    details: `Prints an IAM authentication token for a Valkey / Redis OSS user, valid 15 minutes: the password to send
with the user id as the username. Signing is local; no AWS call is made.

${ID_HELP},
or with --serverless a serverless cache name (the same rules).

  --user <userId>        the ElastiCache user id (IAM users have user name = user id)
  --serverless           <id> is a serverless cache
  --json                 the token with its user, cache and expiry as JSON`,
  },
  'rotate': {
    synopsis: 'rotate <secret or id> [--timeout 20m] [--json]',
    summary: 'rotate a secret now with its rotation function (cache.addRotation()) and follow it to the end',
    details: `Starts a rotation now (RotateSecret) and follows it until the new version is current, one line of
progress per poll on stderr. <secret or id> is a secret's name or ARN, or a replication group id: then
every secret cdk-elasticache rotates for it (its users' passwords, or its AUTH token), one after the
other. Refuses secrets without rotation and rotations already running; on a timeout, names the function
whose log says why.

  --timeout <duration>   how long the command may take, for all its secrets: 90s, 15m, 1h (default 20m)
  --json                 the results as JSON
  --endpoint-url         also used for Secrets Manager, unless AWS_ENDPOINT_URL_SECRETS_MANAGER is set`,
  },
  'rotate-auth-token': {
    synopsis: 'rotate-auth-token <id> --secret <secret> [--step both|rotate|set] [--timeout 30m] [--json]',
    summary: 'rotate a replication group\'s AUTH token by hand: ROTATE, store it in the secret, SET',
    details: `For groups without the rotation function: ModifyReplicationGroup with a new token and ROTATE (the old
and the new token both work), the new token into the secret clients read, then SET (only the new one
works), each with ApplyImmediately and a wait until the group is available. --step rotate stops after
the secret is updated (clients move at their pace); --step set later finishes with the token the
secret holds. Refuses groups without an AUTH token and secrets a rotation function rotates.

${ID_HELP}.

  --secret <secret>      the secret (name or ARN) clients read the token from; its whole string is the token
  --step <step>          both (default), rotate or set
  --timeout <duration>   how long the command may take, both waits for the group included: 90s, 15m, 1h
                         (default 30m)
  --json                 the result as JSON`,
  },
  'plan': {
    synopsis: 'plan --before <dir> --after <dir> | --deployed --after <dir> [--stack <name>]... [--json]',
    summary: 'what deploying a cloud assembly does to the caches: in place, replaced, will fail, refused, export in use',
    details: `Compares two cloud assemblies (what cdk synth writes: cdk.out), or the stacks deployed in the account
(CloudFormation GetTemplate) and an assembly, and prints per stack each ElastiCache resource that changes
and each export a deployed stack imports that goes away: in place, replaced (a new, empty cache), will
fail (a replacement under the same name: the update rolls back), refused transition (ElastiCache refuses
it: the update rolls back), export in use, created, deleted; with the reason and the steps that work.

  --before <dir>         the assembly deployed now (e.g. synthesized from main)
  --after <dir>          the assembly to deploy (e.g. synthesized from a branch)
  --deployed             compare with the stacks deployed instead of --before: GetTemplate for each stack of
                         --after (in the region a stack is pinned to, else the default region); a stack
                         that does not exist is new. --region, --profile and --endpoint-url (CloudFormation's
                         endpoint; default AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL) apply here only
  --stack <name>         report only this stack (repeatable); every stack is still read for the imports
  --json                 the plan as JSON: { findings: [...], safe, stacks, notDeployed }

Exit codes: 0 safe to deploy, 1 not safe (a class other than in place, created, unchanged), 2 error.`,
  },
  'local': LOCAL_HELP,
};

export const USAGE = `Usage: cdk-elasticache <command> [<id>] [options]

Operations on deployed ElastiCache caches (Valkey / Redis OSS replication groups, Memcached clusters), and
the plan of a deployment (what it does to the caches).

Commands:
${Object.values(COMMAND_HELP).map(c => `  ${c.synopsis}\n      ${c.summary}`).join('\n')}

${COMMON_HELP}
  --version              the version of cdk-elasticache

'cdk-elasticache <command> --help' describes a command and its options.
Exit codes: 0 success; 1 the answer is no: the cache is not found, the operation is refused, or a wait ran
out of --timeout while AWS answered; 2 error: a usage error (bad arguments, an invalid id, an unknown profile,
an invalid endpoint: nothing was sent to AWS), or an AWS call failed (refused, such as AccessDenied; no
answer within --timeout; unreachable). plan: 0 safe to deploy, 1 not safe, 2 error.
`;

/** The help of one command. */
export function commandUsage(command: string): string {
  const c = COMMAND_HELP[command];
  return `Usage: cdk-elasticache ${c.synopsis} [options]\n\n${c.details}\n\n${COMMON_HELP}\n`;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  'region': { type: 'string' },
  'profile': { type: 'string' },
  'endpoint-url': { type: 'string' },
  'output': { type: 'string' },
  'timeout': { type: 'string' },
  'json': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
};

const COMMANDS: Record<string, Options> = {
  'list': { json: { type: 'boolean' } },
  'describe': { serverless: { type: 'boolean' }, global: { type: 'boolean' }, json: { type: 'boolean' } },
  'events': { since: { type: 'string' }, json: { type: 'boolean' } },
  'wait': { serverless: { type: 'boolean' }, timeout: { type: 'string' }, deleted: { type: 'boolean' }, json: { type: 'boolean' } },
  'failover-drill': { shard: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  'failover-global': { 'to': { type: 'string' }, 'timeout': { type: 'string' }, 'no-wait': { type: 'boolean' }, 'json': { type: 'boolean' } },
  'snapshot': { serverless: { type: 'boolean' }, name: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  'token': { user: { type: 'string' }, serverless: { type: 'boolean' }, json: { type: 'boolean' } },
  'rotate': { timeout: { type: 'string' }, json: { type: 'boolean' } },
  'rotate-auth-token': { secret: { type: 'string' }, step: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
  'plan': {
    before: { type: 'string' }, after: { type: 'string' }, deployed: { type: 'boolean' }, stack: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  'local': LOCAL_OPTIONS,
};

/** The options that may come before the command (as the AWS CLI's global options), and whether they take a value. */
const GLOBAL_OPTIONS: Record<string, boolean> = {
  '--region': true, '--profile': true, '--endpoint-url': true, '--output': true, '--timeout': true, '--json': false,
};

/**
 * Splits `argv` into the command and its arguments, the options before the command moved after it
 * (`--region eu-west-1 list` is `list --region eu-west-1`; options after the command win).
 */
export function splitCommand(argv: string[]): { command: string | undefined; args: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const name = argv[i].split('=', 1)[0];
    const takesValue = GLOBAL_OPTIONS[name];
    if (takesValue === undefined) {
      break;
    }
    const width = takesValue && !argv[i].includes('=') ? 2 : 1;
    leading.push(...argv.slice(i, i + width));
    i += width;
  }
  return { command: argv[i], args: [...leading, ...argv.slice(i + 1)] };
}

/** How long each command may take without --timeout. */
function defaultTimeoutMs(command: string, deleted: boolean): number {
  const minutes: Record<string, number> = { 'wait': deleted ? 60 : 30, 'failover-drill': 20, 'snapshot': 60, 'rotate': 20, 'rotate-auth-token': 30 };
  return (minutes[command] ?? 2) * 60_000;
}

/** What kind of id each command takes (`list` takes none). */
const ID_KIND: Record<string, CacheIdKind> = {
  'describe': 'cache',
  'events': 'cache',
  'wait': 'cache',
  'failover-drill': 'replication-group',
  'failover-global': 'replication-group', // a global datastore id: checked with globalIdProblem
  'snapshot': 'cache',
  'token': 'replication-group',
  'rotate': 'replication-group',
  'rotate-auth-token': 'replication-group',
};

/** The version in the package.json next to the command (`dist/bin/cli.js` or `bin/cli.ts`). */
export function packageVersion(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-elasticache' && pkg.version) {
        return pkg.version;
      }
    } catch {
      // not here: one level up
    }
  }
  return 'unknown';
}

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

/** `--since`: `30m`, `6h`, `2d`, `3600` (seconds) -> milliseconds, at most 14 days. */
export function parseSince(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  const value = m ? Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(value > 0) || value > MAX_EVENT_AGE_MS) {
    throw new UsageError(`Invalid --since: got '${text}'. Allowed: a positive duration of at most 14d (ElastiCache keeps events 14 days), such as 30m, 6h or 2d.`);
  }
  return value;
}

/**
 * --region, --profile and --endpoint-url, checked (an unknown profile, a URL that is none, in the option or
 * in the endpoint variables the command's APIs read): a UsageError, before any client exists.
 */
function checkedClientOptions(values: Record<string, string | boolean | string[] | undefined>, env: NodeJS.ProcessEnv,
  services: string[] = ['ELASTICACHE']): { region?: string; profile?: string; endpoint?: string } {
  const str = (name: string) => values[name] as string | undefined;
  const endpoint = str('endpoint-url');
  const endpointIssue = endpoint !== undefined ? endpointProblem(endpoint) : undefined;
  if (endpointIssue) {
    throw new UsageError(endpointIssue);
  }
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() !== 'true') {
    for (const name of ['AWS_ENDPOINT_URL', ...services.map(service => `AWS_ENDPOINT_URL_${service}`)]) {
      const issue = env[name]?.trim() ? endpointProblem(env[name]!.trim(), name) : undefined;
      if (issue) {
        throw new UsageError(issue);
      }
    }
  }
  const profile = str('profile') ?? (env.AWS_PROFILE?.trim() || undefined);
  const profileIssue = profile !== undefined ? profileProblem(profile, str('profile') !== undefined ? 'from --profile' : 'from AWS_PROFILE', env) : undefined;
  if (profileIssue) {
    throw new UsageError(profileIssue);
  }
  return {
    ...(str('region') ? { region: str('region') } : {}),
    ...(str('profile') ? { profile: str('profile') } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * `plan`: exit 0 when the plan is safe, 1 when it is not, 2 on any error (a usage error, an assembly
 * that cannot be read, CloudFormation unreachable or refusing), always one line on stderr.
 */
async function plan(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], io: CliIo,
  env: NodeJS.ProcessEnv, deadline: CommandDeadline): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  const before = values.before as string | undefined;
  const after = values.after as string | undefined;
  const stacks = values.stack as string[] | undefined;
  const cfnClients: Array<{ destroy(): void }> = [];
  try {
    if (positionals.length > 0) {
      throw new UsageError(`'plan' takes no cache id, got '${positionals.join(' ')}': give the assemblies with --before and --after (see --help).`);
    }
    if (values.deployed && before !== undefined) {
      throw new UsageError("'plan' compares --after with --before or with --deployed, not both (see --help).");
    }
    if (after === undefined || (!values.deployed && before === undefined)) {
      const missing = [...(values.deployed || before !== undefined ? [] : ['--before <dir> (or --deployed)']), ...(after === undefined ? ['--after <dir>'] : [])];
      throw new UsageError(`'plan' needs ${missing.join(' and ')}: the cloud assemblies to compare, as cdk synth writes them (see --help).`);
    }
    const awsOptions = ['region', 'profile', 'endpoint-url'].filter(o => values[o] !== undefined);
    if (!values.deployed && awsOptions.length > 0) {
      throw new UsageError(`'plan' reads --${awsOptions[0]} only with --deployed: --before and --after are read from disk (see --help).`);
    }
    let result: PlanResult;
    if (values.deployed) {
      const options = checkedClientOptions(values, env, ['CLOUDFORMATION']);
      result = await planDeployed(after, {
        ...(stacks ? { stacks } : {}),
        client: region => {
          const c = createCloudFormationCommandClient({ ...options, ...(region ? { region } : {}), onWarning: err, deadline }, env);
          cfnClients.push(c);
          return c;
        },
      });
    } else {
      result = planAssemblies(before!, after, stacks ? { stacks } : {});
    }
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n`
      : formatPlan(result, { before: values.deployed ? 'the deployed stacks' : before, after }));
    return result.safe ? 0 : 1;
  } catch (e) {
    err(e instanceof UsageError ? e.message : formatServiceError(e, 'CloudFormation'));
    return 2;
  } finally {
    cfnClients.forEach(c => c.destroy());
  }
}

/** The serverless operation with --serverless; otherwise the node-based one, falling back to a serverless cache of that name. */
function nodeBasedOrServerless<T>(client: ElastiCacheClient, id: string, serverless: boolean, nodeBased: () => Promise<T>,
  ofServerless: () => Promise<T>): Promise<T> {
  return serverless ? ofServerless() : withServerlessFallback(client, id, nodeBased, ofServerless);
}

/** Runs one command; returns the exit code. Never throws: every failure is one line on stderr. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // Nothing is written once the command has ended (a call its deadline cut short may still settle).
  let ended = false;
  const out = (text: string) => !ended && io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const err = (text: string) => !ended && io.stderr.write(`${text}\n`);
  const env = io.env ?? process.env;
  const { command, args: rest } = splitCommand(argv);
  if (command === undefined || command === '--help' || command === '-h') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    out(`cdk-elasticache ${packageVersion()}`);
    return 0;
  }
  if (command === 'help') {
    if (rest.length === 0) {
      out(USAGE);
      return 0;
    }
    if (rest.length === 1 && COMMAND_HELP[rest[0]]) {
      out(commandUsage(rest[0]));
      return 0;
    }
  }
  let client: ElastiCacheClient | undefined;
  let secretsClient: SecretsManagerClient | undefined;
  let deadline: ReturnType<typeof startDeadline> | undefined;
  let backstop: ReturnType<typeof setTimeout> | undefined;
  try {
    if (command.startsWith('-')) {
      throw new UsageError(`Unknown option '${command.split('=', 1)[0]}' before the command: only ${Object.keys(GLOBAL_OPTIONS).join(', ')} `
        + 'may come before it (see --help).');
    }
    const options = COMMANDS[command];
    if (!options) {
      const what = command === 'help' ? `help topic '${rest.join(' ')}'` : `command '${command}'`;
      throw new UsageError(`Unknown ${what}. Commands: ${Object.keys(COMMANDS).join(', ')} (see --help).`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split(/\. |\n/)[0].replace(/\.$/, '')} for '${command}' (see --help).`);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      out(commandUsage(command));
      return 0;
    }
    if (values.output !== undefined) {
      if (values.output !== 'json' && values.output !== 'table') {
        throw new UsageError(`Invalid --output: got '${values.output}'. Allowed: json (the same as --json) or table (the default).`);
      }
      values.json = values.json === true || values.output === 'json';
    }
    // local runs until interrupted: no --timeout deadline.
    if (command === 'local') {
      return await runLocal(values, parsed.positionals, io);
    }
    const timeoutMs = values.timeout !== undefined ? parseTimeout(values.timeout as string) : defaultTimeoutMs(command, values.deleted === true);
    // The whole command's time: every AWS call still running then fails at once, every wait ends.
    deadline = startDeadline(timeoutMs);
    // What the deadline cannot reach (a credential process, ...) ends here, a moment later.
    const late = new Promise<number>(resolve => {
      backstop = setTimeout(() => {
        err(`No result within the --timeout of ${formatElapsed(timeoutMs)}: ${command} did not finish.`);
        resolve(2);
      }, timeoutMs + 1_000);
    });
    const run = command === 'plan' ? plan(values, parsed.positionals, io, env, deadline)
      : runCommand(command, values, parsed.positionals, deadline, timeoutMs);
    return await Promise.race([run, late]);
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    err(formatError(e));
    return e instanceof OpsError ? 1 : 2;
  } finally {
    ended = true;
    deadline?.clear();
    clearTimeout(backstop);
    client?.destroy();
    secretsClient?.destroy();
  }

  /** The commands other than `plan`, after their options are parsed: the exit code. */
  async function runCommand(command: string, values: Record<string, string | boolean | undefined>, positionals: string[],
    deadline: CommandDeadline, timeoutMs: number): Promise<number> {
    const takesId = command !== 'list';
    if (!takesId && positionals.length > 0) {
      throw new UsageError(`'${command}' takes no cache id, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'} (see --help).`);
    }
    if (takesId && positionals.length !== 1) {
      throw new UsageError(`'${command}' takes exactly one cache id, got ${positionals.length} (see --help).`);
    }
    const id = takesId ? positionals[0] : '';
    const str = (name: string) => values[name] as string | undefined;
    // Everything is checked here, before a client exists: a wrong id never reaches ElastiCache.
    const serverless = values.serverless === true;
    let idProblem = takesId ? cacheIdProblem(serverless ? 'serverless-cache' : ID_KIND[command], id) : undefined;
    if (command === 'rotate' && idProblem) {
      idProblem = secretIdProblem(id, true); // a secret's name or ARN, or neither
    }
    if (command === 'failover-global' || values.global) {
      idProblem = globalIdProblem(id);
    }
    if (idProblem) {
      throw new UsageError(idProblem);
    }
    const sinceMs = str('since') !== undefined ? parseSince(str('since')!) : undefined;
    const shard = str('shard');
    if (shard !== undefined && !/^[A-Za-z0-9]{1,4}$/.test(shard)) {
      throw new UsageError(`Invalid --shard: got '${shard}'. Allowed: a shard (node group) id of 1-4 letters or digits, such as 0001 or a1, or its number, such as 2 for 0002.`);
    }
    const clock = io.clock ?? SYSTEM_CLOCK;
    const onProgress = (line: string) => err(line);
    const wait = { clock, onProgress, timeoutMs, signal: deadline.signal };
    if (command === 'token' && !str('user')?.trim()) {
      throw new UsageError("'token' needs --user <userId> (see --help).");
    }
    if (command === 'rotate-auth-token') {
      const secretProblem = str('secret') === undefined ? "'rotate-auth-token' needs --secret <secret>: the secret clients read the token "
        + 'from, where the new token is stored (see --help).' : secretIdProblem(str('secret')!);
      if (secretProblem) {
        throw new UsageError(secretProblem);
      }
      if (str('step') !== undefined && !['both', 'rotate', 'set'].includes(str('step')!)) {
        throw new UsageError(`Invalid --step: got '${str('step')}'. Allowed: both, rotate or set.`);
      }
    }
    if (str('name') !== undefined && !str('name')!.trim()) {
      throw new UsageError(`Invalid --name: got '${str('name')}'. Allowed: a snapshot name that no other snapshot of the account has in the region.`);
    }
    if (command === 'failover-global') {
      const problem = str('to') === undefined ? "'failover-global' needs --to <region>: the Region whose member becomes the primary (see --help)."
        : regionProblem(str('to')!, '--to');
      if (problem) {
        throw new UsageError(problem);
      }
    }
    if (values.global && serverless) {
      throw new UsageError("'describe' takes --global or --serverless, not both (see --help).");
    }
    const rotation = command === 'rotate' || command === 'rotate-auth-token';
    const clientOptions = checkedClientOptions(values, env, rotation ? ['ELASTICACHE', 'SECRETS_MANAGER']
      : values.global ? ['ELASTICACHE', 'CLOUDWATCH'] : ['ELASTICACHE']);
    const createClient = io.createClient ?? (o => createCommandClient({ ...o, onWarning: err, deadline }, env));
    client = createClient(clientOptions);

    if (rotation) {
      const createSecrets = io.createSecretsManagerClient ?? (o => createSecretsManagerCommandClient({ ...o, onWarning: err, deadline }, env));
      secretsClient = createSecrets(clientOptions);
    }
    const clients = () => ({ elastiCache: client!, secretsManager: secretsClient! });

    switch (command) {
      case 'list': {
        const list = await listCaches(client);
        const text = values.json ? JSON.stringify(list, null, 2) : formatCacheList(list, await regionOf(client));
        if (text) {
          out(text);
        }
        for (const p of list.problems) {
          err(`Could not list the ${p.what}: ${p.error}`);
        }
        return list.problems.length > 0 ? 2 : 0;
      }
      case 'events': {
        const r = await cacheEvents(client, id, { now: clock.now(), ...(sinceMs !== undefined ? { sinceMs } : {}) });
        out(values.json ? JSON.stringify(r, null, 2) : formatCacheEvents(r));
        break;
      }
      case 'rotate': {
        const results = await rotateNow(clients(), id, wait);
        out(values.json ? JSON.stringify(results, null, 2) : results.map(r => `Rotated ${r.name} (${r.target}): version ${r.versionId} `
          + `is current (${formatElapsed(r.durationMs)}).`).join('\n'));
        break;
      }
      case 'rotate-auth-token': {
        const step = (str('step') ?? 'both') as 'both' | 'rotate' | 'set';
        const r = await rotateAuthToken(clients(), id, { ...wait, secretId: str('secret')!, step });
        out(values.json ? JSON.stringify(r, null, 2) : step === 'rotate'
          ? `AUTH token of ${id}: ROTATE done and the secret holds the new token (${formatElapsed(r.durationMs)}); the old and the new `
            + `token both work until 'cdk-elasticache rotate-auth-token ${id} --secret ${str('secret')} --step set'.`
          : `AUTH token of ${id} rotated (${r.steps.join(', ')}) in ${formatElapsed(r.durationMs)}: only the token in the secret works.`);
        break;
      }
      case 'describe': {
        if (values.global) {
          const cloudWatchClients: Array<{ destroy(): void }> = [];
          try {
            const d = await describeGlobalDatastore(client, id, {
              now: clock.now(),
              cloudWatch: region => {
                const c = createCloudWatchCommandClient({ ...clientOptions, region, onWarning: err, deadline }, env);
                cloudWatchClients.push(c);
                return c;
              },
            });
            out(values.json ? JSON.stringify(d, null, 2) : formatGlobalDescription(d));
            d.problems.forEach(p => err(p));
            return d.problems.length > 0 ? 1 : 0;
          } finally {
            cloudWatchClients.forEach(c => c.destroy());
          }
        }
        const c = client;
        const text = await nodeBasedOrServerless(c, id, serverless,
          async () => { const d = await describeCache(c, id); return values.json ? JSON.stringify(d, null, 2) : formatDescription(d); },
          async () => {
            const d = await describeServerlessCache(c, id);
            return values.json ? JSON.stringify(d, null, 2) : formatServerlessDescription(d);
          });
        out(text);
        break;
      }
      case 'wait': {
        if (values.deleted) {
          const r = await waitForDeleted(client, id, { ...wait, serverless });
          out(values.json ? JSON.stringify({ ...r, status: 'deleted' }, null, 2) : r.existed
            ? `${id} is deleted (waited ${formatElapsed(r.elapsedMs)}).`
            : `${id} is deleted: no ${serverless ? 'serverless cache' : 'replication group, cache cluster or serverless cache'} has that id `
              + `in ${await regionOf(client)} (already deleted, or never created).`);
          break;
        }
        const c = client;
        const elapsedMs = await nodeBasedOrServerless(c, id, serverless, async () => (await waitForAvailable(c, id, wait)).elapsedMs,
          async () => (await waitForServerlessCache(c, id, wait)).elapsedMs);
        out(values.json ? JSON.stringify({ id, status: 'available', elapsedMs }, null, 2) : `${id} is available (waited ${formatElapsed(elapsedMs)}).`);
        break;
      }
      case 'failover-drill': {
        const r = await runFailoverDrill(client, id, { ...wait, ...(shard ? { shard } : {}) });
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
      case 'failover-global': {
        const r = await failoverGlobalDatastore(client, id, { ...wait, toRegion: str('to')!, wait: values['no-wait'] !== true });
        out(values.json ? JSON.stringify(r, null, 2) : formatGlobalFailover(r));
        break;
      }
      case 'snapshot': {
        const c = client;
        const snapshotOptions = { ...wait, ...(str('name') ? { name: str('name') } : {}) };
        const text = await nodeBasedOrServerless(c, id, serverless,
          async () => {
            const r = await createSnapshot(c, id, snapshotOptions);
            return values.json ? JSON.stringify(r, null, 2)
              : `Snapshot ${r.name} of ${r.source} is available (${formatElapsed(r.durationMs)}${r.sizes.length > 0 ? `, ${r.sizes.join(' + ')}` : ''}).`;
          },
          async () => {
            const r = await createServerlessSnapshot(c, id, snapshotOptions);
            return values.json ? JSON.stringify(r, null, 2)
              : `Snapshot ${r.name} of the serverless cache ${r.source} is available (${formatElapsed(r.durationMs)}`
                + `${r.bytes !== undefined ? `, ${r.bytes} bytes` : ''}).`;
          });
        out(text);
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
  }
}

if (require.main === module) {
  // The SDK warns, over nine lines, that its releases from 2027 need Node 22: keep stderr to one line per failure.
  if (!process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
    // What the deadline abandoned (a credential process that never ends, ...) must not keep the command alive: when
    // something still holds the event loop a moment after the output, exit (the timer itself holds nothing).
    setTimeout(() => process.exit(code), 200).unref();
  });
}
