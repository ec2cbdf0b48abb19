#!/usr/bin/env node
import { Annotations, App, CfnOutput, Duration, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ClusterMode, EvictionPolicy, MemcachedCluster, NodeType, ParameterGroup, RedisOssVersion, ReplicationGroup, ServerlessCache,
  SubnetGroup, ValkeyVersion,
} from '../lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LogDelivery, LogDestination } from '../lib';

/**
 * The network the example caches live in: a VPC with private subnets in two AZs,
 * a subnet group over them and a parameter group for a cache-aside workload.
 * Environment-agnostic, so `cdk synth` needs no AWS credentials.
 */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Cache', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ] });

    new SubnetGroup(this, 'CacheSubnets', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    new ParameterGroup(this, 'CacheAside', {
      engine: ValkeyVersion.VER_8_2,
      evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
    });
  }
}

/** Props of the `MemcachedStack`. */
export interface MemcachedStackProps extends StackProps {
  /** The VPC of the `NetworkStack`. */
  readonly vpc: ec2.IVpc;
}

/**
 * The sharded Memcached variant: a 3-node cluster spread across the AZs of the NetworkStack's VPC
 * (TLS on, no persistence), and the security group of an application tier allowed to connect.
 */
export class MemcachedStack extends Stack {
  public readonly cluster: MemcachedCluster;
  public readonly appSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MemcachedStackProps) {
    super(scope, id, props);
    this.cluster = new MemcachedCluster(this, 'Memcached', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      nodes: 3,
    });
    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: props.vpc,
      description: 'The application tier that reads and writes the Memcached cluster',
    });
    this.cluster.connections.allowDefaultPortFrom(this.appSecurityGroup, 'Application tier to Memcached');
    new CfnOutput(this, 'ConfigurationEndpoint', {
      description: 'Memcached configuration endpoint (auto discovery), host:port',
      value: this.cluster.configurationEndpoint.socketAddress,
    });
  }
}

/** Props of the stacks that place a replication group in the NetworkStack's VPC. */
export interface CacheStackProps extends StackProps {
  /** The VPC (from another stack: cross-stack composition). */
  readonly vpc: ec2.IVpc;
}

/**
 * The seed's hands-on walk-through as code: a Redis OSS replication group with cluster mode
 * disabled, one cache.t3.micro node (no replica), Multi-AZ off, encryption at rest and in transit
 * off, backups off, minor versions upgraded automatically, in a new subnet group. For learning
 * only: it synthesizes with a warning for every protection it turns off. The seed's cache.t2.micro
 * can no longer be created; cache.t3.micro is its x86 successor, with no engine-version floor.
 */
export class HandsOnStack extends Stack {
  public readonly cache: ReplicationGroup;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, props);
    this.cache = new ReplicationGroup(this, 'Cache', {
      vpc: props.vpc,
      engine: RedisOssVersion.VER_7_1,
      nodeType: NodeType.T3_MICRO, // the seed's T2 is retired: new T2 clusters cannot be created
      replicas: 0,              // automatic failover follows: off (it needs a replica)
      multiAz: false,
      atRestEncryption: false,
      transitEncryption: false, // and so no AUTH token
      backupRetention: Duration.days(0),
      autoMinorVersionUpgrade: true,
    });
    new CfnOutput(this, 'PrimaryEndpoint', {
      description: 'Primary endpoint (reads and writes), host:port',
      value: this.cache.primaryEndpoint.socketAddress,
    });
  }
}

/**
 * The production default (`new ReplicationGroup(this, 'Cache', { vpc })`: Valkey, a primary and a
 * replica with Multi-AZ failover, encryption at rest and in transit, RBAC with an application user
 * whose password is in Secrets Manager, backups kept 15 days, a final snapshot) and a Lambda function
 * allowed to connect and to read the application user's secret, end to end.
 */
