/**
 * The update-path matrix (issue 22): what deploying one state of an app over another does to its
 * caches, as CloudFormation would do it, read with lib/ops/plan.ts (aws-cdk's own diff engine plus
 * the cross-stack export rule and the transitions ElastiCache refuses).
 *
 * A state is a three-stack app: `Network` (a VPC over 3 AZs, no NAT), `Cache` (the construct under
 * test and what it needs: keys, users, user groups, subnet and parameter groups) and `Consumer` (a
 * Lambda function in the VPC wired with `connectFrom()`). Each state is synthesized once per test file,
 * by its key, however many pairs use it; a pair is classed by the worst finding of the cache stack's
 * ElastiCache resources and of the exports in use, its findings kept for the messages.
 */
import { App, Environment, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PlanClass, PlanFinding, planChanges, StackTemplates } from '../../lib/ops/plan';

/** What a state's builder gets: the app, its network and the stacks. */
export interface StateContext {
  readonly app: App;
  readonly network: Stack;
  readonly vpc: ec2.Vpc;
  /** The stack of the cache (`Cache`). */
  readonly cacheStack: Stack;
  /** Creates (once) and returns a stack of the app by id (`Consumer`, `Consumer2`, `Cache2`...). */
  stack(id: string): Stack;
  /** A second VPC in the network stack (created on the first call). */
  otherVpc(): ec2.Vpc;
  /** A Lambda function in the VPC, in `scope` (by default the `Consumer` stack). */
  consumer(scope?: Construct, id?: string): lambda.Function;
  /** Props every cache of the state gets on top of its own (the deployed-state sweep adds `verifyDeployedState`). */
  readonly cacheProps: { readonly verifyDeployedState?: boolean };
}

/** A state of the app: a unique key and the builder of its cache stack (and consumer). */
export interface State {
  readonly key: string;
  readonly build: (ctx: StateContext) => void;
  /** The app's context (a reference strength, `@aws-cdk/core:defaultCrossStackReferences`). */
  readonly context?: Record<string, unknown>;
}

/** The context key of aws-cdk-lib's cross-stack reference strength (`strong`, `both`, `weak`). */
export const REFERENCE_STRENGTH = '@aws-cdk/core:defaultCrossStackReferences';

/**
 * The same state in an app whose cross-stack references have the given strength: `weak` reads another stack's
 * outputs with `Fn::GetStackOutput` (no export, so no export in use), `both` keeps the exports and reads the outputs
 * (aws-cdk-lib's transition from strong to weak).
 */
export function withReferences(s: State, strength: 'strong' | 'both' | 'weak'): State {
  return { key: `${s.key}@${strength}`, build: s.build, context: { ...s.context, [REFERENCE_STRENGTH]: strength } };
}

/** Defines a state. The key names it in the matrix and memoizes its synthesis: give distinct states distinct keys. */
export function state(key: string, build: (ctx: StateContext) => void): State {
  return { key, build };
}

/** The subnet groups of the VPC: one public, two isolated (the default selection takes both isolated ones). */
export const SUBNETS = { public: 'Public', data: 'Data', other: 'Other' } as const;

/** How an app is built: env-agnostic by default, as the matrix's templates are. */
export interface BuildOptions {
  /** The environment of every stack (the deployed-state sweep needs env-bound stacks). */
  readonly env?: Environment;
  /** The app's context (lookups answered). */
  readonly context?: Record<string, unknown>;
  /** Props every cache of the state gets. */
  readonly cacheProps?: StateContext['cacheProps'];
}

