import { AddressPolicy } from './address-policy';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.forbiddenRange(address)).toBe(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])('allows the public address %s', (address) => {
    expect(policy.forbiddenRange(address)).toBeUndefined();
  });

  it('allows exactly what the operator allowlists', () => {
    const local = new AddressPolicy(['127.0.0.1/32', '10.0.0.0/8']);
    expect(local.forbiddenRange('127.0.0.1')).toBeUndefined();
    expect(local.forbiddenRange('::ffff:127.0.0.1')).toBeUndefined();
    expect(local.forbiddenRange('10.200.0.1')).toBeUndefined();
    expect(local.forbiddenRange('127.0.0.2')).toBe('loopback');
    expect(local.forbiddenRange('::1')).toBe('loopback');
  });

  it('refuses a malformed allowlist entry at construction', () => {
    expect(() => new AddressPolicy(['localhost'])).toThrow('not a CIDR');
  });
});
