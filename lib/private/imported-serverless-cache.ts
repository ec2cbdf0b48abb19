import { SizeRoundingBehavior } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheAuthMode } from '../connection-environment';
import { Endpoint } from '../endpoint';
import { ServerlessEngine } from '../serverless-engine';
import { ServerlessCacheAttributes, ServerlessCacheBase } from '../serverless-cache-ref';
import { CacheValidationError } from '../validation-error';
import { CacheConnections, serverlessPorts } from './connections';
import { CacheConsumerFacts } from './consumer';

/** A serverless cache imported with `ServerlessCache.fromServerlessCacheAttributes()`. */
export class ImportedServerlessCache extends ServerlessCacheBase {
  public readonly serverlessCacheName: string;
  public readonly engine?: ServerlessEngine;
  public readonly connections: ec2.Connections;
  public readonly authSecret?: secretsmanager.ISecret;
  private readonly attrs: ServerlessCacheAttributes;

  constructor(scope: Construct, id: string, attrs: ServerlessCacheAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.serverlessCacheName = attrs.serverlessCacheName;
    this.engine = attrs.engine;
    this.authSecret = attrs.authSecret;
    this.connections = new CacheConnections({
      securityGroups: attrs.securityGroups,
      defaultPort: attrs.engine ? serverlessPorts(attrs.engine) : undefined,
    });
  }

  public get endpoint(): Endpoint {
    if (this.attrs.endpointAddress === undefined || this.attrs.engine === undefined) {
      throw new CacheValidationError('Cannot read endpoint of an imported serverless cache without '
        + `${this.attrs.endpointAddress === undefined ? 'endpointAddress' : 'engine (which decides the port)'}: `
        + 'give it in fromServerlessCacheAttributes().', this);
    }
    return new Endpoint(this.attrs.endpointAddress, this.attrs.engine.port);
  }

  public get readerEndpoint(): Endpoint {
    if (this.attrs.engine?.isMemcached) {
      throw new CacheValidationError('Cannot read readerEndpoint of a Memcached serverless cache: Memcached has no reader endpoint.', this);
    }
    if (this.attrs.readerEndpointAddress === undefined || this.attrs.engine === undefined) {
      throw new CacheValidationError('Cannot read readerEndpoint of an imported serverless cache without '
        + `${this.attrs.readerEndpointAddress === undefined ? 'readerEndpointAddress' : 'engine (which decides the port)'}: `
        + 'give it in fromServerlessCacheAttributes().', this);
    }
    return new Endpoint(this.attrs.readerEndpointAddress, this.attrs.engine.readerPort!);
  }

  /** @internal */
  protected _consumerFacts(): CacheConsumerFacts {
    const endpoint = this.endpoint;
    const engine = this.attrs.engine!;
    return {
      endpoint: {
        engine: engine.engine.name,
        id: this.serverlessCacheName,
        host: endpoint.hostname,
        port: String(engine.port),
        ...(this.attrs.readerEndpointAddress !== undefined && engine.readerPort !== undefined
          ? { readerHost: this.attrs.readerEndpointAddress, readerPort: String(engine.readerPort) } : {}),
        serverless: true,
        cluster: !engine.isMemcached,
        tls: true,
      },
      auth: {
        mode: this.attrs.authMode ?? (this.authSecret ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE),
        authSecret: this.authSecret,
      },
    };
  }

  /** @internal */
  protected _limits() {
    const max = this.attrs.dataStorageMaximum;
    return {
      dataStorageMaximumGb: max === undefined ? undefined : max.toGibibytes({ rounding: SizeRoundingBehavior.NONE }),
      ecpuPerSecondMaximum: this.attrs.ecpuPerSecondMaximum,
    };
  }
}
