// From the templates to what runs locally: each cache's engine, topology, parameters, transit
// encryption and users, read from its resources (and those it references: parameter group, user group,
// users, secrets), with the reason when a cache cannot run on a laptop.
import { randomBytes } from 'node:crypto';
import {
  Assembly, evaluate, evaluateOrUndefined, references, replaceReferences, Resource, resourceId, Stack, Unresolvable,
} from './assembly';
import { LocalCacheError } from './errors';

export type LocalEngine = 'valkey' | 'redis' | 'memcached';
export type LocalCacheKind = 'replication-group' | 'serverless-cache' | 'cache-cluster';
export type TransitMode = 'off' | 'required' | 'preferred';

/** A user of the cache's user group, as the template renders it. */
export interface UserSpec {
  readonly userId: string;
  readonly name: string;
  readonly accessString: string;
  /** `password`, `iam` or `no-password-required`. */
  readonly authentication: string;
  /** The passwords, with secret references resolved to the local secrets. */
  readonly passwords: string[];
  /** The local secret each password was read from (`stack/logicalId`, or an ARN), when it comes from a secret. */
  readonly secretKeys: string[];
}

export interface ShardSpec {
  /** The node group id (`0001`). */
  readonly id: string;
  /** `start-end,start-end`, for a cluster. */
  readonly slots?: string;
  readonly replicas: number;
}

/** Which cache of the assembly: what a cache's spec and the running cache share. */
export interface LocalCacheIdentity {
  /** The construct path (`CacheStack/Cache`). */
  readonly id: string;
  /** The stack's name. */
  readonly stack: string;
  /** The cache's logical id in its stack's template. */
  readonly logicalId: string;
  readonly kind: LocalCacheKind;
  /** The replication group id, cluster name or serverless cache name (a made-up one when the template leaves it to CloudFormation). */
  readonly physicalId: string;
  readonly engine: LocalEngine;
}

export interface CacheSpec extends LocalCacheIdentity {
  /** `EngineVersion` (`MajorEngineVersion` of a serverless cache), if literal. */
  readonly engineVersion?: string;
  /** Whether the nodes speak the cluster protocol (cluster mode enabled or compatible, serverless Valkey / Redis OSS). */
  readonly cluster: boolean;
  /** Valkey / Redis OSS: the shards (one for cluster mode disabled). */
  readonly shards: ShardSpec[];
  /** Memcached: the number of nodes. */
  readonly memcachedNodes: number;
  readonly transit: TransitMode;
  /** The parameters applied to every node (ElastiCache's defaults, then the parameter group's). */
  readonly parameters: Record<string, string>;
  /** RBAC users, or undefined without a user group. */
  readonly users?: UserSpec[];
  /** The AUTH token (resolved), if any. */
  readonly authToken?: string;
  /** The local secret the AUTH token was read from, if any. */
  readonly authTokenSecretKey?: string;
  /** What of the template is not reproduced for this cache. */
  readonly notes: string[];
}

/** The secrets of the session: generated locally, never read from AWS. */
export class LocalSecrets {
  private readonly values = new Map<string, string>();

  constructor(private readonly assembly: Assembly) {}

  /** The key of a secret value: a template secret (`stack/logicalId`) or an ARN / name outside the assembly. */
  public keyOf(_stack: Stack, secretId: string): string {
    const [ref] = references(secretId);
    if (ref) {
      return `${ref.stack}/${ref.logicalId}`;
    }
    // A name or ARN: a secret of the assembly with that Name, else one from outside.
    for (const s of this.assembly.stacks) {
      for (const [id, r] of Object.entries(s.resources)) {
        if (r.Type === 'AWS::SecretsManager::Secret' && r.Properties?.Name === secretId) {
          return `${s.name}/${id}`;
        }
      }
    }
    return secretId;
  }

