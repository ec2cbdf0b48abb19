/**
 * How the nodes of a Memcached cluster are placed over Availability Zones.
 */
export enum AzMode {
  /** All nodes in one Availability Zone: losing the AZ empties the whole cache. */
  SINGLE_AZ = 'single-az',
  /** Nodes spread over the Availability Zones of the subnet group: losing an AZ loses only its shards. */
  CROSS_AZ = 'cross-az',
}
