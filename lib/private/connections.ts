import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServerlessEngine } from '../serverless-engine';
import { belongsToConsumerStack } from './cross-stack';

/**
 * The `connections` of the library's caches: an `ec2.Connections` that puts the rules for a peer of
 * another stack in the peer's stack when that stack depends on the cache's (see
 * `belongsToConsumerStack`).
 *
 * aws-cdk-lib puts the ingress rule of `cache.connections.allowFrom(peer)` in the stack of the cache's
 * security group (it references the peer's group), and the one of `peer.connections.allowTo(cache)`
 * in the peer's stack (it references the cache's group). The first, called from a consumer stack that
 * also reads the cache's endpoint or secret, is a dependency cycle. Here `allowFrom` (and so
 * `allowDefaultPortFrom`) turns such a call into `peer.connections.allowTo(cache)`: the same rules
 * (the ingress rule on the cache's group, and the peer's egress rule when its group restricts
 * outbound traffic), in the peer's stack. Within one stack, and for peers of a stack the cache's stack
 * depends on (a security group of the VPC's stack), nothing changes.
 */
export class CacheConnections extends ec2.Connections {
  /** Set while `allowFrom` has handed the call to the peer's `allowTo`, which calls back. */
  private handedToPeer = false;
  /** Whether the peer called back. */
  private calledBack = false;

  public allowFrom(other: ec2.IConnectable, portRange: ec2.Port, description?: string): void {
    if (this.handedToPeer) {
      // The peer's allowTo() calls back, with the rule marked as the peer's (placed in its stack).
      this.calledBack = true;
      super.allowFrom(other, portRange, description);
      return;
    }
    if (!this.rulesBelongToPeer(other)) {
      super.allowFrom(other, portRange, description);
      return;
    }
    const peers = other.connections.securityGroups;
    if (peers.every(peer => peer.allowAllOutbound)) {
      // The peer needs no egress rule (its groups allow all outbound traffic), and going through its
      // allowTo() would warn about ignoring one: only the ingress rule, added as the peer's (remote),
      // which puts it in the peer's stack. Whether this call came from the user or from the peer's
      // allowTo(), that is the rule the peer's side would have added.
      for (const group of this.securityGroups) {
        for (const peer of peers) {
          group.addIngressRule(peer, portRange, description, true);
        }
      }
      return;
    }
    this.handedToPeer = true;
    this.calledBack = false;
    try {
      other.connections.allowTo(this, portRange, description);
    } finally {
      this.handedToPeer = false;
    }
    if (!this.calledBack) {
      // This call already came from the peer's allowTo(), which now skips nested calls: the rule is
      // marked as the peer's, so the default behaviour puts it in the peer's stack.
      super.allowFrom(other, portRange, description);
    }
  }

  /** The rules belong to the peer when every security group of it is in a stack that depends on each of ours. */
  private rulesBelongToPeer(other: ec2.IConnectable): boolean {
    const peers = other.connections.securityGroups;
    const own = this.securityGroups;
    return peers.length > 0 && own.length > 0 && own.every(sg => peers.every(peer => belongsToConsumerStack(sg, peer)));
  }
}

/**
 * The default port of a new cache's `connections`: the literal port the template sets, so that the
 * ingress rules carry it (policy packs read `FromPort` / `ToPort`; a token port is "could not be
 * validated").
 *
 * Its string form stays `{IndirectPort}`, the form of the endpoint-attribute port the library used
 * before 0.2: aws-cdk-lib builds the construct ids (and so the logical ids) and default descriptions
 * of security group rules from it. A changed logical id makes CloudFormation create the rule anew
 * before deleting the old one, and since EC2 holds one rule for both, the delete revokes it: consumers
 * of a deployed cache would silently lose access. Keeping the form keeps every rule's id.
 */
export function cacheDefaultPort(port: number): ec2.Port {
  return new ec2.Port({
    protocol: ec2.Protocol.TCP,
    fromPort: port,
    toPort: port,
    stringRepresentation: '{IndirectPort}',
  });
}

/** The ports a client needs: 6379 (endpoint) and 6380 (reader endpoint) for Valkey and Redis OSS, 11211 for Memcached. */
export function serverlessPorts(engine: ServerlessEngine): ec2.Port {
  return engine.readerPort === undefined ? ec2.Port.tcp(engine.port) : ec2.Port.tcpRange(engine.port, engine.readerPort);
}
