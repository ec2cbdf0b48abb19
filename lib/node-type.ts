import { Token } from 'aws-cdk-lib';
import { CacheValidationError } from './validation-error';

/** Options for a node type made with `NodeType.of()`. */
export interface NodeTypeOptions {
  /**
   * The node's vCPU count, for node types this library does not know.
   * Alarms use it to derive the CPU threshold.
   *
   * @default - the count this library knows for the family and size, or unknown
   */
  readonly vcpus?: number;
}

const PREVIOUS_GENERATION = new Set(['t1', 'm1', 'm2', 'm3', 'r3', 'c1']);
/**
 * Retired families: existing clusters keep running, new ones cannot be created. User Guide,
 * "Supported node types": "You can no longer create new ElastiCache clusters using T2 instances"
 * (existing T2 clusters and reservations are not affected; AWS suggests T3 or T4g).
 */
const RETIRED = new Set(['t2']);
/** Families whose hosts are Xen, not Nitro (IPv6 needs Nitro). Inferred from EC2. */
const XEN_FAMILIES = new Set(['t1', 'm1', 'm2', 'm3', 'r3', 'c1', 't2', 'm4', 'r4']);
/**
 * Families without encryption at rest: those missing from the list on the ElastiCache at-rest
 * encryption page (which names every current family), so that a new family is not blocked.
 */
const NO_AT_REST_FAMILIES = new Set(['t1', 'm1', 'm2', 'c1']);

/** vCPUs per size for most current families. */
const VCPUS_BY_SIZE: Record<string, number> = {
  'micro': 2, 'small': 2, 'medium': 2, 'large': 2, 'xlarge': 4, '2xlarge': 8, '4xlarge': 16,
  '8xlarge': 32, '10xlarge': 40, '12xlarge': 48, '16xlarge': 64, '24xlarge': 96,
};
/** Exceptions to `VCPUS_BY_SIZE`, by full size name `family.size`. */
const VCPUS_EXCEPTIONS: Record<string, number> = {
  't1.micro': 1, 't2.micro': 1, 't2.small': 1, 'm1.small': 1, 'm1.medium': 1, 'm1.large': 2, 'm1.xlarge': 4,
  'm2.xlarge': 2, 'm2.2xlarge': 4, 'm2.4xlarge': 8, 'm3.medium': 1, 'c1.xlarge': 8,
};

/**
 * An ElastiCache node type (`cache.<family>.<size>`), with what its family can do.
 *
 * @example
 * NodeType.R7G_LARGE
 * NodeType.of('cache.r7g.xlarge')
 */
