/**
 * No silent cell (issue 22): every row of the matrix that fails or is refused at deployment, for the
 * three caches, is refused at synth instead when the cache has `verifyDeployedState` and its deployed
 * state is the row's `before`. The lookup is answered as the aws-cdk CLI answers it: the first
 * synthesis reports it missing, the answer (the `before` template's properties of the cache) goes
 * into the context, the second synthesis reads it. The rows the check cannot see are listed, each
 * with why, and stay the plan command's (`cdk-elasticache plan`).
 */
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { CacheValidationError } from '../../lib';
import { NAME_PROPERTIES } from '../../lib/private/transitions';
import { buildApp, Row, State } from './matrix';
import { ALL_ROWS } from './rows';

const ENV = { account: '123456789012', region: 'us-east-1' };
const VERIFY = { verifyDeployedState: true };
const TYPES: Record<string, string> = {
  ReplicationGroupProps: 'AWS::ElastiCache::ReplicationGroup',
  MemcachedClusterProps: 'AWS::ElastiCache::CacheCluster',
  ServerlessCacheProps: 'AWS::ElastiCache::ServerlessCache',
  // The users and the user group of a replication group: its check covers them.
  UserProps: 'AWS::ElastiCache::ReplicationGroup',
  UserGroupProps: 'AWS::ElastiCache::ReplicationGroup',
};

/**
 * What the read handler reports for a property the template leaves out (the service's value for an unset
 * property); a property asked for that is neither set nor here fails the test, as it fails the CLI.
 */
const SERVICE_DEFAULTS: Record<string, unknown> = {
  ClusterMode: 'disabled', AtRestEncryptionEnabled: false, TransitEncryptionEnabled: false, DataTieringEnabled: false, NetworkType: 'ipv4',
  AZMode: 'single-az',
};

/**
 * What a deployment of a state leaves: its cache's properties, and the SSM parameters its stacks write (by
 * name); and the lookups its synthesis reports missing (the same synthesis: no context yet).
 */
interface Deployed {
  readonly properties: Record<string, unknown>;
  readonly parameters: Map<string, string>;
  readonly missing: cxschema.MissingContext[];
}

/** The deployment of each state (its `Cache` stack, env-bound, the check on), by state key: one synthesis each. */
const deployments = new Map<string, Deployed>();
function deployedState(state: State, type: string): Deployed {
  let found = deployments.get(state.key);
  if (!found) {
    const assembly = buildApp(state, { env: ENV, cacheProps: VERIFY }).synth();
    const resources = assembly.stacks
      .flatMap(s => Object.values((s.template.Resources ?? {}) as Record<string, { Type: string; Properties: Record<string, unknown> }>));
    found = {
      missing: assembly.manifest.missing ?? [],
      properties: resources.find(r => r.Type === type)!.Properties,
      parameters: new Map(resources.filter(r => r.Type === 'AWS::SSM::Parameter').map(r => [r.Properties.Name as string, r.Properties.Value as string])),
    };
    deployments.set(state.key, found);
  }
  return found;
}

/**
 * Synthesizes the row's `after` over its deployed `before`, as the CLI does: the lookups the first synthesis
 * reports missing are answered from the `before` deployment (the resource's properties for the Cloud Control
 * API; the parameter, or the dummy value when there is none, for SSM), then the app is synthesized again.
 * The synth-time error, if any, and the warnings that a cache left its stack.
 */
