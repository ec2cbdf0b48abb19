/**
 * The states of the matrix's caches: a replication group, a Memcached cluster or a serverless cache
 * with the props of a state, wired to the consumer with `connectFrom()` (or as the state says).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  ConnectFromOptions, MemcachedCluster, MemcachedClusterProps, ReplicationGroup, ReplicationGroupProps, ServerlessCache,
  ServerlessCacheProps,
} from '../../lib';
import { State, state, StateContext } from './matrix';

/** How a state wires its consumer: `connectFrom()` options, and where the consumer lives. */
export interface Wiring {
  /** The stack of the consumer (default `Consumer`); `null`: no consumer. */
  readonly consumerStack?: string | null;
  /** The options of `connectFrom()`, built in the state's app. */
  readonly options?: (ctx: StateContext, fn: Construct) => ConnectFromOptions;
  /** The construct id of the cache (default `Cache`). */
  readonly id?: string;
  /** The stack of the cache (default `Cache`). */
  readonly cacheStack?: string;
}

interface Connectable {
  connectFrom(consumer: ec2.IConnectable, options?: ConnectFromOptions): unknown;
}

function wire(ctx: StateContext, cache: Connectable, wiring: Wiring): void {
  if (wiring.consumerStack === null) {
    return;
  }
  const fn = ctx.consumer(ctx.stack(wiring.consumerStack ?? 'Consumer'));
  cache.connectFrom(fn, wiring.options?.(ctx, fn));
}

function scopeOf(ctx: StateContext, wiring: Wiring): Construct {
  return wiring.cacheStack ? ctx.stack(wiring.cacheStack) : ctx.cacheStack;
}

/** A customer managed key in the cache stack (one per id). */
export function key(ctx: StateContext, id = 'Key'): kms.IKey {
  return (ctx.cacheStack.node.tryFindChild(id) as kms.IKey | undefined) ?? new kms.Key(ctx.cacheStack, id);
}

/** A replication group state: the props on top of `{ vpc }`. */
export function rg(key_: string, props: (ctx: StateContext) => Partial<ReplicationGroupProps> = () => ({}), wiring: Wiring = {}): State {
  return state(`rg:${key_}`, ctx => {
    const cache = new ReplicationGroup(scopeOf(ctx, wiring), wiring.id ?? 'Cache', { vpc: ctx.vpc, ...ctx.cacheProps, ...props(ctx) });
    wire(ctx, cache, wiring);
  });
}

/** A Memcached cluster state. */
export function mc(key_: string, props: (ctx: StateContext) => Partial<MemcachedClusterProps> = () => ({}), wiring: Wiring = {}): State {
  return state(`mc:${key_}`, ctx => {
    const cache = new MemcachedCluster(scopeOf(ctx, wiring), wiring.id ?? 'Cache', { vpc: ctx.vpc, ...ctx.cacheProps, ...props(ctx) });
    wire(ctx, cache, wiring);
  });
}

/** A serverless cache state. */
export function sl(key_: string, props: (ctx: StateContext) => Partial<ServerlessCacheProps> = () => ({}), wiring: Wiring = {}): State {
  return state(`sl:${key_}`, ctx => {
    const cache = new ServerlessCache(scopeOf(ctx, wiring), wiring.id ?? 'Cache', { vpc: ctx.vpc, ...ctx.cacheProps, ...props(ctx) });
    wire(ctx, cache, wiring);
  });
}
