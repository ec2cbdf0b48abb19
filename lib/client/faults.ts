// What went wrong when a client could not connect: the errors iovalkey, ioredis and node-redis report
// (often "Connection is closed." with the cause in an 'error' event, or in a cluster's
// `lastNodeError`), turned into one cause; a probe settles the cases the errors leave open (a reset
// or a timeout: TLS on one side only?). Also: the password a client puts on its AUTH / HELLO errors.
import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * Why a connection failed, as `CacheClientError.reason` says it:
 * - `environment`: a `CACHE_*` variable is missing or malformed;
 * - `secret`: the secret is missing, unreadable or malformed;
 * - `signing`: an IAM token could not be signed (no region, no credentials);
 * - `credentials-refused`: the cache refused the user and password (or token);
 * - `tls-required`: `CACHE_TLS=false`, but the cache speaks TLS only;
 * - `tls-not-offered`: `CACHE_TLS=true`, but the cache does not speak TLS;
 * - `untrusted-certificate`: the cache's certificate is not trusted (or not for that host name);
 * - `unreachable`: no connection (refused, no route, unknown host, connection timeout);
 * - `no-answer`: connected, but no answer within the connect timeout;
 * - `client`: anything else the client reported (its message follows).
 */
export type CacheFault = 'environment' | 'secret' | 'signing' | 'credentials-refused' | 'tls-required' | 'tls-not-offered'
| 'untrusted-certificate' | 'unreachable' | 'no-answer' | 'client';

