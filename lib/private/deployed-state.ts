import { createHash } from 'crypto';
import { Annotations, CfnResource, ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { Construct } from 'constructs';
import { invalid, phrase } from './errors';
import { CREATE_ONLY_PROPERTIES, DEPLOYED_STATE_PROPERTIES, describeValue, refusedTransition } from './transitions';

/**
 * `verifyDeployedState` of the caches: the deployed resource is looked up (Cloud Control API context
 * lookup, cached in cdk.context.json, as every CDK lookup), and a change CloudFormation cannot make
 * in place (a create-only property) or one ElastiCache refuses (a downgrade, TLS on without the
 * `preferred` step, cluster mode backwards...) is a synth-time error naming the prop, the deployed
 * and the new value and the steps that work, instead of an update that rolls back after minutes.
 */

/** What a cache tells the check. */
export interface DeployedStateCheck {
  /** The L1. */
  readonly resource: CfnResource;
  /** The resource's identifier as the Cloud Control API takes it (the replication group id, the cluster name...). */
  readonly identifier: string;
  /** The construct prop that sets each CloudFormation property the check may name. */
  readonly properties: Record<string, string>;
  /** The construct's kind and its identifier prop, for messages ('replication group', 'replicationGroupId'). */
  readonly what: string;
  readonly identifierProp: string;
}

/** The warning when nothing can be looked up. */
const NOT_VERIFIED = 'cdk-elasticache:deployedStateNotVerified';

export function verifyDeployedState(scope: Construct, check: DeployedStateCheck): void {
  const stack = Stack.of(scope);
  const notVerified = (why: string) => Annotations.of(scope).addWarningV2(NOT_VERIFIED, `verifyDeployedState is on, but the deployed `
    + `${check.what} cannot be looked up: ${why}. The template is not checked against it.`);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    notVerified('the stack is environment-agnostic (give it env: { account, region })');
    return;
  }
  if (Token.isUnresolved(check.identifier)) {
    notVerified(`${check.identifierProp} is a token (give a literal one, or leave it unset for the generated one)`);
    return;
  }
  const type = check.resource.cfnResourceType;
  const read = DEPLOYED_STATE_PROPERTIES[type] ?? {};
  // The template's values: those the lookup reads, and those the refusal rules also need (EngineVersion, the TLS mode...).
  const wanted = { ...Object.fromEntries(Object.keys(check.properties).map(p => [p, undefined])), ...read };
  const template = literalProperties(stack, check.resource, wanted);
  const compared = Object.fromEntries(Object.entries(template).filter(([p]) => p in read));
  const query = {
    provider: cxschema.ContextProvider.CC_API_PROVIDER,
    props: { typeName: type, exactIdentifier: check.identifier, propertiesToReturn: Object.keys(read) },
    // Each template state is looked up afresh, once: a change always meets the deployed resource as it is then.
    additionalCacheKey: `state-${createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 16)}`,
  };
  // Not found (a new resource) and not yet looked up (the first synthesis) both read as the dummy: nothing deployed.
  const found: unknown = ContextProvider.getValue(scope, { ...query, dummyValue: [], mustExist: false }).value;
  const deployed = Array.isArray(found) && found.length > 0 ? found[0] as Record<string, unknown> : undefined;
  if (!deployed) {
    return;
  }
  const key = ContextProvider.getKey(scope, query).key;
  const cached = `(The deployed values were looked up for this template and are cached in cdk.context.json under '${key}': `
    + `after a deployment outside this app, refresh them with cdk context --reset '${key}'.)`;
  // What the lookup does not read (EngineVersion of a group, the TLS mode...) is taken as unchanged.
  const refusal = refusedTransition(type, { ...template, ...pick(deployed, Object.keys(read)) }, template);
  if (refusal) {
    const property = refusal.properties[0];
    invalid(scope, check.properties[property] ?? property, phrase(`${describeValue(template[property])} (deployed: ${describeValue(deployed[property])})`),
      `Allowed: what ElastiCache can move the deployed ${check.what} ${check.identifier} to. ${refusal.reason} ${refusal.steps} ${cached}`);
  }
  for (const property of CREATE_ONLY_PROPERTIES[type] ?? []) {
    if (!(property in compared) || deployed[property] === undefined || same(compared[property], deployed[property])) {
      continue;
    }
    invalid(scope, check.properties[property] ?? property, phrase(`${describeValue(template[property])} (deployed: `
      + `${describeValue(deployed[property])})`), `Allowed: ${describeValue(deployed[property])}, as deployed: ${property} cannot change on the `
      + `live ${check.what} ${check.identifier} (CloudFormation would replace it, and cannot create the replacement under the same `
      + `${check.identifierProp}). To change it, create a new ${check.what} under a new ${check.identifierProp} (restored from a backup), `
      + `move the clients, then remove this one. ${cached}`);
  }
}

/**
 * The template's values of the properties the lookup reads, by their CloudFormation names: the
 * service's default where the template leaves one out, tokens left out (not comparable at synth).
 */
function literalProperties(stack: Stack, resource: CfnResource, read: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const l1 = resource as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [property, serviceDefault] of Object.entries(read)) {
    const value = stack.resolve(l1[getterName(property)]) ?? serviceDefault;
    if (value !== undefined && !JSON.stringify(value).match(/"(Ref|Fn::[A-Za-z]+)"/)) {
      out[property] = value;
    }
  }
  return out;
}

/** The L1's getter of a CloudFormation property: its name with a lowercase first letter (`AZMode` -> `azMode`). */
function getterName(property: string): string {
  return property === 'AZMode' ? 'azMode' : property.charAt(0).toLowerCase() + property.slice(1);
}

/** Values as the Cloud Control API and the template write them: numbers and booleans may come back as strings. */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (Array.isArray(v) ? v.map(norm) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function pick(values: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter(k => values[k] !== undefined).map(k => [k, values[k]]));
}
