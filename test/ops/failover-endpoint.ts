// An ElastiCache API endpoint for failover drills: a small HTTP server on 127.0.0.1 (ephemeral port)
// in front of a moto server. moto 5.2.1 creates replication groups with their shards (cluster mode
// enabled: NodeGroups 0001..000N, members <id>-000N-00M, no CurrentRole, as ElastiCache reports them)
// but implements neither TestFailover nor DescribeEvents (it answers both with an HTML 500). This
// server forwards every request to moto unchanged, except:
//
// - `Action=TestFailover`: looked up through moto's DescribeReplicationGroups (with the caller's own
//   headers, so the same region and account), validated as ElastiCache does, recorded in `calls`, and
//   answered with the group in a TestFailoverResponse, or an ErrorResponse with the API's codes:
//     InvalidParameterValue           (400) ReplicationGroupId or NodeGroupId missing, or NodeGroupId not 1-4 letters or digits
//     ReplicationGroupNotFoundFault   (404) moto does not know the group
//     NodeGroupNotFoundFault          (404) the group has no node group of that id
//     InvalidReplicationGroupState    (400) the group is not available, or a failover of it is still under way
//                                           (ElastiCache: "the first node replacement must complete before a subsequent call")
//     TestFailoverNotAvailableFault   (400) automatic failover is not enabled, or the shard has no replica
//     APICallRateForCustomerExceeded  (400) more node groups than `shardsPerDay` (15, as AWS documents) in 24 hours
//   Which condition gives which code is this model's choice where the API reference names the code only.
// - `Action=DescribeEvents`: answered from the events the failovers produced, in the order the API
//   reference lists them (Test Failover API called for node group X; Failover from primary node A to
//   replica node B completed, from the node and from the group; Recovering / Finished recovery for
//   cache nodes 0001), newest first as ElastiCache lists them, with StartTime, SourceIdentifier,
//   SourceType, MaxRecords and Marker.
// - `Action=DescribeReplicationGroups`: moto's answer, with the roles (`CurrentRole`, reported for
//   cluster mode disabled only) of a failed-over shard swapped once its failover has completed.
//
// The model of a failover is the minimum a drill observes: the node that is primary (moto reports
// none for cluster mode enabled; the first member, as ElastiCache creates it, until a failover) hands
// over to the next member of its shard at once, or, while `holdFailovers` is set, when the test calls
// `completeFailovers()` (a failover under way, without timing races on a busy machine).
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** One TestFailover call the endpoint received. */
export interface TestFailoverCall {
  readonly replicationGroupId?: string;
  readonly nodeGroupId?: string;
  /** `ok`, or the error code it answered with. */
  readonly outcome: string;
}

/** A running endpoint. */
export interface FailoverEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every TestFailover call, in the order received. */
  readonly calls: TestFailoverCall[];
  /** How many node groups may be failed over in 24 hours before APICallRateForCustomerExceeded (AWS: 15). */
  shardsPerDay: number;
  /** While true, a failover stays under way (no completion events, roles unchanged) until `completeFailovers()`. */
  holdFailovers: boolean;
  /** Completes the failovers under way now. */
  completeFailovers(): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const XMLNS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';

interface Member {
  readonly id: string;
  readonly role?: string;
}

interface Shard {
  readonly id: string;
  readonly members: Member[];
}

interface Group {
  readonly xml: string;
  readonly status?: string;
  readonly automaticFailover?: string;
  readonly shards: Shard[];
}

interface ModelEvent {
  readonly date: Date;
  readonly source: string;
  readonly type: 'replication-group' | 'cache-cluster';
  readonly message: string;
}

interface Failover {
  readonly group: string;
  readonly shard: string;
  readonly from: string;
  readonly to: string;
  readonly calledAt: number;
  /** When it completed; Infinity while under way. */
  completesAt: number;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Every `<name>...</name>` in `xml` (the element does not nest in itself in these answers). */
function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map(m => m[0]);
}

/** The text of the first `<name>` in `xml`. */
function text(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? unescape(m[1]) : undefined;
}

function parseGroup(xml: string): Group {
  // The group's own fields come before its NodeGroups; Status also occurs inside each NodeGroup.
  const head = xml.replace(/<NodeGroups>[\s\S]*?<\/NodeGroups>/, '');
  return {
    xml,
    status: text(head, 'Status'),
    automaticFailover: text(head, 'AutomaticFailover'),
    shards: elements(xml, 'NodeGroup').map(ng => ({
      id: text(ng, 'NodeGroupId') ?? '',
      members: elements(ng, 'NodeGroupMember').map(m => ({ id: text(m, 'CacheClusterId') ?? '', role: text(m, 'CurrentRole') })),
    })),
  };
}

