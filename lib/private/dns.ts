import { Annotations, Duration, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { CacheDnsRecords, DnsRecordsOptions } from '../dns';
import { invalid, phrase } from './errors';

/** The endpoints a cache has, for `addDnsRecords()`: hostnames (tokens of the cache's attributes). */
export interface DnsTargets {
  /** What the cache is, for the messages ('replication group with cluster mode enabled'). */
  readonly what: string;
  /** The endpoint `connectFrom()` hands out as `CACHE_HOST`. */
  readonly host: string;
  /** The reader endpoint, if the cache has one. */
  readonly reader?: string;
  /** The primary endpoint, when it is not `host` (cluster mode compatible). */
  readonly primary?: string;
}

/** The names `connectFrom()` hands out instead of the endpoints. */
interface DnsNames {
  readonly host: string;
  readonly reader?: string;
}

/** The id of the construct, one per stack, that holds every cache's records (see `addCacheDnsRecords`). */
const CONTAINER_ID = 'CacheDnsRecords';
/** Resolvers cache the records this long by default: a blue/green switch reaches clients within a minute. */
const DEFAULT_TTL = Duration.seconds(60);
/** Route 53's largest TTL. */
const MAX_TTL_SECONDS = 2147483647;

/** The names of the first `addDnsRecords()` call of each cache: what `connectFrom()` hands out. */
const namesOfCache = new WeakMap<IConstruct, DnsNames>();
/** The caches a consumer was wired to, to warn when records come after. */
const wiredCaches = new WeakSet<IConstruct>();
/** The records of a stack's container: by full name, the zones that have one and the path of the cache it is for. */
const owners = new WeakMap<Construct, Map<string, Array<{ zone: route53.IHostedZone; cache: string }>>>();

/**
 * `addDnsRecords()` of every cache: one CNAME per endpoint the cache has, in the zone.
 *
 * The records are not children of the cache: they live in one construct of the cache's stack,
 * `CacheDnsRecords`, each under its full name. So their logical ids depend on the names only, and a
 * blue/green replacement (the call moved from the old cache to the new one, in the same stack) is an
 * in-place update of each record's value. Records under the cache would get new logical ids, and
 * CloudFormation, which creates before it deletes, would fail to create a record whose name exists.
 */
export function addCacheDnsRecords(cache: Construct, options: DnsRecordsOptions, targets: DnsTargets): CacheDnsRecords {
  const zone = options.zone;
  const zoneName = knownZoneName(cache, zone);
  const ttl = validateTtl(cache, options.ttl ?? DEFAULT_TTL);
  warnIfPublic(cache, zone);
  if (wiredCaches.has(cache) && !namesOfCache.has(cache)) {
    Annotations.of(cache).addWarningV2('cdk-elasticache:dnsRecordsAfterConnectFrom', 'addDnsRecords() was called after '
      + 'connectFrom(): the consumers wired before it get the endpoints, not the DNS names. Call addDnsRecords() first.');
  }

  const host = fullName(cache, 'recordName', options.recordName, zoneName);
  const reader = targets.reader === undefined ? undefined
    : fullName(cache, 'readerRecordName', options.readerRecordName ?? withSuffix(options.recordName, '-reader'), zoneName);
  if (targets.reader === undefined && options.readerRecordName !== undefined) {
    invalid(cache, 'readerRecordName', options.readerRecordName, `Allowed: none on a ${targets.what}, which has no reader endpoint.`);
  }
  const primary = targets.primary === undefined ? undefined
    : fullName(cache, 'primaryRecordName', options.primaryRecordName ?? withSuffix(options.recordName, '-primary'), zoneName);
  if (targets.primary === undefined && options.primaryRecordName !== undefined) {
    invalid(cache, 'primaryRecordName', options.primaryRecordName, `Allowed: none on a ${targets.what}: only a replication group `
      + 'with cluster mode COMPATIBLE has a primary endpoint next to the configuration endpoint recordName names.');
  }
  const names: Array<[string, string, string]> = [['recordName', host, targets.host]];
  if (reader !== undefined) {
    names.push(['readerRecordName', reader, targets.reader!]);
  }
  if (primary !== undefined) {
    names.push(['primaryRecordName', primary, targets.primary!]);
  }
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < i; j++) {
      if (names[i][1] === names[j][1]) {
        invalid(cache, names[i][0], names[i][1], `Allowed: a name other than ${names[j][0]}'s: each endpoint needs its own record.`);
      }
    }
  }

  const stack = Stack.of(cache);
  const container = (stack.node.tryFindChild(CONTAINER_ID) as Construct | undefined) ?? new Construct(stack, CONTAINER_ID);
  const taken = owners.get(container) ?? new Map<string, Array<{ zone: route53.IHostedZone; cache: string }>>();
  owners.set(container, taken);
  const records = names.map(([prop, name, target]) => {
    const zones = taken.get(name) ?? [];
    const owner = zones.find(z => z.zone === zone);
    if (owner !== undefined) {
      invalid(cache, prop, name, `Allowed: a name no other addDnsRecords() of the stack uses in that zone: ${owner.cache === cache.node.path
        ? 'this cache' : owner.cache} has a record of that name already.`);
    }
    taken.set(name, [...zones, { zone, cache: cache.node.path }]);
    // The id is the name; the same name in another zone of the same name (private zones of two VPCs) takes the zone's address after it.
    return new route53.CnameRecord(container, zones.length === 0 ? name : `${name}-${zone.node.addr.slice(0, 8)}`, {
      zone,
      recordName: `${name}.`,
      domainName: target,
      ttl,
    });
  });

  if (!namesOfCache.has(cache)) {
    namesOfCache.set(cache, { host, ...(targets.reader !== undefined && reader !== undefined ? { reader } : {}) });
  }
  return {
    hostName: host,
    ...(reader !== undefined ? { readerHostName: reader } : {}),
    ...(primary !== undefined ? { primaryHostName: primary } : {}),
    records,
  };
}