/** The app of a state. */
export function buildApp(s: State, options: BuildOptions = {}): App {
  const app = new App({ context: options.context });
  const network = new Stack(app, 'Network', { env: options.env });
  // Dual stack, so that the rows that move a cache to NetworkType.DUAL_STACK are on subnets that take it.
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 3, natGateways: 0, ipProtocol: ec2.IpProtocol.DUAL_STACK, subnetConfiguration: [
      { name: SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC },
      { name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: SUBNETS.other, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const cacheStack = new Stack(app, 'Cache', { env: options.env });
  const stacks = new Map<string, Stack>([['Network', network], ['Cache', cacheStack]]);
  const stack = (id: string) => {
    let found = stacks.get(id);
    if (!found) {
      found = new Stack(app, id, { env: options.env });
      stacks.set(id, found);
    }
    return found;
  };
  const consumer = (scope: Construct = stack('Consumer'), id = 'Fn') => new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => process.env.CACHE_HOST;'),
    vpc,
    vpcSubnets: { subnetGroupName: SUBNETS.data },
  });
  const otherVpc = () => (network.node.tryFindChild('OtherVpc') as ec2.Vpc | undefined)
    ?? new ec2.Vpc(network, 'OtherVpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  s.build({ app, network, vpc, cacheStack, stack, consumer, otherVpc, cacheProps: options.cacheProps ?? {} });
  return app;
}

const synthesized = new Map<string, StackTemplates>();
const builders = new Map<string, string>();
let synthCount = 0;

/** The templates of a state, by stack name: synthesized on the first call for its key. */
export function templates(s: State): StackTemplates {
  const source = s.build.toString();
  if ((builders.get(s.key) ?? source) !== source) {
    throw new Error(`Two states share the key ${s.key} with different builders: give them distinct keys.`);
  }
  builders.set(s.key, source);
  let found = synthesized.get(s.key);
  if (!found) {
    const assembly = buildApp(s, { context: s.context }).synth();
    found = Object.fromEntries(assembly.stacks.map(st => [st.stackName, st.template]));
    synthesized.set(s.key, found);
    synthCount++;
  }
  return found;
}

/** How many states this file synthesized (each once). */
export function synthesisCount(): number {
  return synthCount;
}

/** The classes of a pair from best to worst: a pair is classed by its worst finding. */
export const CLASS_ORDER: readonly PlanClass[] = ['unchanged', 'created', 'in-place', 'deleted', 'replaced', 'export-in-use', 'fails', 'refused'];

/** The class of a pair, and the findings it is read from. */
export interface PairResult {
  readonly class: PlanClass;
  /** The findings that count: the ElastiCache resources of the cache stack (wherever the cache went) and the exports in use. */
  readonly findings: PlanFinding[];
}

/** Classes deploying `after` over `before`. */
export function classify(before: State, after: State): PairResult {
  const report = planChanges(templates(before), templates(after));
  const findings = report.findings.filter(f => f.resourceType === 'Export' || f.stack !== 'Network');
  const worst = findings.reduce<PlanClass>((w, f) => (CLASS_ORDER.indexOf(f.class) > CLASS_ORDER.indexOf(w) ? f.class : w), 'unchanged');
  return { class: worst, findings };
}

/** One line per finding, for a failure message. */
export function describeFindings(findings: readonly PlanFinding[]): string {
  return findings.length === 0 ? '(no finding)'
    : findings.map(f => `${f.class} ${f.stack}/${f.logicalId} (${f.resourceType}) [${f.properties.join(', ')}]: ${f.reason}`).join('\n');
}

/** The constructs (props interfaces) the matrix covers. */
export type Subject = 'ReplicationGroupProps' | 'MemcachedClusterProps' | 'ServerlessCacheProps' | 'UserProps' | 'UserGroupProps' | 'ConnectFromOptions' | 'identity';

/** A row of the matrix: one change of one prop, and the class the engine gives it today. */
export interface Row {
  readonly subject: Subject;
  /** The prop changed (a member of the subject's interface), or what changes (`construct id`, `stack`). */
  readonly prop: string;
  /** The change, in a few words (`6379 -> 6380`). */
  readonly change: string;
  readonly before: State;
  readonly after: State;
  /** The class the engine reports today; a comment says when it is not what the constructs should give. */
  readonly expected: PlanClass;
  /** What works instead, or why the class is what it is, for the docs table. */
  readonly note?: string;
}

/** Defines the tests of a list of rows: one per row, named by subject, prop and change. */
export function testRows(rows: readonly Row[]): void {
  for (const row of rows) {
    test(`${row.subject}.${row.prop}: ${row.change} is ${row.expected}`, () => {
      const result = classify(row.before, row.after);
      if (result.class !== row.expected) {
        throw new Error(`${row.subject}.${row.prop} (${row.change}): expected ${row.expected}, the engine says ${result.class}:\n`
          + describeFindings(result.findings));
      }
    });
  }
}

/** A recipe: states deployed one after another, each step's class. */
export interface Recipe {
  readonly name: string;
  /** Each step: the state deployed, the class the engine reports today, the class the step must give once the constructs are fixed. */
  readonly steps: ReadonlyArray<{ readonly to: State; readonly expected: PlanClass; readonly goal: PlanClass }>;
  readonly from: State;
}

/** Defines one test per step of each recipe (the step from the previous state). */
export function testRecipes(recipes: readonly Recipe[]): void {
  for (const recipe of recipes) {
    describe(recipe.name, () => {
      recipe.steps.forEach((step, i) => {
        const from = i === 0 ? recipe.from : recipe.steps[i - 1].to;
        const goal = step.goal === step.expected ? '' : ` (goal: ${step.goal})`;
        test(`step ${i + 1}: ${from.key} -> ${step.to.key} is ${step.expected}${goal}`, () => {
          const result = classify(from, step.to);
          if (result.class !== step.expected) {
            throw new Error(`${recipe.name}, step ${i + 1}: expected ${step.expected}, the engine says ${result.class}:\n${describeFindings(result.findings)}`);
          }
        });
      });
    });
  }
}
