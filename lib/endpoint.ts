import { Token } from 'aws-cdk-lib';

/**
 * A network endpoint of a cache: a hostname and a port.
 *
 * Either part may be a token (a CloudFormation attribute resolved at deployment).
 */
export class Endpoint {
  /** The DNS name of the endpoint. */
  public readonly hostname: string;
  /** The port of the endpoint. */
  public readonly port: number;
  /** The port as a string (for environment variables and connection strings). */
  public readonly portAsString: string;
  /** `hostname:port`. */
  public readonly socketAddress: string;

  /**
   * @param hostname the DNS name of the endpoint
   * @param port the port of the endpoint
   */
  constructor(hostname: string, port: number) {
    this.hostname = hostname;
    this.port = port;
    this.portAsString = Token.isUnresolved(port) ? Token.asString(port) : String(port);
    this.socketAddress = `${hostname}:${this.portAsString}`;
  }
}
