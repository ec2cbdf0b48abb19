import { IResource, Lazy, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { CfnParameterGroup } from 'aws-cdk-lib/aws-elasticache';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { CacheEngine, CacheEngineVersion } from './engine';
import { CacheValidationError } from './validation-error';
import { invalid } from './private/errors';
import { helperRemovalPolicy } from './private/names';
import { validateKnownProps } from './private/known-props';

/**
 * The `maxmemory-policy` values of every Valkey / Redis OSS version ElastiCache runs (checked on real servers;
 * the Valkey documentation, "Key eviction", lists these eight through Valkey 9; the LRM policies,
 * `allkeys-lrm` / `volatile-lrm`, are Redis 8.6's, an engine ElastiCache does not run).
 */
const KNOWN_POLICIES = ['volatile-lru', 'allkeys-lru', 'volatile-lfu', 'allkeys-lfu', 'volatile-random', 'allkeys-random', 'volatile-ttl',
  'noeviction'];

const MAXMEMORY_POLICY = 'maxmemory-policy';

/** A raw `maxmemory-policy` value: one of the known ones on Valkey and Redis OSS, none on Memcached. */
function validateMaxmemoryPolicy(scope: Construct, engine: CacheEngineVersion, value: string): void {
  const prop = `parameters['${MAXMEMORY_POLICY}']`;
  if (engine.engine.isSameEngine(CacheEngine.MEMCACHED)) {
    invalid(scope, prop, value, `Allowed: nothing on ${engine}; Memcached evicts least recently used items and has no `
      + 'maxmemory-policy parameter.');
  }
  if (!KNOWN_POLICIES.includes(value)) {
    invalid(scope, prop, value, `Allowed: a policy ${engine} knows, ${KNOWN_POLICIES.map(p => `'${p}'`).join(', ')}; `
      + 'ElastiCache refuses the parameter group otherwise. For a policy newer than this library, give evictionPolicy: '
      + 'EvictionPolicy.unchecked(...) instead.');
  }
}

/**
 * The eviction policy of a Valkey / Redis OSS cache (`maxmemory-policy`): what the engine
 * removes when memory is full.
 *
 * - A database cache whose keys all have a TTL: `VOLATILE_LRU` (the ElastiCache default).
 * - A cache whose keys have no TTL (lazy loading without expiry): `ALLKEYS_LRU` or `ALLKEYS_LFU`;
 *   with a `volatile-*` policy such keys can never be evicted and writes fail when memory is full.
 * - A session store that must not lose sessions silently: `NO_EVICTION` plus memory alarms.
 */
export class EvictionPolicy {
  /** Evict the least recently used keys among those with a TTL (ElastiCache default). */
  public static readonly VOLATILE_LRU = new EvictionPolicy('volatile-lru');
  /** Evict the least recently used keys, TTL or not. */
  public static readonly ALLKEYS_LRU = new EvictionPolicy('allkeys-lru');
  /** Evict the least frequently used keys among those with a TTL. */
  public static readonly VOLATILE_LFU = new EvictionPolicy('volatile-lfu');
  /** Evict the least frequently used keys, TTL or not. */
  public static readonly ALLKEYS_LFU = new EvictionPolicy('allkeys-lfu');
  /** Evict random keys among those with a TTL. */
  public static readonly VOLATILE_RANDOM = new EvictionPolicy('volatile-random');
  /** Evict random keys. */
  public static readonly ALLKEYS_RANDOM = new EvictionPolicy('allkeys-random');
  /** Evict the keys with a TTL closest to expiry first. */
  public static readonly VOLATILE_TTL = new EvictionPolicy('volatile-ttl');
  /** Never evict: writes fail with an out-of-memory error when memory is full. */
  public static readonly NO_EVICTION = new EvictionPolicy('noeviction');

  /**
   * A policy by its `maxmemory-policy` value: one of the eight that Valkey 7.2-8.x and Redis OSS
   * 4.0-7.1 know (`volatile-lru`, `allkeys-lru`, `volatile-lfu`, `allkeys-lfu`, `volatile-random`,
   * `allkeys-random`, `volatile-ttl`, `noeviction`). Anything else is a `CacheValidationError`; a
   * policy newer than this library goes through `unchecked()`.
   */
  public static of(value: string): EvictionPolicy {
    if (!Token.isUnresolved(value) && !KNOWN_POLICIES.includes(value)) {
      throw new CacheValidationError(`Invalid evictionPolicy: got '${value}'. Allowed: ${KNOWN_POLICIES.map(p => `'${p}'`).join(', ')} `
        + '(EvictionPolicy.unchecked() takes a newer one).');
    }
    return new EvictionPolicy(value);
  }

  /**
   * The escape hatch: any `maxmemory-policy` value, not checked here, for a policy that an engine
   * release newer than this library adds. ElastiCache rejects the parameter group at deployment if
   * the engine does not know it.
   */
  public static unchecked(value: string): EvictionPolicy {
    if (!Token.isUnresolved(value) && !/^[a-z][a-z-]*$/.test(value)) {
      throw new CacheValidationError(`Invalid evictionPolicy: got '${value}'. Allowed: a maxmemory-policy value such as 'allkeys-lru'.`);
    }
    return new EvictionPolicy(value);
  }

  /** The `maxmemory-policy` value. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** The `maxmemory-policy` value. */
  public toString(): string {
    return this.value;
  }
}

/** An ElastiCache parameter group. */
export interface IParameterGroup extends IResource, refs.IParameterGroupRef {
  /**
   * The name of the parameter group.
   * @attribute
   */
  readonly parameterGroupName: string;
  /**
   * The parameter group family (`valkey8`, `redis7`, `memcached1.6`...), when known.
   * Caches check it against their engine version.
   */
  readonly family?: string;
}

/** Attributes of an existing parameter group. */
export interface ParameterGroupAttributes {
  /** The name of the parameter group. */
  readonly parameterGroupName: string;
  /**
   * The family of the parameter group; give it so that caches can check it against their engine.
   * @default - unknown: not checked
   */
  readonly family?: string;
}

/** Properties of a `ParameterGroup`. */
export interface ParameterGroupProps {
  /** The engine version the group is for; the group's family is taken from it. */
  readonly engine: CacheEngineVersion;
  /**
   * Parameters and their values.
   * @default - none: the engine's defaults
   */
  readonly parameters?: Record<string, string>;
  /**
   * The eviction policy (`maxmemory-policy`). Valkey and Redis OSS only.
   * @default - the ElastiCache default, `volatile-lru`
   */
  readonly evictionPolicy?: EvictionPolicy;
  /**
   * A description.
   * @default - 'Parameter group for ElastiCache' followed by the family and the construct path
   */
  readonly description?: string;
  /**
   * What happens to the group when it leaves the stack. `RETAIN` keeps it; any other
   * policy deletes it.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An ElastiCache parameter group, its family taken from an engine version.
 *
 * @resource AWS::ElastiCache::ParameterGroup
 */
export class ParameterGroup extends Resource implements IParameterGroup {
  /** Imports an existing parameter group by name (its family is then unknown and not checked). */
  public static fromParameterGroupName(scope: Construct, id: string, parameterGroupName: string): IParameterGroup {
    return ParameterGroup.fromParameterGroupAttributes(scope, id, { parameterGroupName });
  }

  /** Imports an existing parameter group, with its family when known. */
  public static fromParameterGroupAttributes(scope: Construct, id: string, attrs: ParameterGroupAttributes): IParameterGroup {
    return new class extends Resource implements IParameterGroup {
      public readonly parameterGroupName = attrs.parameterGroupName;
      public readonly family = attrs.family;
      public readonly parameterGroupRef = { cacheParameterGroupName: attrs.parameterGroupName };
    }(scope, id);
  }

  public readonly parameterGroupName: string;
  /**
   * The parameter group family, from the engine version. Always set on a `ParameterGroup`; typed
   * optional as in `IParameterGroup` (jsii: an implementation may not make it required).
   */
  public readonly family?: string;
  /** The engine version the group was made for. */
  public readonly engine: CacheEngineVersion;
  private readonly parameters: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: ParameterGroupProps) {
    super(scope, id);
    validateKnownProps(this, 'ParameterGroup', props);
    this.engine = props.engine;
    this.family = props.engine.parameterGroupFamily;

    for (const [key, value] of Object.entries(props.parameters ?? {})) {
      // The same value as evictionPolicy passes as that policy: EvictionPolicy.unchecked() is the escape hatch.
      this.setParameter(key, value, key !== MAXMEMORY_POLICY || value !== props.evictionPolicy?.value);
    }
    if (props.evictionPolicy) {
      if (props.engine.engine.isSameEngine(CacheEngine.MEMCACHED)) {
        invalid(this, 'evictionPolicy', props.evictionPolicy.value,
          `Allowed: only on Valkey and Redis OSS; Memcached (${props.engine}) evicts least recently used items and has no maxmemory-policy.`);
      }
      this.setParameter(MAXMEMORY_POLICY, props.evictionPolicy.value, false);
    }

    const resource = new CfnParameterGroup(this, 'Resource', {
      cacheParameterGroupFamily: props.engine.parameterGroupFamily,
      description: props.description ?? `Parameter group for ElastiCache ${this.family} ${this.node.path}`,
      properties: Lazy.any({ produce: () => (Object.keys(this.parameters).length ? { ...this.parameters } : undefined) }),
    });
    resource.applyRemovalPolicy(helperRemovalPolicy(props.removalPolicy));
    this.parameterGroupName = resource.ref;
  }

  /** A reference to this parameter group, for L1 constructs and the generated reference interfaces. */
  public get parameterGroupRef(): refs.ParameterGroupReference {
    return { cacheParameterGroupName: this.parameterGroupName };
  }

  /**
   * Sets a parameter. Setting a parameter twice with different values is an error
   * (for example `maxmemory-policy` in `parameters` and in `evictionPolicy`).
   */
  public addParameter(key: string, value: string): void {
    this.setParameter(key, value, true);
  }

  /**
   * Sets a parameter; `check`: a raw `maxmemory-policy` must be one the engine knows (ElastiCache refuses the
   * parameter group otherwise: "Invalid parameter value"), and Memcached has none. Not checked for
   * `evictionPolicy`, whose `of()` checks it and whose `unchecked()` is the escape hatch for a newer policy.
   */
  private setParameter(key: string, value: string, check: boolean): void {
    if (check && key === MAXMEMORY_POLICY && !Token.isUnresolved(value)) {
      validateMaxmemoryPolicy(this, this.engine, value);
    }
    if (!Token.isUnresolved(key) && !/^[a-z0-9][a-z0-9_.-]*$/i.test(key)) {
      invalid(this, 'parameter name', key, 'Allowed: an engine parameter name such as \'maxmemory-policy\'.');
    }
    const existing = this.parameters[key];
    if (existing !== undefined && existing !== value) {
      throw new CacheValidationError(`Parameter '${key}' is set twice: got '${value}' after '${existing}'. `
        + 'Allowed: one value per parameter (evictionPolicy sets maxmemory-policy).', this);
    }
    this.parameters[key] = value;
  }

  /** The value of a parameter set on this group, if any. */
  public parameter(key: string): string | undefined {
    return this.parameters[key];
  }
}
