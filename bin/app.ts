#!/usr/bin/env node
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { EvictionPolicy, ParameterGroup, SubnetGroup, ValkeyVersion } from '../lib';

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

/** Builds the example app: every stack `cdk synth` shows. */
export function buildApp(app: App = new App()): App {
  new NetworkStack(app, 'NetworkStack');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
