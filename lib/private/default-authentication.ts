import { Authentication } from '../auth';
import { CacheEngineVersion } from '../engine';

/**
 * The authentication of a cache whose `authentication` prop is not given: with encryption in transit,
 * RBAC (`generatedUserGroup()`) where the engine has it and a generated AUTH token where it does not
 * (Redis OSS before 6.0); without encryption in transit, none.
 */
export function defaultAuthentication(engine: CacheEngineVersion, transitEncryption: boolean): Authentication {
  if (!transitEncryption) {
    return Authentication.none();
  }
  return engine.features.rbac ? Authentication.generatedUserGroup() : Authentication.generatedAuthToken();
}
