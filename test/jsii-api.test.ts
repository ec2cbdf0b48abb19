// What the jsii renames (issue 17) keep: the values behind the names jsii made us change.
// scripts/check-jsii.sh (CI) runs jsii itself; this file runs in the jest suite.
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  CacheEngine, CacheValidationError, ConnectionEnvironment, ParameterGroup, ReplicationGroup, User, UserAuthenticationType, UserGroup,
  ValkeyVersion,
} from '../lib';

describe('after the jsii renames', () => {
  const stack = new Stack(new App(), 'Stack');
  new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });

  test('CacheEngine.isSameEngine() compares engines by name (was equals())', () => {
    expect(CacheEngine.VALKEY.isSameEngine(CacheEngine.VALKEY)).toBe(true);
    expect(CacheEngine.MEMCACHED.isSameEngine(CacheEngine.REDIS_OSS)).toBe(false);
    expect((CacheEngine.VALKEY as unknown as Record<string, unknown>).equals).toBeUndefined();
  });

  test('the properties typed optional for jsii are still always set on the classes', () => {
    const user = new User(stack, 'User');
    const redisGroup = new UserGroup(stack, 'Group', { engine: CacheEngine.REDIS_OSS });
    const params = new ParameterGroup(stack, 'Params', { engine: ValkeyVersion.VER_8_2 });
    expect(user.engine).toBe(CacheEngine.VALKEY);
    expect(user.authenticationType).toBe(UserAuthenticationType.PASSWORD);
    expect(new UserGroup(stack, 'Default').engine).toBe(CacheEngine.VALKEY);
    expect(redisGroup.engine).toBe(CacheEngine.REDIS_OSS);
    expect(params.family).toBe('valkey8');
  });

  test('ConnectionEnvironment.ALL_KEYS, a string[] for jsii, cannot be changed', () => {
    expect(Object.isFrozen(ConnectionEnvironment.ALL_KEYS)).toBe(true);
    expect(() => (ConnectionEnvironment.ALL_KEYS as string[]).push('X')).toThrow(TypeError);
    expect(ConnectionEnvironment.ALL_KEYS).toContain(ConnectionEnvironment.HOST);
  });
});

describe('CacheValidationError', () => {
  test('is exported from the package root, is what a synth-time check throws, and names the construct path', () => {
    const stack = new Stack(new App(), 'Errors');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    let thrown: unknown;
    try {
      new ReplicationGroup(stack, 'Cache', { vpc, replicas: 6 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CacheValidationError);
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as CacheValidationError;
    expect(error.name).toBe('CacheValidationError');
    expect(error.constructPath).toBe('Errors/Cache');
    expect(error.message).toMatch(/^Errors\/Cache: Invalid replicas: got 6\. Allowed: /);
  });
});
