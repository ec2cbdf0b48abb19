import { Construct } from 'constructs';
import { CacheEngine, CacheEngineVersion } from '../engine';
import { NodeType } from '../node-type';
import { invalid } from './errors';

/**
 * What a node type needs of the engine version, shared by the caches with nodes (replication group,
 * Memcached cluster). The facts are on the value types (`NodeType.isGraviton`,
 * `engine.features.gravitonNodeTypes`); this module only words the refusal.
 */

/**
 * Graviton node types (t4g, m6g, r6g, m7g...) need Redis OSS 5.0.6+ or Memcached 1.5.16+ (every Valkey
 * version runs on them). Source: ElastiCache API reference, `CacheNode` (supported node types: "T4g,
 * M6g, R6g ... Redis OSS engine version 5.0.6 onward and Memcached engine version 1.5.16 onward");
 * ElastiCache refuses the create otherwise.
 */
export function validateGravitonEngine(scope: Construct, engine: CacheEngineVersion, nodeType: NodeType): void {
  if (!nodeType.isGraviton || engine.features.gravitonNodeTypes) {
    return;
  }
  const first = engine.engine.isSameEngine(CacheEngine.MEMCACHED) ? 'Memcached 1.5.16' : `${engine.engine.displayName} 5.0.6`;
  invalid(scope, 'nodeType', nodeType.name, `Allowed: on ${engine}, a node type that is not Graviton-based `
    + `(${nodeType.family} needs ${first} or later), or a newer engine version.`);
}
