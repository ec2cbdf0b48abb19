import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheAuthMode } from '../connection-environment';
import { Endpoint } from '../endpoint';
import { CacheEngine } from '../engine';
import { ReplicationGroupAttributes, ReplicationGroupBase } from '../replication-group-ref';
import { CacheValidationError } from '../validation-error';
import { CacheConnections } from './connections';
import { CacheConsumerFacts } from './consumer';

/** A replication group imported with `ReplicationGroup.fromReplicationGroupAttributes()`. */
export class ImportedReplicationGroup extends ReplicationGroupBase {
  public readonly replicationGroupId: string;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  private readonly attrs: ReplicationGroupAttributes;

  constructor(scope: Construct, id: string, attrs: ReplicationGroupAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.replicationGroupId = attrs.replicationGroupId;
    this.authSecret = attrs.authSecret;
    this.connections = new CacheConnections({
      securityGroups: attrs.securityGroups,
      defaultPort: attrs.port !== undefined ? ec2.Port.tcp(attrs.port) : undefined,
    });
  }

  public get primaryEndpoint(): Endpoint {
    return this.endpoint('primaryEndpoint', 'primaryEndpointAddress', this.attrs.primaryEndpointAddress);
  }

  public get readerEndpoint(): Endpoint {
    return this.endpoint('readerEndpoint', 'readerEndpointAddress', this.attrs.readerEndpointAddress);
  }

  public get configurationEndpoint(): Endpoint {
    return this.endpoint('configurationEndpoint', 'configurationEndpointAddress', this.attrs.configurationEndpointAddress);
  }

  /** @internal */
  protected _consumerFacts(): CacheConsumerFacts {
    // Cluster mode enabled or compatible: a cluster client on the configuration endpoint, as for a created group.
    const cluster = this.attrs.clusterMode?.clusterEnabled ?? false;
    const endpoint = cluster ? this.configurationEndpoint : this.primaryEndpoint;
    return {
      endpoint: {
        engine: (this.attrs.engine ?? CacheEngine.VALKEY).name,
        id: this.replicationGroupId,
        host: endpoint.hostname,
        port: endpoint.portAsString,
        readerHost: cluster ? undefined : this.attrs.readerEndpointAddress,
        tls: this.attrs.transitEncryption ?? true,
        cluster,
      },
      auth: {
        mode: this.attrs.authMode ?? (this.authSecret ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE),
        authSecret: this.authSecret,
      },
    };
  }

  public get nodeCount(): number {
    if (this.attrs.nodes === undefined) {
      throw new CacheValidationError('Cannot read nodeCount or memberClusterIds of an imported replication group without nodes: '
        + 'give it in fromReplicationGroupAttributes().', this);
    }
    return this.attrs.nodes;
  }

  private endpoint(what: string, addressAttr: string, address: string | undefined): Endpoint {
    if (address === undefined || this.attrs.port === undefined) {
      throw new CacheValidationError(`Cannot read ${what} of an imported replication group without `
        + `${address === undefined ? addressAttr : 'port'}: give it in fromReplicationGroupAttributes().`, this);
    }
    return new Endpoint(address, this.attrs.port);
  }
}
