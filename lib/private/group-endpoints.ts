import { Token } from 'aws-cdk-lib';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { ClusterMode } from '../cluster-mode';
import { Endpoint } from '../endpoint';
import { CacheValidationError } from '../validation-error';

/** Which endpoint of a replication group: the attributes of each, and whether the group has it in its cluster mode. */
const ENDPOINTS = {
  primaryEndpoint: { address: 'attrPrimaryEndPointAddress', port: 'attrPrimaryEndPointPort', has: (m: ClusterMode) => !m.sharded },
  readerEndpoint: { address: 'attrReaderEndPointAddress', port: 'attrReaderEndPointPort', has: (m: ClusterMode) => !m.sharded },
  configurationEndpoint: {
    address: 'attrConfigurationEndPointAddress', port: 'attrConfigurationEndPointPort', has: (m: ClusterMode) => m.clusterEnabled,
  },
} as const;

/**
 * An endpoint of a rendered replication group (a group of the app or a global datastore's secondary), from
 * the L1's attributes; `missing` is the error when the group has no such endpoint in its cluster mode
 * (CloudFormation fails on the attribute then).
 */
export function groupEndpoint(scope: Construct, resource: CfnReplicationGroup, mode: ClusterMode, which: keyof typeof ENDPOINTS,
  missing: (which: string) => string): Endpoint {
  const e = ENDPOINTS[which];
  if (!e.has(mode)) {
    throw new CacheValidationError(missing(which), scope);
  }
  return new Endpoint(resource[e.address], Token.asNumber(resource[e.port]));
}
