/**
 * The IP address family of a cache's endpoints.
 *
 * IPv6 and dual stack need a Nitro-based node type and Valkey 7.2+, Redis OSS 6.2+ or Memcached
 * 1.6.6+; `IPV6` needs IPv6-only subnets, `DUAL_STACK` dual-stack subnets. It cannot change after
 * creation (a new network type replaces the cache).
 */
export class NetworkType {
  /** IPv4 only (the ElastiCache default). */
  public static readonly IPV4 = new NetworkType('ipv4');
  /** IPv6 only: the subnets must be IPv6-only. */
  public static readonly IPV6 = new NetworkType('ipv6');
  /** IPv4 and IPv6: the subnets must be dual-stack. */
  public static readonly DUAL_STACK = new NetworkType('dual_stack');

  /** The value as ElastiCache takes it. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The value as ElastiCache takes it. */
  public toString(): string {
    return this.value;
  }
}

/**
 * Which address family discovery and cluster commands advertise on a dual-stack cache.
 */
export class IpDiscovery {
  /** Advertise IPv4 addresses. */
  public static readonly IPV4 = new IpDiscovery('ipv4');
  /** Advertise IPv6 addresses. */
  public static readonly IPV6 = new IpDiscovery('ipv6');

  /** The value as ElastiCache takes it. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The value as ElastiCache takes it. */
  public toString(): string {
    return this.value;
  }
}