export class CacheStack extends Stack {
  public readonly cache: ReplicationGroup;
  public readonly consumer: lambda.Function;
  /** The interface endpoint through which functions in the isolated subnets reach Secrets Manager. */
  public readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, props);
    const vpc = props.vpc;
    this.cache = new ReplicationGroup(this, 'Cache', { vpc });
    const authSecret = this.cache.authSecret!;

    this.consumer = new lambda.Function(this, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline([
        "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
        'const secrets = new SecretsManagerClient({});',
        'exports.handler = async () => {',
        '  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN }));',
        '  // RBAC: the secret is the application user\'s JSON { username, password }. A Valkey / Redis client connects',
        '  // with TLS to CACHE_HOST:CACHE_PORT and sends AUTH <username> <password> (re-read the secret after a rotation).',
        '  const { username, password } = JSON.parse(SecretString);',
        '  return { host: process.env.CACHE_HOST, port: process.env.CACHE_PORT, username, passwordLength: password.length };',
        '};',
      ].join('\n')),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      timeout: Duration.seconds(10),
      environment: {
        CACHE_HOST: this.cache.primaryEndpoint.hostname,
        CACHE_PORT: this.cache.primaryEndpoint.portAsString,
        CACHE_READER_HOST: this.cache.readerEndpoint.hostname,
        CACHE_SECRET_ARN: authSecret.secretArn,
      },
    });
    this.cache.connections.allowDefaultPortFrom(this.consumer, 'Consumer to the cache');
    authSecret.grantRead(this.consumer);
    // The function runs in isolated subnets: it reaches Secrets Manager through an interface endpoint.
    const endpoint = this.secretsManagerEndpoint = new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
    endpoint.connections.allowDefaultPortFrom(this.consumer, 'Consumer to Secrets Manager');

    // Observability: the recommended alarms notify an SNS topic (subscribe the on-call to it), a
    // dashboard of the key graphs, and the slow log in a new log group kept one month.
    const alarmTopic = new sns.Topic(this, 'CacheAlarms', { displayName: 'ElastiCache alarms', enforceSSL: true });
    this.cache.addRecommendedAlarms({
      actions: [new cloudwatchActions.SnsAction(alarmTopic)],
      okActions: [new cloudwatchActions.SnsAction(alarmTopic)],
    });
    this.cache.addDashboard();
    this.cache.addLogDelivery(LogDelivery.slowLog(LogDestination.newLogGroup()));
    new CfnOutput(this, 'AlarmTopicArn', { description: 'SNS topic of the cache alarms', value: alarmTopic.topicArn });

    new CfnOutput(this, 'PrimaryEndpoint', {
      description: 'Primary endpoint (reads and writes), host:port',
      value: this.cache.primaryEndpoint.socketAddress,
    });
    new CfnOutput(this, 'ReaderEndpoint', {
      description: 'Reader endpoint (reads, spread over the replicas), host:port',
      value: this.cache.readerEndpoint.socketAddress,
    });
    new CfnOutput(this, 'AuthSecretArn', {
      description: 'Secret holding the application user\'s credentials (RBAC), JSON { username, password }',
      value: authSecret.secretArn,
    });
  }
}

/** Props of the `ConsumerStack`. */
export interface ConsumerStackProps extends StackProps {
  /** The VPC of the `NetworkStack`. */
  readonly vpc: ec2.IVpc;
  /** The replication group of the `CacheStack`. */
  readonly cache: ReplicationGroup;
  /** The Secrets Manager endpoint of the `CacheStack`. */
  readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;
}

/**
 * An application in a stack of its own that uses the CacheStack's replication group: a Lambda function in
 * the VPC, wired with the README's one-liners. What it adds (the ingress rule on the cache's security
 * group, the read grant on the secret) lands in this stack, which depends on the CacheStack and not the
 * other way round.
 */
export class ConsumerStack extends Stack {
  public readonly consumer: lambda.Function;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id, props);
    const { cache, vpc } = props;
    const authSecret = cache.authSecret!;
    this.consumer = new lambda.Function(this, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline([
        "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
        'const secrets = new SecretsManagerClient({});',
        'exports.handler = async () => {',
        '  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN }));',
        '  const { username } = JSON.parse(SecretString);',
        '  return { host: process.env.CACHE_HOST, port: process.env.CACHE_PORT, username };',
        '};',
      ].join('\n')),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      timeout: Duration.seconds(10),
      environment: {
        CACHE_HOST: cache.primaryEndpoint.hostname,
        CACHE_PORT: cache.primaryEndpoint.portAsString,
        CACHE_SECRET_ARN: authSecret.secretArn,
      },
    });
    // As within one stack: the rule goes to this stack (the cache's connections see the peer is here).
    cache.connections.allowDefaultPortFrom(this.consumer, 'Api (ConsumerStack) to the cache');
    authSecret.grantRead(this.consumer);
    // An aws-cdk-lib endpoint of another stack: allowed from this side, so that the rule is this stack's too.
    this.consumer.connections.allowToDefaultPort(props.secretsManagerEndpoint, 'Api (ConsumerStack) to Secrets Manager');
  }
}

/**
 * A serverless cache (`new ServerlessCache(this, 'Cache', { vpc })`: Valkey 8, RBAC with an application user whose
 * password is in Secrets Manager, daily snapshots kept 15 days, a final snapshot on delete) with usage limits, its
 * recommended alarms (75% of each limit, throttling, evictions), and a Lambda function allowed to connect to both
 * endpoints (6379 and the reader's 6380) and to read the application user's secret.
 */