  /** The secret string (generated on first use, as the template's GenerateSecretString says, or its literal SecretString). */
  public value(key: string, jsonKey?: string): string {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.generate(key, jsonKey);
      this.values.set(key, value);
    }
    return value;
  }

  /** Every secret used so far: key -> string. */
  public entries(): Array<[string, string]> {
    return [...this.values.entries()];
  }

  /** The secrets the dynamic references of an evaluated string read. */
  public keysIn(stack: Stack, text: string): string[] {
    return [...text.matchAll(/\{\{resolve:secretsmanager:(.+?)(?::SecretString[^}]*)?\}\}/g)].map(m => this.keyOf(stack, m[1]));
  }

  /** Resolves `{{resolve:secretsmanager:...}}` dynamic references in an evaluated string. */
  public resolveDynamic(stack: Stack, text: string): string {
    return text.replace(/\{\{resolve:secretsmanager:(.+?)(?::SecretString:([^:}]*)(?::([^:}]*))?(?::([^:}]*))?)?\}\}/g,
      (_, secretId: string, jsonKey?: string) => {
        const value = this.value(this.keyOf(stack, secretId), jsonKey || undefined);
        if (!jsonKey) {
          return value;
        }
        const json = parseJson(value);
        const field = json?.[jsonKey];
        if (typeof field !== 'string') {
          throw new LocalCacheError(`The secret ${secretId.includes('\u0000') ? replaceReferences(secretId, r => `${r.stack}/${r.logicalId}`) : secretId} `
            + `has no "${jsonKey}" field for the dynamic reference that reads it.`);
        }
        return field;
      });
  }

  private generate(key: string, jsonKey?: string): string {
    const slash = key.indexOf('/');
    const stack = slash > 0 ? this.assembly.stacks.find(s => s.name === key.slice(0, slash)) : undefined;
    const resource = stack?.resources[key.slice(slash + 1)];
    const props = resource?.Type === 'AWS::SecretsManager::Secret' ? resource.Properties ?? {} : undefined;
    if (props && typeof props.SecretString === 'string') {
      return props.SecretString;
    }
    const generate = props?.GenerateSecretString as Record<string, unknown> | undefined;
    const length = typeof generate?.PasswordLength === 'number' ? Math.min(Math.max(generate.PasswordLength, 16), 128) : 32;
    const password = randomPassword(length);
    if (generate && typeof generate.SecretStringTemplate === 'string' && typeof generate.GenerateStringKey === 'string') {
      const template = parseJson(generate.SecretStringTemplate) ?? {};
      return JSON.stringify({ ...template, [generate.GenerateStringKey]: password });
    }
    // A secret from outside the assembly read through a JSON key: a JSON object with that key.
    return !props && jsonKey ? JSON.stringify({ [jsonKey]: password }) : password;
  }
}

/** Letters and digits only: valid in any access string, URL or shell. */
export function randomPassword(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    if (bytes[i] < 248) {
      out += alphabet[bytes[i] % 62];
    }
  }
  return out;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

const CACHE_TYPES: Record<string, LocalCacheKind> = {
  'AWS::ElastiCache::ReplicationGroup': 'replication-group',
  'AWS::ElastiCache::ServerlessCache': 'serverless-cache',
  'AWS::ElastiCache::CacheCluster': 'cache-cluster',
};

/** A cache resource of the assembly. */
export interface CacheResource {
  readonly stack: Stack;
  readonly logicalId: string;
  readonly resource: Resource;
  readonly id: string;
  readonly kind: LocalCacheKind;
}

/** Every cache of the assembly, in the order of the stacks. Member clusters of a replication group are not caches of their own. */
export function findCaches(assembly: Assembly): CacheResource[] {
  const found: CacheResource[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const kind = CACHE_TYPES[resource.Type];
      if (kind && !(kind === 'cache-cluster' && resource.Properties?.ReplicationGroupId !== undefined)) {
        found.push({ stack, logicalId, resource, id: resourceId(stack, logicalId), kind });
      }
    }
  }
  return found;
}

/** ElastiCache's parameters with no counterpart in valkey-server / redis-server: not applied, said in the notes. */
const ELASTICACHE_ONLY_PARAMETERS = new Set([
  'reserved-memory', 'reserved-memory-percent', 'close-on-slave-write', 'close-on-replica-write', 'slave-allow-chaining',
  'replica-allow-chaining', 'rename-commands', 'cluster-enabled',
]);

/** Memcached parameters the local `memcached` takes as a flag: name -> flag. */
export const MEMCACHED_FLAGS: Record<string, string> = {
  max_item_size: '-I',
  chunk_size: '-n',
  chunk_size_growth_factor: '-f',
  max_simultaneous_connections: '-c',
  backlog_queue_limit: '-b',
  binding_protocol: '-B',
};

/** The most nodes one cache may start on a laptop. */
export const MAX_NODES = 60;

/**
 * What runs locally for one cache of the template. Throws a `LocalCacheError` saying what and why
 * when it cannot run locally.
 */
