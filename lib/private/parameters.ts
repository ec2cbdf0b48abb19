import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CacheEngineVersion } from '../engine';
import { EvictionPolicy, IParameterGroup, ParameterGroup } from '../parameter-group';
import { CacheValidationError } from '../validation-error';
import { invalid } from './errors';

/** The parameter group props every cache construct has. */
export interface CacheParameterInput {
  readonly parameterGroup?: IParameterGroup;
  readonly parameters?: Record<string, string>;
  readonly evictionPolicy?: EvictionPolicy;
}

/** What a cluster-mode-enabled (or compatible) replication group needs of a parameter group it creates. */
export interface ClusterParameterOptions {
  /** The construct id of a created group. @default 'ParameterGroup' */
  readonly id?: string;
  /** Parameters a created group must have (`cluster-enabled yes`), over the user's. @default - none */
  readonly parameters?: Record<string, string>;
}

/**
 * The parameter group of a cache: the given one (whose family must match the engine), one created
 * from `parameters` / `evictionPolicy`, or undefined (the engine's default group).
 */
export function resolveParameterGroup(scope: Construct, engine: CacheEngineVersion, input: CacheParameterInput,
  cluster: ClusterParameterOptions = {}): IParameterGroup | undefined {
  const wantsNew = input.parameters !== undefined || input.evictionPolicy !== undefined;
  if (input.parameterGroup && wantsNew) {
    throw new CacheValidationError(`Invalid ${input.evictionPolicy ? 'evictionPolicy' : 'parameters'}: got it together with `
      + 'parameterGroup. Allowed: one of them; set the parameters on the existing group, or leave parameterGroup out to have one created.', scope);
  }
  if (input.parameterGroup) {
    validateParameterGroupFamily(scope, engine, input.parameterGroup);
    return input.parameterGroup;
  }
  if (wantsNew) {
    const extra = cluster.parameters ?? {};
    return new ParameterGroup(scope, cluster.id ?? 'ParameterGroup', {
      engine,
      parameters: Object.keys(extra).length ? { ...input.parameters, ...extra } : input.parameters,
      evictionPolicy: input.evictionPolicy,
      description: `Parameters of the ElastiCache ${engine} cache ${scope.node.path}`,
    });
  }
  return undefined;
}

/** A parameter group of another family is rejected (ElastiCache: "Expected family ..."). */
export function validateParameterGroupFamily(scope: Construct, engine: CacheEngineVersion, group: IParameterGroup): void {
  const family = group.family;
  if (family === undefined || Token.isUnresolved(family)) {
    return;
  }
  if (family !== engine.parameterGroupFamily) {
    invalid(scope, 'parameterGroup', `family ${family}`, `Allowed: a group of family ${engine.parameterGroupFamily}, the family `
      + `of ${engine}. A new engine major needs a parameter group of the new family.`);
  }
}
