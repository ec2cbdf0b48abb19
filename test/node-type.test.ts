import { Token } from 'aws-cdk-lib';
import { NodeType } from '../lib';
import { CacheValidationError } from '../lib/validation-error';

describe('NodeType', () => {
  test('parses family and size', () => {
    const t = NodeType.of('cache.r7g.xlarge');
    expect(t.name).toBe('cache.r7g.xlarge');
    expect(t.family).toBe('r7g');
    expect(t.size).toBe('xlarge');
    expect(`${t}`).toBe('cache.r7g.xlarge');
  });

  test.each([
    [NodeType.T4G_MICRO, 2], [NodeType.T2_MICRO, 1], [NodeType.T2_SMALL, 1], [NodeType.T2_MEDIUM, 2],
    [NodeType.T3_MEDIUM, 2], [NodeType.R7G_LARGE, 2], [NodeType.R7G_XLARGE, 4], [NodeType.R7G_2XLARGE, 8],
    [NodeType.R7G_4XLARGE, 16], [NodeType.R7G_8XLARGE, 32], [NodeType.R7G_12XLARGE, 48], [NodeType.R7G_16XLARGE, 64],
    [NodeType.of('cache.m5.24xlarge'), 96], [NodeType.of('cache.m4.10xlarge'), 40], [NodeType.of('cache.m3.medium'), 1],
    [NodeType.of('cache.t1.micro'), 1], [NodeType.R6GD_XLARGE, 4],
  ])('%s has %d vCPUs', (t, vcpus) => {
    expect(t.vcpus).toBe(vcpus);
  });

  test('unknown sizes have no vCPU count unless given', () => {
    expect(NodeType.of('cache.x9.7xlarge').vcpus).toBeUndefined();
    expect(NodeType.of('cache.x9.7xlarge', { vcpus: 28 }).vcpus).toBe(28);
  });

  test.each([
    // name, burstable, previous generation, data tiering, backups, multi-AZ, TLS, at rest, IPv6
    ['cache.t4g.micro', true, false, false, true, true, true, true, true],
    ['cache.t2.micro', true, false, false, true, true, true, true, false],
    ['cache.t1.micro', true, true, false, false, false, true, false, false],
    ['cache.m1.small', false, true, false, true, true, false, false, false],
    ['cache.m3.large', false, true, false, true, true, true, true, false],
    ['cache.r4.large', false, false, false, true, true, true, true, false],
    ['cache.r6gd.xlarge', false, false, true, true, true, true, true, true],
    ['cache.r7g.large', false, false, false, true, true, true, true, true],
    ['cache.c7gn.large', false, false, false, true, true, true, true, true],
  ])('%s capabilities', (name, burstable, previous, tiering, backups, multiAz, tls, atRest, ipv6) => {
    const t = NodeType.of(name);
    expect([t.isBurstable, t.isPreviousGeneration, t.supportsDataTiering, t.supportsBackups, t.supportsMultiAz,
      t.supportsTransitEncryption, t.supportsAtRestEncryption, t.supportsIpv6])
      .toEqual([burstable, previous, tiering, backups, multiAz, tls, atRest, ipv6]);
  });

  test.each([
    ['r7g.large', "Invalid node type: got 'r7g.large'. Allowed: 'cache.<family>.<size>'"],
    ['cache.r7g', "got 'cache.r7g'"],
    ['cache.r7g.huge', "got 'cache.r7g.huge'"],
    ['cache.R7G.large', "got 'cache.R7G.large'"],
    ['', "got ''"],
  ])('rejects %p', (name, message) => {
    expect(() => NodeType.of(name)).toThrow(CacheValidationError);
    expect(() => NodeType.of(name)).toThrow(message);
  });

  test('rejects a token and a bad vCPU count', () => {
    expect(() => NodeType.of(Token.asString({ Ref: 'T' }))).toThrow('Invalid node type: got a token');
    expect(() => NodeType.of('cache.r7g.large', { vcpus: 0 })).toThrow('Invalid vcpus of node type cache.r7g.large: got 0. Allowed: a positive integer.');
  });
});