export function cacheSpec(assembly: Assembly, cache: CacheResource, secrets: LocalSecrets): CacheSpec {
  const { stack, resource, id } = cache;
  const props = resource.Properties ?? {};
  const notes: string[] = [];
  const cannot = (what: string, why: string) =>
    new LocalCacheError(`${id} cannot run locally: ${what} (${why}).`);
  const literal = (name: string): string | undefined => {
    const value = props[name];
    if (value === undefined) {
      return undefined;
    }
    try {
      const text = evaluate(assembly, stack, value);
      if (references(text).length > 0) {
        throw new Unresolvable(name);
      }
      return text;
    } catch (e) {
      if (e instanceof Unresolvable) {
        throw cannot(`its ${name} is not a literal value of the template`, 'it is known only once deployed');
      }
      throw e;
    }
  };

  if (props.GlobalReplicationGroupId !== undefined) {
    throw cannot('it is a secondary member of a global datastore', 'its engine, node type and parameters come from the primary Region');
  }
  const engineText = (literal('Engine') ?? (cache.kind === 'cache-cluster' ? undefined : 'redis'))?.toLowerCase();
  if (engineText !== 'valkey' && engineText !== 'redis' && engineText !== 'memcached') {
    throw cannot(`its engine is '${engineText ?? 'not set'}'`, 'the local engines are valkey, redis and memcached');
  }
  const engine = engineText as LocalEngine;
  const engineVersion = literal(cache.kind === 'serverless-cache' ? 'MajorEngineVersion' : 'EngineVersion');
  const physicalId = literal(cache.kind === 'replication-group' ? 'ReplicationGroupId'
    : cache.kind === 'serverless-cache' ? 'ServerlessCacheName' : 'ClusterName') ?? cache.logicalId.toLowerCase();
  if (props.SnapshotArns !== undefined || props.SnapshotName !== undefined || props.SnapshotArnsToRestore !== undefined) {
    notes.push('the snapshot it is seeded from is not restored: the local servers start empty');
  }

  // Transit encryption.
  let transit: TransitMode;
  if (cache.kind === 'serverless-cache') {
    transit = 'required'; // always on
  } else {
    const enabled = literal('TransitEncryptionEnabled') === 'true';
    const mode = literal('TransitEncryptionMode');
    transit = !enabled ? 'off' : mode === 'preferred' ? 'preferred' : 'required';
  }

  // Topology.
  let cluster = false;
  let shards: ShardSpec[] = [];
  let memcachedNodes = 0;
  const parameters: Record<string, string> = {};
  if (engine === 'memcached') {
    memcachedNodes = cache.kind === 'serverless-cache' ? 1 : Number(literal('NumCacheNodes') ?? '1');
    if (cache.kind === 'serverless-cache') {
      notes.push('a serverless Memcached cache runs as one memcached node');
    } else if (memcachedNodes > 1) {
      notes.push('auto discovery (config get cluster) is not served: CACHE_HOST is the first node, the others are listed with their ports');
    }
  } else if (cache.kind === 'serverless-cache') {
    cluster = true;
    shards = [{ id: '0001', slots: '0-16383', replicas: 1 }];
    parameters['maxmemory-policy'] = 'volatile-lru'; // fixed on serverless caches
    notes.push('a serverless cache runs as one cluster shard (a primary behind CACHE_PORT, a replica behind CACHE_READER_PORT); '
      + 'usage limits and scaling are not reproduced');
  } else if (cache.kind === 'cache-cluster') {
    shards = [{ id: '0001', replicas: 0 }];
  } else {
    const mode = literal('ClusterMode');
    const groups = Array.isArray(props.NodeGroupConfiguration) ? props.NodeGroupConfiguration as Array<Record<string, unknown>> : undefined;
    const numNodeGroups = Number(literal('NumNodeGroups') ?? groups?.length ?? 1);
    const replicasPerGroup = literal('ReplicasPerNodeGroup');
    const numCacheClusters = literal('NumCacheClusters');
    cluster = mode === 'enabled' || mode === 'compatible' || numNodeGroups > 1;
    if (!cluster) {
      const replicas = numCacheClusters !== undefined ? Number(numCacheClusters) - 1 : Number(replicasPerGroup ?? groups?.[0]?.ReplicaCount ?? 0);
      shards = [{ id: '0001', replicas }];
    } else {
      const evaluated = (g: Record<string, unknown> | undefined, key: string) => {
        const v = g?.[key];
        return v === undefined ? undefined : evaluateOrUndefined(assembly, stack, v);
      };
      const even = evenSlots(numNodeGroups);
      shards = Array.from({ length: numNodeGroups }, (_, i) => {
        const g = groups?.[i];
        const slots = evaluated(g, 'Slots');
        return {
          id: evaluated(g, 'NodeGroupId') ?? String(i + 1).padStart(4, '0'),
          slots: slots ?? even[i],
          replicas: Number(evaluated(g, 'ReplicaCount') ?? replicasPerGroup ?? 1),
        };
      });
      checkSlots(shards, cannot);
    }
    if (shards.some(s => !Number.isInteger(s.replicas) || s.replicas < 0)) {
      throw cannot('its replica count is not a number', 'NumCacheClusters / ReplicasPerNodeGroup');
    }
  }
  const nodeCount = engine === 'memcached' ? memcachedNodes : shards.reduce((n, s) => n + 1 + s.replicas, 0);
  if (!(nodeCount >= 1) || nodeCount > MAX_NODES) {
    throw cannot(`it has ${nodeCount} nodes`, `at most ${MAX_NODES} servers start for one cache on a laptop`);
  }

  // Parameters: ElastiCache's defaults, then the parameter group's.
  if (engine !== 'memcached') {
    parameters['maxmemory-policy'] ??= 'volatile-lru'; // ElastiCache's default (valkey-server's own is noeviction)
    const groupName = props.CacheParameterGroupName;
    if (groupName !== undefined) {
      Object.assign(parameters, parameterGroup(assembly, stack, groupName, notes, cannot));
    }
  } else if (props.CacheParameterGroupName !== undefined) {
    Object.assign(parameters, parameterGroup(assembly, stack, props.CacheParameterGroupName, notes, cannot));
  }
  const clusterEnabled = parameters['cluster-enabled'];
  if (clusterEnabled !== undefined && (clusterEnabled === 'yes') !== cluster && cache.kind === 'replication-group') {
    throw cannot(`its parameter group says cluster-enabled ${clusterEnabled} while the group is cluster mode ${cluster ? 'enabled' : 'disabled'}`,
      'ElastiCache refuses this combination too');
  }
  for (const name of Object.keys(parameters)) {
    if (engine === 'memcached' ? !(name in MEMCACHED_FLAGS) : ELASTICACHE_ONLY_PARAMETERS.has(name)) {
      if (name !== 'cluster-enabled') {
        notes.push(`the parameter ${name} is ${engine === 'memcached' ? 'not applied (no memcached flag for it here)' : 'ElastiCache\'s own: not applied'}`);
      }
      delete parameters[name];
    }
  }

  // Authentication.
  let users: UserSpec[] | undefined;
  let authToken: string | undefined;
  let authTokenSecretKey: string | undefined;
  const groupIds = cache.kind === 'serverless-cache'
    ? (props.UserGroupId !== undefined ? [props.UserGroupId] : [])
    : Array.isArray(props.UserGroupIds) ? props.UserGroupIds as unknown[] : [];
  if (groupIds.length > 0) {
    users = userGroupUsers(assembly, stack, groupIds, secrets, cannot);
  }
  if (props.AuthToken !== undefined) {
    try {
      const tokenText = evaluate(assembly, stack, props.AuthToken);
      authTokenSecretKey = secrets.keysIn(stack, tokenText)[0];
      authToken = secrets.resolveDynamic(stack, tokenText);
    } catch (e) {
      if (e instanceof Unresolvable) {
        throw cannot('its AuthToken is not a literal or a secret reference', 'the token would be known only once deployed');
      }
      throw e;
    }
  }
  const iamUsers = users?.filter(u => u.authentication === 'iam') ?? [];
  if (iamUsers.length > 0) {
    notes.push(`IAM users (${iamUsers.map(u => u.name).join(', ')}) accept any password locally: their tokens are not verified`);
  }
  if (props.LogDeliveryConfigurations !== undefined) {
    notes.push('log delivery goes to the server\'s output, not to CloudWatch Logs or Firehose');
  }
  return {
    id, stack: stack.name, logicalId: cache.logicalId, kind: cache.kind, physicalId, engine,
    ...(engineVersion !== undefined ? { engineVersion } : {}),
    cluster, shards, memcachedNodes, transit, parameters,
    ...(users ? { users } : {}),
    ...(authToken !== undefined ? { authToken } : {}),
    ...(authTokenSecretKey !== undefined ? { authTokenSecretKey } : {}),
    notes,
  };
}

