// The CACHE_* variables of the local caches: what connectFrom() would hand a consumer of each cache,
// and, for each consumer of the templates (a Lambda function, an ECS container, anything with CACHE_*
// variables), its own variables with what exists only once deployed (hosts, ports, ids, secrets)
// resolved to the local servers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CacheAuthMode, ConnectionEnvironment } from '../connection-environment';
import { Assembly, evaluateOrUndefined, Reference, references, replaceReferences, resourceId, Stack } from './assembly';
import { CacheSpec, LocalSecrets } from './model';

/** Where a started cache answers. */
export interface CacheEndpoints {
  readonly spec: CacheSpec;
  readonly host: string;
  readonly port: number;
  /** The reader's port: a replica (or the primary when there is none); undefined for a cluster-mode-enabled group and Memcached. */
  readonly readerPort?: number;
  /** The secrets of the cache's users and AUTH token. */
  readonly secretKeys: ReadonlySet<string>;
}

/** A consumer of the templates and its variables, resolved to the local servers. */
export interface LocalConsumer {
  /** The construct path of the function, task definition (and container) or resource. */
  readonly id: string;
  /** Its resource type (`AWS::Lambda::Function`, `AWS::ECS::TaskDefinition`, ...). */
  readonly type: string;
  /** The ids of the caches it connects to. */
  readonly caches: string[];
  /** Its `CACHE_*` variables (and secrets of the caches it injects), resolved. */
  readonly environment: Record<string, string>;
}

/** Writes the local secrets as files the client reads through a `file:` URL in `CACHE_SECRET_ARN`. */
export class SecretFiles {
  private readonly files = new Map<string, string>();

  constructor(private readonly dir: string, private readonly secrets: LocalSecrets) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The `file:` URL of a secret of the session (written on first use). */
  public url(key: string): string {
    return pathToFileURL(this.file(key, () => this.secrets.value(key))).href;
  }

  /** The `file:` URL of a file with `content`, named after `name`. */
  public urlOf(name: string, content: string): string {
    return pathToFileURL(this.file(`local:${name}`, () => content)).href;
  }

  private file(key: string, content: () => string): string {
    let file = this.files.get(key);
    if (file === undefined) {
      file = path.join(this.dir, `${this.files.size + 1}-${key.replace(/[^A-Za-z0-9-]+/g, '_').slice(-60)}.json`);
      fs.writeFileSync(file, content(), { mode: 0o600 });
      this.files.set(key, file);
    }
    return file;
  }
}

/** What `connectFrom(consumer)` would set for a consumer of the cache, resolved to the local servers. */
export function cacheEnvironment(cache: CacheEndpoints, files: SecretFiles, secrets: LocalSecrets,
  caFile: string | undefined): Record<string, string> {
  const spec = cache.spec;
  const env: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) {
      env[ConnectionEnvironment.variableName(key)] = value;
    }
  };
  set(ConnectionEnvironment.ENGINE, spec.engine);
  set(ConnectionEnvironment.ID, spec.physicalId);
  set(ConnectionEnvironment.HOST, cache.host);
  set(ConnectionEnvironment.PORT, String(cache.port));
  if (cache.readerPort !== undefined) {
    set(ConnectionEnvironment.READER_HOST, cache.host);
    set(ConnectionEnvironment.READER_PORT, String(cache.readerPort));
  }
  set(ConnectionEnvironment.TLS, spec.transit === 'off' ? 'false' : 'true');
  if (spec.transit !== 'off') {
    set(ConnectionEnvironment.TLS_CA_FILE, caFile);
  }
  const appUser = spec.users?.find(u => u.name !== 'default' && u.authentication === 'password' && u.passwords.length > 0
    && /^on\b/.test(u.accessString.trim()));
  if (spec.engine === 'memcached') {
    set(ConnectionEnvironment.AUTH, CacheAuthMode.NONE);
  } else if (appUser) {
    set(ConnectionEnvironment.AUTH, CacheAuthMode.RBAC_PASSWORD);
    const key = appUser.secretKeys[0];
    set(ConnectionEnvironment.SECRET_ARN, key !== undefined && isUserSecret(secrets.value(key), appUser.passwords[0])
      ? files.url(key)
      : files.urlOf(`${spec.physicalId}-${appUser.name}`, JSON.stringify({ username: appUser.name, password: appUser.passwords[0] })));
    set(ConnectionEnvironment.USER, appUser.name);
  } else if (spec.authToken !== undefined) {
    set(ConnectionEnvironment.AUTH, CacheAuthMode.AUTH_TOKEN);
    set(ConnectionEnvironment.SECRET_ARN, files.urlOf(`${spec.physicalId}-auth-token`, spec.authToken));
  } else {
    set(ConnectionEnvironment.AUTH, spec.users ? CacheAuthMode.RBAC_PASSWORD : CacheAuthMode.NONE);
  }
  if (spec.kind === 'serverless-cache') {
    set(ConnectionEnvironment.SERVERLESS, 'true');
  }
  if (spec.cluster) {
    set(ConnectionEnvironment.CLUSTER, 'true');
  }
  return env;
}

