import { Resource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterMode } from '../cluster-mode';
import { CacheEngineVersion } from '../engine';
import type { GlobalDatastoreAttributes, IGlobalDatastore } from '../global-datastore';
import { NodeType } from '../node-type';
import { SecondaryReplicationGroup, SecondaryReplicationGroupOptions } from '../secondary-replication-group';
import { validateDatastoreShards, validateGlobalDatastoreId, validateGlobalEngine, validateGlobalNodeType } from './global-datastore';

/** A global datastore imported with `GlobalDatastore.fromGlobalDatastoreAttributes()`. */
export class ImportedGlobalDatastore extends Resource implements IGlobalDatastore {
  public readonly globalDatastoreId: string;
  public readonly primaryRegion: string;
  public readonly nodeType: NodeType;
  public readonly engine: CacheEngineVersion;
  public readonly clusterMode: ClusterMode;
  public readonly shards: number;
  public readonly shardIds: string[];
  public readonly port: number;
  public readonly transitEncryption: boolean;
  public readonly atRestEncryption: boolean;
  public readonly customerManagedKey: boolean;

  constructor(scope: Construct, id: string, attrs: GlobalDatastoreAttributes) {
    super(scope, id);
    validateGlobalDatastoreId(this, attrs.globalDatastoreId);
    validateGlobalEngine(this, 'engine', attrs.engine);
    validateGlobalNodeType(this, 'nodeType', attrs.nodeType);
    const clusterMode = attrs.clusterMode ?? ClusterMode.DISABLED;
    const shards = attrs.shards ?? 1;
    validateDatastoreShards(this, shards, clusterMode.clusterEnabled);
    this.globalDatastoreId = attrs.globalDatastoreId;
    this.primaryRegion = attrs.primaryRegion;
    this.nodeType = attrs.nodeType;
    this.engine = attrs.engine;
    this.clusterMode = clusterMode;
    this.shards = shards;
    this.shardIds = Array.from({ length: shards }, (_, i) => String(i + 1).padStart(4, '0'));
    this.port = attrs.port ?? attrs.engine.defaultPort;
    this.transitEncryption = attrs.transitEncryption ?? true;
    this.atRestEncryption = attrs.atRestEncryption ?? true;
    this.customerManagedKey = attrs.customerManagedKey ?? false;
  }

  public addSecondary(scope: Construct, id: string, props: SecondaryReplicationGroupOptions = {}): SecondaryReplicationGroup {
    return new SecondaryReplicationGroup(scope, id, { ...props, globalDatastore: this });
  }
}