export class NodeType {
  // Burstable
  /** cache.t4g.micro: 2 vCPU, burstable (the library's default). */
  public static readonly T4G_MICRO = NodeType.of('cache.t4g.micro');
  /** cache.t4g.small: 2 vCPU, burstable. */
  public static readonly T4G_SMALL = NodeType.of('cache.t4g.small');
  /** cache.t4g.medium: 2 vCPU, burstable. */
  public static readonly T4G_MEDIUM = NodeType.of('cache.t4g.medium');
  /** cache.t3.micro: 2 vCPU, burstable. */
  public static readonly T3_MICRO = NodeType.of('cache.t3.micro');
  /** cache.t3.small: 2 vCPU, burstable. */
  public static readonly T3_SMALL = NodeType.of('cache.t3.small');
  /** cache.t3.medium: 2 vCPU, burstable. */
  public static readonly T3_MEDIUM = NodeType.of('cache.t3.medium');
  /**
   * cache.t2.micro: 1 vCPU, burstable, Xen (no IPv6); the seed's hands-on node type.
   * @deprecated retired: new T2 clusters cannot be created (existing ones keep running); use T3_MICRO or T4G_MICRO
   */
  public static readonly T2_MICRO = NodeType.of('cache.t2.micro');
  /**
   * cache.t2.small: 1 vCPU, burstable, Xen.
   * @deprecated retired: new T2 clusters cannot be created (existing ones keep running); use T3_SMALL or T4G_SMALL
   */
  public static readonly T2_SMALL = NodeType.of('cache.t2.small');
  /**
   * cache.t2.medium: 2 vCPU, burstable, Xen.
   * @deprecated retired: new T2 clusters cannot be created (existing ones keep running); use T3_MEDIUM or T4G_MEDIUM
   */
  public static readonly T2_MEDIUM = NodeType.of('cache.t2.medium');
  // General purpose
  /** cache.m7g.large: 2 vCPU. */
  public static readonly M7G_LARGE = NodeType.of('cache.m7g.large');
  /** cache.m7g.xlarge: 4 vCPU. */
  public static readonly M7G_XLARGE = NodeType.of('cache.m7g.xlarge');
  /** cache.m7g.2xlarge: 8 vCPU. */
  public static readonly M7G_2XLARGE = NodeType.of('cache.m7g.2xlarge');
  /** cache.m7g.4xlarge: 16 vCPU. */
  public static readonly M7G_4XLARGE = NodeType.of('cache.m7g.4xlarge');
  /** cache.m6g.large: 2 vCPU. */
  public static readonly M6G_LARGE = NodeType.of('cache.m6g.large');
  /** cache.m6g.xlarge: 4 vCPU. */
  public static readonly M6G_XLARGE = NodeType.of('cache.m6g.xlarge');
  /** cache.m6g.2xlarge: 8 vCPU. */
  public static readonly M6G_2XLARGE = NodeType.of('cache.m6g.2xlarge');
  /** cache.m5.large: 2 vCPU. */
  public static readonly M5_LARGE = NodeType.of('cache.m5.large');
  /** cache.m5.xlarge: 4 vCPU. */
  public static readonly M5_XLARGE = NodeType.of('cache.m5.xlarge');
  // Memory optimized
  /** cache.r7g.large: 2 vCPU. */
  public static readonly R7G_LARGE = NodeType.of('cache.r7g.large');
  /** cache.r7g.xlarge: 4 vCPU. */
  public static readonly R7G_XLARGE = NodeType.of('cache.r7g.xlarge');
  /** cache.r7g.2xlarge: 8 vCPU. */
  public static readonly R7G_2XLARGE = NodeType.of('cache.r7g.2xlarge');
  /** cache.r7g.4xlarge: 16 vCPU. */
  public static readonly R7G_4XLARGE = NodeType.of('cache.r7g.4xlarge');
  /** cache.r7g.8xlarge: 32 vCPU. */
  public static readonly R7G_8XLARGE = NodeType.of('cache.r7g.8xlarge');
  /** cache.r7g.12xlarge: 48 vCPU. */
  public static readonly R7G_12XLARGE = NodeType.of('cache.r7g.12xlarge');
  /** cache.r7g.16xlarge: 64 vCPU. */
  public static readonly R7G_16XLARGE = NodeType.of('cache.r7g.16xlarge');
  /** cache.r6g.large: 2 vCPU. */
  public static readonly R6G_LARGE = NodeType.of('cache.r6g.large');
  /** cache.r6g.xlarge: 4 vCPU. */
  public static readonly R6G_XLARGE = NodeType.of('cache.r6g.xlarge');
  /** cache.r6g.2xlarge: 8 vCPU. */
  public static readonly R6G_2XLARGE = NodeType.of('cache.r6g.2xlarge');
  /** cache.r5.large: 2 vCPU. */
  public static readonly R5_LARGE = NodeType.of('cache.r5.large');
  /** cache.r5.xlarge: 4 vCPU. */
  public static readonly R5_XLARGE = NodeType.of('cache.r5.xlarge');
  // Data tiering
  /** cache.r6gd.xlarge: 4 vCPU, data tiering (memory + SSD). */
  public static readonly R6GD_XLARGE = NodeType.of('cache.r6gd.xlarge');
  /** cache.r6gd.2xlarge: 8 vCPU, data tiering. */
  public static readonly R6GD_2XLARGE = NodeType.of('cache.r6gd.2xlarge');
  /** cache.r6gd.4xlarge: 16 vCPU, data tiering. */
  public static readonly R6GD_4XLARGE = NodeType.of('cache.r6gd.4xlarge');
  // Network optimized
  /** cache.c7gn.large: 2 vCPU, network optimized. */
  public static readonly C7GN_LARGE = NodeType.of('cache.c7gn.large');
  /** cache.c7gn.xlarge: 4 vCPU, network optimized. */
  public static readonly C7GN_XLARGE = NodeType.of('cache.c7gn.xlarge');

