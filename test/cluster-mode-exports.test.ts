import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClusterMode, ReplicationGroup } from '../lib';
import { planChanges, StackTemplates } from '../lib/ops/plan';

/**
 * The migration to cluster mode with a consumer in another stack, wired with connectFrom() (issue 22):
 * step 1 (disabled -> compatible) moves the consumer to the configuration endpoint, while the deployed
 * consumer stack still imports the primary and reader endpoints. CloudFormation refuses to delete an
 * export in use, so the cache stack keeps exporting them through step 1; they go with step 2.
 */

/** The three-stack app of one step: the templates by stack name. */
function step(clusterMode: ClusterMode, consumerInOwnStack = true): StackTemplates {
  const app = new App();
  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cacheStack = new Stack(app, 'Cache');
  const cache = new ReplicationGroup(cacheStack, 'Cache', { vpc, replicationGroupId: 'orders', clusterMode });
  const consumerStack = consumerInOwnStack ? new Stack(app, 'Consumer') : cacheStack;
  const fn = new lambda.Function(consumerStack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'), vpc,
  });
  cache.connectFrom(fn);
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map(s => [s.stackName, s.template]));
}

function exportNames(templates: StackTemplates, stack: string): string[] {
  return Object.values(templates[stack].Outputs ?? {}).map(o => String(o.Export?.Name)).sort();
}

const disabled = step(ClusterMode.DISABLED);
const compatible = step(ClusterMode.COMPATIBLE);

test('step 1 keeps exporting the endpoints the disabled-mode consumer imports, so the update does not roll back', () => {
  const importedBefore = JSON.stringify(disabled.Consumer).match(/Cache:ExportsOutput[A-Za-z0-9]+/g) ?? [];
  expect(importedBefore.some(n => n.includes('PrimaryEndPointAddress'))).toBe(true);
  expect(importedBefore.some(n => n.includes('ReaderEndPointAddress'))).toBe(true);
  for (const name of new Set(importedBefore)) {
    expect(exportNames(compatible, 'Cache')).toContain(name);
  }
  const report = planChanges(disabled, compatible);
  expect(report.findings.filter(f => f.class === 'export-in-use')).toEqual([]);
  expect(report.safe).toBe(true);
});

test('step 1 moves the consumer to the configuration endpoint (it no longer imports the primary endpoint)', () => {
  const imported = JSON.stringify(compatible.Consumer);
  expect(imported).toMatch(/ConfigurationEndPointAddress/);
  expect(imported).not.toMatch(/PrimaryEndPointAddress/);
});

test('the kept exports go with step 2: nothing imports them any more, and the enabled group has no primary endpoint', () => {
  const enabled = step(ClusterMode.ENABLED);
  expect(exportNames(enabled, 'Cache').some(n => n.includes('PrimaryEndPointAddress') || n.includes('ReaderEndPointAddress'))).toBe(false);
  expect(planChanges(compatible, enabled).findings.filter(f => f.class === 'export-in-use')).toEqual([]);
});

test('without the kept exports the same step is an export in use (what the plan reports for a hand-wired consumer)', () => {
  const stripped: StackTemplates = JSON.parse(JSON.stringify(compatible));
  const outputs = stripped.Cache.Outputs as Record<string, { Export?: { Name?: string } }>;
  for (const [id, output] of Object.entries(outputs)) {
    if (/PrimaryEndPointAddress|ReaderEndPointAddress/.test(String(output.Export?.Name))) {
      delete outputs[id];
    }
  }
  const inUse = planChanges(disabled, stripped).findings.filter(f => f.class === 'export-in-use');
  expect(inUse.map(f => f.logicalId).sort()).toEqual(exportNames(compatible, 'Cache').filter(n => /PrimaryEndPoint|ReaderEndPoint/.test(n)));
});

test('a consumer in the cache\'s own stack imports nothing: no export is added', () => {
  expect(step(ClusterMode.COMPATIBLE, false).Cache.Outputs).toBeUndefined();
});