/** The slots of `n` shards spread evenly (as valkey-cli --cluster create spreads them). */
export function evenSlots(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${Math.round((i * 16384) / n)}-${Math.round(((i + 1) * 16384) / n) - 1}`);
}

function checkSlots(shards: ShardSpec[], cannot: (what: string, why: string) => Error): void {
  const owner = new Array<string | undefined>(16384);
  for (const shard of shards) {
    for (const range of shard.slots!.split(',')) {
      const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(range);
      const start = m ? Number(m[1]) : NaN;
      const end = m ? Number(m[2] ?? m[1]) : NaN;
      if (!(start >= 0 && end <= 16383 && start <= end)) {
        throw cannot(`shard ${shard.id} has the slots '${shard.slots}'`, 'slots are ranges within 0-16383');
      }
      for (let s = start; s <= end; s++) {
        if (owner[s] !== undefined) {
          throw cannot(`slot ${s} is in shards ${owner[s]} and ${shard.id}`, 'a slot belongs to one shard');
        }
        owner[s] = shard.id;
      }
    }
  }
}

function parameterGroup(assembly: Assembly, stack: Stack, value: unknown, notes: string[],
  cannot: (what: string, why: string) => Error): Record<string, string> {
  const name = evaluateOrUndefined(assembly, stack, value);
  const [ref] = name ? references(name) : [];
  if (ref) {
    const owner = assembly.stacks.find(s => s.name === ref.stack)!;
    const group = owner.resources[ref.logicalId];
    const result: Record<string, string> = {};
    for (const [key, v] of Object.entries((group.Properties?.Properties ?? {}) as Record<string, unknown>)) {
      const text = evaluateOrUndefined(assembly, owner, v);
      if (text === undefined || references(text).length > 0) {
        throw cannot(`its parameter ${key} is not a literal value`, 'it is known only once deployed');
      }
      result[key] = text;
    }
    return result;
  }
  if (name === undefined) {
    throw cannot('its parameter group is not a literal name or a group of the assembly', 'its values are unknown');
  }
  if (name.startsWith('default.')) {
    return name.endsWith('.cluster.on') ? { 'cluster-enabled': 'yes' } : {};
  }
  notes.push(`the parameter group ${name} is not in the assembly: ElastiCache's defaults apply locally`);
  return {};
}

