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
// - `Action=DescribeGlobalReplicationGroups` and `Action=FailoverGlobalReplicationGroup` (moto has no
//   global datastore API): answered from `globalDatastores`, which the test fills, in the API's
//   query-protocol shapes (GlobalReplicationGroups/GlobalReplicationGroup, Members/GlobalReplicationGroupMember,
//   GlobalNodeGroups/GlobalNodeGroup). A datastore is seen only from the Regions it has a member in
//   (the Region of the request's signature); Members only with ShowMemberInfo=true, as the API
//   reference says. Errors:
//     GlobalReplicationGroupNotFoundFault (404) no such id seen from the caller's Region
//     InvalidParameterValue               (400) a parameter missing, or PrimaryRegion / PrimaryReplicationGroupId
//                                               not a secondary member of the datastore
//     InvalidGlobalReplicationGroupState  (400) the datastore is not available (a failover under way)
//   A failover makes the datastore `modifying`; the next `globalFailoverPolls` describe answers of it
//   show it so, then the roles swap and it is `available` again (or, while `holdFailovers` is set,
//   only after `completeFailovers()`). Every call is recorded in `globalCalls`.
//   Requests of other APIs (CloudWatch's JSON protocol: no Action parameter) go to moto unchanged.
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

/** A member of a global datastore, as the test sets it up. */
export interface GlobalMemberModel {
  readonly replicationGroupId: string;
  readonly region: string;
  /** As the API answers it: PRIMARY or SECONDARY. */
  role: string;
  status: string;
}

/** A global datastore, as the test sets it up. */
export interface GlobalDatastoreModel {
  readonly id: string;
  status: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  /** The number of shards with cluster mode enabled; none (cluster mode disabled) by default. */
  readonly shards?: number;
  readonly members: GlobalMemberModel[];
}

/** One call of the global datastore API the endpoint received. */
export interface GlobalCall {
  readonly action: string;
  /** The Region of the request's signature. */
  readonly region?: string;
  readonly params: Record<string, string>;
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
  /** Completes the failovers under way now (of replication groups and of global datastores). */
  completeFailovers(): void;
  /** The global datastores the endpoint knows. */
  readonly globalDatastores: GlobalDatastoreModel[];
  /** Every global datastore API call, in the order received. */
  readonly globalCalls: GlobalCall[];
  /** How many describe answers of a datastore show a global failover under way before it completes (default 1). */
  globalFailoverPolls: number;
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

function globalXml(g: GlobalDatastoreModel, members: boolean): string {
  const tag = (name: string, value: string | number | boolean) => `<${name}>${escape(String(value))}</${name}>`;
  const shards = g.shards ?? 1;
  return `<GlobalReplicationGroup>${tag('GlobalReplicationGroupId', g.id)}${tag('GlobalReplicationGroupDescription', `${g.id} datastore`)}`
    + `${tag('Status', g.status)}${tag('CacheNodeType', g.cacheNodeType)}${tag('Engine', g.engine)}${tag('EngineVersion', g.engineVersion)}`
    + (members ? `<Members>${g.members.map(m => `<GlobalReplicationGroupMember>${tag('ReplicationGroupId', m.replicationGroupId)}`
      + `${tag('ReplicationGroupRegion', m.region)}${tag('Role', m.role)}${tag('AutomaticFailover', 'enabled')}${tag('Status', m.status)}`
      + '</GlobalReplicationGroupMember>').join('')}</Members>` : '')
    + `${tag('ClusterEnabled', g.shards !== undefined)}<GlobalNodeGroups>${Array.from({ length: shards }, (_, i) => `<GlobalNodeGroup>`
      + `${tag('GlobalNodeGroupId', `${g.id}-${String(i + 1).padStart(4, '0')}`)}${tag('Slots', i === 0 && shards === 1 ? '0-16383' : `part ${i + 1}`)}`
      + '</GlobalNodeGroup>').join('')}</GlobalNodeGroups>${tag('AuthTokenEnabled', false)}${tag('TransitEncryptionEnabled', true)}`
    + `${tag('AtRestEncryptionEnabled', true)}${tag('ARN', `arn:aws:elasticache::123456789012:globalreplicationgroup:${g.id}`)}</GlobalReplicationGroup>`;
}

/** The Region a request is signed for (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
function signedRegion(req: http.IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
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

  /** Global failovers under way: the datastore, the Region taking over, and how many describe answers still show it under way. */
  const globalFailovers: Array<{ datastore: GlobalDatastoreModel; to: GlobalMemberModel; polls: number }> = [];
  const completeGlobal = (f: { datastore: GlobalDatastoreModel; to: GlobalMemberModel }) => {
    globalFailovers.splice(globalFailovers.findIndex(x => x.datastore === f.datastore), 1);
    f.datastore.members.forEach(m => { m.role = m === f.to ? 'PRIMARY' : 'SECONDARY'; });
    f.datastore.status = 'available';
  };

