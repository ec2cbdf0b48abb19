/**
 * `cdk-elasticache plan`: the day-two plan (plan.ts) of two cloud assemblies, or of the templates
 * deployed in an account (CloudFormation GetTemplate) against an assembly, for a person or a pipeline.
 *
 * Runtime code: no aws-cdk-lib. `@aws-sdk/client-cloudformation` is an optional dependency, loaded
 * on the first `--deployed` plan.
 */
import type * as cfn from '@aws-sdk/client-cloudformation';
import { ClientOptions, commandClientConfig, instrumentCalls } from './client';
import { OpsError } from './errors';
import {
  AssemblyStack, CfnTemplate, PlanClass, PlanFinding, PlanReport, planChanges, readAssemblyStacks, readAssemblyTemplates, StackTemplates,
  UNSAFE_CLASSES,
} from './plan';

/** A plan as the command reports it. */
export interface PlanResult extends PlanReport {
  /** The stacks compared (both sides), in order. */
  readonly stacks: string[];
  /** With `--deployed`: the stacks of the assembly that are not deployed, compared as new stacks. */
  readonly notDeployed?: string[];
}

/** What both plans take. */
export interface PlanOptions {
  /**
   * Only report (and judge) the findings of these stacks; every stack is still read, for the imports across stacks.
   * @default - every stack of the assembly
   */
  readonly stacks?: string[];
}

/** `planDeployed`'s options. */
export interface DeployedPlanOptions extends PlanOptions {
  /**
   * The CloudFormation client of a stack's region: the region the stack is pinned to (`env`), or
   * `undefined` for an environment-agnostic stack (the default region). Called once per region.
   */
  readonly client: (region: string | undefined) => cfn.CloudFormationClient;
}

/** The plan of deploying the cloud assembly `afterDir` over the one in `beforeDir` (two `cdk synth` outputs). */
export function planAssemblies(beforeDir: string, afterDir: string, options: PlanOptions = {}): PlanResult {
  const before = readAssemblyTemplates(beforeDir);
  const after = readAssemblyTemplates(afterDir);
  return selectStacks(before, after, options.stacks);
}

/**
 * The plan of deploying the cloud assembly `afterDir` over what is deployed: each stack's template from
 * CloudFormation (GetTemplate, stage `Original`); a stack that does not exist is a new one.
 */
export async function planDeployed(afterDir: string, options: DeployedPlanOptions): Promise<PlanResult> {
  const stacks = readAssemblyStacks(afterDir);
  const clients = new Map<string | undefined, cfn.CloudFormationClient>();
  const clientOf = (stack: AssemblyStack) => {
    if (!clients.has(stack.region)) {
      clients.set(stack.region, options.client(stack.region));
    }
    return clients.get(stack.region)!;
  };
  const deployed = await Promise.all(stacks.map(s => deployedTemplate(clientOf(s), s.name)));
  const before: StackTemplates = {};
  const notDeployed: string[] = [];
  stacks.forEach((s, i) => {
    if (deployed[i]) {
      before[s.name] = deployed[i];
    } else {
      notDeployed.push(s.name);
    }
  });
  const after = Object.fromEntries(stacks.map(s => [s.name, s.template]));
  return { ...selectStacks(before, after, options.stacks), notDeployed };
}

/**
 * The template CloudFormation holds for the stack `stackName` (as submitted: stage `Original`), or
 * `undefined` when no stack has that name. JSON only (what `cdk deploy` submits).
 */
export async function deployedTemplate(client: cfn.CloudFormationClient, stackName: string): Promise<CfnTemplate | undefined> {
  const { GetTemplateCommand } = cloudFormation();
  let body: string | undefined;
  try {
    body = (await client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }))).TemplateBody;
  } catch (e) {
    if (e instanceof Error && e.name === 'ValidationError' && /does not exist/.test(e.message)) {
      return undefined;
    }
    throw e;
  }
  try {
    const template = JSON.parse(body ?? '') as unknown;
    if (template && typeof template === 'object' && !Array.isArray(template)) {
      return template as CfnTemplate;
    }
  } catch {
    // said below
  }
  throw new OpsError(`The deployed template of the stack ${stackName} is not JSON (a YAML template?): the plan reads JSON templates, `
    + 'what cdk deploy submits; compare two assemblies with --before and --after instead.');
}

/** Whether a plan may be deployed without a look (no finding of an unsafe class). */
function isSafe(findings: PlanFinding[]): boolean {
  return findings.every(f => !UNSAFE_CLASSES.includes(f.class));
}

