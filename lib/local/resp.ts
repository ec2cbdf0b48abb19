// A minimal RESP2 connection for what `cdk-elasticache local` sends its own servers (readiness, cluster
// setup): no client library at run time (iovalkey and ioredis are the application's choice, not ours).
import * as net from 'node:net';
import * as tls from 'node:tls';

/** A reply: a string, a number, null, an array, or an Error for a `-ERR` line. */
export type RespReply = string | number | null | Error | RespReply[];

/** Parses one reply from `buf` at `offset`; undefined when it is not complete yet. */
export function parseReply(buf: Buffer, offset = 0): { reply: RespReply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) {
    return undefined;
  }
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('utf8', offset + 1, eol);
  switch (type) {
    case '+':
      return { reply: line, next: eol + 2 };
    case '-':
      return { reply: new Error(line), next: eol + 2 };
    case ':':
      return { reply: Number(line), next: eol + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) {
        return { reply: null, next: eol + 2 };
      }
      if (buf.length < eol + 2 + length + 2) {
        return undefined;
      }
      return { reply: buf.toString('utf8', eol + 2, eol + 2 + length), next: eol + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) {
        return { reply: null, next: eol + 2 };
      }
      const items: RespReply[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) {
          return undefined;
        }
        items.push(item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
    default:
      throw new Error(`Unexpected RESP reply: ${buf.toString('utf8', offset, Math.min(buf.length, offset + 40))}`);
  }
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Where and how to reach a server. */
export interface RespTarget {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA, for a TLS port. */
  readonly ca?: string;
  readonly username?: string;
  readonly password?: string;
}

/** One connection: commands are sent one at a time, in order. */
export class RespConnection {
  /** Connects (and authenticates when `username` / `password` are given). */
  public static async open(target: RespTarget, timeoutMs = 2_000): Promise<RespConnection> {
    const socket: net.Socket = target.ca
      ? tls.connect({ host: target.host, port: target.port, ca: target.ca, servername: 'localhost' })
      : net.connect({ host: target.host, port: target.port });
    const connection = new RespConnection(socket, timeoutMs);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to ${target.host}:${target.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(target.ca ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', e => {
        clearTimeout(timer);
        reject(e);
      });
    });
    if (target.password !== undefined) {
      const reply = await connection.call(...(target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password]));
      if (reply instanceof Error) {
        connection.close();
        throw reply;
      }
    }
    return connection;
  }

  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (r: RespReply) => void; reject: (e: Error) => void }> = [];
  private failure?: Error;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number) {
    socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
      for (;;) {
        const parsed = this.waiting.length > 0 ? parseReply(this.buffer) : undefined;
        if (!parsed) {
          break;
        }
        this.buffer = this.buffer.subarray(parsed.next);
        this.waiting.shift()!.resolve(parsed.reply);
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.splice(0)) {
        w.reject(e);
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Sends a command; resolves with the reply (an `Error` for an error reply), rejects on a broken connection or a timeout. */
  public call(...args: string[]): Promise<RespReply> {
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${args[0]} in ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiting.push({
        resolve: r => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: e => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(encode(args));
    });
  }

  /** `call`, throwing an error reply. */
  public async ok(...args: string[]): Promise<RespReply> {
    const reply = await this.call(...args);
    if (reply instanceof Error) {
      throw new Error(`${args.slice(0, 2).join(' ')}: ${reply.message}`);
    }
    return reply;
  }

  public close(): void {
    this.socket.destroy();
  }
}