function userGroupUsers(assembly: Assembly, stack: Stack, groupIds: unknown[], secrets: LocalSecrets,
  cannot: (what: string, why: string) => Error): UserSpec[] {
  const users: UserSpec[] = [];
  for (const groupValue of groupIds) {
    const groupId = evaluateOrUndefined(assembly, stack, groupValue);
    const found = groupId === undefined ? undefined : findResource(assembly, 'AWS::ElastiCache::UserGroup', 'UserGroupId', groupId);
    if (!found) {
      throw cannot(`its user group ${groupId ?? JSON.stringify(groupValue)} is not in the assembly`, 'its users and access strings are unknown');
    }
    for (const userValue of (found.resource.Properties?.UserIds ?? []) as unknown[]) {
      const userId = evaluateOrUndefined(assembly, found.stack, userValue);
      const user = userId === undefined ? undefined : findResource(assembly, 'AWS::ElastiCache::User', 'UserId', userId);
      if (!user) {
        throw cannot(`the user ${userId ?? JSON.stringify(userValue)} of its user group is not in the assembly`, 'its access string is unknown');
      }
      const p = user.resource.Properties ?? {};
      const text = (key: string, v: unknown) => {
        const t = evaluateOrUndefined(assembly, user.stack, v);
        if (t === undefined) {
          throw cannot(`the ${key} of the user ${userId} is not a literal value`, 'it is known only once deployed');
        }
        return t;
      };
      const mode = p.AuthenticationMode as { Type?: unknown; Passwords?: unknown[] } | undefined;
      const authentication = mode?.Type !== undefined ? text('AuthenticationMode', mode.Type)
        : p.NoPasswordRequired === true ? 'no-password-required' : 'password';
      const passwordTexts = ((mode?.Passwords ?? p.Passwords ?? []) as unknown[]).map(v => text('password', v));
      const passwords = passwordTexts.map(t => secrets.resolveDynamic(user.stack, t));
      const secretKeys = passwordTexts.flatMap(t => secrets.keysIn(user.stack, t));
      users.push({
        userId: userId!,
        name: text('UserName', p.UserName ?? userId),
        accessString: text('AccessString', p.AccessString ?? 'off'),
        authentication,
        passwords,
        secretKeys,
      });
    }
  }
  return users;
}

function findResource(assembly: Assembly, type: string, nameProperty: string, name: string): { stack: Stack; resource: Resource } | undefined {
  const [ref] = references(name);
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (resource.Type !== type) {
        continue;
      }
      const matches = ref ? ref.stack === stack.name && ref.logicalId === logicalId
        : evaluateOrUndefined(assembly, stack, resource.Properties?.[nameProperty]) === name;
      if (matches) {
        return { stack, resource };
      }
    }
  }
  return undefined;
}