/**
 * The hosts `connectFrom()` hands out: the DNS names when the cache has records and `useDnsNames` is
 * not `false`, otherwise `undefined` (the endpoints). Notes that the cache has a consumer.
 */
export function consumerDnsNames(cache: IConstruct, useDnsNames: boolean | undefined): DnsNames | undefined {
  wiredCaches.add(cache);
  const names = namesOfCache.get(cache);
  if (useDnsNames === true && names === undefined) {
    invalid(cache, 'connectFrom useDnsNames', true, 'Allowed: true after cache.addDnsRecords({ zone, recordName }), which '
      + 'creates the names; false or nothing before.');
  }
  return useDnsNames === false ? undefined : names;
}

/**
 * The hosts a consumer gets: `facts`' endpoints, or the cache's DNS names (`consumerDnsNames`).
 *
 * A consumer in another stack that gets the names no longer imports the endpoints: the cache's stack
 * keeps exporting them (`stack.exportValue()`, the names the references had), because a consumer stack
 * deployed with the endpoints imports them until it is updated, after the cache's stack, and
 * CloudFormation refuses to delete an export in use (the update of the cache's stack would roll back).
 */
export function consumerHosts(cache: IConstruct, consumer: unknown, useDnsNames: boolean | undefined,
  facts: { readonly host: string; readonly readerHost?: string }): { readonly host: string; readonly readerHost?: string; readonly alias?: boolean } {
  const names = consumerDnsNames(cache, useDnsNames);
  if (names === undefined) {
    return facts;
  }
  const stack = Stack.of(cache);
  if (Construct.isConstruct(consumer) && Stack.of(consumer) !== stack) {
    for (const endpoint of [facts.host, facts.readerHost]) {
      // An attribute of the cache's stack (an imported cache's address is a literal, or another stack's value).
      const reference = endpoint === undefined ? undefined : Tokenization.reverseString(endpoint).firstToken;
      if (reference instanceof Reference && Stack.of(reference.target) === stack) {
        stack.exportValue(endpoint);
      }
    }
  }
  // A reader endpoint only where connectFrom() hands one out (not on cluster-mode-compatible groups, whose reader has a record).
  return { host: names.host, readerHost: facts.readerHost === undefined ? undefined : names.reader ?? facts.readerHost, alias: true };
}

/** `recordName` with `suffix` after its first label: `orders` -> `orders-reader`, `orders.prod` -> `orders-reader.prod`. */
function withSuffix(name: string, suffix: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? `${name}${suffix}` : `${name.slice(0, dot)}${suffix}${name.slice(dot)}`;
}

