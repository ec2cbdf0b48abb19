import { ArnFormat, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AuthenticationConfig } from '../auth';
import { RotationOptions } from '../rotation-options';
import { invalid, phrase } from './errors';
import { addSecretRotation, ROTATION_TAGS, RotationFunction } from './rotation-function';

/** What `cache.addRotation()` needs to know about a cache. */
export interface CacheRotationSpec {
  /** What the cache's authentication method contributed. */
  readonly auth: AuthenticationConfig;
  /** The cache's L1: the first rotation waits for it. */
  readonly resource: CfnResource;
  /** The literal replication group id, for an AUTH token (node-based caches only). */
  readonly replicationGroupId?: string;
  /** How messages name the cache ('replication group', 'serverless cache'). */
  readonly kind: string;
  /** The cache's connections: with `options.vpc`, the function is let in for its data-plane check. */
  readonly connections?: ec2.IConnectable;
}

/**
 * `cache.addRotation()` of every cache: rotates what its authentication method generated (the users
 * with generated passwords, or the AUTH token), or says what to do instead. ReplicationGroup and
 * ServerlessCache call it with their own L1.
 */
export function rotateCacheCredentials(cache: Construct, spec: CacheRotationSpec, options: RotationOptions): void {
  const { auth, resource } = spec;
  if (options.vpc && spec.connections && (auth.generatedAuthToken || (auth.generatedUsers ?? []).length > 0)) {
    // The data-plane check of testSecret: the function is let in on the cache's port.
    const rotation = RotationFunction.of(cache, options.vpc, options.vpcSubnets);
    spec.connections.connections.allowDefaultPortFrom(rotation.securityGroup!, 'The rotation function checks new credentials on the cache');
  }
  if (auth.generatedAuthToken && auth.secret && spec.replicationGroupId !== undefined) {
    addSecretRotation(cache, 'AuthTokenRotation', auth.secret, { kind: 'auth-token', replicationGroupId: spec.replicationGroupId },
      options, [resource]);
    return;
  }
  const users = auth.generatedUsers ?? [];
  if (users.length === 0) {
    invalid(cache, 'addRotation', phrase(`a ${spec.kind} with ${auth.description}`), `Allowed: a ${spec.kind} with `
      + 'Authentication.generatedUserGroup() (the default) or Authentication.generatedAuthToken(), whose secrets the library '
      + 'generated. For a user group of yours, call user.addRotation() on its users with generated passwords; rotate tokens '
      + 'you hold by hand (README: Rotating credentials).');
  }
  // The first rotation runs at deployment: after the cache exists (its users are modifying while it is created).
  users.forEach(user => {
    user._addRotation(options, true).node.addDependency(resource);
    if (options.vpc && spec.replicationGroupId !== undefined) {
      // The data-plane check finds the cache's endpoint through the group.
      Tags.of(user.secret!).add(ROTATION_TAGS.replicationGroupId, spec.replicationGroupId);
      RotationFunction.of(cache, options.vpc).allow(['elasticache:DescribeReplicationGroups'], Stack.of(cache).formatArn({
        service: 'elasticache', resource: 'replicationgroup', resourceName: spec.replicationGroupId, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }));
    }
  });
}
