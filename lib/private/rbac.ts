import { IConstruct } from 'constructs';
import { CacheEngine, CacheEngineVersion } from '../engine';
import { IUserGroup } from '../user-group';
import { invalid, phrase } from './errors';

/**
 * The checks a cache makes on the RBAC user group it is given (ElastiCache user guide, RBAC and IAM
 * authentication pages):
 *
 * - RBAC needs Valkey 7.2+ or Redis OSS 6.0+ (`features.rbac`);
 * - Redis OSS caches accept only Redis OSS user groups; Valkey caches accept both;
 * - user groups need encryption in transit (believed, not confirmed in AWS text: the console offers
 *   user groups only with TLS; IAM authentication documents it);
 * - IAM users need Valkey 7.2+ or Redis OSS 7.0+ (`features.iamAuthentication`).
 *
 * `hasIamUsers` is read when this runs: call it late (for example from `node.addValidation`) to see
 * users added to the group after the cache was created. Unknown facts (imported groups) pass.
 *
 * @param prop the cache prop that took the group, for messages ('userGroup', 'authentication')
 */
export function validateUserGroupForCache(scope: IConstruct, prop: string, engine: CacheEngineVersion,
  userGroup: IUserGroup, transitEncryption: boolean): void {
  if (!engine.features.rbac) {
    invalid(scope, prop, phrase(`a user group on ${engine}`), 'Allowed: user groups (RBAC) on Valkey 7.2+ or Redis OSS 6.0+; '
      + 'older Redis OSS versions take an AUTH token.');
  }
  if (userGroup.engine && engine.engine.name === CacheEngine.REDIS_OSS.name && userGroup.engine.name !== CacheEngine.REDIS_OSS.name) {
    invalid(scope, prop, phrase(`a ${userGroup.engine.displayName} user group`), `Allowed: a Redis OSS user group on ${engine}; `
      + 'Redis OSS caches accept only Redis OSS user groups (Valkey caches accept both).');
  }
  if (!transitEncryption) {
    invalid(scope, prop, phrase('a user group without encryption in transit'), 'Allowed: user groups (RBAC) only with encryption '
      + 'in transit (TLS); passwords and IAM tokens must not travel in clear text.');
  }
  if (userGroup.hasIamUsers && !engine.features.iamAuthentication) {
    invalid(scope, prop, phrase(`a user group with IAM users on ${engine}`), 'Allowed: IAM authentication on Valkey 7.2+ or '
      + 'Redis OSS 7.0+; use password users on older versions.');
  }
}