  /**
   * Any node type, validated for its shape `cache.<family>.<size>`.
   *
   * @param name the node type, for example `cache.r7g.large`
   */
  public static of(name: string, options: NodeTypeOptions = {}): NodeType {
    if (Token.isUnresolved(name)) {
      throw new CacheValidationError('Invalid node type: got a token. The node type must be known at synth time '
        + '(it decides which features can be validated); use a literal string such as \'cache.r7g.large\'.');
    }
    const match = /^cache\.([a-z]\d+[a-z]*)\.(micro|small|medium|large|xlarge|\d{1,2}xlarge)$/.exec(name);
    if (!match) {
      throw new CacheValidationError(`Invalid node type: got '${name}'. Allowed: 'cache.<family>.<size>', `
        + 'such as \'cache.t4g.micro\' or \'cache.r7g.xlarge\'.');
    }
    if (options.vcpus !== undefined && (!Number.isInteger(options.vcpus) || options.vcpus < 1)) {
      throw new CacheValidationError(`Invalid vcpus of node type ${name}: got ${options.vcpus}. Allowed: a positive integer.`);
    }
    return new NodeType(name, match[1], match[2], options.vcpus);
  }

  /** The node type as ElastiCache takes it, e.g. `cache.r7g.large`. */
  public readonly name: string;
  /** The family, e.g. `r7g`. */
  public readonly family: string;
  /** The size, e.g. `large`. */
  public readonly size: string;
  /** The vCPU count, when known (undefined for an unknown family and size). */
  public readonly vcpus?: number;

  private constructor(name: string, family: string, size: string, vcpus?: number) {
    this.name = name;
    this.family = family;
    this.size = size;
    this.vcpus = vcpus ?? VCPUS_EXCEPTIONS[`${family}.${size}`] ?? VCPUS_BY_SIZE[size];
  }

  /** Burstable (T family): CPU credits; AWS advises more reserved memory on micro and small nodes. */
  public get isBurstable(): boolean {
    return this.family.startsWith('t');
  }

  /**
   * Graviton-based (the family's generation is followed by `g`: t4g, m6g, r6g, r6gd, m7g, r7g, c7gn...):
   * needs Valkey, Redis OSS 5.0.6+ or Memcached 1.5.16+ (`engine.features.gravitonNodeTypes`).
   */
  public get isGraviton(): boolean {
    return /^[a-z]\d+g/.test(this.family);
  }

  /** A previous-generation family (t1, m1, m2, m3, r3, c1): no longer creatable. */
  public get isPreviousGeneration(): boolean {
    return PREVIOUS_GENERATION.has(this.family);
  }

  /**
   * A retired family (t2): clusters that exist keep running and synthesizing, but ElastiCache no longer
   * creates new ones. The caches warn (`cdk-elasticache:nodeTypeRetired`) rather than refuse it.
   */
  public get isRetired(): boolean {
    return RETIRED.has(this.family);
  }

  /** Data tiering (memory plus SSD): r6gd only, where it is also mandatory. */
  public get supportsDataTiering(): boolean {
    return this.family === 'r6gd';
  }

  /** Backups and restore: every node type but cache.t1.micro. */
  public get supportsBackups(): boolean {
    return this.family !== 't1';
  }

  /** Multi-AZ with automatic failover: every family but T1. */
  public get supportsMultiAz(): boolean {
    return this.family !== 't1';
  }

  /** In-transit encryption (TLS): every family but M1 and M2. */
  public get supportsTransitEncryption(): boolean {
    return this.family !== 'm1' && this.family !== 'm2';
  }

  /** Encryption at rest: every family but T1, M1, M2 and C1. */
  public get supportsAtRestEncryption(): boolean {
    return !NO_AT_REST_FAMILIES.has(this.family);
  }

  /** IPv6 and dual-stack networking: Nitro-based families only (t2, m4, r4 and older are Xen). */
  public get supportsIpv6(): boolean {
    return !XEN_FAMILIES.has(this.family);
  }

  /** The node type's name. */
  public toString(): string {
    return this.name;
  }
}