function synthOverBefore(row: Row): { error?: Error; leaves: string[] } {
  const type = TYPES[row.subject] ?? 'AWS::ElastiCache::ReplicationGroup';
  const { properties: before, parameters } = deployedState(row.before, type);
  const { missing } = deployedState(row.after, type);
  const context: Record<string, unknown> = {};
  for (const m of missing.filter(x => x.provider === 'ssm')) {
    const props = m.props as unknown as { parameterName: string; dummyValue: string; ignoreErrorOnMissingContext: boolean };
    expect(props.ignoreErrorOnMissingContext).toBe(true);
    context[m.key] = parameters.get(props.parameterName) ?? props.dummyValue;
  }
  for (const m of missing.filter(x => x.provider === 'cc-api-provider')) {
    const props = m.props as { exactIdentifier: string; propertiesToReturn: string[] };
    if (props.exactIdentifier !== before[NAME_PROPERTIES[type]]) {
      // Another name: not found, a new cache.
      context[m.key] = [];
      continue;
    }
    const answer = Object.fromEntries(props.propertiesToReturn.map(p => {
      const value = before[p] ?? SERVICE_DEFAULTS[p];
      if (value === undefined) {
        throw new Error(`Cannot read field ${p}. ${p} is not found.`);
      }
      return [p, value];
    }));
    context[m.key] = [{ ...answer, Identifier: props.exactIdentifier }];
  }
  try {
    const assembly = buildApp(row.after, { env: ENV, cacheProps: VERIFY, context }).synth();
    const leaves = assembly.stacks.flatMap(s => s.messages.map(m => `${s.stackName}: ${m.entry.data}`))
      .filter(m => m.includes('cdk-elasticache:cacheLeavesStack'));
    return { leaves };
  } catch (e) {
    return { error: e as Error, leaves: [] };
  }
}

/** The synth-time error of a row, if any. */
function synthAfterOverBefore(row: Row): Error | undefined {
  return synthOverBefore(row).error;
}

const unsafe = ALL_ROWS.filter(r => TYPES[r.subject] && (r.expected === 'fails' || r.expected === 'refused' || r.expected === 'replaced'));

const name = (r: Row) => `${r.subject}.${r.prop}: ${r.change} (${r.expected})`;

describe('verifyDeployedState refuses at synth what would fail or be refused at deployment', () => {
  test('there are such rows', () => {
    expect(unsafe.length).toBeGreaterThan(40);
  });

  test.each(unsafe.map(r => [name(r), r] as const))('%s', (_, row) => {
    const error = synthAfterOverBefore(row);
    expect(error).toBeInstanceOf(CacheValidationError);
    // The prop, the new and the deployed value, and what works.
    expect(error!.message).toMatch(/: Invalid [a-zA-Z0-9]+: got .* \(deployed: .*\)\. Allowed: /);
    expect(error!.message).toMatch(/cdk context --reset/);
  });
});

/** What deploys (in place, or nothing to do) must synthesize with the check on: a refusal there would block a good change. */
const safe = ALL_ROWS.filter(r => TYPES[r.subject] && (r.expected === 'in-place' || r.expected === 'unchanged'));

describe('verifyDeployedState lets through what deploys', () => {
  test('there are such rows', () => {
    expect(safe.length).toBeGreaterThan(40);
  });

  test.each(safe.map(r => [name(r), r] as const))('%s', (_, row) => {
    expect(synthOverBefore(row)).toEqual({ leaves: [] });
  });
});

/**
 * A cache's identity: a renamed construct, or a cache moved to another stack, is a new cache. The warning
 * names the deployed one, on the stack it leaves.
 */
const identity = ALL_ROWS.filter(r => r.subject === 'identity');

describe('verifyDeployedState warns when a cache leaves its stack', () => {
  test('there are such rows', () => {
    expect(identity.map(r => r.expected).sort()).toEqual(['export-in-use', 'fails', 'replaced', 'replaced', 'replaced']);
  });

  test.each(identity.map(r => [name(r), r] as const))('%s', (_, row) => {
    const { error, leaves } = synthOverBefore(row);
    expect(error).toBeUndefined();
    expect(leaves).toHaveLength(1);
    expect(leaves[0])
      .toMatch(/^Cache: The replication group '[a-z0-9-]+' \(logical id \w+\), deployed by this stack, is not in its template any more: /);
    expect(leaves[0]).toMatch(/overrideLogicalId\('\w+'\)/);
    // The new cache it pairs with: in the same stack for a renamed construct, in Cache2 for a moved one.
    expect(leaves[0]).toMatch(/while (Cache|Cache2)\/\w+ \('[a-z0-9-]+'\) is new/);
  });
});
