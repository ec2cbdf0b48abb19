/**
 * The update-path rows of the global datastore (`GlobalDatastoreProps`, a secondary's props, and the
 * primary's props that a datastore takes over). The matrix's three-stack app is environment-agnostic
 * and in one Region; a datastore needs environment-bound stacks in several Regions, so the states are
 * built here: `CachePrimary` (eu-west-1: VPC, primary, datastore), `CacheUsEast1` and
 * `CacheApSoutheast1` (a VPC and a secondary each), classed with lib/ops/plan.ts like the matrix's.
 * Run by test/global-datastore/day-two.test.ts. Not in `ALL_ROWS` (the matrix's table and counts):
 * their subjects are no `Subject` of the matrix.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterMode, GlobalDatastore, GlobalDatastoreProps, NodeType, ReplicationGroup, ReplicationGroupProps,
  SecondaryReplicationGroupOptions, ValkeyVersion } from '../../../lib';
import { PlanClass, PlanFinding, planChanges, StackTemplates } from '../../../lib/ops/plan';
import { CLASS_ORDER } from '../matrix';

const ACCOUNT = '111111111111';
const PRIMARY = 'eu-west-1';
const SECONDARIES = ['us-east-1', 'ap-southeast-1'];

/** A state: the primary's props, the datastore's, and the secondaries (by Region) with their props. */
export interface GlobalDatastoreState {
  readonly key: string;
  readonly primary?: Partial<ReplicationGroupProps>;
  readonly datastore?: Partial<Omit<GlobalDatastoreProps, 'primary'>>;
  readonly secondaries?: Readonly<Record<string, SecondaryReplicationGroupOptions>>;
}

/** The subjects of the rows: the interface whose prop changes. */
export type GlobalDatastoreSubject = 'GlobalDatastoreProps' | 'SecondaryReplicationGroupOptions' | 'ReplicationGroupProps' | 'membership';

/** A row: one change, the class the plan gives it, and what ElastiCache does when the plan cannot tell. */
export interface GlobalDatastoreRow {
  readonly subject: GlobalDatastoreSubject;
  readonly prop: string;
  readonly change: string;
  readonly before: GlobalDatastoreState;
  readonly after: GlobalDatastoreState;
  /** The class `planChanges` reports today. */
  readonly expected: PlanClass;
  /** What the deployment does, and why, for the docs. */
  readonly note: string;
}

function stackName(region: string): string {
  return `Cache${region.split('-').map(p => p[0].toUpperCase() + p.slice(1)).join('')}`;
}

/** Builds the app of a state. */
export function buildGlobalState(s: GlobalDatastoreState): App {
  const context = Object.fromEntries([PRIMARY, ...SECONDARIES].map(r => [`availability-zones:account=${ACCOUNT}:region=${r}`, [`${r}a`, `${r}b`]]));
  const app = new App({ context });
  const vpcOf = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const primaryStack = new Stack(app, 'CachePrimary', { env: { account: ACCOUNT, region: PRIMARY } });
  const primary = new ReplicationGroup(primaryStack, 'Cache', { vpc: vpcOf(primaryStack), replicationGroupId: 'sessions',
    nodeType: NodeType.R7G_LARGE, engine: ValkeyVersion.VER_8_0, ...s.primary });
  const datastore = new GlobalDatastore(primaryStack, 'Global', { primary, globalDatastoreIdSuffix: 'sessions', ...s.datastore });
  for (const [region, props] of Object.entries(s.secondaries ?? {})) {
    const stack = new Stack(app, stackName(region), { env: { account: ACCOUNT, region } });
    datastore.addSecondary(stack, 'Secondary', { vpc: vpcOf(stack), replicationGroupId: 'sessions', ...props });
  }
  return app;
}

const synthesized = new Map<string, StackTemplates>();

/** The templates of a state, synthesized once per key. */
export function globalTemplates(s: GlobalDatastoreState): StackTemplates {
  let found = synthesized.get(s.key);
  if (!found) {
    found = Object.fromEntries(buildGlobalState(s).synth().stacks.map(st => [st.stackName, st.template]));
    synthesized.set(s.key, found);
  }
  return found;
}

/** The class of deploying `after` over `before` (its worst finding) and the findings. */
export function classifyGlobal(before: GlobalDatastoreState, after: GlobalDatastoreState): { class: PlanClass; findings: PlanFinding[] } {
  const findings = planChanges(globalTemplates(before), globalTemplates(after)).findings;
  const worst = findings.reduce<PlanClass>((w, f) => (CLASS_ORDER.indexOf(f.class) > CLASS_ORDER.indexOf(w) ? f.class : w), 'unchanged');
  return { class: worst, findings };
}

const ONE = { [SECONDARIES[0]]: {} };
const TWO = { [SECONDARIES[0]]: {}, [SECONDARIES[1]]: {} };
const PRIMARY_ONLY: GlobalDatastoreState = { key: 'primary-only' };
const ONE_SECONDARY: GlobalDatastoreState = { key: 'one-secondary', secondaries: ONE };
const BASE: GlobalDatastoreState = { key: 'two-secondaries', secondaries: TWO };
const SHARDED = { clusterMode: ClusterMode.ENABLED, shards: 2 };

