import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CacheEngineVersion } from '../engine';
import { ReplicationGroupProps } from '../replication-group-props';
import { TransitEncryptionMode } from '../transit-encryption-mode';

/**
 * The warnings of a replication group: doubtful but legal choices, each with a stable id
 * (`cdk-elasticache:<id>`) that can be acknowledged.
 */

export function warnReplicationGroup(scope: Construct, engine: CacheEngineVersion, replicas: number | undefined,
  transitEncryption: boolean, mode: string | undefined, atRest: boolean, noAuthentication: boolean, props: ReplicationGroupProps): void {
  const annotations = Annotations.of(scope);
  if (replicas === 0) {
    annotations.addWarningV2('cdk-elasticache:noReplicas', 'The replication group has no read replica: no automatic failover '
      + 'and no Multi-AZ. When the node fails, the data written since the last backup is lost and the cache is down '
      + 'until the node is replaced. Use replicas: 1 or more for production.');
  }
  if (!transitEncryption) {
    annotations.addWarningV2('cdk-elasticache:transitEncryptionDisabled', engine.features.transitEncryptionMode
      ? `Encryption in transit is off: cache traffic and credentials cross the network in plaintext. Turning it on later takes two deployments on ${engine}: `
        + 'transitEncryptionMode PREFERRED, move the clients to TLS, then REQUIRED.'
      : `Encryption in transit is off: cache traffic crosses the network in plaintext. Turning it on later replaces the group on ${engine} `
        + '(the in-place migration needs Valkey 7.2+ or Redis OSS 7.0+).');
  }
  if (mode === TransitEncryptionMode.PREFERRED) {
    annotations.addWarningV2('cdk-elasticache:transitEncryptionPreferred', 'transitEncryptionMode is PREFERRED: plaintext '
      + 'connections are still accepted. Set REQUIRED once every client uses TLS.');
  }
  if (!atRest) {
    annotations.addWarningV2('cdk-elasticache:atRestEncryptionDisabled', 'Encryption at rest is off: the data on disk and in '
      + 'backups is not encrypted. Turning it on later replaces the group.');
  }
  if (noAuthentication && transitEncryption) {
    annotations.addWarningV2('cdk-elasticache:noAuthToken', 'The replication group has no AUTH token: adding one later makes '
      + 'CloudFormation replace the group. Choose the authentication method at creation.');
  }
  if (props.authentication === undefined && transitEncryption && !engine.features.rbac) {
    // The default follows the engine (private/default-authentication.ts): an upgrade to Redis OSS 6.0+ would turn the
    // default into a user group, and AUTH token -> user group is a change CloudFormation makes by replacing the group.
    annotations.addWarningV2('cdk-elasticache:defaultAuthenticationFollowsEngine', `The default authentication on ${engine} is a `
      + 'generated AUTH token; on Redis OSS 6.0+ the default is a user group (RBAC), so an engine upgrade with the default left '
      + 'in place would move the group from a token to a user group, which fails on a deployed group. Set authentication: '
      + 'Authentication.generatedAuthToken() to keep the token through upgrades.');
  }
  if (props.parameterGroup && props.parameterGroup.family === undefined) {
    annotations.addWarningV2('cdk-elasticache:parameterGroupFamilyUnknown', `The family of parameterGroup is unknown, so it `
      + `cannot be checked against ${engine} (family ${engine.parameterGroupFamily}). Import it with `
      + 'ParameterGroup.fromParameterGroupAttributes({ family }) to have it checked.');
  }
}
