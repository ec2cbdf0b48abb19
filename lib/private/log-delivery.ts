import { IResolvable, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CacheEngineVersion } from '../engine';
import { LogDelivery, LogDestinationBindOptions, LogDestinationConfig } from '../logging';
import { invalid } from './errors';

/** One rendered `LogDeliveryConfigurations` entry. */
export interface LogDeliveryConfig extends LogDestinationConfig {
  readonly logType: string;
  readonly logFormat: string;
}

/**
 * The log deliveries of a replication group: validated against the engine version (each log type
 * needs its feature: slow log from Redis OSS 6.0, engine log from 6.2, every Valkey version) and
 * unique per log type, rendered lazily so that `addLogDelivery()` can add more after construction.
 * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Log_Delivery.html
 */
export class LogDeliveries {
  private readonly configs: LogDeliveryConfig[] = [];
  private readonly types = new Set<string>();

  constructor(private readonly scope: Construct, private readonly engine: CacheEngineVersion, initial: LogDelivery[] = [],
    private readonly bindOptions: LogDestinationBindOptions = {}) {
    initial.forEach(d => this.add(d, 'logs'));
  }

  /** Validates and binds one delivery; `prop` names the input in errors. */
  public add(delivery: LogDelivery, prop: string): void {
    const type = delivery.logType;
    if (!this.engine.features[type._feature]) {
      invalid(this.scope, prop, type.value, `Allowed: no ${type.value} on ${this.engine}; the ${type.value} needs ${type._needs}.`);
    }
    if (this.types.has(type.value)) {
      invalid(this.scope, prop, `${type.value} twice`, 'Allowed: one delivery per log type (ElastiCache takes one '
        + `${type.value} configuration); send it to a single destination.`);
    }
    this.types.add(type.value);
    this.configs.push({ logType: type.value, logFormat: delivery.format, ...delivery.destination._bind(this.scope, type, this.bindOptions) });
  }

  /** The `LogDeliveryConfigurations` of the L1 (omitted when there is no delivery). */
  public render(): IResolvable {
    return Lazy.any({ produce: () => (this.configs.length ? this.configs : undefined) });
  }
}