/** What the diagnosis needs to know of the connection. */
export interface FaultContext {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly connectTimeoutMs: number;
  /** Who the client authenticated as, in words: "user 'app' (password from the secret arn:..., CACHE_SECRET_ARN)". */
  readonly who?: string;
  /** The TLS variable's name (`CACHE_TLS`, `CACHE_<NAME>_TLS`). */
  readonly tlsVariable: string;
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'INVALID_CA',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

const CREDENTIALS_REFUSED = /\bWRONGPASS\b|invalid password|invalid username-password|\bNOAUTH\b|\bNOPERM\b.*\b(auth|hello)\b/i;

/** The errors worth reading in what a client reported: the error itself, its `lastNodeError`, its `cause`. */
function flatten(errors: readonly unknown[]): Error[] {
  const out: Error[] = [];
  const visit = (e: unknown, depth: number) => {
    // Not `instanceof Error`: an error of node:net or node:tls is not one inside a VM sandbox (jest's).
    if (!isError(e) || depth > 3 || out.includes(e)) return;
    out.push(e);
    const nested = e as Error & { lastNodeError?: unknown; cause?: unknown; errors?: unknown[] };
    visit(nested.lastNodeError, depth + 1);
    visit(nested.cause, depth + 1);
    for (const inner of nested.errors ?? []) visit(inner, depth + 1);
  };
  for (const e of errors) visit(e, 0);
  return out;
}

function isError(e: unknown): e is Error {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

const codeOf = (e: Error) => String((e as { code?: unknown }).code ?? '');

/**
 * The cause a client's error shows by itself, when it is one the client should not retry
 * (refused credentials, a certificate, TLS spoken to plaintext), else `undefined`. Used by the
 * reconnection policies to stop at once.
 */
export function fatalFault(error: unknown): CacheFault | undefined {
  for (const e of flatten([error])) {
    if (CREDENTIALS_REFUSED.test(e.message)) return 'credentials-refused';
    if (CERTIFICATE_CODES.has(codeOf(e))) return 'untrusted-certificate';
    if (/wrong version number|packet length too long|ERR_SSL_WRONG_VERSION_NUMBER/i.test(`${codeOf(e)} ${e.message}`)) return 'tls-not-offered';
  }
  return undefined;
}

/** The diagnosis: a cause, and the message that explains it. */
export interface Diagnosis {
  readonly fault: CacheFault;
  readonly message: string;
  /** The most telling of the client's errors (with any password taken out). */
  readonly cause?: Error;
}

/**
 * Turns what the client reported into one cause. `errors`: the rejection of connect() and every
 * error event seen meanwhile. Probes the endpoint when a reset or a timeout leaves TLS in doubt.
 */
export async function diagnose(errors: readonly unknown[], ctx: FaultContext): Promise<Diagnosis> {
  const all = flatten(errors);
  const where = `${ctx.host}:${ctx.port}`;
  const found = (test: (e: Error) => boolean) => all.find(test);
  const text = (e: Error) => `${e.message}${codeOf(e) && !e.message.includes(codeOf(e)) ? ` (${codeOf(e)})` : ''}`;

  const refused = found(e => CREDENTIALS_REFUSED.test(e.message));
  if (refused) {
    return {
      fault: 'credentials-refused', cause: refused,
      message: `The cache at ${where} refused the credentials of ${ctx.who ?? 'the connection (no credentials sent: CACHE_AUTH=none)'}: `
        + `${refused.message.trim().replace(/\.+$/, '')}. Check that the user exists, is enabled and is in the cache's user group, and that the secret holds `
        + 'its current password (a password rotated since the secret was read is read again once).',
    };
  }
  const certificate = found(e => CERTIFICATE_CODES.has(codeOf(e)));
  if (certificate) {
    const altName = codeOf(certificate) === 'ERR_TLS_CERT_ALTNAME_INVALID';
    return {
      fault: 'untrusted-certificate', cause: certificate,
      message: `The TLS certificate of the cache at ${where} is not trusted: ${text(certificate)}. `
        + (altName ? 'It is not for that host name: connect to the endpoint in CACHE_HOST, not an address.'
          : "ElastiCache's certificates are signed by a public CA that Node.js trusts; a cache with another certificate needs "
            + 'its CA in NODE_EXTRA_CA_CERTS (or the client\'s tls.ca).'),
    };
  }
  const wrongVersion = found(e => /wrong version number|packet length too long|ERR_SSL_WRONG_VERSION_NUMBER/i.test(`${codeOf(e)} ${e.message}`));
  if (wrongVersion && ctx.tls) {
    return tlsNotOffered(ctx, wrongVersion);
  }
  const unreachable = found(e => UNREACHABLE_CODES.has(codeOf(e)));
  if (unreachable) {
    return {
      fault: 'unreachable', cause: unreachable,
      message: `Cannot reach the cache at ${where}: ${text(unreachable)}. Check CACHE_HOST and CACHE_PORT, the security groups `
        + '(connectFrom() opens the port to the consumer) and the route from the consumer\'s subnets.',
    };
  }
  // A reset, a closed connection or a timeout: TLS on one side only, or a certificate the client
  // reported no better (a cluster client), look like that. Ask the endpoint.
  const first = all.find(e => !/^Connection is closed\.?$|None of startup nodes|All the root nodes|Failed to refresh slots/i.test(e.message))
    ?? all[0];
  const probeMs = Math.min(ctx.connectTimeoutMs, 1_000);
  // Both at once: a plaintext server makes the verified TLS probe wait for its timeout.
  const verifying = ctx.tls ? probe(ctx.host, ctx.port, 'tls', probeMs) : undefined;
  const answer = await probe(ctx.host, ctx.port, ctx.tls ? 'plaintext' : 'tls-unverified', probeMs);
  if (verifying && answer !== 'answered') {
    const verified = await verifying;
    if (isError(verified) && CERTIFICATE_CODES.has(codeOf(verified))) {
      return diagnose([verified], ctx);
    }
  }
  if (answer === 'answered') {
    return ctx.tls ? tlsNotOffered(ctx, first) : {
      fault: 'tls-required', cause: first,
      message: `The cache at ${where} speaks TLS only, but ${ctx.tlsVariable}=false: the client spoke plaintext and the cache `
        + `closed the connection${first ? ` (${text(first)})` : ''}. Connect with TLS (a cache with transit encryption sets ${ctx.tlsVariable}=true).`,
    };
  }
  if (answer === 'refused') {
    return {
      fault: 'unreachable', cause: first,
      message: `Cannot reach the cache at ${where}: connection refused (ECONNREFUSED). Check CACHE_HOST and CACHE_PORT, the security groups `
        + '(connectFrom() opens the port to the consumer) and the route from the consumer\'s subnets.',
    };
  }
  const timedOut = first === undefined || /timed? ?out|ETIMEDOUT/i.test(`${codeOf(first)} ${first.message}`);
  if (timedOut) {
    return {
      fault: answer === 'silent' ? 'no-answer' : 'unreachable', cause: first,
      message: answer === 'silent'
        ? `The cache at ${where} accepted the connection but did not answer within ${ctx.connectTimeoutMs} ms`
          + `${ctx.tls ? ' (TLS handshake or AUTH)' : ''}. Is it a cache at all? Check CACHE_HOST, CACHE_PORT and ${ctx.tlsVariable}.`
        : `Cannot reach the cache at ${where} within ${ctx.connectTimeoutMs} ms (connection timeout). Check the security groups `
          + '(connectFrom() opens the port to the consumer) and the route from the consumer\'s subnets.',
    };
  }
  return {
    fault: 'client', cause: first,
    message: `Cannot connect to the cache at ${where}: ${first ? text(first).replace(/\.+$/, '') : 'the client gave no reason'}.`,
  };
}

function tlsNotOffered(ctx: FaultContext, cause: Error | undefined): Diagnosis {
  return {
    fault: 'tls-not-offered', cause,
    message: `${ctx.tlsVariable}=true, but the cache at ${ctx.host}:${ctx.port} does not speak TLS (it answers in plaintext): `
      + 'the TLS handshake failed. Enable transit encryption on the cache, or connect without TLS where it is off.',
  };
}

type ProbeResult = 'answered' | 'refused' | 'silent' | 'failed';

/**
 * Opens a connection and says what happened: `answered` (a TLS handshake completed / a RESP reply to
 * a plaintext PING came), `refused`, `silent` (connected, nothing came back in time), `failed`, or,
 * for a verified TLS probe that failed, its error (a certificate's, say).
 */
function probe(host: string, port: number, kind: 'tls' | 'tls-unverified' | 'plaintext', timeoutMs: number): Promise<ProbeResult | Error> {
  return new Promise(resolve => {
    let connected = false;
    const socket: net.Socket = kind === 'plaintext'
      ? net.connect({ host, port })
      // Unverified: only whether the server speaks TLS at all.
      : tls.connect({ host, port, rejectUnauthorized: kind === 'tls', ...(net.isIP(host) ? {} : { servername: host }) });
    const done = (result: ProbeResult | Error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(connected ? 'silent' : 'failed'), timeoutMs);
    socket.once('connect', () => {
      connected = true;
      if (kind === 'plaintext') socket.write('PING\r\n');
    });
    socket.once('secureConnect', () => done('answered'));
    socket.once('data', (d: Buffer) => done(kind === 'plaintext' && /^[+-]/.test(d.toString('latin1')) ? 'answered' : 'failed'));
    socket.once('error', (e: Error) => done(codeOf(e) === 'ECONNREFUSED' ? 'refused' : kind === 'tls' ? e : 'failed'));
  });
}

/**
 * Takes the password out of an error of iovalkey / ioredis, which attach the command they sent
 * (`AUTH user password`, `HELLO 3 AUTH user password`) to the server's refusal: a logged error
 * would print it. Changes the error in place (and its `lastNodeError`), and returns it.
 */
export function redactCredentials<T>(error: T): T {
  for (const e of flatten([error])) {
    const command = (e as { command?: { name?: unknown; args?: unknown } }).command;
    if (!command || typeof command.name !== 'string' || !Array.isArray(command.args)) continue;
    const name = command.name.toLowerCase();
    const args = command.args as unknown[];
    if (name === 'auth' && args.length > 0) {
      args[args.length - 1] = '[redacted]';
    } else if (name === 'hello') {
      const at = args.findIndex(a => typeof a === 'string' && a.toUpperCase() === 'AUTH');
      if (at >= 0 && at + 2 < args.length) args[at + 2] = '[redacted]';
    }
  }
  return error;
}
