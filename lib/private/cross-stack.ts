import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Where what a consumer adds to a resource of another stack (an ingress rule on the cache's security
 * group, a grant on the key of its secrets) belongs: in the consumer's stack when that stack is the one
 * that depends on the resource's stack, so that the consumer's stack references the resource's and not
 * the other way round (which, with the consumer also reading the cache's endpoint or secret, is a
 * dependency cycle).
 *
 * The consumer's stack is taken to depend on the resource's when, in this order:
 *
 * 1. it depends on it explicitly (`consumerStack.addDependency(resourceStack)`, directly or
 *    transitively): yes;
 * 2. the resource's stack depends explicitly on the consumer's: no;
 * 3. otherwise, it was created after the resource's stack (a stack created before another cannot
 *    have been handed that stack's constructs in its constructor): yes, and no when created before
 *    (a VPC or security group stack that the cache's stack uses).
 *
 * Same stack: false (nothing changes within one stack).
 */
export function belongsToConsumerStack(resource: IConstruct, consumer: IConstruct): boolean {
  const resourceStack = Stack.of(resource);
  const consumerStack = Stack.of(consumer);
  if (resourceStack === consumerStack) {
    return false;
  }
  if (dependsOn(consumerStack, resourceStack)) {
    return true;
  }
  if (dependsOn(resourceStack, consumerStack)) {
    return false;
  }
  return createdAfter(consumerStack, resourceStack);
}

/** Whether `stack` depends on `other` through explicit stack dependencies, transitively. */
function dependsOn(stack: Stack, other: Stack): boolean {
  const seen = new Set<Stack>();
  const queue = [...stack.dependencies];
  while (queue.length) {
    const next = queue.shift()!;
    if (next === other) {
      return true;
    }
    if (!seen.has(next)) {
      seen.add(next);
      queue.push(...next.dependencies);
    }
  }
  return false;
}

/** Whether `a` comes after `b` in the construct tree (was created later, or is nested in it). */
function createdAfter(a: IConstruct, b: IConstruct): boolean {
  const pathA = a.node.scopes;
  const pathB = b.node.scopes;
  let i = 0;
  while (i < pathA.length && i < pathB.length && pathA[i] === pathB[i]) {
    i++;
  }
  if (i === pathA.length || i === pathB.length) {
    // One contains the other: the nested one comes after its parent.
    return pathA.length > pathB.length;
  }
  const siblings = pathA[i - 1].node.children;
  return siblings.indexOf(pathA[i]) > siblings.indexOf(pathB[i]);
}