function knownZoneName(cache: IConstruct, zone: route53.IHostedZone): string {
  let name: string;
  try {
    name = zone.zoneName;
  } catch {
    return invalid(cache, 'zone', phrase(`the zone at ${zone.node.path}, whose name is unknown`), 'Allowed: a zone with a name: '
      + 'one of this app, or imported with HostedZone.fromHostedZoneAttributes() / PrivateHostedZone.fromPrivateHostedZoneAttributes() '
      + '(HostedZone.fromHostedZoneId() has no name).');
  }
  if (Token.isUnresolved(name)) {
    invalid(cache, 'zone', phrase(`a zone whose name is a token (${zone.node.path})`), 'Allowed: a zone with a literal name, '
      + 'so that the record names can be checked against it.');
  }
  return name.replace(/\.$/, '').toLowerCase();
}

function validateTtl(cache: IConstruct, ttl: Duration): Duration {
  if (ttl.isUnresolved()) {
    return ttl;
  }
  const ms = ttl.toMilliseconds();
  if (ms % 1000 !== 0 || ms / 1000 > MAX_TTL_SECONDS) {
    invalid(cache, 'ttl', phrase(ttl.toHumanString()), `Allowed: whole seconds from 0 to ${MAX_TTL_SECONDS} (Route 53's range).`);
  }
  return ttl;
}

/**
 * A zone of this app without VPCs is public: the records would publish the cache's private addresses.
 * An imported zone may be either, and is taken as it is (a warning on every import would be noise).
 */
function warnIfPublic(cache: IConstruct, zone: route53.IHostedZone): void {
  let isPublic: boolean;
  if (zone instanceof route53.PrivateHostedZone) {
    isPublic = false;
  } else if (zone instanceof route53.PublicHostedZone) {
    isPublic = true;
  } else if (zone.node.defaultChild instanceof route53.CfnHostedZone) {
    const vpcs = Stack.of(zone).resolve(zone.node.defaultChild.vpcs);
    isPublic = !Array.isArray(vpcs) || vpcs.length === 0;
  } else {
    return;
  }
  if (isPublic) {
    Annotations.of(cache).addWarningV2('cdk-elasticache:dnsPublicZone', `addDnsRecords(): the zone ${zone.zoneName} at `
      + `${zone.node.path} is public: its records would tell the internet the cache's private addresses, which only the VPC `
      + 'can reach. Use a PrivateHostedZone associated with the consumers\' VPCs.');
  }
}

/** The full name (lowercase, no final dot) of a record name given relative to the zone or in full; checked. */
function fullName(cache: IConstruct, prop: string, given: string, zoneName: string): string {
  if (Token.isUnresolved(given)) {
    invalid(cache, prop, phrase('a token'), 'Allowed: a literal name, so that it can be checked against the zone and used '
      + 'as the record\'s construct id.');
  }
  const allowed = `Allowed: a name in the zone '${zoneName}', relative to it ('orders', 'orders.prod') or in full `
    + `('orders.${zoneName}'): labels of letters, digits and hyphens, not the zone's apex.`;
  let name = given.toLowerCase();
  const absolute = name.endsWith('.');
  name = name.replace(/\.$/, '');
  const inZone = name === zoneName || name.endsWith(`.${zoneName}`);
  const zoneTld = zoneName.split('.').pop();
  if (!inZone && (absolute || (name.includes('.') && name.split('.').pop() === zoneTld))) {
    invalid(cache, prop, given, `${allowed} The name is outside the zone.`);
  }
  const full = inZone ? name : `${name}.${zoneName}`;
  if (full === zoneName) {
    invalid(cache, prop, given, `${allowed} DNS allows no CNAME at the apex, next to the zone's SOA and NS records.`);
  }
  const relative = full.slice(0, full.length - zoneName.length - 1);
  if (!relative.split('.').every(label => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label))) {
    invalid(cache, prop, given, allowed);
  }
  if (full.length > 253) {
    invalid(cache, prop, given, `${allowed} At most 253 characters in full ('${full}' has ${full.length}).`);
  }
  return full;
}
