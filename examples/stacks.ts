// The CDK half of the examples: a VPC, the caches of each strategy, and the consumers wired with
// one call each. `npx cdk synth --app 'npx tsx examples/app.ts'` shows the templates.
import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EvictionPolicy, RedisOssVersion, ReplicationGroup } from '../lib';

/** Placeholder code: bundle the example's module (for example with `NodejsFunction`) in a real app. */
const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');

export class ExamplesNetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ] });
    // The consumers run in isolated subnets (no NAT) and read their cache passwords from Secrets Manager.
    this.vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
  }
}

export interface ExampleStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

/** Database cache: an orders API (Lambda) reading PostgreSQL through a Valkey cache. Every key has a TTL. */
export class DatabaseCacheStack extends Stack {
  public readonly cache: ReplicationGroup;
  public readonly api: lambda.Function;

  constructor(scope: Construct, id: string, props: ExampleStackProps & { readonly databaseHost?: string }) {
    super(scope, id, props);
    this.cache = new ReplicationGroup(this, 'OrdersCache', { vpc: props.vpc, evictionPolicy: EvictionPolicy.VOLATILE_LRU });
    this.api = new lambda.Function(this, 'OrdersApi', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE,
      vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      // What `new Pool()` of `pg` reads; your database's endpoint (an RDS instance, say).
      environment: { PGHOST: props.databaseHost ?? 'orders-db.internal.example', PGDATABASE: 'orders', PGUSER: 'orders_api' },
    });
    // One call: the cache port, read on the app user's secret, and the CACHE_* variables.
    this.cache.connectFrom(this.api);
  }
}

/** Session store: a web tier on ECS Fargate sharing sessions in Redis OSS. Sessions have TTLs. */
export class SessionStoreStack extends Stack {
  public readonly cache: ReplicationGroup;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.cache = new ReplicationGroup(this, 'Sessions', {
      vpc: props.vpc, engine: RedisOssVersion.VER_7_1, evictionPolicy: EvictionPolicy.VOLATILE_TTL,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Web');
    const container = taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22') });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: new ecs.Cluster(this, 'Cluster', { vpc: props.vpc }), taskDefinition, desiredCount: 2,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    // An ECS service: the port from the service, the grant to the task role, the variables on the container.
    this.cache.connectFrom(this.service, { grantee: taskDefinition.taskRole, container });
  }
}

/** Eviction: a product catalog cache whose keys have no TTL, so any key may be evicted (allkeys-lru). */
export class CatalogCacheStack extends Stack {
  public readonly cache: ReplicationGroup;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.cache = new ReplicationGroup(this, 'Catalog', { vpc: props.vpc, evictionPolicy: EvictionPolicy.ALLKEYS_LRU });
    const fn = new lambda.Function(this, 'CatalogApi', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE,
      vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    this.cache.connectFrom(fn, { name: 'catalog' });
  }
}