/** Whether the secret is a JSON `{ "username", "password" }` with this password (what the client reads for rbac-password). */
function isUserSecret(value: string, password: string): boolean {
  try {
    const json = JSON.parse(value) as Record<string, unknown>;
    return json.password === password && typeof json.username === 'string';
  } catch {
    return false;
  }
}

// The keys of the contract, longest first (READER_HOST before HOST).
const KEYS = [...ConnectionEnvironment.ALL_KEYS].sort((a, b) => b.length - a.length);

/** `CACHE_ORDERS_READER_HOST` -> { prefix: 'ORDERS', key: 'READER_HOST' }. */
function splitVariable(name: string): { prefix: string; key: string } | undefined {
  if (!name.startsWith('CACHE_')) {
    return undefined;
  }
  const rest = name.slice('CACHE_'.length);
  for (const key of KEYS) {
    if (rest === key) {
      return { prefix: '', key };
    }
    if (rest.endsWith(`_${key}`)) {
      return { prefix: rest.slice(0, rest.length - key.length - 1), key };
    }
  }
  return undefined;
}

interface Site {
  readonly stack: Stack;
  readonly logicalId: string;
  readonly type: string;
  readonly label?: string;
  /** name -> template value */
  readonly variables: Array<[string, unknown]>;
  /** ECS-style secrets: name -> ValueFrom */
  readonly secrets: Array<[string, unknown]>;
}

/** Every place of the templates that carries CACHE_* variables (or injects a secret). */
function findSites(assembly: Assembly): Site[] {
  const sites: Site[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (resource.Type.startsWith('AWS::ElastiCache::') || !resource.Properties) {
        continue;
      }
      const visit = (value: unknown, label: string | undefined, depth: number) => {
        if (depth > 12 || value === null || typeof value !== 'object') {
          return;
        }
        if (Array.isArray(value)) {
          const pairs = value.filter(v => v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>).Name === 'string'
            && ('Value' in (v as object) || 'ValueFrom' in (v as object))) as Array<Record<string, unknown>>;
          if (pairs.length > 0 && pairs.length === value.length) {
            const variables = pairs.filter(p => 'Value' in p && String(p.Name).startsWith('CACHE_')).map(p => [String(p.Name), p.Value] as [string, unknown]);
            const secrets = pairs.filter(p => 'ValueFrom' in p).map(p => [String(p.Name), p.ValueFrom] as [string, unknown]);
            if (variables.length > 0 || secrets.length > 0) {
              sites.push({ stack, logicalId, type: resource.Type, label, variables, secrets });
            }
            return;
          }
          value.forEach(v => visit(v, label, depth + 1));
          return;
        }
        const record = value as Record<string, unknown>;
        const cacheKeys = Object.keys(record).filter(k => /^CACHE_[A-Z0-9_]+$/.test(k));
        if (cacheKeys.length > 0) {
          sites.push({ stack, logicalId, type: resource.Type, label, variables: cacheKeys.map(k => [k, record[k]]), secrets: [] });
          return;
        }
        // A container definition names its container.
        const containerLabel = typeof record.Name === 'string' && 'Image' in record ? record.Name : label;
        for (const v of Object.values(record)) {
          visit(v, containerLabel, depth + 1);
        }
      };
      visit(resource.Properties, undefined, 0);
    }
  }
  return sites;
}

/**
 * The consumers of the selected caches, with their variables resolved: hosts to the local host, ports
 * to the local ports (CACHE_READER_PORT added when the reader is on a port of its own locally), ids to
 * the template's names, secrets to `file:` URLs of the session's secrets, and CACHE_TLS_CA_FILE added
 * for a cache with TLS.
 */