function requestId(): string {
  return `${Date.now().toString(16)}-${Math.random().toString(16).slice(2, 10)}-failover-endpoint`;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error>`
    + `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Starts the endpoint in front of the moto server at `moto` (`http://127.0.0.1:<port>`). */
export function startFailoverEndpoint(moto: string): Promise<FailoverEndpoint> {
  const target = new URL(moto);
  const failovers: Failover[] = [];
  const events: ModelEvent[] = [];
  const calls: TestFailoverCall[] = [];

  /** Sends `body` to moto with the caller's headers; resolves with moto's answer. */
  const toMoto = (req: http.IncomingMessage, body: Buffer) => new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const headers = { ...req.headers, 'host': target.host, 'content-length': String(body.length) };
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  /** Completes a failover: its events (a millisecond apart; ElastiCache's are seconds apart), and from now its new primary. */
  const complete = (f: Failover, now: number) => {
    f.completesAt = now;
    const done = `Failover from primary node ${f.from} to replica node ${f.to} completed`;
    events.push(
      { date: new Date(now + 1), source: f.from, type: 'cache-cluster', message: done },
      { date: new Date(now + 2), source: f.group, type: 'replication-group', message: done },
      { date: new Date(now + 3), source: f.from, type: 'cache-cluster', message: 'Recovering cache nodes 0001' },
      { date: new Date(now + 4), source: f.from, type: 'cache-cluster', message: 'Finished recovery for cache nodes 0001' },
    );
  };

  /** The failovers of a group that have completed by now, oldest first. */
  const completed = (group: string, now: number) => failovers.filter(f => f.group === group && f.completesAt <= now);

  /** The primary of a shard now: the last completed failover's target, else the reported role, else the first member. */
  const primaryOf = (group: string, shard: Shard, now: number): string => {
    const last = completed(group, now).filter(f => f.shard === shard.id).pop();
    return last?.to ?? shard.members.find(m => m.role === 'primary')?.id ?? shard.members[0]?.id;
  };

  /** moto's group XML with the roles of failed-over shards swapped (only where moto reports roles). */
  const withRoles = (groupId: string, xml: string, now: number): string => {
    const done = completed(groupId, now);
    if (done.length === 0) {
      return xml;
    }
    return xml.replace(/<NodeGroup>[\s\S]*?<\/NodeGroup>/g, ng => {
      const shardId = text(ng, 'NodeGroupId');
      const last = done.filter(f => f.shard === shardId).pop();
      if (!last) {
        return ng;
      }
      return ng.replace(/<NodeGroupMember>[\s\S]*?<\/NodeGroupMember>/g, m => {
        const id = text(m, 'CacheClusterId');
        return m.replace(/<CurrentRole>[^<]*<\/CurrentRole>/, `<CurrentRole>${id === last.to ? 'primary' : 'replica'}</CurrentRole>`);
      });
    });
  };

  const describeGroup = async (req: http.IncomingMessage, id: string): Promise<Group> => {
    const body = Buffer.from(new URLSearchParams({ Action: 'DescribeReplicationGroups', Version: '2015-02-02', ReplicationGroupId: id }).toString());
    const answer = await toMoto(req, body);
    const xml = answer.body.toString();
    if (answer.status !== 200) {
      const code = text(xml, 'Code');
      if (code === 'ReplicationGroupNotFoundFault') {
        throw new ApiError(404, code, `ReplicationGroup ${id} not found.`);
      }
      throw new ApiError(answer.status, code ?? 'InternalFailure', `moto answered DescribeReplicationGroups with HTTP ${answer.status}`);
    }
    const groupXml = elements(xml, 'ReplicationGroup')[0];
    if (!groupXml) {
      throw new ApiError(404, 'ReplicationGroupNotFoundFault', `ReplicationGroup ${id} not found.`);
    }
    return parseGroup(groupXml);
  };

  const testFailover = async (req: http.IncomingMessage, params: URLSearchParams): Promise<string> => {
    const groupId = params.get('ReplicationGroupId') ?? undefined;
    const shardId = params.get('NodeGroupId') ?? undefined;
    const record = (outcome: string) => calls.push({ replicationGroupId: groupId, nodeGroupId: shardId, outcome });
    try {
      if (!groupId) {
        throw new ApiError(400, 'InvalidParameterValue', 'The parameter ReplicationGroupId must be provided.');
      }
      if (!shardId) {
        throw new ApiError(400, 'InvalidParameterValue', 'The parameter NodeGroupId must be provided.');
      }
      if (!/^[A-Za-z0-9]{1,4}$/.test(shardId)) {
        throw new ApiError(400, 'InvalidParameterValue', `The parameter NodeGroupId must be 1 to 4 letters or digits; got ${shardId}.`);
      }
      const group = await describeGroup(req, groupId);
      const shard = group.shards.find(s => s.id === shardId);
      if (!shard) {
        throw new ApiError(404, 'NodeGroupNotFoundFault', `NodeGroup ${shardId} not found in ReplicationGroup ${groupId}.`);
      }
      const now = Date.now();
      if (group.status !== 'available' || failovers.some(f => f.group === groupId && f.completesAt > now)) {
        throw new ApiError(400, 'InvalidReplicationGroupState',
          `ReplicationGroup ${groupId} must be available, with no failover under way, to test a failover.`);
      }
      if (group.automaticFailover !== 'enabled') {
        throw new ApiError(400, 'TestFailoverNotAvailableFault', `Automatic failover is not enabled on ReplicationGroup ${groupId}.`);
      }
      if (shard.members.length < 2) {
        throw new ApiError(400, 'TestFailoverNotAvailableFault', `NodeGroup ${shardId} of ReplicationGroup ${groupId} has no replica.`);
      }
      const lastDay = new Set(failovers.filter(f => f.calledAt > now - 86_400_000).map(f => `${f.group}/${f.shard}`));
      if (!lastDay.has(`${groupId}/${shardId}`) && lastDay.size >= endpoint.shardsPerDay) {
        throw new ApiError(400, 'APICallRateForCustomerExceeded', 'The rate of TestFailover calls of this customer has been exceeded.');
      }
      const from = primaryOf(groupId, shard, now);
      const ids = shard.members.map(m => m.id);
      const to = ids[(ids.indexOf(from) + 1) % ids.length];
      const failover: Failover = { group: groupId, shard: shardId, from, to, calledAt: now, completesAt: Infinity };
      failovers.push(failover);
      events.push({ date: new Date(now), source: groupId, type: 'replication-group', message: `Test Failover API called for node group ${shardId}` });
      if (!endpoint.holdFailovers) {
        complete(failover, now);
      }
      record('ok');
      return `<TestFailoverResponse xmlns="${XMLNS}"><TestFailoverResult>${group.xml}</TestFailoverResult>`
        + `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></TestFailoverResponse>`;
    } catch (e) {
      if (e instanceof ApiError) {
        record(e.code);
      }
      throw e;
    }
  };

  const describeEvents = (params: URLSearchParams): string => {
    const now = Date.now();
    const start = params.get('StartTime') ? new Date(params.get('StartTime')!).getTime() : now - 3_600_000;
    const end = params.get('EndTime') ? new Date(params.get('EndTime')!).getTime() : Infinity;
    const source = params.get('SourceIdentifier');
    const type = params.get('SourceType');
    const max = Number(params.get('MaxRecords') ?? 100);
    const offset = Number(params.get('Marker') ?? 0);
    const matching = events
      .filter(e => e.date.getTime() >= start && e.date.getTime() <= end)
      .filter(e => (!source || e.source === source) && (!type || e.type === type))
      .sort((a, b) => b.date.getTime() - a.date.getTime());
    const page = matching.slice(offset, offset + max);
    const marker = offset + max < matching.length ? `<Marker>${offset + max}</Marker>` : '';
    return `<DescribeEventsResponse xmlns="${XMLNS}"><DescribeEventsResult>${marker}<Events>${page.map(e =>
      `<Event><SourceIdentifier>${escape(e.source)}</SourceIdentifier><SourceType>${e.type}</SourceType>`
      + `<Message>${escape(e.message)}</Message><Date>${e.date.toISOString()}</Date></Event>`).join('')}</Events>`
      + `</DescribeEventsResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></DescribeEventsResponse>`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(req.method === 'POST' ? body.toString() : (req.url ?? '').split('?')[1] ?? '');
      const action = params.get('Action');
      const xmlAnswer = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() });
        res.end(xml);
      };
      const handle = async () => {
        if (action === 'TestFailover') {
          return xmlAnswer(200, await testFailover(req, params));
        }
        if (action === 'DescribeEvents') {
          return xmlAnswer(200, describeEvents(params));
        }
        const answer = await toMoto(req, body);
        let out = answer.body;
        if (action === 'DescribeReplicationGroups' && answer.status === 200) {
          const now = Date.now();
          out = Buffer.from(answer.body.toString().replace(/<ReplicationGroup>[\s\S]*?<\/ReplicationGroup>/g,
            g => withRoles(text(g, 'ReplicationGroupId') ?? '', g, now)));
        }
        const headers = { ...answer.headers, 'content-length': String(out.length) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.status, headers);
        res.end(out);
      };
      handle().catch((e: unknown) => {
        if (e instanceof ApiError) {
          xmlAnswer(e.status, errorXml(e.code, e.message));
        } else {
          xmlAnswer(500, errorXml('InternalFailure', `failover endpoint: ${(e as Error).message}`));
        }
      });
    });
  });

  const endpoint: FailoverEndpoint = {
    endpoint: '',
    calls,
    shardsPerDay: 15,
    holdFailovers: false,
    completeFailovers: () => {
      const now = Date.now();
      failovers.filter(f => f.completesAt === Infinity).forEach(f => complete(f, now));
    },
    close: () => new Promise<void>(done => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      (endpoint as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(endpoint);
    });
  });
}