  const globalApi = (req: http.IncomingMessage, action: string, params: URLSearchParams): string => {
    const region = signedRegion(req);
    const record = (outcome: string) => endpoint.globalCalls.push({ action, region, params: Object.fromEntries(params), outcome });
    const visible = endpoint.globalDatastores.filter(g => g.members.some(m => m.region === region));
    const id = params.get('GlobalReplicationGroupId');
    const find = (): GlobalDatastoreModel => {
      const found = visible.find(g => g.id === id);
      if (!found) {
        throw new ApiError(404, 'GlobalReplicationGroupNotFoundFault', `GlobalReplicationGroup ${id} not found.`);
      }
      return found;
    };
    try {
      let xml: string;
      if (action === 'DescribeGlobalReplicationGroups') {
        const found = id ? [find()] : visible;
        for (const g of found) {
          const under = globalFailovers.find(f => f.datastore === g);
          if (under && !endpoint.holdFailovers) {
            if (under.polls <= 0) {
              completeGlobal(under);
            } else {
              under.polls--;
            }
          }
        }
        const members = params.get('ShowMemberInfo') === 'true';
        xml = `<DescribeGlobalReplicationGroupsResponse xmlns="${XMLNS}"><DescribeGlobalReplicationGroupsResult><GlobalReplicationGroups>`
          + `${found.map(g => globalXml(g, members)).join('')}</GlobalReplicationGroups></DescribeGlobalReplicationGroupsResult>`
          + `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></DescribeGlobalReplicationGroupsResponse>`;
      } else {
        for (const p of ['GlobalReplicationGroupId', 'PrimaryRegion', 'PrimaryReplicationGroupId']) {
          if (!params.get(p)) {
            throw new ApiError(400, 'InvalidParameterValue', `The parameter ${p} must be provided.`);
          }
        }
        const g = find();
        const to = g.members.find(m => m.region === params.get('PrimaryRegion') && m.replicationGroupId === params.get('PrimaryReplicationGroupId'));
        if (!to || to.role !== 'SECONDARY') {
          throw new ApiError(400, 'InvalidParameterValue', `${params.get('PrimaryReplicationGroupId')} in ${params.get('PrimaryRegion')} `
            + `is not a secondary member of GlobalReplicationGroup ${g.id}.`);
        }
        if (g.status !== 'available') {
          throw new ApiError(400, 'InvalidGlobalReplicationGroupState', `GlobalReplicationGroup ${g.id} is not in available state.`);
        }
        g.status = 'modifying';
        globalFailovers.push({ datastore: g, to, polls: endpoint.globalFailoverPolls });
        xml = `<FailoverGlobalReplicationGroupResponse xmlns="${XMLNS}"><FailoverGlobalReplicationGroupResult>${globalXml(g, false)}`
          + `</FailoverGlobalReplicationGroupResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>`
          + '</FailoverGlobalReplicationGroupResponse>';
      }
      record('ok');
      return xml;
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
        if (action === 'DescribeGlobalReplicationGroups' || action === 'FailoverGlobalReplicationGroup') {
          return xmlAnswer(200, globalApi(req, action, params));
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
      [...globalFailovers].forEach(completeGlobal);
    },
    globalDatastores: [],
    globalCalls: [],
    globalFailoverPolls: 1,
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