const D = 'GlobalDatastoreProps' as const;
const S = 'SecondaryReplicationGroupOptions' as const;

export const GLOBAL_DATASTORE_ROWS: GlobalDatastoreRow[] = [
  { subject: 'membership', prop: 'secondary', change: 'the first secondary added (us-east-1)', before: PRIMARY_ONLY, after: ONE_SECONDARY,
    expected: 'created', note: 'a new stack in us-east-1; the primary\'s stack only gains the output the secondary reads (no export)' },
  { subject: 'membership', prop: 'secondary', change: 'a second secondary added (ap-southeast-1)', before: ONE_SECONDARY, after: BASE,
    expected: 'created', note: 'a new stack; the primary\'s and the other secondary\'s templates do not change' },
  { subject: 'membership', prop: 'secondary', change: 'a secondary removed (ap-southeast-1)', before: BASE, after: ONE_SECONDARY,
    expected: 'deleted', note: 'destroy the secondary\'s stack first (cdk destroy CacheApSoutheast1): its group leaves the datastore '
      + 'and is deleted (no final snapshot by default: the primary holds the data)' },
  { subject: D, prop: 'nodeType', change: 'r7g.large -> r7g.xlarge (scale up)', before: BASE,
    after: { key: 'scaled-up', secondaries: TWO, datastore: { nodeType: NodeType.R7G_XLARGE } }, expected: 'in-place',
    note: 'ModifyGlobalReplicationGroup: ElastiCache scales the secondaries first, then the primary; no member template changes' },
  { subject: D, prop: 'engine', change: 'Valkey 8.0 -> 8.2 (minor upgrade)', before: BASE,
    after: { key: 'upgraded-minor', secondaries: TWO, datastore: { engine: ValkeyVersion.VER_8_2 } }, expected: 'in-place',
    note: 'the datastore\'s EngineVersion: every member is upgraded, secondaries first' },
  { subject: D, prop: 'engine', change: 'Valkey 7.2 -> 8.2 (major upgrade)', before: { key: 'valkey7', secondaries: TWO,
    primary: { engine: ValkeyVersion.VER_7_2 } }, after: { key: 'valkey7-upgraded', secondaries: TWO, primary: { engine: ValkeyVersion.VER_7_2 },
    datastore: { engine: ValkeyVersion.VER_8_2 } }, expected: 'in-place',
  note: 'with the new family\'s default parameter group (CacheParameterGroupName, which the datastore takes only with a major upgrade)' },
  { subject: D, prop: 'shards', change: '2 -> 3 (cluster mode enabled)', before: { key: 'sharded', secondaries: TWO, primary: SHARDED },
    after: { key: 'sharded-3', secondaries: TWO, primary: SHARDED, datastore: { shards: 3 } }, expected: 'in-place',
    note: 'GlobalNodeGroupCount: every member reshards' },
  { subject: D, prop: 'globalDatastoreIdSuffix', change: 'sessions -> carts', before: BASE,
    after: { key: 'suffix', secondaries: TWO, datastore: { globalDatastoreIdSuffix: 'carts' } }, expected: 'in-place',
    note: 'unconfirmed: the CDK spec (what the plan reads) updates it in place, Terraform treats it as a new datastore; the '
      + 'secondaries joined the old full id (create-only GlobalReplicationGroupId): keep the suffix as created' },
  { subject: D, prop: 'description', change: 'default -> Sessions', before: BASE,
    after: { key: 'description', secondaries: TWO, datastore: { description: 'Sessions' } }, expected: 'in-place', note: '' },
  { subject: 'ReplicationGroupProps', prop: 'nodeType', change: 'the primary\'s own node type r7g.large -> r7g.xlarge', before: BASE,
    after: { key: 'primary-scaled', secondaries: TWO, primary: { nodeType: NodeType.R7G_XLARGE } }, expected: 'refused',
    note: 'ElastiCache refuses it: "Cluster [...] is part of a global cluster [...]. Request rejected." (a member is not modified '
      + 'directly): scale with GlobalDatastore nodeType and keep the primary\'s props as created' },
  { subject: S, prop: 'replicas', change: '1 -> 2 (us-east-1)', before: BASE,
    after: { key: 'secondary-replicas', secondaries: { ...TWO, [SECONDARIES[0]]: { replicas: 2 } } }, expected: 'in-place',
    note: 'replica counts may differ between Regions: a replica added in us-east-1 only' },
  { subject: S, prop: 'replicationGroupId', change: 'sessions -> sessions-us (us-east-1)', before: BASE,
    after: { key: 'secondary-renamed', secondaries: { ...TWO, [SECONDARIES[0]]: { replicationGroupId: 'sessions-us' } } },
    expected: 'fails', note: 'the id names the group: remove the secondary, then add it under the new name' },
];