export function resolveConsumers(assembly: Assembly, caches: CacheEndpoints[], files: SecretFiles, secrets: LocalSecrets,
  caFile: string | undefined): LocalConsumer[] {
  const byResource = new Map(caches.map(c => [`${c.spec.stack}/${c.spec.logicalId}`, c]));
  const cacheOf = (ref: Reference): CacheEndpoints | undefined =>
    byResource.get(`${ref.stack}/${ref.logicalId}`) ?? caches.find(c => c.secretKeys.has(`${ref.stack}/${ref.logicalId}`));
  const consumers = new Map<string, { id: string; type: string; caches: Set<string>; environment: Record<string, string> }>();

  for (const site of findSites(assembly)) {
    const id = `${resourceId(site.stack, site.logicalId)}${site.label ? `/${site.label}` : ''}`;
    const evaluated = site.variables.map(([name, value]) => [name, evaluateOrUndefined(assembly, site.stack, value)] as const);
    // The connections of the site (the prefix of CACHE_<NAME>_<KEY>) and the cache each refers to.
    const groups = new Map<string, CacheEndpoints>();
    for (const [name, text] of evaluated) {
      const split = splitVariable(name);
      // A reference to the cache or its secret, or the cache's own name in CACHE_ID (what Ref gives when the name is set).
      const cache = split && text !== undefined ? references(text).map(cacheOf).find(c => c !== undefined)
        ?? (split.key === ConnectionEnvironment.ID ? caches.find(c => c.spec.physicalId === text) : undefined) : undefined;
      if (split && cache && !groups.has(split.prefix)) {
        groups.set(split.prefix, cache);
      }
    }
    const environment: Record<string, string> = {};
    const used = new Set<string>();
    for (const [name, text] of evaluated) {
      const split = splitVariable(name);
      const cache = split ? groups.get(split.prefix) : undefined;
      if (!split || !cache || text === undefined) {
        continue;
      }
      used.add(cache.spec.id);
      const variable = (key: string) => ConnectionEnvironment.variableName(key, split.prefix || undefined);
      switch (split.key) {
        case ConnectionEnvironment.HOST:
          environment[name] = cache.host;
          if (cache.spec.transit !== 'off') {
            environment[variable(ConnectionEnvironment.TLS_CA_FILE)] = caFile!;
          }
          break;
        case ConnectionEnvironment.READER_HOST:
          environment[name] = cache.host;
          if (cache.readerPort !== undefined && cache.readerPort !== cache.port) {
            environment[variable(ConnectionEnvironment.READER_PORT)] = String(cache.readerPort);
          }
          break;
        case ConnectionEnvironment.PORT:
          environment[name] = String(cache.port);
          break;
        case ConnectionEnvironment.READER_PORT:
          environment[name] = String(cache.readerPort ?? cache.port);
          break;
        case ConnectionEnvironment.ID:
          environment[name] = cache.spec.physicalId;
          break;
        case ConnectionEnvironment.DNS_ALIAS:
          // The local hosts are the servers themselves, not names of addDnsRecords().
          break;
        case ConnectionEnvironment.SECRET_ARN: {
          const [ref] = references(text);
          environment[name] = files.url(ref ? `${ref.stack}/${ref.logicalId}` : secrets.keyOf(site.stack, text));
          break;
        }
        default:
          environment[name] = replaceReferences(text, () => '');
      }
    }
    // Secrets the site injects (ECS `Secrets`): the local secret's value (or the JSON field it names).
    for (const [name, valueFrom] of site.secrets) {
      const text = evaluateOrUndefined(assembly, site.stack, valueFrom);
      const [ref] = text ? references(text) : [];
      const cache = ref ? caches.find(c => c.secretKeys.has(`${ref.stack}/${ref.logicalId}`)) : undefined;
      if (!ref || !cache) {
        continue;
      }
      const field = /^:([^:]+)/.exec(replaceReferences(text!, () => ''))?.[1];
      const value = secrets.value(`${ref.stack}/${ref.logicalId}`);
      environment[name] = field ? String((JSON.parse(value) as Record<string, unknown>)[field] ?? '') : value;
      used.add(cache.spec.id);
    }
    if (used.size === 0) {
      continue;
    }
    const existing = consumers.get(id);
    if (existing) {
      Object.assign(existing.environment, environment);
      used.forEach(u => existing.caches.add(u));
    } else {
      consumers.set(id, { id, type: site.type, caches: used, environment });
    }
  }
  return [...consumers.values()].map(c => ({ id: c.id, type: c.type, caches: [...c.caches], environment: sortKeys(c.environment) }));
}

function sortKeys(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
}