export class ServerlessStack extends Stack {
  public readonly cache: ServerlessCache;
  public readonly consumer: lambda.Function;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, props);
    const vpc = props.vpc;
    this.cache = new ServerlessCache(this, 'Cache', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      dataStorageMaximum: Size.gibibytes(10),
      ecpuPerSecondMaximum: 100_000,
    });
    this.consumer = new lambda.Function(this, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline([
        "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
        'const secrets = new SecretsManagerClient({});',
        'exports.handler = async () => {',
        '  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.CACHE_SECRET_ARN }));',
        '  // A Valkey client connects with TLS to CACHE_HOST:CACHE_PORT (writes and reads) or CACHE_READER_HOST:CACHE_READER_PORT',
        '  // (reads from replicas) and authenticates as the application user: AUTH <username> <password>.',
        '  // cdk-elasticache/client does this from the same variables: (await CacheConnection.fromEnvironment().settings()).',
        '  const { username, password } = JSON.parse(SecretString);',
        '  return { host: process.env.CACHE_HOST, port: process.env.CACHE_PORT, readerPort: process.env.CACHE_READER_PORT, username,',
        '    passwordLength: password.length };',
        '};',
      ].join('\n')),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      timeout: Duration.seconds(10),
    });
    // One call: a 6379-6380 rule, read on the application user's secret, the CACHE_* variables (CACHE_SERVERLESS=true, CACHE_CLUSTER=true).
    this.cache.connectFrom(this.consumer);
    const endpoint = new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
    endpoint.connections.allowDefaultPortFrom(this.consumer, 'Consumer to Secrets Manager');

    const alarmTopic = new sns.Topic(this, 'CacheAlarms', { displayName: 'ElastiCache serverless alarms', enforceSSL: true });
    this.cache.addRecommendedAlarms({ actions: [new cloudwatchActions.SnsAction(alarmTopic)] });
    this.cache.addDashboard();
    new CfnOutput(this, 'Endpoint', { description: 'Serverless endpoint (reads and writes), host:port', value: this.cache.endpoint.socketAddress });
    new CfnOutput(this, 'ReaderEndpoint', { description: 'Serverless reader endpoint (reads), host:port',
      value: this.cache.readerEndpoint.socketAddress });
  }
}

/**
 * A sharded, auto-scaled cache (cluster mode enabled): Valkey on cache.r7g.large, 3 shards of a
 * primary and 2 replicas, shards auto scaled from 3 to 12 on the primaries' engine CPU and on
 * memory (more shards on weekday mornings), replicas from 1 to 3 on the replicas' engine CPU; the
 * recommended alarms and the dashboard by role (the member set changes), and an application tier
 * allowed in. Clients speak the cluster protocol through the configuration endpoint.
 */
export class ShardedCacheStack extends Stack {
  public readonly cache: ReplicationGroup;
  public readonly appSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, props);
    this.cache = new ReplicationGroup(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      clusterMode: ClusterMode.ENABLED,
      nodeType: NodeType.R7G_LARGE,
      shards: 3,
      replicas: 2,
    });
    const shards = this.cache.autoScaleShards({ minCapacity: 3, maxCapacity: 12 });
    shards.scaleOnEngineCpuUtilization({ targetUtilizationPercent: 60 });
    shards.scaleOnMemoryUtilization({ targetUtilizationPercent: 70 });
    shards.scaleOnSchedule('WeekdayMornings', {
      schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '7', minute: '0' }),
      minCapacity: 6,
    });
    shards.scaleOnSchedule('Evenings', {
      schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }),
      minCapacity: 3,
    });
    this.cache.autoScaleReplicas({ minCapacity: 1, maxCapacity: 3 })
      .scaleOnEngineCpuUtilization({ targetUtilizationPercent: 50 });
    // Deliberate: the template keeps the counts it was created with; scale through the bounds above.
    for (const id of ['autoScalingShardsReset', 'autoScalingReplicasReset']) {
      Annotations.of(this.cache).acknowledgeWarning(`cdk-elasticache:${id}`, 'Capacity changes go through the auto scaling bounds.');
    }
    this.cache.addRecommendedAlarms();
    this.cache.addDashboard();

    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: props.vpc,
      description: 'The application tier that reads and writes the sharded cache',
    });
    this.cache.connections.allowDefaultPortFrom(this.appSecurityGroup, 'Application tier to the sharded cache');
    new CfnOutput(this, 'ConfigurationEndpoint', {
      description: 'Configuration endpoint (cluster clients discover the shards through it), host:port',
      value: this.cache.configurationEndpoint.socketAddress,
    });
  }
}

/** Builds the example app: every stack `cdk synth` shows. */
export function buildApp(app: App = new App()): App {
  const network = new NetworkStack(app, 'NetworkStack');
  new HandsOnStack(app, 'HandsOnStack', { vpc: network.vpc });
  const cacheStack = new CacheStack(app, 'CacheStack', { vpc: network.vpc });
  new MemcachedStack(app, 'MemcachedStack', { vpc: network.vpc });
  new ConsumerStack(app, 'ConsumerStack', {
    vpc: network.vpc, cache: cacheStack.cache, secretsManagerEndpoint: cacheStack.secretsManagerEndpoint,
  });
  new ShardedCacheStack(app, 'ShardedCacheStack', { vpc: network.vpc });
  new ServerlessStack(app, 'ServerlessStack', { vpc: network.vpc });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
