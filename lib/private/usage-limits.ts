import { Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { invalid, phrase } from './errors';
import { isToken } from './validation';
import { MAX_ECPU, MAX_STORAGE_GB, MIN_ECPU, MIN_STORAGE_GB } from './service-limits';

/**
 * The usage limits of a serverless cache: data storage in whole GB and ECPUs per second, each a
 * minimum and a maximum, validated and rendered to `CacheUsageLimits`.
 */

/** The usage limit props of a `ServerlessCache`. */
export interface UsageLimitsInput {
  readonly dataStorageMinimum?: Size;
  readonly dataStorageMaximum?: Size;
  readonly ecpuPerSecondMinimum?: number;
  readonly ecpuPerSecondMaximum?: number;
}

/** The limits, validated: the maximums (for the alarms) and the L1 property. */
export interface UsageLimits {
  readonly dataStorageMaximumGb?: number;
  readonly ecpuPerSecondMaximum?: number;
  readonly rendered?: CfnServerlessCache.CacheUsageLimitsProperty;
}

/** Validates the limits (each in range, each minimum at most its maximum) and renders them. */
export function resolveUsageLimits(scope: Construct, input: UsageLimitsInput): UsageLimits {
  const storageMin = gigabytes(scope, 'dataStorageMinimum', input.dataStorageMinimum);
  const storageMax = gigabytes(scope, 'dataStorageMaximum', input.dataStorageMaximum);
  validateMinMax(scope, 'dataStorage', storageMin, storageMax, ' GB');
  validateEcpu(scope, 'ecpuPerSecondMinimum', input.ecpuPerSecondMinimum);
  validateEcpu(scope, 'ecpuPerSecondMaximum', input.ecpuPerSecondMaximum);
  validateMinMax(scope, 'ecpuPerSecond', input.ecpuPerSecondMinimum, input.ecpuPerSecondMaximum, ' ECPUs per second');
  return {
    dataStorageMaximumGb: storageMax,
    ecpuPerSecondMaximum: input.ecpuPerSecondMaximum,
    rendered: renderLimits(storageMin, storageMax, input.ecpuPerSecondMinimum, input.ecpuPerSecondMaximum),
  };
}

/** A size in whole GB from 1 to 5,000 (tokens pass). */
function gigabytes(scope: Construct, prop: string, size: Size | undefined): number | undefined {
  if (size === undefined) {
    return undefined;
  }
  if (size.isUnresolved()) {
    return size.toGibibytes();
  }
  const gb = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gb) || gb < MIN_STORAGE_GB || gb > MAX_STORAGE_GB) {
    invalid(scope, prop, phrase(`${gb} GB`), `Allowed: whole GB from ${MIN_STORAGE_GB} to ${MAX_STORAGE_GB}, such as Size.gibibytes(10).`);
  }
  return gb;
}

function validateEcpu(scope: Construct, prop: string, value: number | undefined): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < MIN_ECPU || value > MAX_ECPU) {
    invalid(scope, prop, value, `Allowed: an integer from ${MIN_ECPU.toLocaleString('en-US')} to ${MAX_ECPU.toLocaleString('en-US')} `
      + 'ECPUs per second.');
  }
}

function validateMinMax(scope: Construct, prop: string, min: number | undefined, max: number | undefined, unit: string): void {
  if (min === undefined || max === undefined || isToken(min) || isToken(max)) {
    return;
  }
  if (min > max) {
    invalid(scope, `${prop}Minimum`, phrase(`${min}${unit}`), `Allowed: at most ${prop}Maximum (${max}${unit}).`);
  }
}

function renderLimits(storageMin: number | undefined, storageMax: number | undefined, ecpuMin: number | undefined,
  ecpuMax: number | undefined): CfnServerlessCache.CacheUsageLimitsProperty | undefined {
  const dataStorage = storageMin === undefined && storageMax === undefined
    ? undefined : { minimum: storageMin, maximum: storageMax, unit: 'GB' };
  const ecpuPerSecond = ecpuMin === undefined && ecpuMax === undefined ? undefined : { minimum: ecpuMin, maximum: ecpuMax };
  return dataStorage || ecpuPerSecond ? { dataStorage, ecpuPerSecond } : undefined;
}
