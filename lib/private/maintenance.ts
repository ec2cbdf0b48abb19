import { CacheBaseProps } from '../cache-base';

/** The L1 properties (shared by `CfnReplicationGroup` and `CfnCacheCluster`) that maintenance and notifications render to. */
export interface CacheMaintenanceProps {
  readonly preferredMaintenanceWindow?: string;
  readonly autoMinorVersionUpgrade: boolean;
  readonly notificationTopicArn?: string;
}

/**
 * Renders the maintenance window (undefined: ElastiCache picks a weekly slot), minor version
 * auto-upgrade (on unless turned off) and the SNS topic for ElastiCache events.
 */
export function renderMaintenance(
  input: Pick<CacheBaseProps, 'maintenanceWindow' | 'autoMinorVersionUpgrade' | 'notificationTopic'>): CacheMaintenanceProps {
  return {
    preferredMaintenanceWindow: input.maintenanceWindow?.value,
    autoMinorVersionUpgrade: input.autoMinorVersionUpgrade ?? true,
    notificationTopicArn: input.notificationTopic?.topicArn,
  };
}
