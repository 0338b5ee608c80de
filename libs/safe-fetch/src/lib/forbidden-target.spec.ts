import { AddressPolicy } from './address-policy';
import { forbiddenTarget, forbiddenTargetViolations } from './forbidden-target';

describe('forbidden targets', () => {
  const policy = new AddressPolicy([]);

  it.each([
    ['http://10.0.0.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://127.0.0.1:8080/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal form of 127.0.0.1
    ['http://0177.0.0.1/', 'loopback'], // octal form
    ['http://0x7f.1/', 'loopback'], // hex, short form
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:10.0.0.1]/', 'private'], // IPv4-mapped IPv6
    ['http://0.0.0.0/', 'unspecified'],
  ])('refuses %s (%s)', (url, range) => {
    expect(forbiddenTarget(url, policy)).toContain(range);
  });

  it('lets public addresses and host names through (names are checked when connecting)', () => {
    expect(forbiddenTarget('http://93.184.215.14/', policy)).toBeUndefined();
    expect(forbiddenTarget('https://example.org/', policy)).toBeUndefined();
  });

  it('lets what the operator allowlists through', () => {
    expect(forbiddenTarget('http://127.0.0.1:8080/', new AddressPolicy(['127.0.0.1/32']))).toBeUndefined();
  });

  it('names every offending field of a job', () => {
    const violations = forbiddenTargetViolations(
      { startUrls: ['https://example.org/', 'http://10.1.2.3/'], sitemapUrls: ['http://[::1]/sitemap.xml'] },
      [],
    );
    expect(violations.map((v) => v.path)).toEqual(['startUrls.1', 'sitemapUrls.0']);
  });
});
