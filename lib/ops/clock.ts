/**
 * Time as the waiting loops see it. The default reads `Date.now()` and sleeps with `setTimeout`,
 * so jest's fake timers drive it; tests may also pass their own.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)),
};

/** Options shared by every operation that waits. */
export interface WaitOptions {
  /**
   * How long to wait before giving up, in milliseconds.
   * @default - depends on the operation (30 minutes for `waitForAvailable`)
   */
  readonly timeoutMs?: number;
  /**
   * Time between two polls, in milliseconds.
   * @default - depends on the operation (15 seconds for `waitForAvailable`)
   */
  readonly intervalMs?: number;
  /**
   * Receives one line of progress per poll (the CLI writes them to stderr).
   * @default - progress is discarded
   */
  readonly onProgress?: (line: string) => void;
  /**
   * The clock.
   * @default SYSTEM_CLOCK
   */
  readonly clock?: Clock;
  /**
   * Ends the wait early, as its timeout does: once aborted, the wait stops sleeping and fails with its
   * timeout error (the `cdk-elasticache` command aborts it at its `--timeout`, which bounds the whole command).
   * @default - the wait ends at `timeoutMs` only
   */
  readonly signal?: AbortSignal;
}

/** `75_000` -> `1m15s`, `4_000` -> `4s`, `3_600_000` -> `1h0m0s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return `${h}h${m}m${s}s`;
  }
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * Polls `check` until it returns a value (not `undefined`), sleeping `intervalMs` in between.
 * Throws what `onTimeout` returns once `timeoutMs` has passed, or once `signal` is aborted: at once
 * when it is aborted during a sleep; when a check that is running then fails, after at least one
 * check answered (a check that never answered throws its own error, the cause). `check` receives
 * the elapsed time.
 * @internal
 */
export async function poll<T>(
  check: (elapsedMs: number) => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs: number; clock: Clock; onTimeout: () => Error; signal?: AbortSignal },
): Promise<T> {
  const start = options.clock.now();
  const signal = options.signal;
  let answered = false;
  for (;;) {
    let result: T | undefined;
    try {
      result = await check(options.clock.now() - start);
    } catch (e) {
      if (signal?.aborted && answered) {
        throw options.onTimeout();
      }
      throw e;
    }
    answered = true;
    if (result !== undefined) {
      return result;
    }
    const elapsed = options.clock.now() - start;
    if (elapsed >= options.timeoutMs || signal?.aborted) {
      throw options.onTimeout();
    }
    await sleepUnlessAborted(options.clock, Math.min(options.intervalMs, options.timeoutMs - elapsed), signal);
    if (signal?.aborted) {
      throw options.onTimeout();
    }
  }
}

/** `clock.sleep(ms)`, ended early when `signal` is aborted. */
function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) {
    return clock.sleep(ms);
  }
  return new Promise<void>(resolve => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void clock.sleep(ms).then(done, done);
  });
}
