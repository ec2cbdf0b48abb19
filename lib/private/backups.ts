import { Annotations, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NodeType } from '../node-type';
import { ReplicationGroupProps } from '../replication-group-props';
import { invalid } from './errors';
import { isToken } from './validation';
import { MAX_RETENTION_DAYS } from './service-limits';

/**
 * Backups and restore, shared by the caches that keep data (replication group, serverless cache):
 * how long backups are kept, and where a new cache is restored from.
 */

/**
 * The retention in whole days, 0 to 35 (a token passes).
 *
 * @param backups what `Duration.days(0)` turns off, for the message ('automatic backups')
 */
export function resolveRetentionDays(scope: Construct, value: Duration, backups: string): number {
  if (value.isUnresolved()) {
    return value.toDays();
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
    invalid(scope, 'backupRetention', value.toHumanString(), `Allowed: whole days from 0 to ${MAX_RETENTION_DAYS} `
      + `(Duration.days(0) turns ${backups} off).`);
  }
  return days;
}

/** Whether an ARN is one of an S3 object (`arn:aws:s3:::bucket/key.rdb`), as ElastiCache restores `.rdb` files from. */
export function isS3ObjectArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:s3:::[^/,]+\/[^,]+$/.test(arn);
}

/**
 * A list of restore sources: not empty, and each literal entry passes `check`; tokens pass.
 *
 * @param what one entry, for the message ('S3 object ARN')
 */
export function validateRestoreSources(scope: Construct, prop: string, sources: string[] | undefined, what: string,
  check: (source: string) => void): void {
  if (sources === undefined || isToken(sources)) {
    return;
  }
  if (sources.length === 0) {
    invalid(scope, prop, sources, `Allowed: at least one ${what}, or leave it out.`);
  }
  sources.filter(source => !isToken(source)).forEach(check);
}

/** The retention of a replication group's automatic backups: 15 days unless given; backups need a node type that has them. */
export function replicationGroupRetention(scope: Construct, nodeType: NodeType, retention: Duration | undefined): number {
  const value = retention ?? Duration.days(15);
  const days = resolveRetentionDays(scope, value, 'automatic backups');
  if (!value.isUnresolved() && days > 0 && !nodeType.supportsBackups) {
    invalid(scope, 'backupRetention', `${value.toHumanString()}`, `Allowed: Duration.days(0) on ${nodeType}; `
      + 'cache.t1.micro nodes have no backups.');
  }
  return days;
}

/** A replication group's snapshot window and restore sources. */
export function validateReplicationGroupBackups(scope: Construct, nodeType: NodeType, retentionDays: number,
  props: ReplicationGroupProps): void {
  if (props.snapshotWindow && props.maintenanceWindow && props.snapshotWindow.overlaps(props.maintenanceWindow)) {
    invalid(scope, 'snapshotWindow', props.snapshotWindow.value, `Allowed: a window that does not overlap the maintenance window `
      + `'${props.maintenanceWindow.value}' on any day (ElastiCache rejects overlapping windows).`);
  }
  if (props.restoreFromSnapshot !== undefined && props.restoreFromS3 !== undefined) {
    invalid(scope, 'restoreFromS3', props.restoreFromS3, `Allowed: no S3 files together with restoreFromSnapshot `
      + `('${props.restoreFromSnapshot}'); restore from one source.`);
  }
  if ((props.restoreFromSnapshot !== undefined || props.restoreFromS3 !== undefined) && !nodeType.supportsBackups) {
    invalid(scope, props.restoreFromSnapshot !== undefined ? 'restoreFromSnapshot' : 'restoreFromS3',
      props.restoreFromSnapshot ?? props.restoreFromS3, `Allowed: nothing on ${nodeType}; cache.t1.micro nodes have no restore.`);
  }
  if (props.restoreFromSnapshot !== undefined && !isToken(props.restoreFromSnapshot)
    && !/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(props.restoreFromSnapshot)) {
    invalid(scope, 'restoreFromSnapshot', props.restoreFromSnapshot, 'Allowed: the name of an ElastiCache backup '
      + '(letters, digits and hyphens).');
  }
  validateRestoreSources(scope, 'restoreFromS3', props.restoreFromS3, 'S3 object ARN', arn => {
    if (!isS3ObjectArn(arn)) {
      invalid(scope, 'restoreFromS3', arn, 'Allowed: S3 object ARNs of .rdb files, such as '
        + '\'arn:aws:s3:::my-bucket/backups/cache.rdb\' (no commas).');
    }
  });
  if (props.snapshotWindow && retentionDays === 0) {
    Annotations.of(scope).addWarningV2('cdk-elasticache:snapshotWindowWithoutBackups', 'snapshotWindow is set but automatic '
      + 'backups are off (backupRetention: 0 days): the window is unused.');
  }
}
