// Runs the `cdk-elasticache` command as a user does: a separate node process (see build-cli.ts),
// asynchronously, so that a test's own HTTP server keeps answering meanwhile.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a machine with nothing configured: no profile, no config files (AWS_CONFIG_FILE
 * and AWS_SHARED_CREDENTIALS_FILE point into `home`, which need not hold them), no instance metadata.
 * The SDK's Node-version warning is left for the command to silence.
 */
export function bareEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** `node <cli> ...args`, with exactly `env` as the environment. */
export function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise(resolve => {
    execFile(process.execPath, [cli, ...args], { cwd: path.dirname(cli), env, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      });
  });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * The command's `main()` in this process, with exactly `env` as `process.env` while it runs (the AWS
 * SDK reads its credentials, region and endpoints from there): what `runCli` answers, without a node
 * process (about 0.3 s of CPU each). Runs one at a time, since they share `process.env`.
 */
export function runInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const run = queue.then(async () => {
    // Required here, not at the top: the suites that only run processes need not load the command.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main } = require('../../bin/cli') as typeof import('../../bin/cli');
    let stdout = '';
    let stderr = '';
    const saved = process.env;
    // As the command does for itself when run (bin/cli.ts): the SDK's Node-version warning is off.
    process.env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
    try {
      const status = await main(args, {
        stdout: { write: (text: string) => { stdout += text; } },
        stderr: { write: (text: string) => { stderr += text; } },
        env: process.env,
      });
      return { status, stdout, stderr };
    } finally {
      process.env = saved;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** A failure as the command reports one: exactly one line on stderr (that line, or one matching it), nothing on stdout, that exit code. */
export function expectOneLine(r: CliRun, status: number, line: string | RegExp): void {
  expect({ status: r.status, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n').length }).toEqual({ status, stdout: '', lines: 1 });
  expect(r.stderr).toEqual(typeof line === 'string' ? `${line}\n` : expect.stringMatching(line));
}
