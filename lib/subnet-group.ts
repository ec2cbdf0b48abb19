import { IResource, RemovalPolicy, Resource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { aws_elasticache as refs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { CacheValidationError } from './validation-error';
import { generateName, helperRemovalPolicy, lowercase } from './private/names';
import { validateSubnetSelection } from './private/subnets';
import { isToken, validateLength } from './private/validation';
import { validateKnownProps } from './private/known-props';

/** An ElastiCache subnet group: the subnets of a VPC that cache nodes are placed in. */
export interface ISubnetGroup extends IResource, refs.ISubnetGroupRef {
  /**
   * The name of the subnet group.
   * @attribute
   */
  readonly subnetGroupName: string;
}

/** Properties of a `SubnetGroup`. */
export interface SubnetGroupProps {
  /** The VPC whose subnets the group holds. */
  readonly vpc: ec2.IVpc;
  /**
   * Which subnets of the VPC to use.
   * @default - the VPC's private subnets (`vpc.selectSubnets()`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The name of the subnet group: letters, digits and hyphens, at most 255 characters;
   * stored lowercase, so it is lowercased here.
   * @default - a name generated from the construct path
   */
  readonly subnetGroupName?: string;
  /**
   * A description.
   * @default - 'Subnet group for ElastiCache' followed by the construct path
   */
  readonly description?: string;
  /**
   * What happens to the subnet group when it leaves the stack. `RETAIN` keeps it; any other
   * policy deletes it (a subnet group holds no data).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An ElastiCache subnet group.
 *
 * @resource AWS::ElastiCache::SubnetGroup
 */
export class SubnetGroup extends Resource implements ISubnetGroup {
  /** Imports an existing subnet group by name. */
  public static fromSubnetGroupName(scope: Construct, id: string, subnetGroupName: string): ISubnetGroup {
    return new class extends Resource implements ISubnetGroup {
      public readonly subnetGroupName = subnetGroupName;
      public readonly subnetGroupRef = { cacheSubnetGroupName: subnetGroupName };
    }(scope, id);
  }

  public readonly subnetGroupName: string;
  /** The subnets in the group. */
  public readonly subnets: ec2.ISubnet[];

  constructor(scope: Construct, id: string, props: SubnetGroupProps) {
    super(scope, id, { physicalName: lowercase(props.subnetGroupName) });
    validateKnownProps(this, 'SubnetGroup', props);
    validateLength(this, 'subnetGroupName', props.subnetGroupName, 1, 255);
    if (props.subnetGroupName !== undefined && !isToken(props.subnetGroupName) && !/^[a-zA-Z0-9-]+$/.test(props.subnetGroupName)) {
      throw new CacheValidationError(`Invalid subnetGroupName: got '${props.subnetGroupName}'. Allowed: letters, digits `
        + 'and hyphens.', this);
    }
    const selection = props.vpc.selectSubnets(props.vpcSubnets);
    validateSubnetSelection(this, selection);
    this.subnets = selection.subnets;

    const resource = new CfnSubnetGroup(this, 'Resource', {
      description: props.description ?? `Subnet group for ElastiCache ${this.node.path}`,
      subnetIds: selection.subnetIds,
      cacheSubnetGroupName: lowercase(props.subnetGroupName) ?? generateName(this, 255),
    });
    resource.applyRemovalPolicy(helperRemovalPolicy(props.removalPolicy));
    this.subnetGroupName = resource.ref;
  }

  /** A reference to this subnet group, for L1 constructs and the generated reference interfaces. */
  public get subnetGroupRef(): refs.SubnetGroupReference {
    return { cacheSubnetGroupName: this.subnetGroupName };
  }
}
