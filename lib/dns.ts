import { Duration } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';

/**
 * Options of `addDnsRecords()`: CNAME records in a Route 53 private hosted zone that point at the
 * cache's endpoints, so that clients use names that outlive the cache (a blue/green replacement
 * moves them with one change of each record's value).
 */
export interface DnsRecordsOptions {
  /**
   * The hosted zone the records go in: a private hosted zone associated with the consumers' VPCs
   * (the endpoints resolve to private addresses). A public zone of this app is a warning
   * (`cdk-elasticache:dnsPublicZone`); an imported zone is taken as it is (its privacy is unknown).
   * The zone's name must be known: `HostedZone.fromHostedZoneId()` has none, import with
   * `fromHostedZoneAttributes()` / `PrivateHostedZone.fromPrivateHostedZoneAttributes()`.
   */
  readonly zone: route53.IHostedZone;
  /**
   * The name of the endpoint `connectFrom()` hands out as `CACHE_HOST`: the primary endpoint of a
   * cluster-mode-disabled replication group, the configuration endpoint of a cluster-mode-enabled or
   * compatible one and of a Memcached cluster, the endpoint of a serverless cache.
   *
   * Relative to the zone (`orders`, `orders.prod`) or a full name in it (`orders.example.internal`,
   * with or without the final dot). Letters, digits and hyphens; a name whose last label is the
   * zone's last label (`orders.example.com` in `example.internal`) is read as a full name, and one
   * outside the zone is an error. Not the zone's apex (DNS allows no CNAME there).
   */
  readonly recordName: string;
  /**
   * The name of the reader endpoint (cluster-mode-disabled and compatible replication groups,
   * serverless Valkey / Redis OSS caches), in the same forms as `recordName`. An error on a cache
   * without a reader endpoint.
   * @default - `recordName` with `-reader` after its first label (`orders-reader`, `orders-reader.prod`)
   */
  readonly readerRecordName?: string;
  /**
   * The name of the primary endpoint of a cluster-mode-compatible replication group (whose
   * `recordName` names the configuration endpoint), for the clients that still use a
   * cluster-mode-disabled client during the migration. An error on any other cache.
   * @default - `recordName` with `-primary` after its first label
   */
  readonly primaryRecordName?: string;
  /**
   * How long resolvers cache the records: after a blue/green switch, clients reach the new cache
   * within this time (plus what the client itself caches). From 0 seconds to 2147483647.
   * @default Duration.seconds(60)
   */
  readonly ttl?: Duration;
}

/** What `addDnsRecords()` created. */
export interface CacheDnsRecords {
  /** The full name of the `recordName` record (no final dot): what `connectFrom()` hands out as `CACHE_HOST`. */
  readonly hostName: string;
  /** The full name of the reader endpoint's record, when the cache has a reader endpoint. */
  readonly readerHostName?: string;
  /** The full name of the primary endpoint's record (cluster mode compatible only). */
  readonly primaryHostName?: string;
  /** The records, in the order host, reader, primary. */
  readonly records: route53.CnameRecord[];
}