/** The plan of the stacks named (all when `stacks` is empty): an OpsError for a name neither side has. */
function selectStacks(before: StackTemplates, after: StackTemplates, stacks: string[] | undefined): PlanResult {
  const report = planChanges(before, after);
  const known = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (!stacks || stacks.length === 0) {
    return { ...report, stacks: known };
  }
  const unknown = stacks.filter(s => !known.includes(s));
  if (unknown.length > 0) {
    throw new OpsError(`No stack named ${unknown.join(', ')} on either side (the stacks: ${known.join(', ')}).`);
  }
  const findings = report.findings.filter(f => stacks.includes(f.stack));
  return { findings, safe: isSafe(findings), stacks: known.filter(s => stacks.includes(s)) };
}

/** How each class reads in the plan. */
export const PLAN_CLASS_LABELS: Readonly<Record<PlanClass, string>> = Object.freeze({
  'unchanged': 'unchanged',
  'in-place': 'in place',
  'replaced': 'REPLACED',
  'fails': 'WILL FAIL',
  'refused': 'REFUSED TRANSITION',
  'export-in-use': 'EXPORT IN USE',
  'created': 'created',
  'deleted': 'DELETED',
});

/** The summary's words for several findings of a class, where they differ. */
const PLURALS: Partial<Record<PlanClass, string>> = { 'refused': 'refused transitions', 'export-in-use': 'exports in use' };

/** The order of the summary: the unsafe classes first. */
const SUMMARY_ORDER: PlanClass[] = ['fails', 'refused', 'export-in-use', 'replaced', 'deleted', 'in-place', 'created'];

/**
 * The plan for a terminal or a CI log: per stack, each changed ElastiCache resource (and each export in
 * use) with its class, the reason and the steps that work, then a summary line. `before` and `after`
 * say what was compared (`cdk.out`, `the deployed stacks`...).
 */
export function formatPlan(result: PlanResult, sides: { before?: string; after?: string } = {}): string {
  const lines: string[] = [];
  if (sides.before || sides.after) {
    lines.push(`Plan: deploying ${sides.after ?? 'after'} over ${sides.before ?? 'before'}`);
  }
  if (result.notDeployed && result.notDeployed.length > 0) {
    lines.push(`Not deployed (compared as new stacks): ${result.notDeployed.join(', ')}`);
  }
  const shown = result.findings.filter(f => f.class !== 'unchanged');
  for (const stack of [...new Set(shown.map(f => f.stack))]) {
    lines.push('', `Stack ${stack}`);
    // Resources in template order, then the exports of the stack.
    const ofStack = shown.filter(f => f.stack === stack);
    for (const f of [...ofStack.filter(x => x.resourceType !== 'Export'), ...ofStack.filter(x => x.resourceType === 'Export')]) {
      const what = f.resourceType === 'Export' ? `export ${f.logicalId}` : `${f.logicalId} (${f.resourceType})`;
      const props = f.properties.length > 0 && f.resourceType !== 'Export' ? `: ${f.properties.join(', ')}` : '';
      lines.push(`  ${PLAN_CLASS_LABELS[f.class]}  ${what}${props}`, `    ${f.reason}`);
      if (f.steps) {
        lines.push(`    Steps: ${f.steps}`);
      }
    }
  }
  if (lines.length > 0) {
    lines.push('');
  }
  lines.push(summary(result, shown));
  return `${lines.join('\n')}\n`;
}

function summary(result: PlanResult, shown: PlanFinding[]): string {
  const stacks = `${result.stacks.length} stack${result.stacks.length === 1 ? '' : 's'}`;
  if (shown.length === 0) {
    return `Nothing to do: no ElastiCache resource and no export in use changes (${stacks} compared).`;
  }
  const counts = SUMMARY_ORDER.map(c => [c, shown.filter(f => f.class === c).length] as const).filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${n > 1 ? PLURALS[c] ?? PLAN_CLASS_LABELS[c].toLowerCase() : PLAN_CLASS_LABELS[c].toLowerCase()}`).join(', ');
  return result.safe
    ? `Safe to deploy: ${counts} (${stacks} compared).`
    : `Not safe to deploy: ${counts} (${stacks} compared); the steps above say what works.`;
}

let cfnModule: typeof cfn | undefined;
/** `@aws-sdk/client-cloudformation`, loaded on first use: an OpsError when it is not installed. */
function cloudFormation(): typeof cfn {
  if (!cfnModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cfnModule = require('@aws-sdk/client-cloudformation') as typeof cfn;
    } catch (e) {
      throw new OpsError('plan --deployed needs the package @aws-sdk/client-cloudformation (an optional dependency of cdk-elasticache): '
        + `npm install @aws-sdk/client-cloudformation (${(e as Error).message.split('\n')[0]}).`);
    }
  }
  return cfnModule;
}

/** The command's CloudFormation client, configured as its ElastiCache client (region, profile, endpoint, folded warnings). */
export function createCloudFormationCommandClient(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): cfn.CloudFormationClient {
  const { CloudFormationClient } = cloudFormation();
  return instrumentCalls(new CloudFormationClient(commandClientConfig(options, env)), options.deadline);
}
